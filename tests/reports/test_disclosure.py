"""The small-cell rule of published figures (fairapp.reports.disclosure)."""

import pytest

from fairapp.reports.disclosure import complementary, public_count, public_share


@pytest.mark.parametrize(
    "n, shown",
    [
        (None, "0"),
        (0, "0"),
        (1, "< 5"),
        (4, "< 5"),
        (5, "5"),
        (999, "999"),
        (1234, "1.234"),
        (1234567, "1.234.567"),
    ],
)
def test_a_count_of_people_hides_one_to_four(n, shown):
    assert public_count(n) == shown


@pytest.mark.parametrize(
    "part, total, shown",
    [
        (0, 0, "—"),  # nothing to share
        (0, 4, "—"),  # a total under 5
        (3, 4, "—"),
        (3, 10, "—"),  # a hidden part
        (7, 10, "—"),  # what is left (3) would be a hidden count
        (7, 12, "58%"),
        (20, 40, "50%"),
        (0, 7, "0%"),
        (7, 7, "100%"),
        (5, 15, "33%"),
        (10, 15, "67%"),  # rounded half up
        (5, 1000, "1%"),  # never 0% when some
        (995, 1000, "99%"),  # never 100% when not all
        (1, 2000, "—"),
    ],
)
def test_a_share_of_people_is_hidden_when_it_rests_on_a_small_count(part, total, shown):
    assert public_share(part, total) == shown


def test_a_lone_hidden_cell_takes_the_smallest_shown_one_with_it():
    values = [3, 40, 12, 0, 25]
    assert complementary(values, [True, False, False, False, False], total_hidden=False) == [
        True,
        False,
        True,  # 12: the smallest shown non-zero cell; the zero would give the hidden 3 back
        False,
        False,
    ]


def test_two_hidden_cells_or_a_hidden_total_need_nothing_more():
    values = [3, 2, 12, 40]
    hidden = [True, True, False, False]
    assert complementary(values, hidden, total_hidden=False) == hidden
    assert complementary([3, 12], [True, False], total_hidden=True) == [True, False]
    assert complementary([12, 40], [False, False], total_hidden=False) == [False, False]


def test_ties_take_the_first_and_only_zeros_left_hide_nothing_more():
    assert complementary([1, 9, 9], [True, False, False], total_hidden=False) == [True, True, False]
    # the total is then the hidden cell itself, a small count hidden by public_count
    assert complementary([2, 0, 0], [True, False, False], total_hidden=False) == [True, False, False]
