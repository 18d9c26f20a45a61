"""Exports of a fair's registrations: same filters as the list, masked citizen IDs, formula injection
neutralised, every export audited."""

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from fairapp.attendees.models import PriorityGroup
from fairapp.audit.models import AuditEntry
from tests.registrations.conftest import BACH_QUANG, SONG_CONG

EVIL = "=cmd|' /C calc'!A0"


@pytest.fixture()
def exported(make_fair, register):
    fair = make_fair()
    register(fair, "Nguyễn Thị Hồng Nhung", citizen_id="019195001234", priority_group=PriorityGroup.POOR)
    register(fair, EVIL, phone="0912000999")
    register(fair, "Vi Văn Tùng", ward_code=SONG_CONG)
    return fair


def _csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _audits(db, action="export.registrations"):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_csv_masks_ids_and_neutralises_formulas(db, exported, client, auth):
    user = auth.login("organiser", ward_codes=[BACH_QUANG])
    response = client.get(f"/manage/fairs/{exported.id}/registrations/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:4] == ["Mã đăng ký", "Họ và tên", "Điện thoại", "Số CCCD"]
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Nguyễn Thị Hồng Nhung", "'" + EVIL, "Vi Văn Tùng"}
    assert by_name["Nguyễn Thị Hồng Nhung"][3] == "********1234"
    assert by_name["Nguyễn Thị Hồng Nhung"][7] == "Hộ nghèo"
    assert "019195001234" not in response.get_data().decode("utf-8-sig")
    [entry] = _audits(db)
    assert entry.actor_id == user.id and entry.object_type == "fairs" and entry.object_id == str(exported.id)
    assert entry.details == {"format": "csv", "filter": {}, "rows": 3, "full_citizen_ids": False}


def test_xlsx_keeps_formulas_as_quoted_text(db, exported, client, auth):
    auth.login("admin")
    response = client.get(f"/manage/fairs/{exported.id}/registrations/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    cells = {
        sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=2) for r in range(2, sheet.max_row + 1)
    }
    evil = cells[EVIL]
    assert evil.data_type == "s" and evil.quotePrefix  # shown as typed, never run as a formula
    names = {
        sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=4).value
        for r in range(2, sheet.max_row + 1)
    }
    assert names["Nguyễn Thị Hồng Nhung"] == "********1234"
    assert [e.details["format"] for e in _audits(db)] == ["xlsx"]


def test_export_uses_the_list_filters(db, exported, client, auth):
    auth.login("admin")
    url = f"/manage/fairs/{exported.id}/registrations/export.csv?ward_code={SONG_CONG}&q=tung"
    response = client.get(url)
    rows = _csv_rows(response)
    assert [row[1] for row in rows[1:]] == ["Vi Văn Tùng"]
    [entry] = _audits(db)
    assert entry.details["filter"] == {"query": "tung", "ward_code": SONG_CONG}
    assert entry.details["rows"] == 1


def test_admin_may_export_full_citizen_ids_and_it_is_audited(db, exported, client, auth):
    auth.login("admin")
    response = client.get(f"/manage/fairs/{exported.id}/registrations/export.csv?full_ids=y")
    by_name = {row[1]: row for row in _csv_rows(response)[1:]}
    assert by_name["Nguyễn Thị Hồng Nhung"][3] == "019195001234"
    [entry] = _audits(db)
    assert entry.details["full_citizen_ids"] is True


def test_organiser_may_not_export_full_citizen_ids(db, exported, client, auth):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    response = client.get(f"/manage/fairs/{exported.id}/registrations/export.xlsx?full_ids=y")
    assert response.status_code == 403
    assert _audits(db) == []


def test_the_admin_sees_the_full_id_box_and_organisers_do_not(exported, client, auth):
    url = f"/manage/fairs/{exported.id}/registrations"
    auth.login("organiser", ward_codes=[BACH_QUANG])
    assert 'name="full_ids"' not in client.get(url).get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    assert 'name="full_ids"' in client.get(url).get_data(as_text=True)


def test_bad_filters_refuse_the_export(db, exported, client, auth):
    auth.login("admin")
    response = client.get(f"/manage/fairs/{exported.id}/registrations/export.csv?priority_group=rich")
    assert response.status_code == 422
    assert "Diện ưu tiên: chọn một diện trong danh sách." in response.get_data(as_text=True)
    assert _audits(db) == []


def test_unknown_format_is_404(exported, client, auth):
    auth.login("admin")
    assert client.get(f"/manage/fairs/{exported.id}/registrations/export.pdf").status_code == 404
