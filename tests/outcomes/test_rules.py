"""The follow-up schedule (month ends) and the sustainable-job rule, as a table."""

from datetime import date

import pytest

from fairapp.outcomes import rules
from fairapp.outcomes.models import FollowUpOutcome as O

S, C, L, U = O.STILL_EMPLOYED, O.CHANGED_EMPLOYER, O.LEFT, O.UNREACHABLE


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year
        (date(2026, 7, 1), 6, date(2027, 1, 1)),
        (date(2027, 1, 29), 1, date(2027, 2, 28)),
        (date(2027, 5, 31), 12, date(2028, 5, 31)),
    ],
)
def test_a_follow_up_falls_due_whole_months_later_kept_within_the_month(start, months, due):
    assert rules.add_months(start, months) == due


def test_the_schedule_is_1_3_6_months_and_12_by_setting(app):
    assert rules.schedule(date(2027, 1, 31)) == [
        (1, date(2027, 2, 28)),
        (3, date(2027, 4, 30)),
        (6, date(2027, 7, 31)),
    ]
    app.config["FOLLOW_UP_TWELVE_MONTHS"] = True
    assert [month for month, _due in rules.schedule(date(2027, 1, 31))] == [1, 3, 6, 12]


def test_the_deciding_follow_up_is_always_scheduled(app):
    app.config["SUSTAINABLE_JOB"] = {"months": 9, "social_insurance": False}
    assert [month for month, _due in rules.schedule(date(2027, 1, 1))] == [1, 3, 6, 9]


SIX = rules.SustainableRule(months=6)
SIX_WITH_INSURANCE = rules.SustainableRule(months=6, social_insurance=True)


@pytest.mark.parametrize(
    ("answers", "insurance", "rule", "expected"),
    [
        ({1: S, 3: S, 6: S}, None, SIX, True),
        ({1: None, 3: None, 6: S}, None, SIX, True),  # only the deciding one answered
        ({1: S, 3: C, 6: C}, False, SIX, True),  # changed employer: still at work
        ({1: S, 3: S, 6: None}, True, SIX, None),  # not yet due
        ({1: S, 3: S, 6: U}, True, SIX, None),  # unreachable: undecided, not a failure
        ({1: S, 3: L, 6: L}, True, SIX, False),
        ({1: L, 3: None, 6: None}, True, SIX, False),  # left early: decided at once
        ({1: S, 3: S, 6: S}, False, SIX_WITH_INSURANCE, False),
        ({1: S, 3: S, 6: S}, None, SIX_WITH_INSURANCE, False),
        ({1: S, 3: S, 6: S}, True, SIX_WITH_INSURANCE, True),
        ({1: S, 3: S, 6: S, 12: L}, None, SIX, True),  # leaving after the deciding month does not undo it
        ({1: S, 3: S, 6: S, 12: None}, None, rules.SustainableRule(months=12), None),
    ],
)
def test_the_sustainable_job_rule(answers, insurance, rule, expected):
    assert rules.is_sustainable(answers, social_insurance=insurance, rule=rule) is expected
