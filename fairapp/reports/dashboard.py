"""The outcome dashboard's content, built from the indicators (fairapp.reports.indicators) as plain
data: sections of labelled rows, each drawn as a chart (fairapp.reports.charts) and shown as a table.
No request here: the view parses the query string and hands over Filters.

    parse_period(args, today)     → Period (a year, quarter, month or a range of days) or a
                                    ValidationError naming the field
    parse_dimension(args)         → the "break down by" dimension (default: priority group)
    fair_choices(filters)         → [(fair id, "title · dd/MM/yyyy")] of the period in the scope
    ward_choices(scope, province) → [(ward code, name)] the caller may pick
    build(filters, by)            → Dashboard: facts, funnel, breakdown, trend, priority groups, wards
    plan_panel(filters, user)     → PlanPanel: % of plan, plan vs done per ward, budget (admins)
    coverage_panel(filters, today) → CoveragePanel: the priority households' coverage per ward"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fairapp.attendees.models import Gender, PriorityGroup, PriorityStatus
from fairapp.auth.scope import WardScope
from fairapp.errors import ValidationError
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import local_datetime, local_day
from fairapp.geo.models import Ward
from fairapp.households.models import Household
from fairapp.i18n import date_vn
from fairapp.outcomes.rules import milestones
from fairapp.outreach.coverage import Coverage, coverage_by_ward
from fairapp.partners.models import Employer, Vacancy
from fairapp.plans.budget import budget_summary
from fairapp.plans.costs import costs_total
from fairapp.plans.labels import INDICATOR_LABELS
from fairapp.plans.models import INDICATORS
from fairapp.plans.rules import cost_per, percent_of_plan
from fairapp.plans.services import targets_for
from fairapp.registrations.services import GENDER_LABELS, PRIORITY_LABELS, PRIORITY_STATUS_LABELS
from fairapp.reports.indicators import DIMENSIONS, fair_facts, funnel, funnels
from fairapp.reports.period import FIRST_YEAR, LAST_YEAR, Filters, period_of
from fairapp.text import fold

PERIOD_KINDS = ("year", "quarter", "month", "range")
DEFAULT_DIMENSION = "priority_group"
MAX_TREND_MONTHS = 60  # a longer range shows only the months with data
MAX_CHART_ROWS = 15  # a bar chart of more rows draws the largest; the table has them all
_MIDNIGHT, _DAY = time(0, 0), timedelta(days=1)

STEP_LABELS = {
    "registered": _l("Đăng ký"),
    "checked_in": _l("Tham dự (đã điểm danh)"),
    "interviewed": _l("Được phỏng vấn"),
    "counselled": _l("Được tư vấn học nghề"),
    "shortlisted": _l("Sơ tuyển đạt"),
    "offered": _l("Được mời nhận việc"),
    "enrolled": _l("Đăng ký học nghề"),
    "hired": _l("Có việc làm"),
    "sustained": _l("Việc làm bền vững"),
}
FACT_LABELS = {
    "fairs": _l("Phiên trong kỳ"),
    "fairs_held": _l("Phiên đã tổ chức"),
    "employers": _l("Doanh nghiệp tham gia"),
    "schools": _l("Cơ sở đào tạo tham gia"),
    "vacancies": _l("Vị trí tuyển dụng"),
    "quota": _l("Chỉ tiêu tuyển dụng"),
}
DIMENSION_LABELS = {
    "priority_group": _l("Nhóm ưu tiên"),
    "priority_status": _l("Xác minh nhóm ưu tiên"),
    "ward": _l("Phường, xã"),
    "gender": _l("Giới tính"),
    "age_band": _l("Nhóm tuổi"),
    "fair": _l("Phiên giao dịch"),
    "employer": _l("Doanh nghiệp"),
    "vacancy": _l("Vị trí tuyển dụng"),
    "month": _l("Tháng"),
}
GROUP_ORDER = (
    PriorityGroup.POOR,
    PriorityGroup.NEAR_POOR,
    PriorityGroup.ESCAPED_POVERTY,
    PriorityGroup.NONE,
)
PRIORITY = frozenset(GROUP_ORDER[:3])  # the programme's priority households


def step_label(step: str):
    if step.startswith("employed_"):
        return _l("Còn làm việc sau %(months)s tháng", months=step.removeprefix("employed_"))
    return STEP_LABELS[step]


def funnel_steps() -> tuple[str, ...]:
    """The funnel as the dashboard draws it: registered → checked in → interviewed / counselled →
    shortlisted → enrolled → hired → employed at each follow-up → sustained."""
    employed = tuple(f"employed_{month}" for month in milestones())
    return ("registered", "checked_in", "interviewed", "counselled", "shortlisted", "enrolled", "hired",
            *employed, "sustained")  # fmt: skip


BREAKDOWN_STEPS = ("registered", "checked_in", "interviewed", "counselled", "enrolled", "hired", "sustained")


# --- What the page is asked for -------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # one of PERIOD_KINDS
    year: int
    part: int  # the quarter (1–4) or month (1–12); 1 for a year or a range
    date_from: date
    date_to: date

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(_l("Năm %(year)s", year=self.year))
        if self.kind == "quarter":
            return str(_l("Quý %(quarter)s/%(year)s", quarter=self.part, year=self.year))
        if self.kind == "month":
            return f"{self.part:02d}/{self.year}"
        return f"{date_vn(self.date_from)} – {date_vn(self.date_to)}"


def parse_period(args: Mapping, today: date) -> Period:
    """The period asked for: `period` (year, quarter, month or range) with `year` and `quarter` or
    `month`, or `date_from` and `date_to` for a range; by default this year."""
    dates = args.get("date_from") or args.get("date_to")
    kind = (args.get("period") or "").strip() or ("range" if dates else "year")
    if kind not in PERIOD_KINDS:
        raise _invalid("period", _l("Kỳ báo cáo: năm, quý, tháng hoặc khoảng ngày."))
    if kind == "range":
        range_filters = Filters.parse(args, WardScope(everywhere=True))
        # One end missing: the year of the other (or this year) up to or from it.
        year = (range_filters.date_from or range_filters.date_to or today).year
        first = range_filters.date_from or date(year, 1, 1)
        last = range_filters.date_to or date(year, 12, 31)
        return Period("range", first.year, 1, first, last)
    year = _number(args, "year", FIRST_YEAR, LAST_YEAR, today.year)
    part = 1
    if kind == "quarter":
        part = _number(args, "quarter", 1, 4, (today.month - 1) // 3 + 1)
    elif kind == "month":
        part = _number(args, "month", 1, 12, today.month)
    return Period(kind, year, part, *period_of(kind, year, part))


def parse_dimension(args: Mapping) -> str:
    by = (args.get("by") or "").strip() or DEFAULT_DIMENSION
    if by not in DIMENSIONS:
        raise _invalid("by", _l("Chia theo: chọn một mục trong danh sách."))
    return by


def fair_choices(filters: Filters) -> list[tuple[int, str]]:
    """The fairs of the period in the wards of the report (not cancelled, not drafts), newest first."""
    statement = sa.select(Fair.id, Fair.title, Fair.starts_at).where(
        Fair.recorded_status.not_in((FairStatus.CANCELLED, FairStatus.DRAFT)),
        filters.clause(Fair.ward_code),
    )
    if filters.date_from:
        statement = statement.where(Fair.starts_at >= local_datetime(filters.date_from, _MIDNIGHT))
    if filters.date_to:
        statement = statement.where(Fair.starts_at < local_datetime(filters.date_to, _MIDNIGHT) + _DAY)
    fairs = db.session.execute(statement.order_by(Fair.starts_at.desc(), Fair.id.desc()))
    return [(fair.id, fair_label(fair)) for fair in fairs]


def ward_choices(scope: WardScope, province_code: int) -> list[tuple[str, str]]:
    """The wards the caller may pick: an organiser's own, an admin's every ward of the province."""
    condition = Ward.province_code == province_code if scope.everywhere else scope.clause(Ward.code)
    wards = db.session.execute(sa.select(Ward.code, Ward.name).where(condition)).all()
    return sorted(((code, name) for code, name in wards), key=lambda ward: fold(ward[1]))


def check_fair(filters: Filters, choices: list[tuple[int, str]]) -> None:
    """A fair asked for must be one of the period's in the scope (else its numbers would be zeros)."""
    if filters.fair_id is not None and filters.fair_id not in {fair_id for fair_id, _label in choices}:
        raise _invalid("fair_id", _l("Phiên: chọn một phiên của kỳ và địa bàn đã chọn."))


# --- What the page shows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    percent: bool = False  # a share (0–100, None when there is nothing to share), not a count


@dataclass
class Section:
    """A table with its chart: rows of values by column. The chart draws the `charted` columns as
    series over the rows (or, with `series_from_rows`, each row as a series over those columns)."""

    key: str
    title: object
    head: object  # the label of the rows' column
    columns: tuple[Column, ...]
    rows: list[tuple[str, dict]] = field(default_factory=list)
    charted: tuple[str, ...] = ()
    chart: str = "bar"  # horizontal_bar, bar, line or stacked_bar
    series_from_rows: bool = False
    note: object = ""

    @property
    def chart_rows(self) -> list[tuple[str, dict]]:
        """The rows the chart draws: all of them, or for a long bar chart (a province's wards, its
        employers) the MAX_CHART_ROWS largest by the first charted column, in the table's order."""
        if self.chart == "line" or self.series_from_rows or len(self.rows) <= MAX_CHART_ROWS:
            return self.rows
        first = self.charted[0]
        largest = sorted(range(len(self.rows)), key=lambda n: -(self.rows[n][1][first] or 0))[:MAX_CHART_ROWS]
        return [self.rows[n] for n in sorted(largest)]


class Counts:
    """The indicators one page asks for, each worked out once: the plan panel reads the same year's
    numbers as the sections when the period is that year."""

    def __init__(self) -> None:
        self._found: dict = {}

    def funnel(self, filters: Filters, by: str | None = None) -> dict:
        key = ("funnel", filters, by)
        if key not in self._found:
            self._found[key] = funnel(filters, by=by)
        return self._found[key]

    def prefetch(self, filters: Filters, bys) -> None:
        """Work out these breakdowns together (fairapp.reports.indicators.funnels)."""
        missing = [by for by in dict.fromkeys(bys) if ("funnel", filters, by) not in self._found]
        for by, found in funnels(filters, missing).items():
            self._found[("funnel", filters, by)] = found

    def fair_facts(self, filters: Filters) -> dict:
        key = ("fair_facts", filters)
        if key not in self._found:
            self._found[key] = fair_facts(filters)
        return self._found[key]


@dataclass
class Dashboard:
    facts: dict
    funnel: Section
    breakdown: Section
    trend: Section
    groups: Section
    wards: Section


def build(filters: Filters, by: str = DEFAULT_DIMENSION, counts: Counts | None = None) -> Dashboard:
    """Every section of the dashboard for these filters, broken down by `by`."""
    counts = counts or Counts()
    counts.prefetch(filters, (None, by, "month", "priority_group", "ward"))
    totals = counts.funnel(filters)
    found = {
        dimension: counts.funnel(filters, dimension) for dimension in (by, "month", "priority_group", "ward")
    }
    return Dashboard(
        facts={key: (FACT_LABELS[key], value) for key, value in counts.fair_facts(filters).items()},
        funnel=_funnel_section(totals),
        breakdown=_breakdown_section(found[by], by),
        trend=_trend_section(found["month"], filters),
        groups=_groups_section(found["priority_group"], totals),
        wards=_wards_section(found["ward"]),
    )


@dataclass
class PlanPanel:
    year: int
    progress: Section  # each indicator: target, done, % of plan
    wards: Section  # hires planned and done per ward
    budget: dict | None  # admins only: the year's budget and the costs per person


def plan_panel(filters: Filters, user, counts: Counts | None = None) -> PlanPanel:
    """% of plan for the year of the period's start, in the ward asked for or the caller's area:
    fairs held, job seekers reached (checked in), priority workers connected (hired, of priority
    households), hires, sustainable jobs and trainees (enrolled); hires planned and done per ward;
    and, for admins, the budget (allocated, committed, disbursed, disbursement rate) with the cost
    per person reached, per hire and per sustainable job (the year's fair costs in the same area).
    The plan is per year and area, so a fair asked for does not narrow it."""
    year = (filters.date_from or date.today()).year
    done_filters = Filters(filters.scope, date(year, 1, 1), date(year, 12, 31), filters.ward_code)
    scope = WardScope(ward_codes=frozenset({filters.ward_code})) if filters.ward_code else filters.scope
    counts = counts or Counts()
    counts.prefetch(done_filters, (None, "priority_group", "ward"))
    totals = counts.funnel(done_filters)
    by_group = counts.funnel(done_filters, "priority_group")
    done = {
        "fairs": counts.fair_facts(done_filters)["fairs_held"],
        "job_seekers": totals["checked_in"],
        "priority_workers": sum(by_group.get(group.value, {}).get("hired", 0) for group in PRIORITY),
        "hires": totals["hired"],
        "sustainable_jobs": totals["sustained"],
        "trainees": totals["enrolled"],
    }
    targets = targets_for(year, scope)
    target = _area_target(targets, filters, scope)
    progress = Section(
        key="plan",
        title=_l("Thực hiện kế hoạch năm %(year)s", year=year),
        head=_l("Chỉ tiêu"),
        columns=_PLAN_COLUMNS,
        charted=("target", "done"),
        note=_l("Chưa đặt chỉ tiêu: —."),
    )
    for name in INDICATORS:
        values = {"target": target[name], "done": done[name]}
        progress.rows.append((str(INDICATOR_LABELS[name]), {**values, "percent": percent_of_plan(**values)}))
    return PlanPanel(
        year=year,
        progress=progress,
        wards=_plan_wards(counts.funnel(done_filters, "ward"), targets, year),
        budget=_budget(year, scope, totals) if user.ward_scope.everywhere else None,
    )


_PLAN_COLUMNS = (
    Column("target", _l("Kế hoạch")),
    Column("done", _l("Đã thực hiện")),
    Column("percent", _l("Tỷ lệ so với kế hoạch"), percent=True),
)


def _area_target(targets: dict, filters: Filters, scope: WardScope) -> dict:
    """The targets of the area shown: the ward asked for, the whole area (admins), or an organiser's
    wards added up (an indicator none of them has a target for stays None)."""
    if filters.ward_code or scope.everywhere:
        return targets.get(filters.ward_code, dict.fromkeys(INDICATORS))
    wards = [values for code, values in targets.items() if code is not None]
    return {
        name: None
        if all(values[name] is None for values in wards)
        else sum(values[name] or 0 for values in wards)
        for name in INDICATORS
    }


def _plan_wards(by_ward: dict, targets: dict, year: int) -> Section:
    hired = {code: row["hired"] for code, row in by_ward.items()}
    planned = {code: values["hires"] for code, values in targets.items() if code is not None}
    codes = set(hired) | {code for code, value in planned.items() if value is not None}
    labels = _labels("ward", list(codes))
    section = Section(
        key="plan_wards",
        title=_l("Việc làm: kế hoạch và thực hiện theo phường, xã (năm %(year)s)", year=year),
        head=_l("Phường, xã"),
        columns=_PLAN_COLUMNS,
        charted=("target", "done"),
    )
    for code in sorted(codes, key=lambda code: fold(labels[code])):
        values = {"target": planned.get(code), "done": hired.get(code, 0)}
        section.rows.append((labels[code], {**values, "percent": percent_of_plan(**values)}))
    return section


def _budget(year: int, scope: WardScope, totals: dict) -> dict:
    """The year's budget (the whole programme's) and what the year's fairs in the area cost, per
    person reached, per hire and per sustainable job (None when there is none to divide by)."""
    summary = budget_summary(year)
    costs = costs_total(year, scope)
    return {
        "allocated": summary["allocated"],
        "committed": summary["committed"],
        "disbursed": summary["disbursed"],
        "disbursement_rate": summary["disbursement_rate"],
        "costs": costs,
        "per_reached": cost_per(costs, totals["checked_in"]),
        "per_hire": cost_per(costs, totals["hired"]),
        "per_sustained": cost_per(costs, totals["sustained"]),
    }


@dataclass
class CoveragePanel:
    year: int
    section: Section  # a row per ward: its code under "ward_code", the counts, coverage_pct
    total: dict  # the same counts for all the wards shown


_COVERAGE_COLUMNS = (
    Column("members_working_age", _l("Thành viên trong độ tuổi lao động")),
    Column("reached", _l("Đã tiếp cận")),
    Column("registered", STEP_LABELS["registered"]),
    Column("checked_in", STEP_LABELS["checked_in"]),
    Column("hired", STEP_LABELS["hired"]),
    Column("sustained", STEP_LABELS["sustained"]),
    Column("to_reach", _l("Chưa tiếp cận")),
    Column("coverage_pct", _l("Tỷ lệ bao phủ (mục tiêu %(target)s)", target="100 %"), percent=True),
)


def coverage_panel(filters: Filters, today: date) -> CoveragePanel:
    """The coverage of the priority households (fairapp.outreach.coverage) in the year of the period's
    start, per ward: the ward asked for, an organiser's wards, or for admins every ward with a
    household list; and the total. Per year and area, as the plan: a fair asked for does not narrow it."""
    year = (filters.date_from or today).year
    if filters.ward_code:
        codes = [filters.ward_code]
    elif filters.scope.everywhere:
        codes = list(db.session.scalars(sa.select(Household.ward_code).distinct()))
    else:
        codes = sorted(filters.scope.ward_codes)
    found = coverage_by_ward(codes, year, today=today)
    labels = _labels("ward", codes)
    section = Section(
        key="coverage",
        title=_l("Bao phủ hộ nghèo, cận nghèo, mới thoát nghèo năm %(year)s", year=year),
        head=_l("Phường, xã"),
        columns=_COVERAGE_COLUMNS,
        note=_l(
            "Đã tiếp cận: đã đăng ký phiên hoặc có việc làm trong năm, hoặc đã gọi điện và ghi được nhu "
            "cầu. Mục tiêu: %(target)s.",
            target="100 %",
        ),
    )
    for code in sorted(codes, key=lambda code: fold(labels[code])):
        section.rows.append((labels[code], {"ward_code": code, **_coverage_values(found[code])}))
    return CoveragePanel(year=year, section=section, total=_coverage_values(Coverage.total(found.values())))


def _coverage_values(found: Coverage) -> dict:
    return {**found.as_dict(), "to_reach": found.to_reach}


def _funnel_section(totals: dict) -> Section:
    section = Section(
        key="funnel",
        title=_l("Phễu kết quả"),
        head=_l("Bước"),
        columns=(Column("people", _l("Số người")), Column("share", _l("Tỷ lệ so với đăng ký"), percent=True)),
        charted=("people",),
        chart="horizontal_bar",
        note=_l("Mỗi người được tính một lần ở mỗi bước, dù tham gia nhiều phiên."),
    )
    registered = totals["registered"]
    for step in funnel_steps():
        share = 100 * totals[step] / registered if registered else None
        section.rows.append((str(step_label(step)), {"people": totals[step], "share": share}))
    return section


def _breakdown_section(found: dict, by: str) -> Section:
    labels = _labels(by, list(found))
    section = Section(
        key="breakdown",
        title=_l("Kết quả theo %(dimension)s", dimension=str(DIMENSION_LABELS[by]).lower()),
        head=DIMENSION_LABELS[by],
        columns=tuple(Column(step, step_label(step)) for step in BREAKDOWN_STEPS),
        charted=("registered", "checked_in", "hired"),
    )
    for key in _ordered(by, found):
        section.rows.append((labels[key], {step: found[key][step] for step in BREAKDOWN_STEPS}))
    return section


def _trend_section(found: dict, filters: Filters) -> Section:
    months = sorted(key for key in found if key)
    if filters.date_from and filters.date_to:
        every = _months_between(filters.date_from, filters.date_to)
        if len(every) <= MAX_TREND_MONTHS:
            months = every
    section = Section(
        key="trend",
        title=_l("Diễn biến theo tháng"),
        head=_l("Tháng"),
        columns=tuple(Column(step, step_label(step)) for step in ("registered", "checked_in", "hired")),
        charted=("registered", "checked_in", "hired"),
        chart="line",
        note=_l("Việc làm không qua phiên được tính theo tháng bắt đầu làm việc."),
    )
    empty = dict.fromkeys(("registered", "checked_in", "hired"), 0)
    for month in months:
        row = found.get(month, empty)
        section.rows.append((_month_label(month), {step: row[step] for step in empty}))
    return section


def _groups_section(found: dict, totals: dict) -> Section:
    section = Section(
        key="groups",
        title=_l("Tỷ lệ theo nhóm ưu tiên"),
        head=_l("Nhóm ưu tiên"),
        columns=(
            Column("checked_in", _l("Đã tiếp cận (tham dự)")),
            Column("checked_in_share", _l("Tỷ lệ người tiếp cận"), percent=True),
            Column("hired", _l("Có việc làm")),
            Column("hired_share", _l("Tỷ lệ người có việc làm"), percent=True),
        ),
        charted=("checked_in", "hired"),
        chart="stacked_bar",
        series_from_rows=True,
    )
    for group in GROUP_ORDER:
        row = found.get(group.value, {"checked_in": 0, "hired": 0})
        values = {"checked_in": row["checked_in"], "hired": row["hired"]}
        for step in ("checked_in", "hired"):
            values[f"{step}_share"] = 100 * row[step] / totals[step] if totals[step] else None
        section.rows.append((str(PRIORITY_LABELS[group]), values))
    return section


def _wards_section(found: dict) -> Section:
    labels = _labels("ward", list(found))
    section = Section(
        key="wards",
        title=_l("Kết quả theo phường, xã"),
        head=_l("Phường, xã"),
        columns=tuple(Column(step, step_label(step)) for step in ("registered", "checked_in", "hired")),
        charted=("registered", "hired"),
    )
    for code in sorted(found, key=lambda code: labels[code]):
        section.rows.append(
            (labels[code], {step: found[code][step] for step in ("registered", "checked_in", "hired")})
        )
    return section


# --- Labels -----------------------------------------------------------------------------------------


def fair_label(fair) -> str:
    """ "Title · dd/MM/yyyy" of a fair (or of a row with its title and start)."""
    return f"{fair.title} · {date_vn(local_day(fair.starts_at))}"


def _labels(by: str, keys: list) -> dict:
    """key → what a person reads, for the keys of a breakdown."""
    if by == "priority_group":
        return {
            key: str(PRIORITY_LABELS.get(PriorityGroup(key), key)) if key else _none_label() for key in keys
        }
    if by == "priority_status":
        return {key: str(PRIORITY_STATUS_LABELS[PriorityStatus(key)]) for key in keys}
    if by == "gender":
        return {key: str(GENDER_LABELS[Gender(key)]) if key else str(_l("Không rõ")) for key in keys}
    if by == "month":
        return {key: _month_label(key) if key else _none_label() for key in keys}
    if by == "age_band":
        return {key: key or _none_label() for key in keys}
    names = _names(by, [key for key in keys if key is not None])
    unknown = {
        "ward": _l("Không rõ phường, xã"),
        "fair": _l("Không qua phiên"),
        "employer": _l("Không có tài khoản"),
        "vacancy": _l("Không ghi vị trí"),
    }[by]
    return {key: names.get(key, str(key)) if key is not None else str(unknown) for key in keys}


def _names(by: str, keys: list) -> dict:
    if not keys:
        return {}
    if by == "ward":
        return dict(db.session.execute(sa.select(Ward.code, Ward.name).where(Ward.code.in_(keys))).all())
    if by == "fair":
        return {
            fair.id: fair_label(fair) for fair in db.session.scalars(sa.select(Fair).where(Fair.id.in_(keys)))
        }
    model, column = (Employer, Employer.name) if by == "employer" else (Vacancy, Vacancy.title)
    return dict(db.session.execute(sa.select(model.id, column).where(model.id.in_(keys))).all())


def _ordered(by: str, found: dict) -> list:
    """Priority groups in the programme's order, months and age bands by time, the rest by how many
    registered (then by key); the row without a value last."""
    if by == "priority_group":
        order = {group.value: n for n, group in enumerate(GROUP_ORDER)}
        return sorted(found, key=lambda key: order.get(key, len(order)))
    if by in ("month", "age_band", "gender"):
        return sorted(found, key=lambda key: (key is None, key or ""))
    return sorted(found, key=lambda key: (key is None, -found[key]["registered"], str(key)))


def _none_label() -> str:
    return str(_l("Không rõ"))


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{number}/{year}"


def _months_between(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _number(args: Mapping, name: str, low: int, high: int, default: int) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise _invalid(name, _l("%(field)s: một số từ %(low)s đến %(high)s.", field=name, low=low, high=high))
    return int(raw)


def _invalid(name: str, message) -> ValidationError:
    return ValidationError(message, code="bad_filter", fields={name: message})
