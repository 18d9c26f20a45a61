"""The official report (PDF and .xlsx) on the hand-made data set of tests/reports/dataset.py: the
administrative frame, the indicator table with the numbers worked out there (test_indicators.py), the
breakdowns by ward and month, an empty period, who may download what, and junk queries answered by the
form naming the field."""

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from fairapp.audit.models import AuditEntry
from fairapp.auth.scope import EVERYWHERE
from fairapp.modelbase import utcnow
from fairapp.reports import documents
from fairapp.reports.documents import Money, Section
from fairapp.reports.pdf_report import report_pdf
from fairapp.reports.period import Filters, period_of
from fairapp.reports.xlsx_report import report_workbook
from tests.reports import dataset
from tests.reports.dataset import BACH_QUANG, SONG_CONG

YEAR = "/manage/reports/period.{fmt}?period=year&year=2026&number=12&issued_on=2027-03-05"


@pytest.fixture()
def data(db):
    return dataset.build()


def fairs_held(data) -> int:
    """F1, F2, F3 and F6 are 2026's fairs; "đã tổ chức" counts those already started."""
    return sum(1 for name in ("F1", "F2", "F3", "F6") if data.fairs[name].starts_at <= utcnow())


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def table(sheet) -> dict[str, tuple]:
    """{label: (STT, unit, total, poor, near poor, escaped poverty, women)} of the indicator table."""
    found = {}
    for row in sheet.iter_rows(values_only=True):
        if isinstance(row[0], int) and isinstance(row[1], str):
            found[row[1]] = (row[0], *row[2:8])
    return found


# (STT, label, unit, total, poor, near poor, escaped poverty, women), from test_indicators.py:
# A poor F, B near-poor M, C none F, D escaped M, G poor F, H none M.
PEOPLE = [
    (6, "Số người lao động đăng ký tham gia phiên", 6, 2, 1, 1, 3),
    (7, "Số người lao động tham gia phiên (check-in)", 5, 2, 1, 0, 3),  # A B C G H
    (8, "Số người lao động được tư vấn", 2, 0, 1, 0, 0),  # B H
    (9, "Số người lao động được phỏng vấn", 3, 1, 1, 0, 2),  # A B C
    (10, "Số người lao động đạt sơ tuyển", 2, 1, 0, 0, 2),  # A C
    (11, "Số người lao động được tuyển dụng (nhận việc)", 3, 1, 0, 1, 2),  # A C D
    (12, "Số người lao động đăng ký học nghề", 1, 0, 1, 0, 0),  # B
    (13, "Số người lao động có việc làm sau 1 tháng", 2, 1, 0, 1, 1),  # A D
    (14, "Số người lao động có việc làm sau 3 tháng", 1, 1, 0, 0, 1),  # A
    (15, "Số người lao động có việc làm sau 6 tháng", 1, 1, 0, 0, 1),
    (16, "Số người lao động có việc làm bền vững", 1, 1, 0, 0, 1),
]


def test_the_years_report_as_pdf(data, client, auth):
    auth.login("admin")
    text = pdf_text(client.get(YEAR.format(fmt="pdf")))
    assert "ỦY BAN NHÂN DÂN PHƯỜNG SÔNG CÔNG" in text
    assert "PHÒNG VĂN HÓA - XÃ HỘI" in text
    assert "Số: 12/BC-VHXH" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Sông Công, ngày 05 tháng 3 năm 2027" in text
    assert "BÁO CÁO KẾT QUẢ TỔ CHỨC PHIÊN GIAO DỊCH VIỆC LÀM LƯU ĐỘNG NĂM 2026" in text
    assert "Kỳ báo cáo: năm 2026 (từ ngày 01/01/2026 đến ngày 31/12/2026)" in text
    assert f"1 Số phiên giao dịch việc làm đã tổ chức phiên {fairs_held(data)}" in text
    assert "2 Số doanh nghiệp tham gia doanh nghiệp 2" in text
    assert "5 Chỉ tiêu tuyển dụng người 15" in text
    for number, label, *values in PEOPLE:
        assert f"{number} {label} người {' '.join(map(str, values))}" in text
    assert "6 người lao động đăng ký, trong đó 2 thuộc hộ nghèo, 1 hộ cận nghèo, 1 hộ mới thoát nghèo" in text
    assert "Nơi nhận:" in text and "TRƯỞNG PHÒNG" in text
    assert "Không có số liệu" not in text


def test_the_years_report_as_a_workbook(data, client, auth):
    auth.login("admin")
    book = workbook(client.get(YEAR.format(fmt="xlsx")))
    assert book.sheetnames == ["Chỉ tiêu", "Theo phường", "Theo tháng"]
    sheet = book["Chỉ tiêu"]
    column_a = [row[0] for row in sheet.iter_rows(max_row=8, max_col=1, values_only=True)]
    assert "BÁO CÁO KẾT QUẢ TỔ CHỨC PHIÊN GIAO DỊCH VIỆC LÀM LƯU ĐỘNG NĂM 2026" in column_a
    assert "Kỳ báo cáo: năm 2026 (từ ngày 01/01/2026 đến ngày 31/12/2026)" in column_a
    rows = table(sheet)
    assert rows["Số phiên giao dịch việc làm đã tổ chức"] == (
        1,
        "phiên",
        fairs_held(data),
        None,
        None,
        None,
        None,
    )
    assert rows["Số doanh nghiệp tham gia"][:3] == (2, "doanh nghiệp", 2)
    assert rows["Số cơ sở giáo dục nghề nghiệp tham gia"][2] == 1
    assert rows["Số vị trí việc làm"][2] == 2
    assert rows["Chỉ tiêu tuyển dụng"][2] == 15
    for number, label, *values in PEOPLE:
        assert rows[label] == (number, "người", *values)
    headers = [cell.value for cell in next(row for row in sheet.iter_rows() if row[0].value == "STT")]
    assert headers[:5] == ["STT", "Chỉ tiêu", "Đơn vị", "Tổng số", "Trong đó"]
    registered = next(row for row in sheet.iter_rows() if row[1].value == PEOPLE[0][1])
    assert registered[3].number_format == "#,##0" and registered[3].data_type == "n"
    assert sheet.freeze_panes is not None and sheet.column_dimensions["B"].width > 40

    wards = {row[1]: row for row in book["Theo phường"].iter_rows(min_row=5, values_only=True)}
    steps = [cell.value for cell in book["Theo phường"][4]]
    registered_at = steps.index("Đăng ký")
    assert wards["Phường Bách Quang"][0] == BACH_QUANG
    assert wards["Phường Bách Quang"][registered_at] == 5
    assert wards["Phường Sông Công"][registered_at] == 2
    assert wards["Phường Sông Công"][steps.index("Được tuyển dụng")] == 1
    assert book["Theo phường"]["A4"].font.b and book["Theo phường"].freeze_panes == "D5"

    months = {row[0]: row for row in book["Theo tháng"].iter_rows(min_row=5, values_only=True)}
    month_steps = [cell.value for cell in book["Theo tháng"][4]]
    assert months["03/2026"][month_steps.index("Đăng ký")] == 4
    assert months["05/2026"][month_steps.index("Được tuyển dụng")] == 1  # D's hire without a fair
    assert list(months) == ["03/2026", "05/2026", "07/2026", "12/2026"]


def test_one_fairs_report(data, client, auth):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    fair = data.fairs["F1"]
    text = pdf_text(client.get(f"/manage/fairs/{fair.id}/report.pdf"))
    assert "BÁO CÁO KẾT QUẢ PHIÊN GIAO DỊCH VIỆC LÀM PHIÊN F1 NGÀY 10/03/2026 TẠI PHƯỜNG BÁCH QUANG" in text
    assert "Số: ……/BC-VHXH" in text  # no number typed: dots to fill in by hand
    assert "6 Số người lao động đăng ký tham gia phiên người 3 1 1 0 1" in text  # A B H
    rows = table(workbook(client.get(f"/manage/fairs/{fair.id}/report.xlsx"))["Chỉ tiêu"])
    assert rows["Số người lao động được tuyển dụng (nhận việc)"][2:] == (1, 1, 0, 0, 1)  # A
    # a fair chosen on the form: that fair's report, whatever the period
    chosen = client.get(f"/manage/reports/period.xlsx?period=month&year=2030&part=1&fair_id={fair.id}")
    assert table(workbook(chosen)["Chỉ tiêu"])[PEOPLE[0][1]][2] == 3


def test_a_month_and_an_organisers_wards(data, client, auth):
    auth.login("organiser", ward_codes=[SONG_CONG])
    rows = table(workbook(client.get("/manage/reports/period.xlsx?period=year&year=2026"))["Chỉ tiêu"])
    assert rows[PEOPLE[0][1]][2:] == (2, 1, 0, 0, 2)  # A and C at F2
    text = pdf_text(client.get("/manage/reports/period.pdf?period=quarter&year=2026&part=1"))
    assert "LƯU ĐỘNG QUÝ I NĂM 2026" in text and "Địa bàn: Phường Sông Công" in text


def test_an_empty_period_says_so(data, client, auth):
    auth.login("admin")
    text = pdf_text(client.get("/manage/reports/period.pdf?period=month&year=2030&part=1"))
    assert "Không có số liệu trong kỳ báo cáo" in text
    assert "LƯU ĐỘNG THÁNG 1 NĂM 2030" in text
    book = workbook(client.get("/manage/reports/period.xlsx?period=month&year=2030&part=1"))
    values = [value for row in book["Chỉ tiêu"].iter_rows(values_only=True) for value in row]
    assert "Không có số liệu trong kỳ báo cáo." in values
    assert table(book["Chỉ tiêu"])[PEOPLE[0][1]][2] == 0
    assert book["Theo phường"]["A5"].value == "Không có số liệu trong kỳ báo cáo."


def test_a_download_is_audited(data, db, client, auth):
    user = auth.login("admin")
    client.get(YEAR.format(fmt="xlsx"))
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "report.download")).one()
    assert entry.actor_id == user.id
    assert entry.details["format"] == "xlsx" and entry.details["date_from"] == "2026-01-01"


def test_the_form_offers_the_organisers_wards_only(data, client, auth):
    auth.login("organiser", ward_codes=[SONG_CONG])
    page = client.get("/manage/reports")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Tải PDF" in html and "Tải Excel" in html
    assert f'value="{SONG_CONG}"' in html and f'value="{BACH_QUANG}"' not in html
    assert "Phiên F2" in html and "Phiên F1" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/manage/reports",
        "/manage/reports/period.pdf?period=year&year=2026",
        "/manage/reports/period.xlsx?period=year&year=2026",
        "/manage/fairs/{fair}/report.pdf",
        "/manage/fairs/{fair}/report.xlsx",
    ],
)
@pytest.mark.parametrize("role", ["employer", "school", "gate"])
def test_other_roles_are_refused(data, client, auth, path, role):
    auth.login(role)
    assert client.get(path.format(fair=data.fairs["F1"].id)).status_code == 403


@pytest.mark.parametrize(
    "path, status",
    [
        (f"/manage/reports/period.pdf?period=year&year=2026&ward_code={BACH_QUANG}", 403),
        (f"/manage/reports/period.xlsx?period=year&year=2026&ward_code={BACH_QUANG}", 403),
        ("/manage/reports/period.pdf?period=year&year=2026&fair_id={fair}", 403),
        ("/manage/fairs/{fair}/report.pdf", 403),
        ("/manage/fairs/{fair}/report.xlsx", 403),
        ("/manage/fairs/999999/report.pdf", 404),
        ("/manage/reports/period.pdf?period=year&year=2026&fair_id=999999", 404),
    ],
)
def test_an_organiser_gets_nothing_of_another_ward(data, client, auth, path, status):
    auth.login("organiser", ward_codes=[SONG_CONG])
    assert client.get(path.format(fair=data.fairs["F1"].id)).status_code == status


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("period=decade&year=2026", "period", "Kỳ báo cáo:"),
        ("", "period", "Kỳ báo cáo:"),
        ("period=year&year=abc", "year", "Năm:"),
        ("period=year&year=99999999999999999999", "year", "Năm:"),
        ("period=month&year=2026&part=13", "part", "Tháng:"),
        ("period=month&year=2026", "part", "Tháng:"),
        ("period=quarter&year=2026&part=0", "part", "Quý:"),
        ("period=range&date_from=2026-13-01", "date_from", "date_from:"),
        ("period=range&date_from=2026-05-01&date_to=2026-04-01", "date_to", "Ngày kết thúc:"),
        ("period=year&year=2026&ward_code=05528%3B+drop", "ward_code", "Mã phường, xã:"),
        ("period=year&year=2026&fair_id=-1", "fair_id", "fair_id:"),
        ("period=year&year=2026&fair_id=1e9", "fair_id", "fair_id:"),
        ("period=year&year=2026&number=%3Cscript%3E", "number", "Số văn bản:"),
        ("period=year&year=2026&issued_on=yesterday", "issued_on", "Ngày ban hành:"),
        ("period=year&year=2026&issued_on=2026-02-30", "issued_on", "Ngày ban hành:"),
        ("period=%00&year=%00&part=%00", "period", "Kỳ báo cáo:"),
    ],
)
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_junk_gets_the_form_again_naming_the_field(data, client, auth, query, field, message, fmt):
    auth.login("admin")
    response = client.get(f"/manage/reports/period.{fmt}?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Tải PDF" in html
    assert f'id="{field}"' in html and 'aria-invalid="true"' in html
    assert message in html
    assert "&lt;script&gt;" in html or "<script>alert" not in html


def test_junk_on_a_fairs_report(data, client, auth):
    auth.login("admin")
    fair = data.fairs["F1"].id
    response = client.get(f"/manage/fairs/{fair}/report.pdf?number=a%0Ab&issued_on=31/12/2026")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Số văn bản:" in html and "Ngày ban hành:" in html


def test_dates_are_written_as_decree_30_says():
    assert documents.place_and_date("Sông Công", date(2027, 3, 5)) == "Sông Công, ngày 05 tháng 3 năm 2027"
    assert documents.place_and_date("Sông Công", date(2027, 2, 15)) == "Sông Công, ngày 15 tháng 02 năm 2027"
    assert documents.place_and_date("Sông Công", date(2026, 12, 1)) == "Sông Công, ngày 01 tháng 12 năm 2026"


def test_extra_sections_have_their_place(data, app):
    """Plan and budget come later from another module: a Section of text, numbers and Money."""
    first, last = period_of("year", 2026)
    asked = documents.ReportRequest(
        Filters(EVERYWHERE, first, last), "year", 2026, issued_on=date(2027, 1, 5)
    )
    budget = Section("Kinh phí (thử)", ("Nội dung", "Số tiền"), (("Đã giải ngân", Money(2_400_000_000)),))
    report = documents.build_report(asked, extra_sections=[budget])
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report_pdf(report))).pages).split()
    )
    assert "Kinh phí (thử)" in text and "Đã giải ngân 2.400.000.000 đ" in text
    sheet = load_workbook(io.BytesIO(report_workbook(report)))["Chỉ tiêu"]
    money = next(row[1] for row in sheet.iter_rows() if row[0].value == "Đã giải ngân")
    assert money.value == 2_400_000_000 and money.number_format == '#,##0 "đ"'
