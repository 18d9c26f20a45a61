"""The rules on the list: an escaped status lasts 36 months, and working age follows the 2019 Labour
Code's rising retirement age (or fixed ages when configured)."""

from datetime import date

import pytest
import sqlalchemy as sa

from fairapp.households.models import Category, Household, HouseholdMember, MemberGender
from fairapp.households.rules import (
    category_on,
    in_effect_clause,
    is_working_age,
    retirement_months,
    working_age_clause,
)
from tests.households.conftest import BACH_QUANG


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 15), Category.ESCAPED_POVERTY),
        (date(2029, 1, 14), Category.ESCAPED_POVERTY),  # the last day of the 36 months
        (date(2029, 1, 15), None),  # 36 months later: no longer a priority household
        (date(2031, 6, 1), None),
    ],
)
def test_an_escaped_status_expires_36_months_after_it_began(app, day, expected):
    assert category_on(Category.ESCAPED_POVERTY, date(2026, 1, 15), day) == expected
    assert category_on(Category.POOR, None, day) == Category.POOR


def test_the_list_clause_expires_on_the_same_day(db):
    household = Household(
        ward_code=BACH_QUANG,
        household_code="H",
        category=Category.ESCAPED_POVERTY,
        list_year=2026,
        escaped_on=date(2026, 1, 15),
    )
    db.session.add(household)
    db.session.flush()
    for day in (date(2029, 1, 14), date(2029, 1, 15)):
        found = db.session.scalar(
            sa.select(sa.func.count()).select_from(Household).where(in_effect_clause(day))
        )
        assert bool(found) == (category_on(household.category, household.escaped_on, day) is not None)


@pytest.mark.parametrize(
    ("year", "male", "female"),
    [
        (2021, (60, 3), (55, 4)),
        (2026, (61, 6), (57, 0)),
        (2028, (62, 0), (57, 8)),
        (2030, (62, 0), (58, 4)),
        (2035, (62, 0), (60, 0)),
        (2040, (62, 0), (60, 0)),
    ],
)
def test_retirement_age_rises_as_the_labour_code_says(app, year, male, female):
    ages = retirement_months(year)
    assert (ages.male, ages.female) == (male[0] * 12 + male[1], female[0] * 12 + female[1])


def test_working_age_in_python_and_in_sql_agree(db, app):
    household = Household(ward_code=BACH_QUANG, household_code="H", category=Category.POOR, list_year=2026)
    db.session.add(household)
    people = [
        ("A", 2012, MemberGender.MALE),  # 14: too young
        ("B", 2011, MemberGender.FEMALE),  # 15
        ("C", 1970, MemberGender.FEMALE),  # 56 < 57
        ("D", 1969, MemberGender.FEMALE),  # 57: retired in 2026
        ("E", 1965, MemberGender.MALE),  # 61 < 61y6m
        ("F", 1964, MemberGender.MALE),  # 62: retired
        ("G", 1965, None),  # unknown sex: the men's age
    ]
    for name, year, gender in people:
        household.members.append(
            HouseholdMember(full_name=name, name_key=name.lower(), birth_year=year, gender=gender)
        )
    db.session.flush()
    in_sql = set(db.session.scalars(sa.select(HouseholdMember.full_name).where(working_age_clause(2026))))
    in_python = {name for name, year, gender in people if is_working_age(year, gender and gender.value, 2026)}
    assert in_sql == in_python == {"B", "C", "E", "G"}


def test_fixed_retirement_ages_replace_the_rising_ones(app):
    app.config["WORKING_AGE"] = {"from": 15, "retirement": {"male": 60, "female": 55}}
    assert is_working_age(1967, "male", 2026) and not is_working_age(1966, "male", 2026)
    assert not is_working_age(1971, "female", 2026)
