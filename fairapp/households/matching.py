"""Finding a person on the household lists, the one lookup the verification of priority status uses
(fairapp.attendees.verification).

In this order, the first that finds exactly one member wins:
    1. citizen ID             the member with that ID (on any ward's list)
    2. name + birth year      the folded name (no diacritics, any case) and the birth year, among the
                              members of the person's ward
    3. household code + name  the folded name, in the household with that code in the person's ward
Only members still on their household's list count, and no erased member. Two members found at one
step (two people of one name and year in a ward) match nobody at that step: a guess is worse than
"not found"."""

import functools
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from fairapp.extensions import db
from fairapp.households.models import Category, Household, HouseholdMember
from fairapp.households.rules import category_on

BY_CITIZEN_ID, BY_NAME, BY_HOUSEHOLD = "citizen_id", "name_birth_year", "household_code"


@dataclass(frozen=True)
class Found:
    member_id: int
    household_id: int
    category: Category | None  # on the day asked about; None: an escaped status that expired
    how: str  # BY_CITIZEN_ID, BY_NAME or BY_HOUSEHOLD
    household_updated_at: object  # when the list last changed the household (a settled conflict reopens)


def find_member(
    *,
    citizen_id: str | None,
    name_key: str,
    birth_year: int | None,
    ward_code: str | None,
    household_code: str | None,
    day: date,
) -> Found | None:
    """The list member this person is (see the module's documentation), or None. One statement: the
    candidates of every step the person's data allows, each flagged with the steps it answers."""
    steps = (
        BY_CITIZEN_ID if citizen_id else None,
        BY_NAME if ward_code and name_key and birth_year else None,
        BY_HOUSEHOLD if ward_code and name_key and household_code else None,
    )
    steps = tuple(how for how in steps if how)
    if not steps:
        return None
    rows = db.session.execute(
        _statement(steps),
        {
            "citizen_id": citizen_id,
            "name_key": name_key,
            "birth_year": birth_year,
            "ward_code": ward_code,
            "household_code": (household_code or "").strip(),
        },
    ).all()
    for position, how in enumerate(steps):
        answering = [row for row in rows if row[5 + position]]
        if len(answering) == 1:
            member_id, household_id, category, escaped_on, updated_at = answering[0][:5]
            return Found(member_id, household_id, category_on(category, escaped_on, day), how, updated_at)
    return None


@functools.cache
def _statement(steps: tuple[str, ...]) -> sa.Select:
    """The lookup for these steps, built once (registration runs it for every new person)."""
    conditions = {
        BY_CITIZEN_ID: HouseholdMember.citizen_id == sa.bindparam("citizen_id"),
        BY_NAME: sa.and_(
            HouseholdMember.name_key == sa.bindparam("name_key"),
            HouseholdMember.birth_year == sa.bindparam("birth_year"),
            Household.ward_code == sa.bindparam("ward_code"),
        ),
        BY_HOUSEHOLD: sa.and_(
            HouseholdMember.name_key == sa.bindparam("name_key"),
            Household.ward_code == sa.bindparam("ward_code"),
            Household.household_code == sa.bindparam("household_code"),
        ),
    }
    flags = [sa.case((conditions[how], 1), else_=0) for how in steps]
    return (
        sa.select(
            HouseholdMember.id,
            Household.id,
            Household.category,
            Household.escaped_on,
            Household.updated_at,
            *flags,
        )
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(
            HouseholdMember.active.is_(True),
            HouseholdMember.erased_at.is_(None),
            sa.or_(*(conditions[how] for how in steps)),
        )
        .order_by(*(flag.desc() for flag in flags), HouseholdMember.id)
        .limit(20)  # the first step's candidates first; a step with two or more matches nobody anyway
    )
