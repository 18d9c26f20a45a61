"""Exports of the employer and vacancy lists as .xlsx and CSV: Vietnamese intact, formulas
neutralised, filters applied, every export in the audit log."""

import csv
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from fairapp.audit.models import AuditEntry
from fairapp.partners import services

NAMES = ["Công ty TNHH Dệt may Đồng Hỷ", '=HYPERLINK("http://evil.example","Bấm vào")', "+1+1", "@SUM(1)"]
CODES = ["4600123459", "4600111220", "0100109106", "4600555667"]


@pytest.fixture()
def listed(db, make_user):
    """Four approved employers (one in Phường Sông Công), one pending; a vacancy of the first."""
    admin = make_user("admin")
    employers = [
        services.create_employer({"name": name, "tax_code": code, "ward_code": ward}, by=admin)
        for name, code, ward in zip(NAMES, CODES, ["05528", "05518", "05528", "05528"], strict=True)
    ]
    services.create_employer({"name": "Hộ kinh doanh Bà Hằng", "tax_code": "4605556664"}, by=None)
    services.create_vacancy(
        employers[0],
        {
            "title": "=1+2 Thợ may",
            "quantity": 12,
            "salary_min": 6_500_000,
            "salary_max": 9_000_000,
            "deadline": date.today() + timedelta(days=20),
        },
        by=admin,
    )
    db.session.commit()
    return employers


def _download(client, path, **query):
    response = client.get(path, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_employers_xlsx_keeps_diacritics_and_holds_no_formula(client, auth, listed):
    auth.login("organiser")
    response = _download(client, "/manage/import/export/employers.xlsx", status="approved")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Mã số thuế", "Tên doanh nghiệp"] and sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == set(CODES)  # the pending one is filtered out
    for code, name in zip(CODES, NAMES, strict=True):
        cell = rows[code][1]
        assert cell.value == name and cell.data_type == "s"
    assert rows[CODES[1]][1].quotePrefix and not rows[CODES[0]][1].quotePrefix
    ward_index = header.index("Phường/xã")
    assert rows[CODES[0]][ward_index].value == "Phường Bách Quang"
    assert rows[CODES[0]][header.index("Tổng chỉ tiêu")].value == 12
    assert rows[CODES[0]][header.index("Ngày đăng ký")].number_format == "dd/mm/yyyy"


def test_employers_csv_has_bom_and_prefixed_formulas(client, auth, listed):
    auth.login("admin")
    response = _download(client, "/manage/import/export/employers.csv")
    assert response.mimetype == "text/csv" and response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    names = {row[0]: row[1] for row in rows[1:]}
    assert names[CODES[0]] == "Công ty TNHH Dệt may Đồng Hỷ"
    assert names[CODES[1]] == "'" + NAMES[1]
    assert names[CODES[2]] == "'+1+1" and names[CODES[3]] == "'@SUM(1)"
    assert names["4605556664"] == "Hộ kinh doanh Bà Hằng"
    pending = next(row for row in rows if row[0] == "4605556664")
    assert "Chờ duyệt" in pending


def test_vacancies_export_both_formats_filtered_by_ward(client, auth, listed):
    auth.login("organiser")
    sheet = load_workbook(
        io.BytesIO(_download(client, "/manage/import/export/vacancies.xlsx", ward_code="05528").data)
    ).active
    header = [c.value for c in sheet[1]]
    row = list(sheet[2])
    assert row[0].value == NAMES[0] and row[header.index("Vị trí tuyển dụng")].value == "=1+2 Thợ may"
    assert row[header.index("Vị trí tuyển dụng")].data_type == "s"
    salary = row[header.index("Lương từ (đồng/tháng)")]
    assert salary.value == 6_500_000 and salary.number_format == "#,##0"
    assert row[header.index("Hạn nhận hồ sơ (dd/mm/yyyy)")].number_format == "dd/mm/yyyy"
    assert sheet.max_row == 2

    rows = list(
        csv.reader(
            io.StringIO(
                _download(client, "/manage/import/export/vacancies.csv", ward_code="05518").data.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(rows) == 1  # header only: no vacancy of an employer in Phường Sông Công
    rows = list(
        csv.reader(
            io.StringIO(
                _download(client, "/manage/import/export/vacancies.csv", status="open").data.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[1][2] == "'=1+2 Thợ may" and "Đang tuyển" in rows[1]


def test_every_export_is_audited(client, db, auth, listed):
    user = auth.login("organiser")
    _download(client, "/manage/import/export/employers.csv", status="pending", ward_code="")
    _download(client, "/manage/import/export/vacancies.xlsx")
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action.like("export.%")).order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.actor_id) for e in entries] == [
        ("export.employers", user.id),
        ("export.vacancies", user.id),
    ]
    assert entries[0].details == {"format": "csv", "rows": 1, "status": "pending", "ward_code": None}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "everything"}, "Trạng thái: giá trị không hợp lệ."),
        ({"status": "open"}, "Trạng thái: giá trị không hợp lệ."),  # a vacancy status, not an employer's
        ({"ward_code": "99999"}, "Phường/xã không hợp lệ"),
    ],
)
def test_bad_filters_are_refused_with_a_message(client, db, auth, listed, query, message):
    auth.login("organiser")
    response = client.get("/manage/import/export/employers.xlsx", query_string=query, follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "alert-danger" in html and message in html
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action.like("export.%"))) is None
