"""The labour-information export for the commune police (Circular 11/2022, Form 01): the file read back in
the form's column order with only the consented, not erased people of the ward; missing fields listed,
never invented; the economic-activity rule; consent and the police's answers with their audit rows; who
may see it; refusals that name the field (422)."""

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from fairapp.attendees.models import Attendee, EducationLevel, Gender, Qualification, Situation
from fairapp.audit.models import AuditEntry
from fairapp.fairs.services import local_day
from fairapp.modelbase import utcnow
from fairapp.outcomes import services as hires
from fairapp.outcomes.models import ContractType, FollowUpOutcome, HireSource
from fairapp.outreach import form01, labour
from fairapp.outreach.models import LabourExport, LabourRecord, LabourStatus
from fairapp.text import fold
from tests.checkins.conftest import BACH_QUANG, SONG_CONG
from tests.conftest import PASSWORD, csrf_token_from
from tests.partners.conftest import make_employer  # noqa: F401

PAGE = "/manage/households/labour"
EXPORT = "/manage/households/labour/export"
FORM_01_HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày tháng năm sinh",
    "Giới tính",
    "Số định danh cá nhân",
    "Dân tộc",
    "Nơi thường trú",
    "Nơi ở hiện tại",
    "Trình độ giáo dục phổ thông",
    "Trình độ chuyên môn kỹ thuật",
    "Chuyên ngành đào tạo",
    "Tình trạng hoạt động kinh tế",
    "Công việc/vị trí việc làm",
    "Nơi làm việc",
    "Loại hình nơi làm việc",
    "Loại hợp đồng lao động",
    "Tham gia BHXH",
]


def today():
    return local_day(utcnow())


@pytest.fixture()
def person(db):
    """person(name, consent=True, **fields) → a saved Attendee of Bách Quang (nothing but the required
    fields unless given)."""
    numbers = iter(range(1, 10_000))

    def make(full_name="Nguyễn Văn An", *, consent=True, **fields):
        n = next(numbers)
        values = {
            "full_name": full_name,
            "name_key": fold(full_name),
            "phone": f"0912{n:06d}",
            "birth_year": 1990,
            "gender": Gender.FEMALE,
            "ward_code": BACH_QUANG,
            "labour_consent_at": utcnow() - timedelta(days=1) if consent else None,
            **fields,
        }
        attendee = Attendee(**values)
        db.session.add(attendee)
        db.session.commit()
        return attendee

    return make


@pytest.fixture()
def organiser(make_user):
    return make_user("organiser", ward_codes=[BACH_QUANG])


@pytest.fixture()
def hire(db, organiser):
    """hire(attendee, **fields) → a confirmed hire recorded by phone, started 10 days ago."""

    def make(attendee, *, start=None, **fields):
        values = {"employer_name": "Công ty TNHH May Sông Công", **fields}
        recorded = hires.record_hire(
            hires.Hiring(attendee_id=attendee.id, start_date=start or today() - timedelta(days=10), **values),
            by=organiser,
            source=HireSource.ORGANISER,
        )
        db.session.commit()
        return recorded.hire

    return make


@pytest.fixture()
def everyone(person, hire):
    """The ward's people: two consented ones (one with everything the app can hold, and a job; one with
    the bare minimum), one without consent, one erased, and one consented of another ward."""
    full = person(
        "Trần Thị Bình",
        birth_date=date(1995, 3, 7),
        birth_year=1995,
        citizen_id="019195001234",
        address="Tổ 5, phường Bách Quang, tỉnh Thái Nguyên",
        education_level=EducationLevel.UPPER_SECONDARY.value,
        qualification=Qualification.INTERMEDIATE.value,
        situation=Situation.UNEMPLOYED.value,
    )
    hire(
        full,
        position="Công nhân may",
        contract_type=ContractType.INDEFINITE,
        social_insurance=True,
    )
    bare = person("Lê Văn Cường", gender=Gender.MALE, situation=Situation.UNEMPLOYED.value)
    silent = person("Phạm Thị Dung", consent=False)
    erased = person("Đỗ Văn Em", erased_at=utcnow())
    elsewhere = person("Hoàng Văn Giang", ward_code=SONG_CONG)
    return {"full": full, "bare": bare, "silent": silent, "erased": erased, "elsewhere": elsewhere}


def sign_in(client, user):
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return user


def csrf(client) -> str:
    return csrf_token_from(client.get("/").get_data(as_text=True))


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf(client), **data})


def audits(db, action) -> list[AuditEntry]:
    db.session.rollback()
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def record_of(db, attendee) -> LabourRecord | None:
    db.session.rollback()
    return db.session.get(LabourRecord, attendee.id)


def sheet_rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


# --- The file -----------------------------------------------------------------------------------------------


def test_the_columns_are_form_01s_in_order(app):
    assert [str(header) for _key, header in form01.FORM_01_COLUMNS] == FORM_01_HEADERS


def test_the_export_holds_the_consented_living_people_of_the_ward_in_form_01_order(
    db, client, organiser, everyone
):
    sign_in(client, organiser)
    response = post(client, EXPORT, ward=BACH_QUANG)

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = sheet_rows(response.data)
    assert (
        "Mẫu số 01" in rows[0][0] and "11/2022/TT-BLĐTBXH" in rows[0][0] and "Phường Bách Quang" in rows[0][0]
    )
    assert list(rows[1]) == FORM_01_HEADERS
    people = rows[2:]
    assert [row[1] for row in people] == ["Lê Văn Cường", "Trần Thị Bình"]  # by name; no one else
    bare, full = people
    assert full[0] == 2
    assert full[2].date() == date(1995, 3, 7)
    assert full[3:] == (
        "Nữ",
        "019195001234",
        None,  # ethnicity: never asked
        "Tổ 5, phường Bách Quang, tỉnh Thái Nguyên",
        "Phường Bách Quang, Tỉnh Thái Nguyên",
        "Trung học phổ thông",
        "Trung cấp",
        None,  # training field: never asked
        "Có việc làm",
        "Công nhân may",
        "Công ty TNHH May Sông Công",
        None,  # employer type: not kept
        "Không xác định thời hạn",
        "Có",
    )
    # Only the year is known: the year is written, nothing else invented
    assert bare[0:4] == (1, "Lê Văn Cường", "1990", "Nam")
    assert bare[4:11] == (None, None, None, "Phường Bách Quang, Tỉnh Thái Nguyên", None, None, None)
    assert bare[11:] == ("Thất nghiệp", None, None, None, None, None)

    export = db.session.scalars(sa.select(LabourExport)).one()
    assert (export.ward_code, export.people, export.by) == (BACH_QUANG, 2, organiser.id)
    for key in ("full", "bare"):
        record = record_of(db, everyone[key])
        assert (record.status, record.export_id) == (LabourStatus.EXPORTED, export.id)
    for key in ("silent", "erased", "elsewhere"):
        assert record_of(db, everyone[key]) is None
    [read] = audits(db, "export.labour_info")
    assert (read.actor_id, read.details["ward_code"], read.details["count"]) == (organiser.id, BACH_QUANG, 2)
    [write] = audits(db, "labour.export")
    assert sorted(write.details["attendee_ids"]) == sorted([everyone["full"].id, everyone["bare"].id])


def test_missing_fields_are_listed_not_invented(app, everyone):
    missing = {info.full_name: info for info in labour.missing_for_ward(BACH_QUANG)}

    assert set(missing) == {"Trần Thị Bình", "Lê Văn Cường"}  # consented, living, of this ward
    assert missing["Trần Thị Bình"].fields == ["Dân tộc", "Chuyên ngành đào tạo", "Loại hình nơi làm việc"]
    assert missing["Lê Văn Cường"].fields == [
        "Ngày tháng năm sinh",
        "Số định danh cá nhân",
        "Dân tộc",
        "Nơi thường trú",
        "Trình độ giáo dục phổ thông",
        "Trình độ chuyên môn kỹ thuật",
        "Chuyên ngành đào tạo",
    ]  # unemployed: the job's columns do not apply
    assert missing["Lê Văn Cường"].phone == everyone["bare"].phone
    assert missing["Lê Văn Cường"].attendee_id == everyone["bare"].id


def test_no_training_needs_no_training_field(app, person):
    person("Vũ Thị Hà", qualification=Qualification.NONE.value, situation=Situation.STUDENT.value)

    [info] = labour.missing_for_ward(BACH_QUANG)
    assert "Chuyên ngành đào tạo" not in info.fields
    assert "Tình trạng hoạt động kinh tế" not in info.fields


@pytest.mark.parametrize(
    "situation, follow_up, expected, job_missing",
    [
        (Situation.STUDENT, None, "Không tham gia hoạt động kinh tế", False),
        (Situation.UNEMPLOYED, None, "Thất nghiệp", False),
        (Situation.WANTS_CHANGE, None, "Có việc làm", True),  # has a job, not recorded
        (Situation.OTHER, None, None, False),  # not known: asked, not guessed
        (None, None, None, False),
        (Situation.OTHER, "left", "Thất nghiệp", False),  # the hire ended
        (Situation.STUDENT, "left", "Không tham gia hoạt động kinh tế", False),
        (Situation.OTHER, "still", "Có việc làm", False),
        (Situation.OTHER, "changed", "Có việc làm", True),
    ],
)
def test_economic_activity_status(db, person, hire, situation, follow_up, expected, job_missing):
    attendee = person("Bùi Văn Khánh", situation=situation.value if situation else None)
    if follow_up:
        recorded = hire(
            attendee,
            start=today() - timedelta(days=60),
            position="Thợ hàn",
            contract_type=ContractType.FIXED_LONG,
            social_insurance=False,
        )
        first = recorded.follow_ups[0]
        first.outcome = {
            "left": FollowUpOutcome.LEFT,
            "still": FollowUpOutcome.STILL_EMPLOYED,
            "changed": FollowUpOutcome.CHANGED_EMPLOYER,
        }[follow_up]
        first.new_employer_name = "Công ty Giày Sông Công" if follow_up == "changed" else None
        db.session.commit()

    [person_row] = labour.people_of_ward(BACH_QUANG).rows
    values, missing = labour.form_01_of(attendee)
    assert values["activity_status"] == expected
    assert ("activity_status" in missing) == (expected is None)
    assert ("job" in missing) == job_missing
    if follow_up == "still":
        assert (values["job"], values["contract_type"], values["social_insurance"]) == (
            "Thợ hàn",
            "Xác định thời hạn từ 12 tháng trở lên",
            "Không",
        )
    if follow_up == "changed":
        assert values["workplace"] == "Công ty Giày Sông Công" and values["job"] is None
    assert person_row.missing == form01.headers(missing)


# --- Who is exported again ----------------------------------------------------------------------------------


def test_an_entered_person_stays_entered_and_out_of_the_file_unless_asked(
    db, monkeypatch, organiser, everyone
):
    monkeypatch.setattr(labour, "MARK_BATCH", 1)  # one statement per person: the batches add up
    labour.export_ward(BACH_QUANG, by=organiser)
    labour.set_status(everyone["full"], LabourStatus.ENTERED, None, by=organiser)
    labour.set_status(everyone["bare"], LabourStatus.RETURNED, "Sai số định danh", by=organiser)
    db.session.commit()

    data, export = labour.export_ward(BACH_QUANG, by=organiser)
    db.session.commit()
    assert [row[1] for row in sheet_rows(data)[2:]] == ["Lê Văn Cường"]  # returned: sent again
    assert record_of(db, everyone["full"]).status == LabourStatus.ENTERED
    bare = record_of(db, everyone["bare"])
    assert (bare.status, bare.reason, bare.export_id) == (LabourStatus.EXPORTED, None, export.id)

    data, export = labour.export_ward(BACH_QUANG, by=organiser, include_entered=True)
    db.session.commit()
    assert len(sheet_rows(data)[2:]) == 2
    assert record_of(db, everyone["full"]).status == LabourStatus.EXPORTED


def test_withdrawn_consent_leaves_the_person_out_of_later_exports(db, organiser, everyone):
    labour.export_ward(BACH_QUANG, by=organiser)
    assert labour.withdraw_consent(everyone["bare"], by=organiser) is True
    db.session.commit()

    data, _export = labour.export_ward(BACH_QUANG, by=organiser)
    assert [row[1] for row in sheet_rows(data)[2:]] == ["Trần Thị Bình"]
    assert record_of(db, everyone["bare"]).status == LabourStatus.EXPORTED  # what was handed over stays


def test_nobody_to_export_is_refused_naming_the_ward(db, client, organiser, person):
    person("Phạm Thị Dung", consent=False)
    sign_in(client, organiser)

    response = post(client, EXPORT, ward=BACH_QUANG)
    assert response.status_code == 422
    assert "Phường/xã: chưa có ai đồng ý" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LabourExport)) == 0


# --- Consent and the police's answers through the page ---------------------------------------------------


def test_consent_is_recorded_and_withdrawn_once_each_and_audited(db, client, organiser, person):
    attendee = person("Phạm Thị Dung", consent=False)
    sign_in(client, organiser)
    url = f"/manage/households/labour/{attendee.id}/consent"

    assert post(client, url, consent="yes").status_code == 303
    assert post(client, url, consent="yes").status_code == 303  # again: nothing changes
    db.session.rollback()
    assert db.session.get(Attendee, attendee.id).labour_consent_at is not None
    assert len(audits(db, "labour.consent")) == 1

    assert post(client, url, consent="no").status_code == 303
    db.session.rollback()
    assert db.session.get(Attendee, attendee.id).labour_consent_at is None
    [withdrawn] = audits(db, "labour.consent_withdraw")
    assert withdrawn.object_id == str(attendee.id) and withdrawn.actor_id == organiser.id

    refused = post(client, url, consent="maybe")
    assert refused.status_code == 422
    assert "Đồng ý cung cấp thông tin: chọn đồng ý hoặc rút lại." in refused.get_data(as_text=True)


def test_the_police_answers_entered_or_returned_with_a_reason(db, client, organiser, everyone):
    labour.export_ward(BACH_QUANG, by=organiser)
    db.session.commit()
    sign_in(client, organiser)
    bare = everyone["bare"]
    url = f"/manage/households/labour/{bare.id}/status"

    # No reason: 422 naming the field, nothing changed
    refused = post(client, url, status="returned", reason="   ")
    assert refused.status_code == 422
    assert "Lý do trả lại: vui lòng nhập." in refused.get_data(as_text=True)
    assert record_of(db, bare).status == LabourStatus.EXPORTED

    # Too long: 422 naming the field, what was typed kept on the page
    typed = "Sai ngày sinh " + "x" * 300
    refused = post(client, url, status="returned", reason=typed)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Lý do trả lại: tối đa 300 ký tự." in page and typed in page
    assert record_of(db, bare).status == LabourStatus.EXPORTED

    assert post(client, url, status="returned", reason="Sai số  định danh").status_code == 303
    record = record_of(db, bare)
    assert (record.status, record.reason, record.updated_by) == (
        LabourStatus.RETURNED,
        "Sai số định danh",
        organiser.id,
    )
    page = client.get(PAGE, query_string={"ward": BACH_QUANG}).get_data(as_text=True)
    assert "Công an trả lại" in page and "Sai số định danh" in page

    assert post(client, url, status="entered").status_code == 303
    record = record_of(db, bare)
    assert (record.status, record.reason) == (LabourStatus.ENTERED, None)

    # Entered cannot be returned
    refused = post(client, url, status="returned", reason="Nhầm")
    assert refused.status_code == 422
    assert "Trạng thái: không chuyển được" in refused.get_data(as_text=True)
    assert record_of(db, bare).status == LabourStatus.ENTERED

    changes = audits(db, "labour.status")
    assert [(c.details["before"], c.details["status"]) for c in changes] == [
        ("exported", "returned"),
        ("returned", "entered"),
    ]
    assert changes[0].details["reason"] == "Sai số định danh"
    assert all(c.object_id == str(bare.id) and c.actor_id == organiser.id for c in changes)


@pytest.mark.parametrize(
    "status, reason, code",
    [
        (LabourStatus.ENTERED, None, "not_exported"),
        ("exported", None, "bad_transition"),
        ("nonsense", None, "bad_transition"),
    ],
)
def test_bad_status_changes_have_stable_codes(db, organiser, person, status, reason, code):
    attendee = person()
    if code == "bad_transition":
        labour.export_ward(BACH_QUANG, by=organiser)
    with pytest.raises(labour.LabourRefused) as refused:
        labour.set_status(attendee, status, reason, by=organiser)
    assert refused.value.code == code and "status" in refused.value.fields


def test_unknown_status_or_a_control_character_is_422_naming_the_field(db, client, organiser, everyone):
    labour.export_ward(BACH_QUANG, by=organiser)
    db.session.commit()
    sign_in(client, organiser)
    refused = post(client, f"/manage/households/labour/{everyone['bare'].id}/status", status="x" * 5000)
    assert refused.status_code == 422
    assert "Trạng thái: không hợp lệ." in refused.get_data(as_text=True)
    refused = post(
        client, f"/manage/households/labour/{everyone['bare'].id}/status", status="returned", reason="a\x00b"
    )
    assert refused.status_code == 422
    assert "Lý do trả lại: chữ không hợp lệ." in refused.get_data(as_text=True)
    assert record_of(db, everyone["bare"]).status == LabourStatus.EXPORTED


# --- The page -------------------------------------------------------------------------------------------


def test_the_page_lists_the_ward_masks_ids_and_is_audited(db, client, organiser, everyone):
    sign_in(client, organiser)
    response = client.get(PAGE, query_string={"ward": BACH_QUANG})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    for name in ("Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"):
        assert name in page
    for name in ("Đỗ Văn Em", "Hoàng Văn Giang"):  # erased; another ward
        assert name not in page
    assert "019195001234" not in page and "********1234" in page
    assert "Loại hình nơi làm việc" in page  # a missing field, listed
    [read] = audits(db, "labour.list")
    assert (read.actor_id, read.details["ward_code"], read.details["people"]) == (organiser.id, BACH_QUANG, 3)

    # An organiser's own ward is the default
    assert "Trần Thị Bình" in client.get(PAGE).get_data(as_text=True)
    assert len(audits(db, "labour.list")) == 2


def test_an_admin_asking_for_no_ward_gets_422_naming_the_field(client, auth):
    auth.login("admin")
    response = client.get(PAGE, query_string={"ward": "99999"})
    assert response.status_code == 422
    assert "Phường/xã: không tìm thấy." in response.get_data(as_text=True)

    empty = post(client, EXPORT, ward="")
    assert empty.status_code == 422
    assert "Phường/xã: vui lòng chọn." in empty.get_data(as_text=True)


# --- Who may --------------------------------------------------------------------------------------------


def test_an_organiser_of_another_ward_gets_403(db, client, make_user, organiser, everyone):
    labour.export_ward(BACH_QUANG, by=organiser)
    db.session.commit()
    sign_in(client, make_user("organiser", ward_codes=[SONG_CONG]))

    assert client.get(PAGE, query_string={"ward": BACH_QUANG}).status_code == 403
    assert post(client, EXPORT, ward=BACH_QUANG).status_code == 403
    person_id = everyone["bare"].id
    assert post(client, f"/manage/households/labour/{person_id}/status", status="entered").status_code == 404
    assert post(client, f"/manage/households/labour/{person_id}/consent", consent="no").status_code == 404
    assert record_of(db, everyone["bare"]).status == LabourStatus.EXPORTED
    assert len(audits(db, "export.labour_info")) == 1  # the organiser's own
    assert audits(db, "labour.list") == []


def test_an_employer_gets_403_even_for_its_own_hires(db, client, make_user, make_employer, everyone, hire):
    employer = make_employer()
    hire(everyone["bare"], employer_id=employer.id, employer_name=None)
    sign_in(client, make_user("employer", employer_id=employer.id))

    assert client.get(PAGE, query_string={"ward": BACH_QUANG}).status_code == 403
    assert post(client, EXPORT, ward=BACH_QUANG).status_code == 403
    assert (
        post(client, f"/manage/households/labour/{everyone['bare'].id}/consent", consent="no").status_code
        == 403
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LabourExport)) == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, everyone):
    response = client.get(PAGE, query_string={"ward": BACH_QUANG})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_page_lists_a_large_ward_a_page_at_a_time(db, client, person, organiser):
    for n in range(5):
        person(f"Người Số {'ABCDE'[n]}", consent=n < 2)
    db.session.commit()
    first = labour.people_of_ward(BACH_QUANG, per_page=2)
    assert (first.total, first.consented, first.pages, len(first.rows)) == (5, 2, 3, 2)
    last = labour.people_of_ward(BACH_QUANG, page=99, per_page=2)
    assert (last.page, [row.full_name for row in last.rows]) == (3, ["Người Số E"])
    sign_in(client, organiser)
    page = client.get(f"/manage/households/labour?ward={BACH_QUANG}&page=x").get_data(as_text=True)
    assert "5 người đã đăng ký, 2 người đã đồng ý" in page


def test_the_person_gives_and_withdraws_consent_on_their_own_ticket_page(db, client, make_user):
    from fairapp.attendees.models import Channel, Registration
    from fairapp.fairs.models import Fair, FairStatus
    from tests.checkins.conftest import BACH_QUANG as WARD

    starts = utcnow().replace(microsecond=0) + timedelta(days=3)
    fair = Fair(
        title="Phiên",
        ward_code=WARD,
        venue_name="Nhà văn hoá",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
    )
    attendee = Attendee(
        full_name="Lê Thị Dung",
        name_key=fold("Lê Thị Dung"),
        phone="0912000999",
        birth_year=1990,
        gender=Gender.FEMALE,
        ward_code=WARD,
    )
    db.session.add_all([fair, attendee])
    db.session.flush()
    registration = Registration(
        fair_id=fair.id,
        attendee_id=attendee.id,
        channel=Channel.ONLINE,
        consent_personal_data_version="2026-12-v1",
        consent_personal_data_at=utcnow(),
    )
    db.session.add(registration)
    db.session.commit()
    page = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)
    assert "Đồng ý cung cấp thông tin lao động cho công an xã" in page and "Tôi đồng ý" in page
    response = client.post(
        f"/t/{registration.ticket_secret}/labour-consent", data={"csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 303
    db.session.expire_all()
    given = db.session.get(Attendee, attendee.id)
    assert given.labour_consent_at is not None and given.labour_consent_version == "2026-12-v1"
    page = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)
    assert "data-labour-consent-given" in page
    client.post(
        f"/t/{registration.ticket_secret}/labour-consent/withdraw", data={"csrf_token": csrf_token_from(page)}
    )
    db.session.expire_all()
    assert db.session.get(Attendee, attendee.id).labour_consent_at is None
    assert [entry.actor_id for entry in audits(db, "labour.consent")] == [None]  # the person, no account
    assert (
        client.post("/t/not-a-secret/labour-consent", data={"csrf_token": csrf_token_from(page)}).status_code
        == 404
    )
