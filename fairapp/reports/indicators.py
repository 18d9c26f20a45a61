"""The outcome indicators: how many people reached each step of the funnel, in a period, in the wards
of a scope, optionally one fair — in total or broken down by one dimension.

The steps (a person counts once per step and group, however many fairs, booths or hires):
    registered     registered for a fair of the period
    checked_in     admitted at its entrance
    interviewed    seen by an employer's booth (any outcome, not_suitable included)
    shortlisted    shortlisted or offered by an employer
    offered        offered a job at the booth
    counselled     seen by a school's booth (counselled or enrolled)
    enrolled       enrolled in a training programme
    hired          a confirmed hire attributed to a fair of the period; with no fair asked for, also
                   a hire without a fair (a walk-in to the company) starting in the period, in the
                   ward the hire was recorded for
    employed_<m>   of those hires, still employed (same or another employer) at the m-month follow-up
    sustained      of those hires, a sustainable job (fairapp.outcomes.rules.is_sustainable, kept on
                   the hire)
A fair of the period is one whose local start day lies in it, not cancelled, not a draft. Its ward is
where it was held; a person's priority group (and whether the household list verified it), sex and
age are as recorded now (age: the fair's year,
or the hire's start year, minus the birth year).

    funnel(filters, by=None)   → {step: people}; with `by`, {key: {step: people}} for every key seen
    funnels(filters, bys)      → {by: funnel(filters, by)}, read together where they can be"""

import sqlalchemy as sa

from fairapp.attendees.models import Attendee
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.modelbase import utcnow
from fairapp.partners.models import Vacancy
from fairapp.reports import reach
from fairapp.reports.facts import age_band, fact_rows, report_fairs, steps
from fairapp.reports.period import Filters

DIMENSIONS = (
    "priority_group",
    "priority_status",  # verified on the household list, self-declared, or in conflict with it
    "ward",
    "gender",
    "age_band",
    "fair",
    "employer",
    "vacancy",
    "month",
)
PERSON_COLUMNS = {"priority_group", "priority_status", "gender", "age_band"}
FAIR_FACTS = ("fairs", "fairs_held", "employers", "schools", "vacancies", "quota")
UNKNOWN = None  # the key of rows without a value for the dimension (a hire without a fair, …)


def funnel(filters: Filters, by: str | tuple[str, ...] | None = None) -> dict:
    """{step: people} for the whole report; with `by` (one of DIMENSIONS) {key: {step: people}} for
    every key seen; with a tuple of dimensions, keyed by tuples ((ward, group): …). Every step is
    present (0 when none). Counted from reach where it can say (fairapp.reports.reach), else from
    the facts."""
    found = reach.counts(filters, by)
    if found is not None:
        return found
    return _funnel_of_facts(filters, by)


def funnels(filters: Filters, bys) -> dict:
    """{by: funnel(filters, by)} for several breakdowns of one report, read together where they can
    be (fairapp.reports.reach.counts_many)."""
    found = reach.counts_many(filters, list(bys))
    return {by: found[by] if found.get(by) is not None else _funnel_of_facts(filters, by) for by in bys}


def _funnel_of_facts(filters: Filters, by: str | tuple[str, ...] | None = None) -> dict:
    facts = fact_rows(filters).subquery("facts")
    people = sa.func.count(sa.distinct(facts.c.attendee_id))
    names = steps()
    if by is None:
        totals = dict.fromkeys(names, 0)
        query = sa.select(facts.c.step, people).group_by(facts.c.step)
        totals.update({step: int(count) for step, count in db.session.execute(query)})
        return totals
    dimensions = (by,) if isinstance(by, str) else tuple(by)
    keys = [_key(facts, dimension).label(f"key_{n}") for n, dimension in enumerate(dimensions)]
    query = sa.select(*keys, facts.c.step, people)
    if set(dimensions) & PERSON_COLUMNS:
        query = query.join(Attendee, Attendee.id == facts.c.attendee_id)
    found: dict = {}
    for *values, step, count in db.session.execute(query.group_by(*keys, facts.c.step)):
        values = tuple(getattr(value, "value", value) for value in values)
        key = values[0] if isinstance(by, str) else values
        found.setdefault(key, dict.fromkeys(names, 0))[step] = int(count)
    return found


def fair_facts(filters: Filters, *, by_ward: bool = False) -> dict:
    """{fairs, fairs_held, employers, schools, vacancies, quota}: the fairs of the report, those
    already started, the employers and schools with a confirmed booth at them, the vacancies they
    offered there (each once) and those vacancies' quotas added up. With `by_ward`, {ward_code: the
    same} for the wards that held a fair of the report."""
    fairs = report_fairs(filters)
    ward = fairs.c.ward_code
    group = (ward,) if by_ward else ()
    started = sa.func.sum(sa.case((Fair.starts_at <= utcnow(), 1), else_=0))
    held = (
        sa.select(*group, sa.func.count(), started).join(fairs, Fair.id == fairs.c.fair_id).group_by(*group)
    )
    booths = (
        sa.select(
            *group, sa.func.count(sa.distinct(Booth.employer_id)), sa.func.count(sa.distinct(Booth.school_id))
        )
        .join(fairs, Booth.fair_id == fairs.c.fair_id)
        .where(Booth.status == BoothStatus.CONFIRMED)
        .group_by(*group)
    )
    offered = (
        sa.select(*group, VacancyOffer.vacancy_id.label("vacancy_id"))
        .join(fairs, VacancyOffer.fair_id == fairs.c.fair_id)
        .distinct()
        .subquery()
    )
    in_ward = (offered.c.ward_code,) if by_ward else ()
    vacancies = (
        sa.select(*in_ward, sa.func.count(), sa.func.sum(Vacancy.quantity))
        .join(offered, Vacancy.id == offered.c.vacancy_id)
        .group_by(*in_ward)
    )
    found: dict = {}

    def row(values) -> tuple[dict, list]:
        values = list(values)
        key = values.pop(0) if by_ward else None
        return found.setdefault(key, dict.fromkeys(FAIR_FACTS, 0)), values

    for values in db.session.execute(held):
        facts, (fairs_count, fairs_held) = row(values)
        facts.update(fairs=int(fairs_count), fairs_held=int(fairs_held or 0))
    for values in db.session.execute(booths):
        facts, (employers, schools) = row(values)
        facts.update(employers=int(employers), schools=int(schools))
    for values in db.session.execute(vacancies):
        facts, (vacancy_count, quota) = row(values)
        facts.update(vacancies=int(vacancy_count), quota=int(quota or 0))
    if by_ward:
        return found
    return found.get(None, dict.fromkeys(FAIR_FACTS, 0))


def _key(facts, by: str):
    if by == "priority_group":
        return Attendee.priority_group
    if by == "priority_status":
        return Attendee.priority_status
    if by == "gender":
        return Attendee.gender
    if by == "age_band":
        return age_band(sa.cast(sa.func.substr(facts.c.month, 1, 4), sa.Integer) - Attendee.birth_year)
    columns = {
        "ward": "ward_code",
        "fair": "fair_id",
        "employer": "employer_id",
        "vacancy": "vacancy_id",
        "month": "month",
    }
    if by not in columns:
        raise ValueError(f"no such dimension: {by}")
    return facts.c[columns[by]]
