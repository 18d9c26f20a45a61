"""What a report covers: a period of fair days (local dates, both ends included), the wards it may
look at (the caller's scope narrowed by a ward asked for) and optionally one fair.

    Filters.parse(args, scope)   → Filters from a query string, or a ValidationError naming the field;
                                   a ward outside the scope → Forbidden (an organiser asking for
                                   another ward's numbers)
    period_of(kind, year, part)  → (first day, last day) of a month, quarter or year"""

import calendar
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from fairapp.auth.scope import WardScope
from fairapp.errors import Forbidden, ValidationError
from fairapp.ids import MAX_ID

FIRST_YEAR, LAST_YEAR = 2000, 2100
PERIOD_KINDS = ("month", "quarter", "year")
MAX_WARD_CODE = 10  # characters as sent, spaces included (the API's declared maxLength)


@dataclass(frozen=True)
class Filters:
    scope: WardScope
    date_from: date | None = None
    date_to: date | None = None
    ward_code: str | None = None
    fair_id: int | None = None

    @classmethod
    def parse(cls, args, scope: WardScope) -> "Filters":
        date_from = _day(args, "date_from")
        date_to = _day(args, "date_to")
        if date_from and date_to and date_to < date_from:
            raise _invalid("date_to", _l("Ngày kết thúc: không được trước ngày bắt đầu."))
        raw_ward = args.get("ward_code") or ""
        ward_code = raw_ward.strip() or None
        if len(raw_ward) > MAX_WARD_CODE or (
            ward_code is not None and not (ward_code.isascii() and ward_code.isdigit())
        ):
            raise _invalid("ward_code", _l("Mã phường, xã: chỉ gồm chữ số, theo danh mục hành chính."))
        if ward_code is not None and not scope.allows(ward_code):
            raise Forbidden(_l("Bạn không được xem số liệu của phường, xã này."), code="ward_not_allowed")
        fair_id = _id(args, "fair_id")
        return cls(scope, date_from, date_to, ward_code, fair_id)

    def clause(self, ward_column):
        """The ward rule as SQL: the scope, narrowed to the ward asked for."""
        if self.ward_code is not None:
            return ward_column == self.ward_code
        return self.scope.clause(ward_column)


def period_of(kind: str, year: int, part: int = 1) -> tuple[date, date]:
    """The first and last day of month `part` (1–12), quarter `part` (1–4) or the year."""
    if kind == "year":
        return date(year, 1, 1), date(year, 12, 31)
    first_month = part if kind == "month" else 3 * (part - 1) + 1
    last_month = part if kind == "month" else first_month + 2
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def _day(args, name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _invalid(name, _l("%(field)s: ngày dạng YYYY-MM-DD, từ năm 2000 đến 2100.", field=name))
    return day


def _id(args, name: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
        raise _invalid(name, _l("%(field)s: một số nguyên dương.", field=name))
    return int(raw)


def _invalid(name: str, message) -> ValidationError:
    return ValidationError(message, code="bad_filter", fields={name: message})
