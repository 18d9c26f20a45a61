"""Employer and vacancy lists as spreadsheets: the .xlsx template the app hands out, the import of a
filled-in template, and the exports.

The template has an employers sheet and a vacancies sheet. Row 1 holds the Vietnamese headers, row 2
(hidden) the machine keys the importer reads columns by (so columns may be moved), row 3 an example
that the importer skips while it is left unchanged. A sheet is recognised by its keys, not its title;
a sheet without the key row is read by its headers.

The import never validates anything itself: each row goes through the partner services inside a
SAVEPOINT, and every refusal becomes a line of the report (sheet, row, column, message). Whether the
rows that passed are kept is the caller's choice: `run_import` leaves them in the session, the view
rolls the whole transaction back when anything failed unless the user asked for the valid rows only."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone
from sqlalchemy.orm import contains_eager, selectinload

from fairapp.audit.services import SYSTEM, Origin, record, record_read
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.geo.models import Ward
from fairapp.partners import services
from fairapp.partners.models import EducationLevel, Employer, PartnerStatus, Vacancy, VacancyStatus
from fairapp.partners.taxcode import normalise_tax_code
from fairapp.spreadsheets import SheetRows, set_widths, write_csv, write_xlsx
from fairapp.text import fold


@dataclass(frozen=True)
class Column:
    key: str  # the service's field name; also the machine key in the template's hidden row
    header: object  # lazy Vietnamese label
    example: object = None
    required: bool = False
    kind: str = "text"  # text, code (kept as text: leading zeros), integer, money, date, ward
    width: int = 18


EMPLOYER_COLUMNS = (
    Column("tax_code", _l("Mã số thuế"), "4600123459", True, "code", 16),
    Column("name", _l("Tên doanh nghiệp"), "Công ty TNHH May Sông Công", True, width=36),
    Column("industry", _l("Ngành nghề kinh doanh"), "Dệt may", width=22),
    Column("address", _l("Địa chỉ"), "Số 12 đường Thắng Lợi", width=30),
    Column("ward_code", _l("Mã phường/xã"), "05518", kind="ward", width=14),
    Column("contact_name", _l("Người liên hệ"), "Nguyễn Thị Hoa", width=22),
    Column("phone", _l("Điện thoại"), "0912345678", kind="code", width=14),
    Column("email", _l("Email"), "tuyendung@example.vn", width=26),
)
VACANCY_COLUMNS = (
    Column("employer_tax_code", _l("Mã số thuế doanh nghiệp"), "4600123459", True, "code", 16),
    Column("title", _l("Vị trí tuyển dụng"), "Công nhân may", True, width=28),
    Column("occupation", _l("Nghề"), "May công nghiệp", width=20),
    Column("quantity", _l("Số lượng (chỉ tiêu)"), 20, True, "integer", 12),
    Column("salary_min", _l("Lương từ (đồng/tháng)"), 6_000_000, kind="money", width=16),
    Column("salary_max", _l("Lương đến (đồng/tháng)"), 9_000_000, kind="money", width=16),
    Column("work_place", _l("Nơi làm việc"), "Khu công nghiệp Sông Công I", width=28),
    Column("education", _l("Trình độ học vấn"), "Trung học cơ sở", kind="education", width=20),
    Column("experience_years", _l("Kinh nghiệm (năm)"), None, kind="count", width=12),
    Column("age_min", _l("Tuổi từ"), 18, kind="count", width=9),
    Column("age_max", _l("Tuổi đến"), 35, kind="count", width=9),
    Column("working_hours", _l("Thời gian làm việc"), "Ca ngày 7h30–17h", width=20),
    Column("benefits", _l("Quyền lợi"), "BHXH, BHYT, ăn trưa", width=24),
    Column("requirements", _l("Yêu cầu khác"), "Sức khoẻ tốt", width=24),
    Column("deadline", _l("Hạn nhận hồ sơ (dd/mm/yyyy)"), None, kind="date", width=16),
)
EDUCATION_LABELS = {
    EducationLevel.NONE: _l("Không yêu cầu"),
    EducationLevel.PRIMARY: _l("Tiểu học"),
    EducationLevel.LOWER_SECONDARY: _l("Trung học cơ sở"),
    EducationLevel.UPPER_SECONDARY: _l("Trung học phổ thông"),
    EducationLevel.VOCATIONAL: _l("Sơ cấp hoặc trung cấp nghề"),
    EducationLevel.COLLEGE: _l("Cao đẳng"),
    EducationLevel.UNIVERSITY: _l("Đại học"),
}
EMPLOYERS_SHEET = _l("Doanh nghiệp")
VACANCIES_SHEET = _l("Vị trí tuyển dụng")
DATA_VALIDATION_ROWS = 2000  # template rows that carry the lists


# --- the template ----------------------------------------------------------------------------------


def template_workbook(*, province_code: int) -> bytes:
    """The .xlsx people fill in: two data sheets, a how-to sheet and a hidden list of ward codes."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    wards = db.session.scalars(
        sa.select(Ward).where(Ward.province_code == province_code).order_by(Ward.name)
    ).all()
    lists = workbook.create_sheet(_("Danh mục phường xã"))
    lists.append([_("Mã phường/xã"), _("Tên")])
    for ward in wards:
        lists.append([ward.code, ward.name])
    set_widths(lists, [12, 30])
    lists.sheet_state = "hidden"

    sheets = (
        (workbook.active, EMPLOYERS_SHEET, EMPLOYER_COLUMNS),
        (workbook.create_sheet(), VACANCIES_SHEET, VACANCY_COLUMNS),
    )
    for sheet, title, columns in sheets:
        sheet.title = str(title)
        sheet.append([str(c.header) + (" *" if c.required else "") for c in columns])
        sheet.append([c.key for c in columns])
        sheet.append([c.example for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for cell in sheet[3]:
            cell.font = Font(italic=True, color="808080")
        sheet.row_dimensions[2].hidden = True
        sheet.freeze_panes = "A4"
        set_widths(sheet, [c.width for c in columns])
        for index, column in enumerate(columns):
            _format_column(sheet, index + 1, column, DataValidation, len(wards))
    _howto_sheet(workbook.create_sheet(_("Hướng dẫn")))
    workbook.move_sheet(lists, offset=len(workbook.sheetnames))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _format_column(sheet, number: int, column: Column, DataValidation, ward_count: int) -> None:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(number)
    area = f"{letter}3:{letter}{DATA_VALIDATION_ROWS}"
    validation = None
    # Formats on the whole column (no empty cells created): Excel applies them to what is typed.
    if column.kind in ("code", "ward"):
        sheet.column_dimensions[letter].number_format = "@"  # text, so Excel keeps the leading zeros
    if column.kind == "ward" and ward_count:
        quoted = _("Danh mục phường xã").replace("'", "''")
        validation = DataValidation(
            type="list", formula1=f"='{quoted}'!$A$2:$A${ward_count + 1}", allow_blank=True
        )
        validation.error = _("Chọn một mã phường/xã trong danh sách.")
    elif column.kind == "education":
        labels = ",".join(str(label) for label in EDUCATION_LABELS.values())
        validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
        validation.error = _("Chọn một trình độ trong danh sách.")
    elif column.kind == "integer":
        validation = DataValidation(type="whole", operator="greaterThan", formula1="0", allow_blank=True)
        validation.error = _("Nhập một số nguyên lớn hơn 0.")
    elif column.kind == "count":
        validation = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        validation.error = _("Nhập một số nguyên không âm.")
    elif column.kind == "money":
        validation = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        validation.error = _("Nhập số tiền (đồng), không âm; để trống nếu lương thoả thuận.")
        sheet.column_dimensions[letter].number_format = "#,##0"
    elif column.kind == "date":
        validation = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
        validation.error = _("Nhập ngày dạng dd/mm/yyyy.")
        sheet.column_dimensions[letter].number_format = "dd/mm/yyyy"
    if validation is not None:
        validation.showErrorMessage = True
        validation.add(area)
        sheet.add_data_validation(validation)


def _howto_sheet(sheet) -> None:
    from openpyxl.styles import Font

    lines = [
        _("Cách điền tệp mẫu"),
        _(
            '1. Sheet "Doanh nghiệp": mỗi dòng một doanh nghiệp; sheet "Vị trí tuyển dụng": mỗi dòng '
            "một vị trí, ghi mã số thuế của doanh nghiệp (đã có trong tệp này hoặc đã có trong hệ thống)."
        ),
        _(
            "2. Cột có dấu * là bắt buộc. Dòng 3 (chữ nghiêng) là ví dụ: ghi đè hoặc để nguyên, "
            "dòng ví dụ để nguyên sẽ không được nhập."
        ),
        _("3. Mã số thuế gồm 10 chữ số (có thể thêm đuôi chi nhánh -001 … -999)."),
        _("4. Lương tính theo đồng/tháng; để trống cả hai ô nếu lương thoả thuận."),
        _("5. Không đổi tên, không xoá dòng 2 (ẩn): hệ thống dựa vào đó để nhận biết các cột."),
        _(
            "6. Nếu có dòng sai, hệ thống không nhập gì và liệt kê từng lỗi (dòng, cột, lý do) để bạn "
            "sửa, hoặc bạn có thể chọn chỉ nhập các dòng hợp lệ."
        ),
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 110


# --- the import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str | None
    message: str


@dataclass
class ImportReport:
    employers_seen: int = 0
    vacancies_seen: int = 0
    employers_created: int = 0
    vacancies_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    failed_rows: set = field(default_factory=set)  # (sheet, row)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_seen(self) -> int:
        return self.employers_seen + self.vacancies_seen

    @property
    def valid_rows(self) -> int:
        return self.rows_seen - len(self.failed_rows)

    def fail(self, sheet, row: int | None, column: Column | str | None, message) -> None:
        label = str(column.header) if isinstance(column, Column) else column
        self.errors.append(RowError(str(sheet), row, label, str(message)))
        if row is not None:  # a sheet-level problem (a missing column) is no row of its own
            self.failed_rows.add((str(sheet), row))


@dataclass
class _Table:
    rows: list[tuple[int, dict]]  # (row number in the file, key → value)
    missing: list[Column]  # required columns the sheet lacks


def run_import(
    sheets: dict[str, SheetRows], *, by, origin: Origin = SYSTEM, now: datetime, only_valid: bool = False
) -> ImportReport:
    """Create the employers, then the vacancies, of a filled-in template, each row in its own
    SAVEPOINT so a refused row leaves no trace. The rows that passed stay in the session (flushed,
    not committed); the caller decides whether to keep them (see the module docstring)."""
    report = ImportReport()
    employers = _table(sheets, EMPLOYER_COLUMNS)
    vacancies = _table(sheets, VACANCY_COLUMNS)
    if employers is None and vacancies is None:
        report.fail(
            "",
            None,
            None,
            _l("Không nhận ra sheet nào của tệp mẫu. Hãy tải tệp mẫu, điền vào đó rồi tải lên lại."),
        )
        return report
    created: dict[str, Employer] = {}
    failed_codes: dict[str, int] = {}
    if employers is not None:
        _import_employers(employers, report, created, failed_codes, by=by, origin=origin, now=now)
    if vacancies is not None:
        _import_vacancies(vacancies, report, created, failed_codes, by=by, origin=origin, now=now)
    record(
        "import.partners",
        actor=by,
        origin=origin,
        details={
            "employers": report.employers_created,
            "vacancies": report.vacancies_created,
            "errors": len(report.errors),
            "only_valid": only_valid,
        },
    )
    db.session.flush()
    return report


def _import_employers(table: _Table, report, created, failed_codes, *, by, origin, now) -> None:
    sheet = EMPLOYERS_SHEET
    for column in table.missing:
        report.fail(sheet, None, column, _l("Thiếu cột bắt buộc."))
    if table.missing:
        return
    first_row: dict[str, int] = {}
    for number, data in table.rows:
        report.employers_seen += 1
        code = _tax_code_or_none(data.get("tax_code"))
        if code is not None and code in first_row:
            report.fail(
                sheet,
                number,
                EMPLOYER_COLUMNS[0],
                _l("Mã số thuế trùng với dòng %(row)s trong tệp.", row=first_row[code]),
            )
            continue
        if code is not None:
            first_row[code] = number
        try:
            with db.session.begin_nested():
                employer = services.create_employer(data, by=by, origin=origin, now=now)
        except DomainError as error:
            _report_error(report, sheet, number, EMPLOYER_COLUMNS, error)
            if code is not None and error.code != "employer_exists":  # its vacancies join the one we have
                failed_codes[code] = number
            continue
        report.employers_created += 1
        created[employer.tax_code] = employer


def _import_vacancies(table: _Table, report, created, failed_codes, *, by, origin, now) -> None:
    sheet = VACANCIES_SHEET
    employer_column = VACANCY_COLUMNS[0]
    for column in table.missing:
        report.fail(sheet, None, column, _l("Thiếu cột bắt buộc."))
    if table.missing:
        return
    for number, data in table.rows:
        report.vacancies_seen += 1
        raw_code = data.pop("employer_tax_code", None)
        if raw_code is None:
            report.fail(sheet, number, employer_column, _l("Bắt buộc."))
            continue
        code = _tax_code_or_none(raw_code)
        if code is None:
            report.fail(sheet, number, employer_column, _l("Mã số thuế không hợp lệ."))
            continue
        if code in failed_codes:
            report.fail(
                sheet,
                number,
                employer_column,
                _l(
                    "Doanh nghiệp ở dòng %(row)s của sheet Doanh nghiệp bị lỗi nên vị trí này "
                    "chưa được nhập.",
                    row=failed_codes[code],
                ),
            )
            continue
        employer = (
            created.get(code)
            or db.session.scalars(sa.select(Employer).where(Employer.tax_code == code)).one_or_none()
        )
        if employer is None:
            report.fail(
                sheet,
                number,
                employer_column,
                _l("Không có doanh nghiệp với mã số thuế này trong tệp hay trong hệ thống."),
            )
            continue
        try:
            with db.session.begin_nested():
                services.create_vacancy(employer, data, by=by, origin=origin, now=now)
        except DomainError as error:
            _report_error(report, sheet, number, VACANCY_COLUMNS, error)
            continue
        report.vacancies_created += 1


def _report_error(report, sheet, number: int, columns: Sequence[Column], error: DomainError) -> None:
    by_key = {c.key: c for c in columns}
    if not error.fields:
        column = by_key["tax_code"] if error.code == "employer_exists" else None
        report.fail(sheet, number, column, error.message)
        return
    for name, message in error.fields.items():
        column = by_key.get(name)
        report.fail(sheet, number, column if column is not None else name, message)


def _tax_code_or_none(raw) -> str | None:
    try:
        return normalise_tax_code(raw)
    except DomainError:
        return None


def _table(sheets: dict[str, SheetRows], columns: Sequence[Column]) -> _Table | None:
    """The sheet whose key row (or, failing that, header row) names this template's columns."""
    keys = {c.key for c in columns}
    labels = {fold(str(c.header)): c.key for c in columns}
    by_key = lambda text: text if text in keys else None  # noqa: E731
    by_label = lambda text: labels.get(fold(text.rstrip(" *")))  # noqa: E731
    for match in (by_key, by_label):  # the hidden key row wins over the headers above it
        for sheet in sheets.values():
            for index, (_number, values) in enumerate(sheet.rows[:5]):
                found = _positions(values, match)
                if len(found) >= 2 and _identifies(found, columns):
                    return _rows(sheet.rows[index + 1 :], found, columns)
    return None


def _identifies(found: dict[str, int], columns: Sequence[Column]) -> bool:
    # The employer tax code names both sheets; the sheet is this one when its own second key is there.
    return columns[1].key in found


def _positions(values: tuple, match) -> dict[str, int]:
    found = {}
    for position, value in enumerate(values):
        if isinstance(value, str) and (key := match(value)) and key not in found:
            found[key] = position
    return found


def _rows(rows, positions: dict[str, int], columns: Sequence[Column]) -> _Table:
    example = tuple(c.example for c in columns)
    by_key = {c.key: c for c in columns}
    result = []
    for number, values in rows:
        raw = {
            c.key: values[positions[c.key]] if positions[c.key] < len(values) else None
            for c in columns
            if c.key in positions
        }
        if tuple(raw.get(c.key) for c in columns) == example or all(v is None for v in raw.values()):
            continue
        result.append((number, {key: _value(by_key[key], value) for key, value in raw.items()}))
    return _Table(result, [c for c in columns if c.required and c.key not in positions])


def _value(column: Column, value):
    """Excel turns codes into numbers (05518 → 5518); give them back their text form."""
    if value is None:
        return None
    if column.kind in ("code", "ward") and isinstance(value, int | float) and float(value).is_integer():
        digits = str(int(value))
        if column.kind == "ward":
            return digits.zfill(5)
        if column.key.endswith("tax_code"):
            return digits.zfill(10) if len(digits) <= 10 else digits
        return "0" + digits if column.key == "phone" and not digits.startswith("0") else digits
    if column.kind == "date" and isinstance(value, datetime):
        return value.date()
    if column.kind in ("integer", "count", "money") and isinstance(value, float) and value.is_integer():
        return int(value)
    if column.kind == "education" and isinstance(value, str):
        by_label = {fold(str(label)): level.value for level, label in EDUCATION_LABELS.items()}
        return by_label.get(fold(value), value)
    return value


# --- exports ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFilter:
    status: str | None = None
    ward_code: str | None = None


EMPLOYER_STATUS = {
    PartnerStatus.PENDING: _l("Chờ duyệt"),
    PartnerStatus.APPROVED: _l("Đã duyệt"),
    PartnerStatus.REJECTED: _l("Từ chối"),
    PartnerStatus.SUSPENDED: _l("Tạm ngừng"),
}
VACANCY_STATUS = {
    VacancyStatus.OPEN: _l("Đang tuyển"),
    VacancyStatus.FILLED: _l("Đã đủ"),
    VacancyStatus.CLOSED: _l("Đã đóng"),
}


def employer_rows(filters: ExportFilter) -> tuple[list[str], list[list]]:
    headers = [str(c.header) for c in EMPLOYER_COLUMNS] + [
        _("Phường/xã"),
        _("Trạng thái"),
        _("Số vị trí"),
        _("Tổng chỉ tiêu"),
        _("Ngày đăng ký"),
    ]
    statement = (
        sa.select(Employer).options(selectinload(Employer.vacancies)).order_by(Employer.name, Employer.id)
    )
    if filters.status:
        statement = statement.where(Employer.status == PartnerStatus(filters.status))
    if filters.ward_code:
        statement = statement.where(Employer.ward_code == filters.ward_code)
    employers = db.session.scalars(statement).all()
    wards = _ward_names({e.ward_code for e in employers})
    rows = []
    for employer in employers:
        rows.append(
            [getattr(employer, c.key) for c in EMPLOYER_COLUMNS]
            + [
                wards.get(employer.ward_code),
                str(EMPLOYER_STATUS[employer.status]),
                len(employer.vacancies),
                sum(v.quantity for v in employer.vacancies),
                _local_day(employer.created_at),
            ]
        )
    return headers, rows


def vacancy_rows(filters: ExportFilter) -> tuple[list[str], list[list]]:
    headers = [_("Doanh nghiệp"), *(str(c.header) for c in VACANCY_COLUMNS), _("Trạng thái")]
    statement = (
        sa.select(Vacancy)
        .join(Vacancy.employer)
        .options(contains_eager(Vacancy.employer))
        .order_by(Employer.name, Vacancy.id)
    )
    if filters.status:
        statement = statement.where(Vacancy.status == VacancyStatus(filters.status))
    if filters.ward_code:
        statement = statement.where(Employer.ward_code == filters.ward_code)
    rows = []
    for vacancy in db.session.scalars(statement).all():
        values = [_export_value(vacancy, c) for c in VACANCY_COLUMNS]
        rows.append([vacancy.employer.name, *values, str(VACANCY_STATUS[vacancy.status])])
    return headers, rows


def export(kind: str, fmt: str, filters: ExportFilter, *, by, origin: Origin = SYSTEM) -> bytes:
    """The employer or vacancy list as .xlsx or .csv bytes; the export is written to the audit log (a
    read)."""
    headers, rows = (employer_rows if kind == "employers" else vacancy_rows)(filters)
    title = EMPLOYERS_SHEET if kind == "employers" else VACANCIES_SHEET
    data = write_xlsx(rows, headers, title=str(title)) if fmt == "xlsx" else write_csv(rows, headers)
    record_read(
        f"export.{kind}",
        actor=by,
        origin=origin,
        details={"format": fmt, "rows": len(rows), "status": filters.status, "ward_code": filters.ward_code},
    )
    return data


def _export_value(vacancy: Vacancy, column: Column):
    if column.key == "employer_tax_code":
        return vacancy.employer.tax_code
    value = getattr(vacancy, column.key)
    if column.kind == "education" and value is not None:
        return str(EDUCATION_LABELS.get(EducationLevel(value), value))
    return value


def _ward_names(codes: set) -> dict[str, str]:
    codes = {c for c in codes if c}
    if not codes:
        return {}
    return dict(db.session.execute(sa.select(Ward.code, Ward.name).where(Ward.code.in_(codes))).all())


def _local_day(moment: datetime | None) -> date | None:
    return to_user_timezone(moment).date() if moment is not None else None
