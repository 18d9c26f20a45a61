"""The arithmetic of plans: percentages of a plan and of a budget, cost per unit, worked by hand."""

import pytest

from fairapp.plans.rules import cost_per, disbursement_rate, percent_of_plan


@pytest.mark.parametrize(
    "done, target, expected",
    [
        (45, 70, 64.3),  # 64.285… → 64.3
        (90, 60, 150.0),  # past the plan
        (0, 12, 0.0),
        (1, 3, 33.3),  # 33.33…
        (2, 3, 66.7),  # 66.66…
        (1, 8, 12.5),
        (1, 16, 6.3),  # 6.25 exactly: half up, not to even
        (3, 16, 18.8),  # 18.75 exactly
        (12, 12, 100.0),
        (10**13, 10**13, 100.0),
    ],
)
def test_percent_of_plan(done, target, expected):
    assert percent_of_plan(done, target) == expected


@pytest.mark.parametrize("target", [None, 0])
def test_no_target_no_percentage(target):
    assert percent_of_plan(5, target) is None


@pytest.mark.parametrize(
    "disbursed, allocated, expected",
    [
        (1_800_000_000, 2_400_000_000, 75.0),
        (2_000_000_000, 3_000_000_000, 66.7),
        (3_000_000, 2_400_000, 125.0),
        (0, 2_400_000, 0.0),
        (1, 800, 0.1),  # 0.125 → 0.1
        (1, 400, 0.3),  # 0.25 → 0.3 (half up)
    ],
)
def test_disbursement_rate(disbursed, allocated, expected):
    assert disbursement_rate(disbursed, allocated) == expected


def test_nothing_allocated_no_rate():
    assert disbursement_rate(5_000_000, 0) is None


@pytest.mark.parametrize(
    "amount, count, expected",
    [
        (1_000_000, 3, 333_333),  # 333.333,33
        (2_000_000, 3, 666_667),  # 666.666,67
        (5, 2, 3),  # 2,5 → 3: half up
        (7, 2, 4),  # 3,5 → 4 (not to even)
        (24_000_000, 16, 1_500_000),
        (0, 4, 0),
        (10**13, 7, 1_428_571_428_571),  # 1.428.571.428.571,43
    ],
)
def test_cost_per(amount, count, expected):
    assert cost_per(amount, count) == expected
    assert isinstance(cost_per(amount, count), int)


def test_cost_per_nothing_is_none():
    assert cost_per(1_000_000, 0) is None
