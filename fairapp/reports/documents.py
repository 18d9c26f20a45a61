"""The official report of a period or of one fair, as plain data for the PDF (fairapp.reports.pdf_report)
and the workbook (fairapp.reports.xlsx_report): what it covers, the indicator table in the layout the
employment centres use (STT | Chỉ tiêu | Đơn vị | Tổng số | of which: Hộ nghèo | Hộ cận nghèo | Hộ mới
thoát nghèo | Nữ), a short text, and the administrative frame (issuing body, number, place and date,
signer, recipients) from the REPORT_* settings.

    parse_request(args, scope, today=)   → ReportRequest from a query string; ValidationError naming
                                           each bad field, Forbidden for a ward outside the scope
    build_report(request, fair=None, extra_sections=())
                                         → Report (aggregates only: no person is named)
    funnel_rows(filters, by="ward"|"month") → [(key, label, {step: people})], for the workbook

Text is built in the current locale: the views render official documents in Vietnamese (force_locale).
`extra_sections` is the place for sections other modules add later (plan and budget: "Kế hoạch và
kinh phí"); each is a Section of headers and rows whose cells are text, whole numbers or Money."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fairapp.auth.scope import WardScope
from fairapp.errors import ValidationError
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.fairs.services import to_local
from fairapp.geo.models import Ward
from fairapp.i18n import number_vn
from fairapp.modelbase import utcnow
from fairapp.reports.indicators import fair_facts, funnel, funnels, steps
from fairapp.reports.period import FIRST_YEAR, LAST_YEAR, PERIOD_KINDS, Filters, period_of

RANGE = "range"  # a period given by its first and last day instead of a month, quarter or year
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
NUMBER = re.compile(r"^[\w./-]{1,30}$")
PRIORITY_COLUMNS = ("poor", "near_poor", "escaped_poverty")  # attendee priority groups, in this order
FEMALE = "female"

COLUMNS = (
    _l("STT"),
    _l("Chỉ tiêu"),
    _l("Đơn vị"),
    _l("Tổng số"),
    _l("Hộ nghèo"),
    _l("Hộ cận nghèo"),
    _l("Hộ mới thoát nghèo"),
    _l("Nữ"),
)
OF_WHICH = _l("Trong đó")  # over the last four columns
NO_DATA = _l("Không có số liệu trong kỳ báo cáo.")

# The people rows: (funnel step, label); employed_<m> rows follow the follow-up months in the settings.
PEOPLE_ROWS = (
    ("registered", _l("Số người lao động đăng ký tham gia phiên")),
    ("checked_in", _l("Số người lao động tham gia phiên (check-in)")),
    ("counselled", _l("Số người lao động được tư vấn")),
    ("interviewed", _l("Số người lao động được phỏng vấn")),
    ("shortlisted", _l("Số người lao động đạt sơ tuyển")),
    ("hired", _l("Số người lao động được tuyển dụng (nhận việc)")),
    ("enrolled", _l("Số người lao động đăng ký học nghề")),
)
STEP_LABELS = {
    "registered": _l("Đăng ký"),
    "checked_in": _l("Tham gia (check-in)"),
    "interviewed": _l("Được phỏng vấn"),
    "shortlisted": _l("Đạt sơ tuyển"),
    "offered": _l("Được mời nhận việc"),
    "counselled": _l("Được tư vấn"),
    "enrolled": _l("Đăng ký học nghề"),
    "hired": _l("Được tuyển dụng"),
    "sustained": _l("Việc làm bền vững"),
}


def step_label(step: str) -> str:
    if step.startswith("employed_"):
        return _("Có việc làm sau %(months)s tháng", months=step.removeprefix("employed_"))
    return str(STEP_LABELS[step])


# --- What is asked ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRequest:
    filters: Filters
    period: str  # "month", "quarter", "year" or RANGE
    year: int | None = None
    part: int | None = None  # the month (1–12) or quarter (1–4)
    number: str | None = None  # the document number typed by the user ("12" or "12/BC-VHXH")
    issued_on: date | None = None  # None: today


def parse_request(args, scope: WardScope, *, today: date) -> ReportRequest:
    """The report a query string asks for: `period` (month, quarter, year, or range with `date_from`
    and `date_to`), `year`, `part`, `ward_code`, `fair_id`, `number`, `issued_on`. Raises one
    ValidationError (code bad_filter) naming every bad field, or Forbidden for a ward outside
    `scope` (Filters.parse)."""
    errors: dict = {}
    period = (args.get("period") or "").strip()
    if not period and (args.get("date_from") or args.get("date_to")):
        period = RANGE
    year = part = None
    days = {"date_from": args.get("date_from"), "date_to": args.get("date_to")}
    if period in PERIOD_KINDS:
        year = _whole(args, "year", FIRST_YEAR, LAST_YEAR, _l("Năm: một số từ 2000 đến 2100."), errors)
        if period != "year":
            last, message = (
                (12, _l("Tháng: một số từ 1 đến 12."))
                if period == "month"
                else (4, _l("Quý: một số từ 1 đến 4."))
            )
            part = _whole(args, "part", 1, last, message, errors)
        if year is not None and (period == "year" or part is not None):
            first_day, last_day = period_of(period, year, part or 1)
            days = {"date_from": first_day.isoformat(), "date_to": last_day.isoformat()}
    elif period != RANGE:
        errors["period"] = _l("Kỳ báo cáo: chọn tháng, quý, năm hoặc khoảng ngày.")
    number, issued_on = _document_fields(args, errors)
    asked = {
        "ward_code": args.get("ward_code"),
        "fair_id": args.get("fair_id"),
        **(days if period in (*PERIOD_KINDS, RANGE) else {}),
    }
    filters = None
    try:
        filters = Filters.parse(asked, scope)  # Forbidden propagates: a ward not the caller's
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(next(iter(errors.values())), code="bad_filter", fields=errors)
    return ReportRequest(filters, period, year, part, number, issued_on or today)


def fair_request(fair: Fair, args, scope: WardScope, *, today: date) -> ReportRequest:
    """The report of one fair (whatever its date), with the number and date of issue asked for."""
    errors: dict = {}
    number, issued_on = _document_fields(args, errors)
    if errors:
        raise ValidationError(next(iter(errors.values())), code="bad_filter", fields=errors)
    filters = Filters(scope, ward_code=None, fair_id=fair.id)
    return ReportRequest(filters, RANGE, number=number, issued_on=issued_on or today)


def _whole(args, name: str, low: int, high: int, message, errors: dict) -> int | None:
    raw = (args.get(name) or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= 4 and low <= int(raw) <= high:
        return int(raw)
    errors[name] = message
    return None


def _document_fields(args, errors: dict) -> tuple[str | None, date | None]:
    """The number typed (None: none) and the date of issue (None: today); a bad one in `errors`."""
    number = (args.get("number") or "").strip() or None
    if number is not None and not NUMBER.match(number):
        errors["number"] = _l("Số văn bản: chỉ gồm chữ, số và các dấu / - ., tối đa 30 ký tự.")
        number = None
    raw = (args.get("issued_on") or "").strip()
    if not raw:
        return number, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors["issued_on"] = _l("Ngày ban hành: ngày dạng YYYY-MM-DD, từ năm 2000 đến 2100.")
        return number, None
    return number, day


# --- The report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    """An amount in đồng, in an extra section: 2.400.000.000 đ in the PDF, #,##0 "đ" in the workbook."""

    amount: int | Decimal


@dataclass(frozen=True)
class Section:
    """A section another module adds after the indicators (plan and budget): a titled table."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]
    note: str = ""


@dataclass(frozen=True)
class Row:
    """One line of the indicator table; the breakdown is None where it does not apply (fairs,
    employers, vacancies)."""

    key: str  # the funnel step or the fair fact counted
    number: int
    label: str
    unit: str
    total: int
    poor: int | None = None
    near_poor: int | None = None
    escaped_poverty: int | None = None
    women: int | None = None

    @property
    def breakdown(self) -> tuple[int | None, ...]:
        return (self.poor, self.near_poor, self.escaped_poverty, self.women)


@dataclass(frozen=True)
class Report:
    request: ReportRequest
    title: str
    period: str  # "Kỳ báo cáo: …"
    area: str  # "Địa bàn: …"
    rows: tuple[Row, ...]
    summary: str  # "" when the report is empty (no_data says so)
    empty: bool
    issuer: tuple[str, ...]
    number: str  # "Số: 12/BC-VHXH", or dots to fill in by hand
    place_date: str  # "Sông Công, ngày 05 tháng 3 năm 2027"
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]
    columns: tuple[str, ...] = ()
    of_which: str = ""
    no_data: str = ""
    extra_sections: tuple[Section, ...] = field(default_factory=tuple)

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)


def build_report(request: ReportRequest, *, fair: Fair | None = None, extra_sections=()) -> Report:
    """The report's content: the indicators of `request.filters` (of `fair`, for a fair's report)."""
    filters = request.filters
    facts = fair_facts(filters)
    found = funnels(filters, (None, ("priority_group", "gender")))
    totals, split = found[None], found[("priority_group", "gender")]
    rows = _fact_rows(facts) + _people_rows(totals, split, start=6)
    config = current_app.config
    issued_on = request.issued_on or to_local(utcnow()).date()
    empty = facts["fairs"] == 0 and not any(totals.values())
    return Report(
        request=request,
        title=_fair_title(fair) if fair is not None else _period_title(request),
        period=_period_line(request, fair),
        area=_area_line(filters, fair),
        rows=tuple(rows),
        summary="" if empty else _summary(facts, totals, rows),
        empty=empty,
        issuer=tuple(config["REPORT_ISSUER"]),
        number=_number(request.number, config["REPORT_NUMBER_CODE"]),
        place_date=place_and_date(config["REPORT_PLACE"], issued_on),
        signer_title=config["REPORT_SIGNER_TITLE"],
        signer_name=config["REPORT_SIGNER_NAME"],
        recipients=tuple(config["REPORT_RECIPIENTS"]),
        columns=tuple(str(column) for column in COLUMNS),
        of_which=str(OF_WHICH),
        no_data=str(NO_DATA),
        extra_sections=tuple(extra_sections),
    )


def _fact_rows(facts: dict) -> list[Row]:
    return [
        Row("fairs_held", 1, _("Số phiên giao dịch việc làm đã tổ chức"), _("phiên"), facts["fairs_held"]),
        Row("employers", 2, _("Số doanh nghiệp tham gia"), _("doanh nghiệp"), facts["employers"]),
        Row("schools", 3, _("Số cơ sở giáo dục nghề nghiệp tham gia"), _("cơ sở"), facts["schools"]),
        Row("vacancies", 4, _("Số vị trí việc làm"), _("vị trí"), facts["vacancies"]),
        Row("quota", 5, _("Chỉ tiêu tuyển dụng"), _("người"), facts["quota"]),
    ]


def _people_rows(totals: dict, split: dict, *, start: int) -> list[Row]:
    def by_group(step: str, group: str) -> int:
        return sum(row[step] for (g, _sex), row in split.items() if g == group)

    def women(step: str) -> int:
        return sum(row[step] for (_g, sex), row in split.items() if sex == FEMALE)

    lines = [(step, str(label)) for step, label in PEOPLE_ROWS]
    lines += [
        (step, _("Số người lao động có việc làm sau %(months)s tháng", months=step.removeprefix("employed_")))
        for step in steps()
        if step.startswith("employed_")
    ]
    lines.append(("sustained", _("Số người lao động có việc làm bền vững")))
    return [
        Row(
            step,
            start + n,
            label,
            _("người"),
            totals[step],
            *(by_group(step, group) for group in PRIORITY_COLUMNS),
            women(step),
        )
        for n, (step, label) in enumerate(lines)
    ]


def _period_words(request: ReportRequest) -> str:
    """ "tháng 3 năm 2026", "quý I năm 2026", "năm 2026", "từ ngày 01/03/2026 đến ngày 15/03/2026"."""
    if request.period == "month":
        return _("tháng %(month)s năm %(year)s", month=request.part, year=request.year)
    if request.period == "quarter":
        return _("quý %(quarter)s năm %(year)s", quarter=ROMAN[request.part], year=request.year)
    if request.period == "year":
        return _("năm %(year)s", year=request.year)
    first, last = request.filters.date_from, request.filters.date_to
    if first and last:
        return _("từ ngày %(first)s đến ngày %(last)s", first=_day(first), last=_day(last))
    if first:
        return _("từ ngày %(first)s", first=_day(first))
    if last:
        return _("đến ngày %(last)s", last=_day(last))
    return _("từ trước đến nay")


def _period_title(request: ReportRequest) -> str:
    return _(
        "Báo cáo kết quả tổ chức phiên giao dịch việc làm lưu động %(period)s",
        period=_period_words(request),
    )


def _fair_title(fair: Fair) -> str:
    return _(
        "Báo cáo kết quả phiên giao dịch việc làm %(fair)s ngày %(day)s tại %(ward)s",
        fair=fair.title,
        day=_day(to_local(fair.starts_at).date()),
        ward=fair.ward.name,
    )


def _period_line(request: ReportRequest, fair: Fair | None) -> str:
    if fair is not None:
        return _("Phiên giao dịch việc làm ngày %(day)s", day=_day(to_local(fair.starts_at).date()))
    filters = request.filters
    if request.period != RANGE and filters.date_from and filters.date_to:
        return _(
            "Kỳ báo cáo: %(period)s (từ ngày %(first)s đến ngày %(last)s)",
            period=_period_words(request),
            first=_day(filters.date_from),
            last=_day(filters.date_to),
        )
    return _("Kỳ báo cáo: %(period)s", period=_period_words(request))


def _area_line(filters: Filters, fair: Fair | None) -> str:
    if fair is not None:
        return _("Địa bàn: %(wards)s", wards=fair.ward.name)
    if filters.ward_code is not None:
        return _("Địa bàn: %(wards)s", wards=ward_names([filters.ward_code])[filters.ward_code])
    if filters.scope.everywhere:
        return _("Địa bàn: tất cả phường, xã")
    names = ward_names(filters.scope.ward_codes)
    return _("Địa bàn: %(wards)s", wards=", ".join(sorted(names.values())))


def _summary(facts: dict, totals: dict, rows: list[Row]) -> str:
    registered = next(row for row in rows if row.key == "registered")
    hired = next(row for row in rows if row.key == "hired")
    return " ".join(
        (
            _(
                "Trong kỳ báo cáo đã tổ chức %(fairs)s phiên giao dịch việc làm, với %(employers)s "
                "doanh nghiệp và %(schools)s cơ sở giáo dục nghề nghiệp tham gia, %(vacancies)s vị trí "
                "việc làm với %(quota)s chỉ tiêu tuyển dụng.",
                fairs=number_vn(facts["fairs_held"]),
                employers=number_vn(facts["employers"]),
                schools=number_vn(facts["schools"]),
                vacancies=number_vn(facts["vacancies"]),
                quota=number_vn(facts["quota"]),
            ),
            _(
                "%(registered)s người lao động đăng ký, trong đó %(poor)s thuộc hộ nghèo, %(near_poor)s "
                "hộ cận nghèo, %(escaped)s hộ mới thoát nghèo và %(women)s lao động nữ; %(checked_in)s "
                "người tham gia phiên.",
                registered=number_vn(registered.total),
                poor=number_vn(registered.poor),
                near_poor=number_vn(registered.near_poor),
                escaped=number_vn(registered.escaped_poverty),
                women=number_vn(registered.women),
                checked_in=number_vn(totals["checked_in"]),
            ),
            _(
                "%(hired)s người được tuyển dụng (%(priority)s thuộc hộ nghèo, cận nghèo, mới thoát "
                "nghèo); %(sustained)s người có việc làm bền vững.",
                hired=number_vn(hired.total),
                priority=number_vn((hired.poor or 0) + (hired.near_poor or 0) + (hired.escaped_poverty or 0)),
                sustained=number_vn(totals["sustained"]),
            ),
        )
    )


def _number(typed: str | None, code: str) -> str:
    if typed and "/" in typed:
        return _("Số: %(number)s", number=typed)
    return _("Số: %(number)s", number=f"{typed or '……'}/{code}")


def place_and_date(place: str, day: date) -> str:
    """ "Sông Công, ngày 05 tháng 3 năm 2027": as Decree 30/2020 writes dates, a day below 10 and the
    months 1 and 2 with a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _(
        "%(place)s, ngày %(day)s tháng %(month)s năm %(year)s",
        place=place,
        day=f"{day.day:02d}",
        month=month,
        year=day.year,
    )


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# --- Breakdowns for the workbook -------------------------------------------------------------------


def ward_names(codes) -> dict[str, str]:
    """{code: "Phường Bách Quang"}; a code without a ward keeps the code as its name."""
    codes = sorted({code for code in codes if code})
    found = dict(db.session.execute(sa.select(Ward.code, Ward.name).where(Ward.code.in_(codes))).all())
    return {code: found.get(code, code) for code in codes}


def funnel_rows(filters: Filters, by: str) -> list[tuple[str | None, str, dict]]:
    """[(key, label, {step: people})] by "ward" (ward names, by name) or "month" ("03/2026", in
    order)."""
    found = funnel(filters, by=by)
    if by == "ward":
        names = ward_names(found)
        labelled = [(code, names.get(code, _("Không rõ")), row) for code, row in found.items()]
        return sorted(labelled, key=lambda item: item[1])
    labelled = [(month, _month(month), row) for month, row in found.items()]
    return sorted(labelled, key=lambda item: item[0] or "")


def _month(key: str | None) -> str:
    if not key:
        return _("Không rõ")
    year, month = key.split("-")
    return f"{month}/{year}"
