"""Coverage of the priority households (độ bao phủ): of a ward's priority-household workers, how many
the year's outreach reached, and how far each went.

Who counts: the members fairapp.households.rules.priority_worker_clause(day) keeps (on the list, the
household's status in effect, of working age), `day` being 31/12 of the year, or today for the current
year (worker_day). How far each went: the report's own funnel rule, fairapp.reports.facts.fact_rows,
for the people the household lists matched to them (Attendee.household_member_id) and the fairs of the
whole area that year: a member of ward A who went to a fair in ward B counts for A.

    registered, checked_in, hired, sustained   members with that step in the year
    reached      registered or hired in the year (any step of the funnel), or whose latest call of the
                 year recorded what they need (fairapp.outreach.models.NEED_RECORDED: will come, has a
                 job, not looking, moved; "unreachable" is no answer)
    coverage_pct reached / members × 100, one decimal rounded half up; None without members

    worker_day(year, today)                        the day whose list and ages count
    coverage(ward_code, year, today=)              → Coverage
    coverage_by_ward(ward_codes, year, today=)     → {code: Coverage}, every code asked (one statement)
    member_rows(ward_code, year, today=)           → [MemberRow], one per member (one statement)

Counts only: the callers decide who may see them (admins, the ward's organisers)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from fairapp.attendees.models import Attendee
from fairapp.auth.scope import EVERYWHERE
from fairapp.extensions import db
from fairapp.fairs.services import local_datetime
from fairapp.households.models import Category, Household, HouseholdMember
from fairapp.households.rules import priority_worker_clause
from fairapp.outreach.models import NEED_RECORDED, ContactOutcome, OutreachContact
from fairapp.plans.rules import percent_of_plan
from fairapp.reports.facts import fact_rows
from fairapp.reports.period import Filters

STEPS = ("registered", "checked_in", "hired", "sustained")
COUNTS = ("members_working_age", "reached", *STEPS)
_MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class Coverage:
    members_working_age: int = 0
    reached: int = 0
    registered: int = 0
    checked_in: int = 0
    hired: int = 0
    sustained: int = 0
    coverage_pct: float | None = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "coverage_pct", percent_of_plan(self.reached, self.members_working_age))

    @property
    def to_reach(self) -> int:
        """Members the year's outreach has not reached yet (what stands between it and the 100% target)."""
        return self.members_working_age - self.reached

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in (*COUNTS, "coverage_pct")}

    @classmethod
    def total(cls, found: Iterable["Coverage"]) -> "Coverage":
        """Several wards together: a member belongs to one ward's list, so the counts add up."""
        found = list(found)
        return cls(**{name: sum(getattr(one, name) for one in found) for name in COUNTS})


@dataclass(frozen=True)
class MemberRow:
    member_id: int
    full_name: str
    birth_year: int
    gender: str | None
    household_code: str
    village: str | None
    category: Category
    registered: bool
    checked_in: bool
    hired: bool
    sustained: bool
    reached: bool
    last_outcome: ContactOutcome | None  # the latest call of the year


def worker_day(year: int, today: date) -> date:
    """The day whose list and ages count for `year`: today in the current year, else 31/12."""
    return today if year == today.year else date(year, 12, 31)


def year_bounds(year: int):
    """The year in Vietnam's time, as UTC instants: [first, last)."""
    return local_datetime(date(year, 1, 1), _MIDNIGHT), local_datetime(date(year + 1, 1, 1), _MIDNIGHT)


def _workers(ward_codes: list[str], day: date):
    return (
        sa.select(HouseholdMember.id.label("member_id"), Household.ward_code.label("ward_code"))
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(Household.ward_code.in_(ward_codes), priority_worker_clause(day))
        .cte("workers")
    )


def _member_steps(workers, year: int):
    """(member_id, step) for each step of the funnel a member's matched people reached in the year."""
    people = sa.select(Attendee.id).where(Attendee.household_member_id.in_(sa.select(workers.c.member_id)))
    whole_area_year = Filters(EVERYWHERE, date(year, 1, 1), date(year, 12, 31))
    facts = fact_rows(whole_area_year, people=people).subquery("facts")
    return (
        sa.select(Attendee.household_member_id.label("member_id"), facts.c.step)
        .join(Attendee, Attendee.id == facts.c.attendee_id)
        .distinct()
        .subquery("member_steps")
    )


def need_recorded(members, year: int):
    """The members (ids in `members`) whose latest call of the year recorded what they need."""
    first, end = year_bounds(year)
    contact, later = OutreachContact, aliased(OutreachContact)
    return sa.select(contact.member_id).where(
        contact.member_id.in_(members),
        contact.at >= first,
        contact.at < end,
        contact.outcome.in_(NEED_RECORDED),
        ~sa.exists().where(
            later.member_id == contact.member_id,
            later.at >= first,
            later.at < end,
            sa.or_(later.at > contact.at, sa.and_(later.at == contact.at, later.id > contact.id)),
        ),
    )


def _per_member(ward_codes: list[str], year: int, today: date):
    """One row per member: member_id, ward_code, a 0/1 flag per step, and reached."""
    workers = _workers(ward_codes, worker_day(year, today))
    steps = _member_steps(workers, year)

    def flag(condition):
        return sa.func.max(sa.case((condition, 1), else_=0))

    needs = need_recorded(sa.select(workers.c.member_id), year).subquery("needs")
    reached = sa.or_(steps.c.step.is_not(None), needs.c.member_id.is_not(None))
    return (
        sa.select(
            workers.c.member_id,
            workers.c.ward_code,
            *(flag(steps.c.step == step).label(step) for step in STEPS),
            flag(reached).label("reached"),
        )
        .select_from(workers)
        .outerjoin(steps, steps.c.member_id == workers.c.member_id)
        .outerjoin(needs, needs.c.member_id == workers.c.member_id)
        .group_by(workers.c.member_id, workers.c.ward_code)
        .subquery("per_member")
    )


def coverage_by_ward(ward_codes: Iterable[str], year: int, *, today: date) -> dict[str, Coverage]:
    """{code: Coverage} for each ward asked (zeros, coverage_pct None, for a ward without members),
    in one statement whatever the number of wards."""
    codes = sorted(set(ward_codes))
    if not codes:
        return {}
    per = _per_member(codes, year, today)
    statement = sa.select(
        per.c.ward_code,
        sa.func.count().label("members_working_age"),
        *(sa.func.sum(per.c[name]).label(name) for name in ("reached", *STEPS)),
    ).group_by(per.c.ward_code)
    found = {code: Coverage() for code in codes}
    for row in db.session.execute(statement):
        found[row.ward_code] = Coverage(**{name: int(getattr(row, name) or 0) for name in COUNTS})
    return found


def coverage(ward_code: str, year: int, *, today: date) -> Coverage:
    """The ward's coverage in `year` (see the module's documentation)."""
    return coverage_by_ward([ward_code], year, today=today)[ward_code]


def member_rows(ward_code: str, year: int, *, today: date) -> list[MemberRow]:
    """Each priority-household worker of the ward in `year` with the steps they reached and their
    latest call of the year, by village, household and name: personal data (the caller audits). An
    erased member is a row too (counted, under the name erasure left)."""
    per = _per_member([ward_code], year, today)
    first, end = year_bounds(year)
    last_outcome = (
        sa.select(OutreachContact.outcome)
        .where(
            OutreachContact.member_id == HouseholdMember.id,
            OutreachContact.at >= first,
            OutreachContact.at < end,
        )
        .order_by(OutreachContact.at.desc(), OutreachContact.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    statement = (
        sa.select(
            HouseholdMember.id,
            HouseholdMember.full_name,
            HouseholdMember.birth_year,
            HouseholdMember.gender,
            Household.household_code,
            Household.village,
            Household.category,
            *(per.c[name] for name in (*STEPS, "reached")),
            last_outcome.label("last_outcome"),
        )
        .join(per, per.c.member_id == HouseholdMember.id)
        .join(Household, Household.id == HouseholdMember.household_id)
        .order_by(Household.village, Household.household_code, HouseholdMember.name_key, HouseholdMember.id)
    )
    return [
        MemberRow(
            member_id=row.id,
            full_name=row.full_name,
            birth_year=row.birth_year,
            gender=row.gender.value if row.gender else None,
            household_code=row.household_code,
            village=row.village,
            category=row.category,
            **{name: bool(getattr(row, name)) for name in (*STEPS, "reached")},
            last_outcome=ContactOutcome(row.last_outcome) if row.last_outcome else None,
        )
        for row in db.session.execute(statement)
    ]
