"""The facts the funnel is counted from: one row per person and step reached, with where and when
(the steps and their rules: fairapp.reports.indicators). Written once; counted from directly
(fairapp.reports.indicators) and kept summed up per person (fairapp.reports.reach).

    steps()                         the funnel's steps in order
    report_fairs(filters)           the fairs of a report (fair_id, ward_code, month, day)
    fact_rows(filters, people=None) (attendee_id, step, fair_id, ward_code, month, day, employer_id,
                                    vacancy_id) for the report; `people`: only these attendee ids
    age_band(age)                   "<15", "15-24", …, "65+" as SQL"""

from datetime import time, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from fairapp.attendees.models import Registration
from fairapp.checkins.models import CheckIn
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import local_datetime
from fairapp.interviews.models import Interview, Outcome
from fairapp.outcomes.models import EMPLOYED_OUTCOMES, FollowUp, Hire, HireStatus
from fairapp.outcomes.rules import milestones
from fairapp.reports.period import Filters

BOOTH_STEPS = ("interviewed", "shortlisted", "offered", "counselled", "enrolled")
AGE_BANDS = ((15, 24), (25, 34), (35, 44), (45, 54), (55, 64))  # below: "<15"; above: "65+"


def steps() -> tuple[str, ...]:
    """The funnel's steps in order (the follow-up months come from the settings)."""
    employed = tuple(f"employed_{month}" for month in milestones())
    return ("registered", "checked_in", *BOOTH_STEPS, "hired", *employed, "sustained")


_MIDNIGHT = time(0, 0)


class month_of(FunctionElement):
    """'YYYY-MM' of a date, or of a UTC timestamp in Vietnam's time (UTC+7 all year, no summer time)."""

    type = sa.String()
    inherit_cache = True

    def __init__(self, column, *, utc_timestamp: bool):
        super().__init__(column)
        self.utc_timestamp = utc_timestamp


@compiles(month_of, "sqlite")
def _month_sqlite(element, compiler, **kw):
    column = list(element.clauses)[0]
    shift = (sa.literal_column("'+7 hours'"),) if element.utc_timestamp else ()
    return compiler.process(sa.func.strftime(sa.literal_column("'%Y-%m'"), column, *shift), **kw)


@compiles(month_of, "postgresql")
def _month_postgresql(element, compiler, **kw):
    column = list(element.clauses)[0]
    if element.utc_timestamp:
        column = sa.func.timezone(sa.literal_column("'Asia/Ho_Chi_Minh'"), column)
    return compiler.process(sa.func.to_char(column, sa.literal_column("'YYYY-MM'")), **kw)


class day_of(FunctionElement):
    """The local date (Vietnam, UTC+7) of a UTC timestamp."""

    type = sa.Date()
    inherit_cache = True


@compiles(day_of, "sqlite")
def _day_sqlite(element, compiler, **kw):
    column = list(element.clauses)[0]
    return compiler.process(sa.func.date(column, sa.literal_column("'+7 hours'")), **kw)


@compiles(day_of, "postgresql")
def _day_postgresql(element, compiler, **kw):
    column = list(element.clauses)[0]
    local = sa.func.timezone(sa.literal_column("'Asia/Ho_Chi_Minh'"), column)
    return compiler.process(sa.cast(local, sa.Date), **kw)


def report_fairs(filters: Filters):
    """The fairs of the report (fair_id, ward_code, month, day) as a subquery."""
    condition = [
        Fair.recorded_status.not_in((FairStatus.CANCELLED, FairStatus.DRAFT)),
        filters.clause(Fair.ward_code),
    ]
    if filters.date_from:
        condition.append(Fair.starts_at >= local_datetime(filters.date_from, _MIDNIGHT))
    if filters.date_to:
        condition.append(Fair.starts_at < local_datetime(filters.date_to + timedelta(days=1), _MIDNIGHT))
    if filters.fair_id:
        condition.append(Fair.id == filters.fair_id)
    fairs = sa.select(
        Fair.id.label("fair_id"),
        Fair.ward_code.label("ward_code"),
        month_of(Fair.starts_at, utc_timestamp=True).label("month"),
        day_of(Fair.starts_at).label("day"),
    ).where(*condition)
    return fairs.subquery("report_fairs")


def _row(attendee_id, step: str, fairs, *, employer_id=None, vacancy_id=None):
    nothing = sa.null().cast(sa.Integer)
    return (
        attendee_id.label("attendee_id"),
        sa.literal(step).label("step"),
        fairs.c.fair_id.label("fair_id"),
        fairs.c.ward_code.label("ward_code"),
        fairs.c.month.label("month"),
        fairs.c.day.label("day"),
        (employer_id if employer_id is not None else nothing).label("employer_id"),
        (vacancy_id if vacancy_id is not None else nothing).label("vacancy_id"),
    )


def _hires(filters: Filters, fairs, people):
    """The hires the report counts: confirmed, attributed to a fair of the report; with no fair
    asked for, also those without a fair starting in the period, in the wards of the report."""
    columns = (Hire.id, Hire.attendee_id, Hire.employer_id, Hire.vacancy_id, Hire.sustainable)
    attributed = sa.select(*columns, fairs.c.fair_id, fairs.c.ward_code, fairs.c.month, fairs.c.day).join(
        fairs, Hire.fair_id == fairs.c.fair_id
    )
    attributed = attributed.where(Hire.status == HireStatus.CONFIRMED, *_among(Hire.attendee_id, people))
    if filters.fair_id:
        return attributed.subquery("report_hires")
    walk_ins = sa.select(
        *columns,
        sa.null().cast(sa.Integer).label("fair_id"),
        Hire.ward_code.label("ward_code"),
        month_of(Hire.start_date, utc_timestamp=False).label("month"),
        Hire.start_date.label("day"),
    ).where(
        Hire.fair_id.is_(None),
        Hire.status == HireStatus.CONFIRMED,
        filters.clause(Hire.ward_code),
        *_among(Hire.attendee_id, people),
    )
    if filters.date_from:
        walk_ins = walk_ins.where(Hire.start_date >= filters.date_from)
    if filters.date_to:
        walk_ins = walk_ins.where(Hire.start_date <= filters.date_to)
    return sa.union_all(attributed, walk_ins).subquery("report_hires")


def _among(column, people) -> tuple:
    return () if people is None else (column.in_(people),)


def fact_rows(filters: Filters, people=None):
    """One row per person and step reached (attendee_id, step, fair_id, ward_code, month, day,
    employer_id, vacancy_id); `people`, a selectable of attendee ids, keeps only theirs."""
    fairs = report_fairs(filters)
    registered = (
        sa.select(*_row(Registration.attendee_id, "registered", fairs))
        .join(fairs, Registration.fair_id == fairs.c.fair_id)
        .where(*_among(Registration.attendee_id, people))
    )
    checked_in = (
        sa.select(*_row(Registration.attendee_id, "checked_in", fairs))
        .select_from(CheckIn)
        .join(fairs, CheckIn.fair_id == fairs.c.fair_id)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(*_among(Registration.attendee_id, people))
    )
    booth_conditions = {
        "interviewed": Interview.employer_id.is_not(None),
        "shortlisted": Interview.outcome.in_((Outcome.SHORTLISTED, Outcome.OFFERED)),
        "offered": Interview.outcome == Outcome.OFFERED,
        "counselled": Interview.school_id.is_not(None),
        "enrolled": Interview.outcome == Outcome.ENROLLED,
    }
    booths = [
        sa.select(
            *_row(
                Interview.attendee_id,
                step,
                fairs,
                employer_id=Interview.employer_id,
                vacancy_id=Interview.vacancy_id,
            )
        )
        .join(fairs, Interview.fair_id == fairs.c.fair_id)
        .where(condition, *_among(Interview.attendee_id, people))
        for step, condition in booth_conditions.items()
    ]
    hires = _hires(filters, fairs, people)

    def hire_row(step: str):
        return _row(
            hires.c.attendee_id, step, hires, employer_id=hires.c.employer_id, vacancy_id=hires.c.vacancy_id
        )

    hired = sa.select(*hire_row("hired"))
    sustained = sa.select(*hire_row("sustained")).where(hires.c.sustainable.is_(True))
    employed = [
        sa.select(*hire_row(f"employed_{month}"))
        .join(FollowUp, FollowUp.hire_id == hires.c.id)
        .where(FollowUp.month == month, FollowUp.outcome.in_(EMPLOYED_OUTCOMES))
        for month in milestones()
    ]
    return sa.union_all(registered, checked_in, *booths, hired, *employed, sustained)


def age_band(age):
    """The band of an age in years, as SQL: "<15", "15-24", …, "65+"."""
    bands = [(age.between(low, high), f"{low}-{high}") for low, high in AGE_BANDS]
    return sa.case((age < AGE_BANDS[0][0], "<15"), *bands, else_=f"{AGE_BANDS[-1][1] + 1}+")
