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
    """The list member this person is (see the module's documentation), or None."""
    base = (
        sa.select(
            HouseholdMember.id,
            Household.id,
            Household.category,
            Household.escaped_on,
            Household.updated_at,
        )
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(HouseholdMember.active.is_(True), HouseholdMember.erased_at.is_(None))
        .limit(2)
    )
    attempts = []
    if citizen_id:
        attempts.append((BY_CITIZEN_ID, base.where(HouseholdMember.citizen_id == citizen_id)))
    if ward_code and name_key and birth_year:
        attempts.append(
            (
                BY_NAME,
                base.where(
                    HouseholdMember.name_key == name_key,
                    HouseholdMember.birth_year == birth_year,
                    Household.ward_code == ward_code,
                ),
            )
        )
    if ward_code and name_key and household_code:
        attempts.append(
            (
                BY_HOUSEHOLD,
                base.where(
                    HouseholdMember.name_key == name_key,
                    Household.ward_code == ward_code,
                    Household.household_code == household_code.strip(),
                ),
            )
        )
    for how, statement in attempts:
        rows = db.session.execute(statement).all()
        if len(rows) == 1:
            member_id, household_id, category, escaped_on, updated_at = rows[0]
            return Found(member_id, household_id, category_on(category, escaped_on, day), how, updated_at)
    return None
