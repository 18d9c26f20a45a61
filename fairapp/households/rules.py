"""The rules on the household list, each in one place.

Status on a day. A household is poor or near-poor as long as its latest list says so. One that left
the list (a later year's list of its ward no longer holds it), or that a list names as newly escaped,
is `escaped_poverty` from `escaped_on` and keeps that status for `ESCAPED_POVERTY_MONTHS` (36) months
(Decree 07/2021/ND-CP: a newly-escaped household keeps its support for 36 months); from then on it is
no priority household at all (`category_on` → None).

Working age (độ tuổi lao động). From `WORKING_AGE["from"]` (15) to the retirement age of the 2019
Labour Code, which rises year by year (Decree 135/2020/ND-CP): men 60 years 3 months in 2021, three
months more each year up to 62 in 2028; women 55 years 4 months in 2021, four months more each year up
to 60 in 2035. `WORKING_AGE["retirement"]` replaces it by fixed ages ({"male": 62, "female": 60}) where
a province counts so. A person's age in a year is the year minus the birth year, as in every report
(a list gives the birth year; a birth date, when known, is not used, so that a list and a count always
agree). Someone of working age has reached `from` and not yet the retirement age.

A member of a household is a **priority-household worker** on a day when the household's category on
that day is not None, the member is still on its list, and they are of working age that year (a member
whose personal data was erased still counts: their birth year, sex and household stay)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from fairapp.households.models import Category, Household, HouseholdMember
from fairapp.months import add_months

ESCAPED_POVERTY_MONTHS = 36


def category_on(category: Category, escaped_on: date | None, day: date) -> Category | None:
    """What the household counts as on `day`: its category, or None once an escaped status expired."""
    if category == Category.ESCAPED_POVERTY and escaped_on is not None and day >= escaped_until(escaped_on):
        return None
    return category


def escaped_until(escaped_on: date) -> date:
    """The first day on which the escaped status no longer holds."""
    return add_months(escaped_on, ESCAPED_POVERTY_MONTHS)


def in_effect_clause(day: date) -> sa.ColumnElement[bool]:
    """`category_on(...) is not None` as a SQL condition on households: the same rule for lists."""
    return sa.or_(
        Household.category != Category.ESCAPED_POVERTY,
        Household.escaped_on.is_(None),
        Household.escaped_on > add_months(day, -ESCAPED_POVERTY_MONTHS),
    )


# --- working age -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retirement:
    """Retirement ages in months, per sex, for one year."""

    male: int
    female: int


def retirement_months(year: int) -> Retirement:
    """The retirement age (in months of age) in `year`: the setting's fixed ages, or the 2019 Labour
    Code's rising ones."""
    setting = current_app.config["WORKING_AGE"].get("retirement")
    if setting:
        return Retirement(male=int(setting["male"]) * 12, female=int(setting["female"]) * 12)
    steps = max(0, year - 2021)
    male = min(60 * 12 + 3 + 3 * steps, 62 * 12)
    female = min(55 * 12 + 4 + 4 * steps, 60 * 12)
    if year < 2021:
        male, female = 60 * 12, 55 * 12
    return Retirement(male=male, female=female)


def working_age_bounds(year: int) -> tuple[int, Retirement]:
    """(the first age in years of working age, the retirement ages in months) for `year`."""
    return int(current_app.config["WORKING_AGE"].get("from", 15)), retirement_months(year)


def is_working_age(birth_year: int, gender: str | None, year: int) -> bool:
    """Whether a person born in `birth_year` is of working age in `year`. A person of unknown sex is
    held to the men's, later, retirement age."""
    start, retirement = working_age_bounds(year)
    age = (year - birth_year) * 12
    limit = retirement.female if gender == "female" else retirement.male
    return start * 12 <= age < limit


def working_age_clause(year: int) -> sa.ColumnElement[bool]:
    """is_working_age as a SQL condition on household_members."""
    start, retirement = working_age_bounds(year)
    age = (year - HouseholdMember.birth_year) * 12
    limit = sa.case((HouseholdMember.gender == "female", retirement.female), else_=retirement.male)
    return sa.and_(age >= start * 12, age < limit)


def priority_worker_clause(day: date) -> sa.ColumnElement[bool]:
    """Members (joined to their household) who count as priority-household workers on `day`."""
    return sa.and_(
        HouseholdMember.active.is_(True),  # an erased member still counts: only what named them is gone
        in_effect_clause(day),
        working_age_clause(day.year),
    )
