"""Reading a ward's household list (xlsx or CSV) into clean rows, and the template the app offers.

One row per household member. The household's columns (code, category, head, village, ward, year,
phone) may be filled on every row, or only on the household's first row, as printed lists do: an
empty household code carries the one above it down. Columns are found by the template's hidden key
row, else by their headers in the first ten rows (any case, with or without diacritics, the common
spellings: "Mã hộ", "Họ và tên", "Năm sinh" or "Ngày tháng năm sinh", "Giới tính", "Quan hệ với chủ
hộ", "Số CCCD/Số định danh", "Thôn/Tổ dân phố", "Phân loại hộ", …).

What a row may hold:
    category     "Hộ nghèo"/"nghèo"/"HN", "Hộ cận nghèo"/"cận nghèo"/"CN", "Hộ mới thoát nghèo"/"MTN"
    birth        a year (1985), a date cell, dd/mm/yyyy, d-m-yyyy, yyyy-mm-dd or mm/yyyy
    gender       Nam / Nữ (male / female)
    ward         a code of today's units, or of a pre-2025 unit that became one of the wards being
                 imported (a pre-2025 unit split between several wards must name today's)
    names        as written; ALL CAPS becomes "Nguyễn Văn An"; matching folds diacritics anyway
Every refusal is a line of the report: the row, the column and the rule. `parse` only reads; saving is
fairapp.households.services.apply_list."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fairapp.attendees.models import Gender
from fairapp.attendees.validation import check_citizen_id, clean_full_name
from fairapp.extensions import db
from fairapp.geo.models import LegacyWard, Ward
from fairapp.households.models import Category
from fairapp.households.services import ListRow
from fairapp.phones import normalise_mobile
from fairapp.spreadsheets import SheetRows
from fairapp.text import fold

MIN_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class Column:
    key: str
    header: object
    aliases: tuple[str, ...]  # folded headers that name this column in common lists
    example: object = None
    required: bool = False
    width: int = 16


COLUMNS = (
    Column("household_code", _l("Mã hộ"), ("ma ho", "ma ho gia dinh", "ma so ho", "ma hgd"), "HN-001", True),
    Column(
        "category",
        _l("Phân loại hộ"),
        ("phan loai", "phan loai ho", "loai ho", "hoan canh", "doi tuong"),
        "Hộ nghèo",
        True,
    ),
    Column(
        "head_name", _l("Họ tên chủ hộ"), ("chu ho", "ho ten chu ho", "ten chu ho"), "Nguyễn Văn An", width=24
    ),
    Column(
        "village",
        _l("Thôn/Tổ dân phố"),
        ("thon", "to", "to dan pho", "thon/to", "thon, to dan pho", "thon/to dan pho", "thon/xom"),
        "Tổ 5",
        width=16,
    ),
    Column(
        "ward_code",
        _l("Mã phường/xã"),
        ("ma phuong/xa", "ma xa", "ma phuong", "ma don vi", "ma dvhc"),
        "05518",
        width=12,
    ),
    Column("year", _l("Năm rà soát"), ("nam", "nam ra soat", "nam danh sach"), 2026, width=10),
    Column(
        "full_name",
        _l("Họ và tên thành viên"),
        ("ho va ten", "ho ten", "ho ten thanh vien", "ten thanh vien", "ho va ten thanh vien"),
        "Nguyễn Văn An",
        True,
        24,
    ),
    Column(
        "birth",
        _l("Năm sinh hoặc ngày sinh"),
        ("nam sinh", "ngay sinh", "ngay thang nam sinh", "ngay, thang, nam sinh", "ngay/thang/nam sinh"),
        1985,
        True,
        14,
    ),
    Column("gender", _l("Giới tính"), ("gioi tinh", "gioi", "nam/nu"), "Nam", width=10),
    Column(
        "relation", _l("Quan hệ với chủ hộ"), ("quan he", "quan he voi chu ho", "qh voi chu ho"), "Chủ hộ"
    ),
    Column(
        "citizen_id",
        _l("Số CCCD/định danh"),
        (
            "cccd",
            "so cccd",
            "so can cuoc",
            "can cuoc",
            "so dinh danh",
            "so dinh danh ca nhan",
            "so cmnd/cccd",
            "cmnd/cccd",
        ),
        None,
        width=16,
    ),
    Column("phone", _l("Điện thoại"), ("dien thoai", "so dien thoai", "sdt", "dt"), None, width=14),
)
BY_KEY = {column.key: column for column in COLUMNS}
HOUSEHOLD_KEYS = ("category", "head_name", "village", "ward_code", "year", "phone")
CATEGORY_WORDS = {
    Category.POOR: ("ho ngheo", "ngheo", "hn", "poor"),
    Category.NEAR_POOR: ("ho can ngheo", "can ngheo", "cn", "hcn", "near_poor", "near poor"),
    Category.ESCAPED_POVERTY: (
        "ho moi thoat ngheo",
        "moi thoat ngheo",
        "thoat ngheo",
        "mtn",
        "escaped_poverty",
        "escaped poverty",
    ),
}
CATEGORY_LABELS = {
    Category.POOR: _l("Hộ nghèo"),
    Category.NEAR_POOR: _l("Hộ cận nghèo"),
    Category.ESCAPED_POVERTY: _l("Hộ mới thoát nghèo"),
}
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str


@dataclass
class Parsed:
    rows: list[ListRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_seen: int = 0
    failed_rows: set = field(default_factory=set)
    # Households some row of the file names (a failed row too): never taken as having left the list
    named: set = field(default_factory=set)  # {(ward_code, unit_code, household_code)}

    def fail(self, row: int | None, column: str | None, message) -> None:
        label = str(BY_KEY[column].header) if column in BY_KEY else column
        self.errors.append(RowError(row, label, str(message)))
        if row is not None:
            self.failed_rows.add(row)


def parse(
    sheets: Sequence[SheetRows],
    *,
    ward_codes: set[str],
    default_ward: str | None,
    year: int,
    today: date,
    progress=None,
) -> Parsed:
    """The clean rows of the first sheet that holds a list. `ward_codes`: the wards the person importing
    acts in (a row for another ward is refused); `default_ward`: for rows without a ward column;
    `year`: the list's year where a row gives none. `progress(done, total)` is called every 500 rows."""
    parsed = Parsed()
    found = _find_table(sheets)
    if found is None:
        parsed.fail(
            None,
            None,
            _l(
                "Không tìm thấy dòng tiêu đề của danh sách (Mã hộ, Họ và tên, Năm sinh…). Hãy dùng "
                "tệp mẫu hoặc giữ dòng tiêu đề."
            ),
        )
        return parsed
    positions, rows = found
    missing = [c for c in COLUMNS if c.required and c.key not in positions]
    for column in missing:
        parsed.fail(None, column.key, _l("Thiếu cột bắt buộc."))
    if missing:
        return parsed
    wards = _WardMap(ward_codes)
    seen = _Seen()
    carried: dict = {}
    total = len(rows)
    for done, (number, values) in enumerate(rows, start=1):
        if progress is not None and done % 500 == 0:
            progress(done, total)
        raw = {
            key: values[position] if position < len(values) else None for key, position in positions.items()
        }
        if all(value is None for value in raw.values()):
            continue
        if raw.get("household_code") is None and raw.get("full_name") is not None and carried:
            for key in ("household_code", *HOUSEHOLD_KEYS):
                if raw.get(key) is None:
                    raw[key] = carried.get(key)
        elif raw.get("household_code") is not None:
            carried = {key: raw.get(key) for key in ("household_code", *HOUSEHOLD_KEYS)}
        _take(parsed, seen, number, raw, wards, default_ward=default_ward, year=year, today=today)
    if progress is not None:
        progress(total, total)
    return parsed


def check_records(records: Sequence[dict], *, ward_codes: set[str], year: int, today: date) -> Parsed:
    """Rows given as dicts keyed by column key (a household sent through the API, its members
    numbered from 1), checked by the same rules as a file's rows."""
    parsed = Parsed()
    wards, seen = _WardMap(ward_codes), _Seen()
    for number, raw in enumerate(records, start=1):
        _take(parsed, seen, number, raw, wards, default_ward=None, year=year, today=today)
    return parsed


@dataclass
class _Seen:
    households: dict = field(default_factory=dict)  # (ward, code) → its first ListRow
    first_row: dict = field(default_factory=dict)  # member key or ("cccd", id) → row number


def _take(parsed: Parsed, seen: _Seen, number: int, raw: dict, wards, *, default_ward, year, today) -> None:
    parsed.rows_seen += 1
    row = _row(parsed, number, raw, wards, default_ward=default_ward, year=year, today=today)
    if row is None:
        return
    household = (row.ward_code, row.unit_code, row.household_code)
    earlier = seen.households.get(household)
    if earlier is not None and earlier.category != row.category:
        parsed.fail(number, "category", _l("Khác với phân loại của cùng hộ ở dòng %(row)s.", row=earlier.row))
        return
    seen.households.setdefault(household, row)
    key = (household, fold(row.full_name), row.birth_year)
    if key in seen.first_row:
        parsed.fail(
            number,
            "full_name",
            _l("Trùng thành viên ở dòng %(row)s (cùng hộ, họ tên và năm sinh).", row=seen.first_row[key]),
        )
        return
    if row.citizen_id and ("cccd", row.citizen_id) in seen.first_row:
        first = seen.first_row[("cccd", row.citizen_id)]
        parsed.fail(number, "citizen_id", _l("Trùng số CCCD với dòng %(row)s.", row=first))
        return
    seen.first_row[key] = number
    if row.citizen_id:
        seen.first_row[("cccd", row.citizen_id)] = number
    parsed.rows.append(row)


def _row(
    parsed: Parsed, number: int, raw: dict, wards: "_WardMap", *, default_ward, year: int, today: date
) -> ListRow | None:
    failed_before = len(parsed.errors)
    code = _text(raw.get("household_code"), 50)
    if code is None:
        parsed.fail(number, "household_code", _l("Bắt buộc."))
    ward_code, unit_code, ward_error = wards.resolve(raw.get("ward_code"), default_ward)
    if ward_error is not None:
        parsed.fail(number, "ward_code", ward_error)
    if code is not None and ward_code is not None:
        parsed.named.add((ward_code, unit_code, code))
    category = _category(raw.get("category"))
    if category is None:
        parsed.fail(
            number,
            "category",
            _l("Không rõ phân loại: ghi Hộ nghèo, Hộ cận nghèo hoặc Hộ mới thoát nghèo.")
            if raw.get("category") is not None
            else _l("Bắt buộc."),
        )
    row_year = _year(raw.get("year"))
    if raw.get("year") is not None and (row_year is None or not 2000 <= row_year <= today.year + 1):
        parsed.fail(
            number,
            "year",
            _l("Năm rà soát phải là năm có 4 chữ số, từ 2000 đến %(last)s.", last=today.year + 1),
        )
    try:
        full_name = _name(raw.get("full_name"))
    except ValueError as error:
        parsed.fail(number, "full_name", _("Họ và tên thành viên") + ": " + str(error))
        full_name = None
    birth_year, birth_date, birth_error = _birth(raw.get("birth"), today)
    if birth_error is not None:
        parsed.fail(number, "birth", birth_error)
    gender = _gender(raw.get("gender"))
    if raw.get("gender") is not None and gender is None:
        parsed.fail(number, "gender", _l("Ghi Nam hoặc Nữ."))
    citizen_id = None
    if raw.get("citizen_id") is not None:
        try:
            citizen_id = check_citizen_id(
                _code_text(raw["citizen_id"], 12),
                birth_year=birth_year,
                gender=Gender(gender) if gender else None,
            )
        except ValueError as error:
            parsed.fail(number, "citizen_id", _("Số CCCD") + " " + str(error))
    phone = None
    if raw.get("phone") is not None:
        phone = normalise_mobile(_code_text(raw["phone"], 30, phone=True))
        if phone is None:
            parsed.fail(
                number,
                "phone",
                _l("Cần số di động Việt Nam 10 chữ số, ví dụ 0912 345 678; để trống nếu không có."),
            )
    if len(parsed.errors) > failed_before:
        return None
    head_name = _text(raw.get("head_name"), 200)
    return ListRow(
        row=number,
        ward_code=ward_code,
        unit_code=unit_code,
        household_code=code,
        category=category,
        year=row_year or year,
        head_name=_name(head_name) if head_name and _is_name(head_name) else head_name,
        village=_text(raw.get("village"), 100),
        household_phone=phone if fold(str(raw.get("relation") or "")) in ("chu ho", "ch") else None,
        full_name=full_name,
        birth_year=birth_year,
        birth_date=birth_date,
        gender=gender,
        relation=_text(raw.get("relation"), 50),
        citizen_id=citizen_id,
        phone=phone,
    )


# --- finding the columns -----------------------------------------------------------------------------


def _find_table(sheets: Sequence[SheetRows]):
    """(column positions, rows below the header) of the first sheet whose key row or header row names
    the list's columns; None when no sheet does."""
    keys = set(BY_KEY)
    aliases = {}
    for column in COLUMNS:
        aliases[fold(str(column.header))] = column.key
        for alias in column.aliases:
            aliases.setdefault(alias, column.key)

    def by_key(text: str):
        return text if text in keys else None

    def by_header(text: str):
        folded = re.sub(r"\s+", " ", fold(text).rstrip(" *:").replace("\n", " "))
        return aliases.get(folded) or aliases.get(re.sub(r"\s*\(.*\)$", "", folded))

    for match in (by_key, by_header):
        for sheet in sheets:
            for index, (_number, values) in enumerate(sheet.rows[:10]):
                positions = {}
                for position, value in enumerate(values):
                    if isinstance(value, str) and (key := match(value)) and key not in positions:
                        positions[key] = position
                if {"full_name", "birth"} <= set(positions) and len(positions) >= 3:
                    rows = sheet.rows[index + 1 :]
                    if match is by_key and rows and _is_example(rows[0][1], positions):
                        rows = rows[1:]
                    return positions, rows
    return None


def _is_example(values: tuple, positions: dict) -> bool:
    return all(
        (values[position] if position < len(values) else None) == BY_KEY[key].example
        or str(values[position] if position < len(values) else None) == str(BY_KEY[key].example)
        for key, position in positions.items()
    )


# --- values -----------------------------------------------------------------------------------------


class _WardMap:
    """Ward codes of a list, old or new, to today's ward, within the wards of the person importing."""

    def __init__(self, allowed: set[str]):
        self.allowed = allowed
        self.cache: dict = {}

    def resolve(self, raw, default: str | None):
        """(today's ward, the unit the list names — that ward or a pre-2025 one —, None) or (None, None,
        the refusal)."""
        if raw is None:
            if default is None:
                return None, None, _l("Bắt buộc: chọn phường/xã khi tải lên hoặc ghi mã ở cột này.")
            return default, default, None
        code = _code_text(raw, 5)
        code = code.zfill(5) if code.isdigit() else code
        if code not in self.cache:
            ward, error = self._lookup(code, default)
            self.cache[code] = (ward, code if ward else None, error)
        return self.cache[code]

    def _lookup(self, code: str, default: str | None):
        if db.session.get(Ward, code) is not None:
            if code not in self.allowed:
                return None, _l("Phường/xã %(code)s không thuộc phạm vi của tài khoản này.", code=code)
            return code, None
        legacy = db.session.get(LegacyWard, code)
        if legacy is None:
            return None, _l(
                "Không có đơn vị hành chính mã %(code)s (mã trước hay sau 01/07/2025).", code=code
            )
        successors = sorted(ward.code for ward in legacy.successors)
        if len(successors) == 1:
            if successors[0] not in self.allowed:
                return None, _l(
                    "Mã cũ %(code)s nay thuộc phường/xã %(new)s, ngoài phạm vi của tài khoản này.",
                    code=code,
                    new=successors[0],
                )
            return successors[0], None
        if default in successors:
            return default, None
        return None, _l(
            "Mã cũ %(code)s nay thuộc nhiều phường/xã (%(new)s): ghi mã mới.",
            code=code,
            new=", ".join(successors),
        )


def _text(value, length: int) -> str | None:
    if value is None:
        return None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:length] or None


def _code_text(value, length: int, *, phone: bool = False) -> str:
    """Excel turns codes into numbers (05518 → 5518, 0912345678 → 912345678)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        digits = str(int(value))
        if phone and not digits.startswith("0"):
            return "0" + digits
        return digits.zfill(length) if length == 12 and len(digits) == 11 else digits
    return str(value).strip()


def _is_name(text: str) -> bool:
    try:
        clean_full_name(text)
    except ValueError:
        return False
    return True


def _name(value) -> str:
    name = clean_full_name(_text(value, 300) if value is not None else value)
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        name = " ".join(word.capitalize() for word in name.split(" "))
    return name


def _category(value) -> Category | None:
    if value is None:
        return None
    folded = fold(str(value)).strip(" .")
    for category, words in CATEGORY_WORDS.items():
        if folded in words:
            return category
    return None


def _gender(value) -> str | None:
    if value is None:
        return None
    folded = fold(str(value)).strip(" .")
    if folded in ("nam", "male", "m", "1"):
        return Gender.MALE.value
    if folded in ("nu", "female", "f", "0", "2"):
        return Gender.FEMALE.value
    return None


def _year(value) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
        return int(value.strip())
    return None


def _birth(value, today: date) -> tuple[int | None, date | None, object]:
    """(birth year, birth date or None, error or None) from what a list writes in its birth column."""
    required = _l("Bắt buộc: năm sinh (ví dụ 1985) hoặc ngày sinh dd/mm/yyyy.")
    if value is None:
        return None, None, required
    born: date | None = None
    year: int | None = None
    if isinstance(value, datetime):
        born = value.date()
    elif isinstance(value, date):
        born = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 1000 <= number <= 9999:
            year = int(number)
        elif 1 <= number < 80_000:  # an Excel date serial that lost its date format
            born = date.fromordinal(date(1899, 12, 30).toordinal() + int(number))
    else:
        text = str(value).strip()
        if text.isdigit() and len(text) == 4:
            year = int(text)
        elif match := _DATE.match(text):
            born = _date(int(match[3]), int(match[2]), int(match[1]))
            if born is None:
                return None, None, _l("Ngày sinh %(value)s không có thật.", value=text)
        elif match := _ISO.match(text):
            born = _date(int(match[1]), int(match[2]), int(match[3]))
            if born is None:
                return None, None, _l("Ngày sinh %(value)s không có thật.", value=text)
        elif match := _MONTH_YEAR.match(text):
            year = int(match[2]) if 1 <= int(match[1]) <= 12 else None
    if born is not None:
        year = born.year
    if year is None:
        return None, None, _l("Không đọc được năm sinh: ghi năm (1985) hoặc ngày dd/mm/yyyy.")
    if not MIN_BIRTH_YEAR <= year <= today.year or (born is not None and born > today):
        return (
            None,
            None,
            _l("Năm sinh phải từ %(first)s đến %(last)s.", first=MIN_BIRTH_YEAR, last=today.year),
        )
    return year, born, None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def template_rows() -> tuple[list[str], list[str], list]:
    """(headers, keys, example) of the template's first three rows."""
    return (
        [str(c.header) + (" *" if c.required else "") for c in COLUMNS],
        [c.key for c in COLUMNS],
        [c.example for c in COLUMNS],
    )


def allowed_wards(scope) -> set[str]:
    """The ward codes a scope (fairapp.auth.scope.WardScope) may import lists for."""
    if scope.everywhere:
        return set(db.session.scalars(sa.select(Ward.code)))
    return set(scope.ward_codes)
