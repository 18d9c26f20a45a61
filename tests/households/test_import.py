"""Importing a ward's household list through the page, run by the worker: the common layouts, the
per-row report with nothing saved, "valid rows only", the next year's list, and files that are no list."""

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.households.models import Category, Household, HouseholdMember, ImportStatus
from tests.households.conftest import BA_XUYEN, BACH_QUANG, LUONG_SON_OLD, workbook

PRINTED_LIST = [
    # household columns only on the household's first row, as printed lists do
    ["BQ-001", "Hộ nghèo", "NGUYỄN VĂN AN", "Tổ 5", "NGUYỄN VĂN AN", 1980, "Nam", None],
    [None, None, None, None, "Tran Thi Binh", "12/03/1984", "Nữ", None],
    [None, None, None, None, "Nguyễn Văn Cường", "2010-09-01", "Nam", None],
    ["BQ-002", "cận nghèo", "Lê Thị Dung", "Tổ 7", "Lê Thị Dung", "1975", "nữ", "019175001234"],
]


def _households(db) -> dict[str, Household]:
    db.session.expire_all()
    return {h.household_code: h for h in db.session.scalars(sa.select(Household))}


def test_a_printed_list_is_read_with_its_title_rows_and_filled_down(db, client, organiser, upload):
    data = workbook(
        PRINTED_LIST, title_rows=[["DANH SÁCH HỘ NGHÈO, CẬN NGHÈO NĂM 2026"], ["Phường Bách Quang"]]
    )
    response, job = upload(data)
    assert job.status == ImportStatus.DONE, job.errors
    assert job.counts["households_created"] == 2 and job.counts["members_created"] == 4
    households = _households(db)
    poor, near = households["BQ-001"], households["BQ-002"]
    assert (poor.category, poor.ward_code, poor.list_year, poor.village) == (
        Category.POOR,
        BACH_QUANG,
        2026,
        "Tổ 5",
    )
    assert near.category == Category.NEAR_POOR
    names = {(m.full_name, m.birth_year, m.gender) for m in poor.members}
    assert names == {
        ("Nguyễn Văn An", 1980, "male"),
        ("Tran Thi Binh", 1984, "female"),
        ("Nguyễn Văn Cường", 2010, "male"),
    }
    assert near.members[0].citizen_id == "019175001234"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-status="done"' in page and "4 dòng đã lưu" in page


def test_old_ward_codes_are_mapped_to_todays_ward(db, organiser, upload):
    rows = [["BQ-010", "Hộ nghèo", "Phạm Văn Em", LUONG_SON_OLD, "Phạm Văn Em", 1990, "Nam"]]
    _response, job = upload(
        workbook(rows, ["Mã hộ", "Phân loại", "Chủ hộ", "Mã xã", "Họ tên", "Năm sinh", "Giới tính"]),
        ward=None,
    )
    assert job.status == ImportStatus.DONE, job.errors
    assert _households(db)["BQ-010"].ward_code == BACH_QUANG


def test_a_list_with_bad_rows_saves_nothing_and_reports_each(db, client, organiser, upload):
    rows = [
        *PRINTED_LIST,
        ["BQ-003", "Hộ nghèo", None, None, "Đỗ Văn Giang", 1988, "Nam", "019090001234"],  # ID says 1990
        ["BQ-003", "Hộ nghèo", None, None, "Đỗ Văn Giang", 1988, "Nam", None],  # the same member again
        ["BQ-004", "hộ khá giả", None, None, "Hà Văn Hải", 1970, "Nam", None],  # no such category
        ["BQ-005", "Hộ nghèo", None, None, "Vũ Thị Lan", "31/02/1990", "Nữ", None],  # no such day
        ["BQ-006", "Hộ nghèo", None, None, "Vũ Thị Mai", 1992, "Nữ", None],
    ]
    response, job = upload(workbook(rows))
    assert job.status == ImportStatus.REFUSED
    assert _households(db) == {}
    report = {(row, column): message for row, column, message in job.errors}
    assert "khớp với năm sinh 1988" in report[(6, "Số CCCD/định danh")]
    assert "Trùng thành viên ở dòng 6" not in str(report)  # row 6 failed, so row 7 is not its duplicate
    assert "Không rõ phân loại" in report[(8, "Phân loại hộ")]
    assert "không có thật" in report[(9, "Năm sinh hoặc ngày sinh")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "chưa có gì được lưu" in page and "Chỉ nhập" in page

    # "Import the valid rows only": the same file, its good rows
    from tests.conftest import csrf_token_from

    client.post(f"/manage/households/imports/{job.id}/valid-only", data={"csrf_token": csrf_token_from(page)})
    db.session.expire_all()
    assert db.session.get(type(job), job.id).status == ImportStatus.DONE
    assert set(_households(db)) == {"BQ-001", "BQ-002", "BQ-003", "BQ-006"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdMember)) == 6


def test_duplicated_members_and_citizen_ids_are_refused(db, organiser, upload):
    rows = [
        ["BQ-001", "Hộ nghèo", None, None, "Nguyễn Văn An", 1980, "Nam", None],
        ["BQ-001", "Hộ nghèo", None, None, "NGUYEN VAN AN", 1980, "Nam", None],
        ["BQ-002", "Hộ nghèo", None, None, "Lê Thị Dung", 1975, "Nữ", "019175001234"],
        ["BQ-003", "Hộ nghèo", None, None, "Lê Thị Dung", 1975, "Nữ", "019175001234"],
        ["BQ-001", "Hộ cận nghèo", None, None, "Nguyễn Thị Ba", 1982, "Nữ", None],
    ]
    _response, job = upload(workbook(rows))
    messages = {row: message for row, _column, message in job.errors}
    assert "Trùng thành viên ở dòng 2" in messages[3]
    assert "Trùng số CCCD với dòng 4" in messages[5]
    assert "Khác với phân loại của cùng hộ ở dòng 2" in messages[6]


def test_rows_of_a_ward_outside_the_account_are_refused(db, organiser, upload):
    rows = [
        ["BX-1", "Hộ nghèo", None, BA_XUYEN, "Ngô Văn Tú", 1985, "Nam"],
        ["X-1", "Hộ nghèo", None, "99999", "Ngô Văn Tư", 1985, "Nam"],
    ]
    _response, job = upload(
        workbook(
            rows, ["Mã hộ", "Phân loại hộ", "Chủ hộ", "Mã phường/xã", "Họ và tên", "Năm sinh", "Giới tính"]
        )
    )
    assert job.status == ImportStatus.REFUSED
    messages = [message for _row, _column, message in job.errors]
    assert "không thuộc phạm vi" in messages[0] and "Không có đơn vị hành chính mã 99999" in messages[1]


def test_the_next_years_list_updates_and_households_that_left_become_escaped(db, organiser, upload):
    first = [
        ["BQ-001", "Hộ nghèo", None, None, "Nguyễn Văn An", 1980, "Nam", None],
        [None, None, None, None, "Trần Thị Bình", 1984, "Nữ", None],
        ["BQ-002", "Hộ cận nghèo", None, None, "Lê Thị Dung", 1975, "Nữ", None],
        ["BQ-003", "Hộ nghèo", None, None, "Hà Văn Hải", 1970, "Nam", None],
    ]
    upload(workbook(first), year=2026)
    following = [
        ["BQ-001", "Hộ cận nghèo", None, None, "Nguyễn Văn An", 1980, "Nam", None],  # Bình moved away
        [
            "BQ-003",
            "Hộ nghèo",
            None,
            None,
            "Hà Văn Hải",
            "abc",
            "Nam",
            None,
        ],  # a refused row still names BQ-003
    ]
    _response, job = upload(workbook(following), year=2027, listed_on="20/12/2026")
    assert job.status == ImportStatus.REFUSED
    _response, job = upload(
        workbook(following[:1] + [["BQ-003", "Hộ nghèo", None, None, "Hà Văn Hải", 1970, "Nam", None]]),
        year=2027,
        listed_on="20/12/2026",
    )
    assert job.status == ImportStatus.DONE, job.errors
    households = _households(db)
    assert len(households) == 3  # updated, never duplicated
    assert (households["BQ-001"].category, households["BQ-001"].list_year) == (Category.NEAR_POOR, 2027)
    left = households["BQ-002"]
    assert (left.category, left.escaped_on.isoformat(), left.list_year) == (
        Category.ESCAPED_POVERTY,
        "2026-12-20",
        2026,
    )
    members = {m.full_name: m.active for m in households["BQ-001"].members}
    assert members == {"Nguyễn Văn An": True, "Trần Thị Bình": False}
    assert job.counts["households_escaped"] == 1 and job.counts["members_inactive"] == 1

    # An older list does not overwrite a newer one
    _response, job = upload(workbook(first[:1]), year=2026)
    assert job.status == ImportStatus.DONE
    assert any("danh sách cũ hơn không ghi đè" in message for _row, _column, message in job.errors)
    assert _households(db)["BQ-001"].category == Category.NEAR_POOR


def test_csv_lists_are_read_too(db, organiser, upload):
    text = "Mã hộ;Phân loại hộ;Họ và tên;Năm sinh;Giới tính\r\nBQ-1;Hộ nghèo;Đặng Văn Long;1991;Nam\r\n"
    _response, job = upload(text.encode("utf-8-sig"), name="ds.csv")
    assert job.status == ImportStatus.DONE, job.errors
    assert _households(db)["BQ-1"].members[0].full_name == "Đặng Văn Long"


def test_a_file_that_is_no_list_is_refused_with_a_message(db, client, organiser, upload):
    for data, name in ((b"%PDF-1.4\n\x00\x01binary", "ds.pdf"), (b"PK\x03\x04broken zip", "ds.xlsx")):
        response, job = upload(data, name=name)
        assert job.status == ImportStatus.REFUSED
        assert job.errors[0][2]
        assert _households(db) == {}
    sheet_without_list = workbook([["x", "y"]], ["Cột A", "Cột B"])
    _response, job = upload(sheet_without_list)
    assert "Không tìm thấy dòng tiêu đề" in job.errors[0][2]


def test_bad_form_input_is_a_message_not_an_error(db, client, organiser):
    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get("/manage/households").get_data(as_text=True))
    response = client.post(
        "/manage/households", data={"csrf_token": token, "year": "20x6", "listed_on": "32/13/2026"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tệp danh sách: vui lòng chọn tệp" in page and "Năm rà soát" in page
    response = client.post(
        "/manage/households",
        data={
            "csrf_token": token,
            "year": "2026",
            "listed_on": "01/01/2026",
            "ward_code": BA_XUYEN,
            "file": (__import__("io").BytesIO(b"x"), "a.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "ngoài phạm vi" in response.get_data(as_text=True)


def test_imports_and_the_list_are_audited_and_kept_from_others(db, client, auth, organiser, upload):
    _response, job = upload(workbook(PRINTED_LIST))
    assert client.get("/manage/households/list?ward=" + BACH_QUANG).status_code == 200
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"households.import_request", "households.import", "households.list"} <= actions
    assert client.get("/manage/households/list?ward=" + BA_XUYEN).status_code == 403
    auth.logout()
    auth.login("organiser", ward_codes=[BA_XUYEN])
    assert client.get(f"/manage/households/imports/{job.id}").status_code == 404
    auth.logout()
    auth.login("employer")
    assert client.get("/manage/households").status_code == 403
    assert client.get("/manage/households/list?ward=" + BACH_QUANG).status_code == 403


def test_two_old_communes_of_one_ward_may_use_the_same_household_code(db, organiser, upload):
    tan_quang_old = "05527"  # Xã Tân Quang, like Phường Lương Sơn now part of Bách Quang
    headers = ["Mã hộ", "Phân loại hộ", "Mã xã", "Họ và tên", "Năm sinh", "Giới tính"]
    rows = [
        ["HN-01", "Hộ nghèo", LUONG_SON_OLD, "Phạm Văn Em", 1990, "Nam"],
        ["HN-01", "Hộ cận nghèo", tan_quang_old, "Đinh Thị Hoa", 1992, "Nữ"],
    ]
    _response, job = upload(workbook(rows, headers), ward=None, year=2025)
    assert job.status == ImportStatus.DONE, job.errors
    db.session.expire_all()
    found = {(h.unit_code, h.household_code): h for h in db.session.scalars(sa.select(Household))}
    assert set(found) == {(LUONG_SON_OLD, "HN-01"), (tan_quang_old, "HN-01")}
    assert {h.ward_code for h in found.values()} == {BACH_QUANG}

    # The next year's list of today's ward numbers the households anew: Em's household was renumbered
    # (he is on the new list), Hoa's left the list (escaped poverty).
    renumbered = [["BQ-0001", "Hộ nghèo", None, "PHẠM VĂN EM", 1990, "Nam"]]
    _response, job = upload(workbook(renumbered, headers), year=2026, listed_on="10/01/2026")
    assert job.status == ImportStatus.DONE, job.errors
    assert (job.counts["households_renumbered"], job.counts["households_escaped"]) == (1, 1)
    db.session.expire_all()
    old_em = db.session.scalars(sa.select(Household).where(Household.unit_code == LUONG_SON_OLD)).one()
    old_hoa = db.session.scalars(sa.select(Household).where(Household.unit_code == tan_quang_old)).one()
    assert old_em.category == Category.POOR and not any(m.active for m in old_em.members)
    assert old_hoa.category == Category.ESCAPED_POVERTY and old_hoa.escaped_on.isoformat() == "2026-01-10"
