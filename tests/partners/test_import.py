"""Importing employers and vacancies from the app's .xlsx template: a file with a wrong row saves
nothing and reports every refusal with its row and column; confirming keeps only the valid rows;
what is not a spreadsheet, or is too big, is refused with a message; only staff get in."""

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from fairapp.audit.models import AuditEntry
from fairapp.partners import services
from fairapp.partners.models import Employer, PartnerStatus, Vacancy
from tests.conftest import csrf_token_from

# Valid tax codes (check digit right) and one with a wrong check digit
TAX_A, TAX_B, TAX_C, TAX_DB = "4600123459", "4600111220", "0100109106", "4600555667"
TAX_BAD = "4600123450"
TOKEN_INPUT = re.compile(r'name="token" type="hidden" value="([^"]+)"')


@pytest.fixture()
def staff(auth):
    return auth.login("organiser")


def _template(client) -> Workbook:
    response = client.get("/manage/import/template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def _filled(client, employers=(), vacancies=()) -> bytes:
    """The downloaded template with these rows below the example row (as a person fills it in)."""
    workbook = _template(client)
    employer_sheet, vacancy_sheet = workbook.worksheets[0], workbook.worksheets[1]
    for values in employers:
        employer_sheet.append(values)
    for values in vacancies:
        vacancy_sheet.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _upload(client, data: bytes, name: str = "danh-sach.xlsx"):
    page = client.get("/manage/import/")
    return client.post(
        "/manage/import/",
        data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _report_rows(html: str) -> list[tuple[str, str, str, str]]:
    table = html.split('data-testid="import-errors"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", table, re.S
    )
    return [tuple(cell.strip() for cell in row) for row in rows]


# Employer row: tax code, name, industry, address, ward code, contact, phone, email
# Vacancy row: employer tax code, title, occupation, quantity, salary from, salary to, work place,
#              education, experience, age from, age to, hours, benefits, other requirements, deadline
def _employer(tax, name="Công ty TNHH Điện tử Thái Nguyên", **over):
    row = [
        tax,
        name,
        "Điện tử",
        "Tổ 5, phường Bách Quang",
        "05528",
        "Trần Văn Đức",
        "0912345678",
        "nhansu@dientu.example.vn",
    ]
    for index, value in over.items():
        row[int(index[1:])] = value
    return row


def _vacancy(tax, title="Công nhân lắp ráp", quantity=10, low=6_000_000, high=8_000_000, deadline=None):
    return [
        tax,
        title,
        "Lắp ráp điện tử",
        quantity,
        low,
        high,
        "KCN Sông Công II",
        "Trung học cơ sở",
        0,
        18,
        40,
        "Ca ngày",
        "Ăn trưa, BHXH",
        "Sức khoẻ tốt",
        deadline,
    ]


def test_template_has_both_sheets_headers_keys_example_and_lists(client, staff):
    workbook = _template(client)
    employers, vacancies = workbook.worksheets[0], workbook.worksheets[1]
    assert (employers.title, vacancies.title) == ("Doanh nghiệp", "Vị trí tuyển dụng")
    assert employers["A1"].value == "Mã số thuế *" and employers["A1"].font.bold
    assert [c.value for c in employers[2]][:2] == ["tax_code", "name"]
    assert employers.row_dimensions[2].hidden
    assert employers["A3"].value == "4600123459"  # example row
    assert employers.column_dimensions["A"].number_format == "@"  # codes stay text: leading zeros kept
    assert employers.max_row == 3  # people (and openpyxl's append) start filling in at row 4
    lists = {str(v.sqref): v.formula1 for v in employers.data_validations.dataValidation}
    assert any("05528" not in f and "$A$2" in f for f in lists.values())  # wards from the hidden list
    assert any(v.type == "whole" for v in vacancies.data_validations.dataValidation)
    hidden = workbook["Danh mục phường xã"]
    assert hidden.sheet_state == "hidden"
    assert "05528" in [row[0] for row in hidden.iter_rows(min_row=2, values_only=True)]


def test_a_good_file_imports_everything_approved_and_audited(client, db, staff):
    deadline = date.today() + timedelta(days=30)
    data = _filled(
        client,
        employers=[_employer(TAX_A), _employer(TAX_B, "Hợp tác xã Chè Tân Cương")],
        vacancies=[_vacancy(TAX_A, deadline=deadline), _vacancy(TAX_B, "Công nhân hái chè", 25)],
    )
    response = _upload(client, data)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Đã nhập 2 doanh nghiệp và 2 vị trí tuyển dụng" in response.get_data(as_text=True)
    employers = {e.tax_code: e for e in db.session.scalars(sa.select(Employer))}
    assert set(employers) == {TAX_A, TAX_B}
    assert employers[TAX_B].name == "Hợp tác xã Chè Tân Cương"
    assert employers[TAX_A].status == PartnerStatus.APPROVED and employers[TAX_A].ward_code == "05528"
    vacancy = employers[TAX_A].vacancies[0]
    assert (vacancy.quantity, vacancy.salary_min, vacancy.deadline) == (10, 6_000_000, deadline)
    assert vacancy.education.value == "lower_secondary" and vacancy.age_max == 40
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "import.partners")).one()
    assert entry.actor_id == staff.id and entry.details["vacancies"] == 2


@pytest.fixture()
def existing(db, make_user):
    admin = make_user("admin")
    employer = services.create_employer({"name": "Công ty Cổ phần Sông Công", "tax_code": TAX_DB}, by=admin)
    db.session.commit()
    return employer


def _bad_file(client):
    return _filled(
        client,
        employers=[
            _employer(TAX_A),  # row 4: good
            _employer(TAX_BAD, "Công ty Sai Mã"),  # row 5: wrong check digit
            _employer(TAX_A, "Công ty Trùng Trong Tệp"),  # row 6: same tax code as row 4
            _employer(TAX_DB, "Công ty Đã Có"),  # row 7: already registered
            _employer(TAX_C, None),  # row 8: name missing
        ],
        vacancies=[
            _vacancy(TAX_A),  # row 4: good
            _vacancy(TAX_A, "Thợ hàn", quantity=0),  # row 5: quantity ≤ 0
            _vacancy(TAX_A, "Kế toán", low=9_000_000, high=7_000_000),  # row 6: min > max
            _vacancy(TAX_A, None),  # row 7: title missing
            _vacancy(TAX_DB, "Bảo vệ", quantity=2),  # row 8: good, existing employer
            _vacancy(TAX_BAD, "Lái xe"),  # row 9: employer row refused
        ],
    )


def test_a_file_with_bad_rows_saves_nothing_and_reports_each(client, db, staff, existing):
    response = _upload(client, _bad_file(client))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "chưa có dòng nào được nhập" in html
    rows = _report_rows(html)
    by_place = {(sheet, row, column): message for sheet, row, column, message in rows}
    assert "chữ số kiểm tra" in by_place[("Doanh nghiệp", "5", "Mã số thuế")]
    assert "trùng với dòng 4" in by_place[("Doanh nghiệp", "6", "Mã số thuế")]
    assert "đã được đăng ký" in by_place[("Doanh nghiệp", "7", "Mã số thuế")]
    assert "bắt buộc" in by_place[("Doanh nghiệp", "8", "Tên doanh nghiệp")]
    assert "lớn hơn 0" in by_place[("Vị trí tuyển dụng", "5", "Số lượng (chỉ tiêu)")]
    assert "Lương từ" in by_place[("Vị trí tuyển dụng", "6", "Lương đến (đồng/tháng)")]
    assert "bắt buộc" in by_place[("Vị trí tuyển dụng", "7", "Vị trí tuyển dụng")]
    assert ("Vị trí tuyển dụng", "9", "Mã số thuế doanh nghiệp") in by_place
    assert len(rows) == 8  # the good rows (employer 4, vacancies 4 and 8) are not listed
    # Nothing saved: only the employer that was there before, no vacancy, no import audit entry
    assert [e.tax_code for e in db.session.scalars(sa.select(Employer))] == [TAX_DB]
    assert _count(db, Vacancy) == 0
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "import.partners")) is None
    assert "Chỉ nhập 3 dòng hợp lệ" in html


def test_confirming_imports_only_the_valid_rows_once(client, db, app, staff, existing):
    html = _upload(client, _bad_file(client)).get_data(as_text=True)
    token = TOKEN_INPUT.search(html).group(1)
    kept = list((Path(app.instance_path) / "imports").glob(f"*{token}.xlsx"))
    assert len(kept) == 1 and kept[0].name == f"{staff.id}-{token}.xlsx"

    confirm = {"csrf_token": csrf_token_from(html), "token": token}
    response = client.post("/manage/import/confirm", data=confirm)
    assert response.status_code == 200
    assert "Đã nhập 1 doanh nghiệp và 2 vị trí tuyển dụng; 8 dòng có lỗi được bỏ qua" in response.get_data(
        as_text=True
    )
    assert {e.tax_code for e in db.session.scalars(sa.select(Employer))} == {TAX_A, TAX_DB}
    titles = {(v.employer.tax_code, v.title) for v in db.session.scalars(sa.select(Vacancy))}
    assert titles == {(TAX_A, "Công nhân lắp ráp"), (TAX_DB, "Bảo vệ")}
    assert not kept[0].exists()  # deleted after use

    again = client.post("/manage/import/confirm", data=confirm, follow_redirects=True)
    assert "không còn" in again.get_data(as_text=True)
    assert _count(db, Vacancy) == 2


@pytest.mark.parametrize("token", ["../../../etc/passwd", "x" * 32 + "/..", "", "a" * 31])
def test_confirm_never_uses_a_path_from_the_browser(client, db, staff, token):
    page = client.get("/manage/import/").get_data(as_text=True)
    response = client.post(
        "/manage/import/confirm",
        follow_redirects=True,
        data={"csrf_token": csrf_token_from(page), "token": token},
    )
    assert response.status_code == 200 and "không còn" in response.get_data(as_text=True)


def test_another_account_cannot_confirm_an_upload(client, db, auth, existing):
    auth.login("organiser")
    html = _upload(client, _bad_file(client)).get_data(as_text=True)
    token = TOKEN_INPUT.search(html).group(1)
    auth.logout()
    auth.login("admin")
    page = client.get("/manage/import/").get_data(as_text=True)
    response = client.post(
        "/manage/import/confirm",
        follow_redirects=True,
        data={"csrf_token": csrf_token_from(page), "token": token},
    )
    assert "không còn" in response.get_data(as_text=True)
    assert _count(db, Vacancy) == 0


def test_a_sheet_without_the_key_row_is_read_by_its_headers(client, db, staff):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã số thuế", "Tên doanh nghiệp", "Email"])
    sheet.append([int(TAX_C), "Tổng công ty Giấy", "giay@example.vn"])  # Excel made it a number
    output = io.BytesIO()
    workbook.save(output)
    response = _upload(client, output.getvalue())
    assert response.status_code == 200, response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Employer.tax_code)).all() == [TAX_C]  # leading zero back


def test_a_workbook_that_is_not_the_template_is_refused(client, db, staff):
    workbook = Workbook()
    workbook.active.append(["Họ tên", "Ngày sinh"])
    output = io.BytesIO()
    workbook.save(output)
    response = _upload(client, output.getvalue())
    assert response.status_code == 422
    assert "Không nhận ra sheet nào của tệp mẫu" in response.get_data(as_text=True)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PNG, "anh.xlsx", "không phải bảng tính Excel (.xlsx) hợp lệ"),
        (
            "Mã số thuế,Tên\n4600123459,Công ty\n".encode(),
            "danh-sach.xlsx",
            "không phải bảng tính Excel (.xlsx) hợp lệ",
        ),
        (PNG, "anh.png", "chỉ nhận tệp .xlsx"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(client, db, staff, data, name, message):
    response = _upload(client, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(db, Employer) == 0


def test_a_file_over_the_import_limit_gets_a_message(client, db, app, staff):
    app.config["IMPORT_MAX_BYTES"] = 1024 * 1024
    response = _upload(client, b"PK\x03\x04" + b"\x00" * (2 * 1024 * 1024))
    assert response.status_code == 422
    assert "Tệp quá lớn: tối đa 1 MB" in response.get_data(as_text=True)


def test_a_50_mb_upload_gets_a_friendly_page_not_a_crash(client, db, staff):
    response = _upload(client, b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Dữ liệu gửi lên quá lớn" in html and "<html" in html.lower()


def test_too_many_rows_gets_a_message(client, db, app, staff):
    app.config["IMPORT_MAX_ROWS"] = 10
    data = _filled(client, employers=[_employer(TAX_A)] * 12)
    response = _upload(client, data)
    assert response.status_code == 422
    assert "quá nhiều dòng: tối đa 10 dòng" in response.get_data(as_text=True)


ROUTES = [
    ("GET", "/manage/import/"),
    ("POST", "/manage/import/"),
    ("POST", "/manage/import/confirm"),
    ("GET", "/manage/import/template.xlsx"),
    ("GET", "/manage/import/export/employers.xlsx"),
    ("GET", "/manage/import/export/vacancies.csv"),
]


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, method, url):
    data = None
    if method == "POST":
        data = {"csrf_token": csrf_token_from(client.get("/login").get_data(as_text=True))}
    response = client.open(url, method=method, data=data)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["employer", "school", "gate"])
@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_other_roles_are_forbidden(client, db, auth, role, method, url):
    auth.login(role)
    data = None
    if method == "POST":
        data = {"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))}
    assert client.open(url, method=method, data=data).status_code == 403


def test_staff_see_the_page(client, db, auth):
    auth.login("admin")
    html = client.get("/manage/import/").get_data(as_text=True)
    assert "Tải tệp mẫu (.xlsx)" in html and 'enctype="multipart/form-data"' in html
