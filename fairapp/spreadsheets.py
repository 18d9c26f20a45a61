"""Spreadsheets in and out, shared by every list the app exports or imports.

Writing: `write_xlsx` and `write_csv` neutralise formula injection (a text that Excel or LibreOffice
would run as a formula: starting with = + - @, a tab or a carriage return). In CSV such a text gets a
leading apostrophe (`safe_cell`); in .xlsx it is stored as a string cell with Excel's "quote prefix"
style, so it is shown as typed and never evaluated, even after the cell is edited.

Reading: `read_xlsx` accepts only a real .xlsx workbook of bounded size, checked before openpyxl parses
anything: the zip signature, the size the entries claim once uncompressed (zip bombs), their number
and compression ratio, and no macro project. openpyxl then reads in read-only, values-only mode (cached
results instead of formulas) through defusedxml."""

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from flask_babel import lazy_gettext as _l

from fairapp.errors import DomainError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
NUMBER_FORMAT = "#,##0"  # VND has no minor unit

# Reading limits; callers pass their own (from the app config) where they need other values.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 5_000
MAX_COLUMNS = 60
MAX_ZIP_ENTRIES = 500
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # what all entries may claim together
MAX_COMPRESSION_RATIO = 200  # a real sheet compresses ~5-20×; a bomb compresses ~1000×
ZIP_SIGNATURE = b"PK\x03\x04"


class SpreadsheetError(DomainError):
    """The upload cannot be read as a spreadsheet. Codes: `not_xlsx`, `file_too_large`,
    `too_many_rows`, `unsafe_file`, `empty_file`."""

    code = "not_xlsx"
    status = 422
    message = _l("Tệp tải lên không phải bảng tính Excel (.xlsx) hợp lệ.")


def _refuse(code: str, message) -> SpreadsheetError:
    return SpreadsheetError(message, code=code)


# --- writing ---------------------------------------------------------------------------------------


def safe_cell(value: Any) -> Any:
    """The value, with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(safe_cell(value) if isinstance(value, str) else value)


def write_csv(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads Vietnamese correctly), comma-separated, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_text(str(header)) for header in headers])
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 16 if isinstance(value, datetime) else 10
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return len(f"{value:,.0f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def write_xlsx(rows: Iterable[Sequence[Any]], headers: Sequence[str], *, title: str) -> bytes:
    """One sheet: a bold, frozen header row, columns as wide as their content (within reason),
    dates as dd/mm/yyyy and whole numbers as #,##0."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    widths = [len(str(header)) for header in headers]
    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        set_cell(sheet.cell(row=1, column=column), str(header)).font = bold
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            set_cell(sheet.cell(row=row_number, column=column), value)
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1], _width(value))
    sheet.freeze_panes = "A2"
    set_widths(sheet, widths)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def set_cell(cell, value: Any):
    """Write one value; text is always a string cell (never a formula), numbers and dates formatted."""
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would otherwise make a text starting with "=" a formula
        if _is_formula_like(value):
            cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None) if value.tzinfo else value
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = NUMBER_FORMAT
    else:
        cell.value = value
    return cell


def set_widths(sheet, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)


def sheet_title(title: str) -> str:
    """Excel refuses sheet titles over 31 characters or with []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()
    return (cleaned or "Sheet")[:31]


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRows:
    """The non-empty rows of one sheet, each with its row number in the file (1 = first row)."""

    title: str
    rows: list[tuple[int, tuple]]


def read_xlsx(
    file: IO[bytes] | bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    sheets: Sequence[str] | None = None,
) -> dict[str, SheetRows]:
    """Read the named sheets (all when None) of an uploaded .xlsx; sheets the workbook lacks are
    left out. Raises SpreadsheetError when the upload is not a bounded, macro-free .xlsx or holds
    more than `max_rows` non-empty rows (all sheets together)."""
    data = _read_bounded(file, max_bytes)
    _check_archive(data)
    workbook = _load(data)
    try:
        return _collect(workbook, max_rows, sheets)
    finally:
        workbook.close()


def _read_bounded(file: IO[bytes] | bytes, max_bytes: int) -> bytes:
    data = file if isinstance(file, bytes) else file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(
            "file_too_large", _l("Tệp quá lớn: tối đa %(size)s MB.", size=f"{max_bytes / (1024 * 1024):g}")
        )
    if not data:
        raise _refuse("empty_file", _l("Tệp tải lên trống."))
    return data


def _check_archive(data: bytes) -> None:
    if not data.startswith(ZIP_SIGNATURE):
        raise _refuse("not_xlsx", SpreadsheetError.message)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _refuse("not_xlsx", SpreadsheetError.message) from None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse("not_xlsx", SpreadsheetError.message)
    unsafe = _l(
        "Tệp bảng tính có cấu trúc bất thường (có macro hoặc nén bất thường) nên không được "
        "nhận. Hãy lưu lại thành tệp .xlsx thông thường rồi tải lên."
    )
    if len(entries) > MAX_ZIP_ENTRIES or any(name.lower().endswith(".bin") for name in names):
        raise _refuse("unsafe_file", unsafe)  # vbaProject.bin: macros; embedded binaries
    total = 0
    for entry in entries:
        total += entry.file_size
        bomb_like = (
            entry.file_size > 1024 * 1024
            and entry.file_size / max(entry.compress_size, 1) > MAX_COMPRESSION_RATIO
        )
        if total > MAX_UNCOMPRESSED_BYTES or bomb_like:
            raise _refuse("unsafe_file", unsafe)


def _load(data: bytes):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors)
        raise _refuse("not_xlsx", SpreadsheetError.message) from None


def _collect(workbook, max_rows: int, sheets: Sequence[str] | None) -> dict[str, SheetRows]:
    too_many = _refuse(
        "too_many_rows",
        _l("Tệp có quá nhiều dòng: tối đa %(rows)s dòng.", rows=f"{max_rows:,}".replace(",", ".")),
    )
    # Rows that are present but empty (formatting only) are skipped, up to this many in all.
    scan_limit = max(max_rows * 10, 10_000)
    counted = scanned = 0
    result = {}
    try:
        for sheet in workbook.worksheets:
            if sheets is not None and sheet.title not in sheets:
                continue
            rows = []
            for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                scanned += 1
                if scanned > scan_limit:
                    raise too_many
                values = [_clean(value) for value in values]
                while values and values[-1] is None:
                    values.pop()
                if not values:
                    continue
                counted += 1
                if counted > max_rows:
                    raise too_many
                rows.append((number, tuple(values)))
            result[sheet.title] = SheetRows(sheet.title, rows)
    except SpreadsheetError:
        raise
    except Exception:  # a damaged sheet inside a well-formed archive
        raise _refuse("not_xlsx", SpreadsheetError.message) from None
    return result


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_csv(
    file: IO[bytes] | bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> SheetRows:
    """The non-empty rows of an uploaded CSV, as read_xlsx gives a sheet's. The text may be UTF-8 (with
    or without Excel's byte-order mark), UTF-16 with its mark (Excel's "Unicode text"), or Windows-1258;
    the separator a comma, semicolon or tab. Raises SpreadsheetError for what is no such text."""
    data = _read_bounded(file, max_bytes)
    text = _decode(data)
    if text is None or "\x00" in text:
        raise _refuse("not_csv", _l("Tệp tải lên không phải bảng tính (.xlsx) hay tệp CSV đọc được."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    rows = []
    too_many = _refuse(
        "too_many_rows",
        _l("Tệp có quá nhiều dòng: tối đa %(rows)s dòng.", rows=f"{max_rows:,}".replace(",", ".")),
    )
    try:
        for number, values in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            cleaned = [_clean(value) for value in values[:MAX_COLUMNS]]
            while cleaned and cleaned[-1] is None:
                cleaned.pop()
            if not cleaned:
                continue
            if len(rows) >= max_rows:
                raise too_many
            rows.append((number, tuple(cleaned)))
    except csv.Error:
        raise _refuse(
            "not_csv", _l("Tệp tải lên không phải bảng tính (.xlsx) hay tệp CSV đọc được.")
        ) from None
    return SheetRows("csv", rows)


def _decode(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
