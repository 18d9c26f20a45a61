"""What published figures may show of people: the small-cell rule, in one place.

    public_count(n)              "0", "< 5" for 1–4 people, else the number written 1.234
    public_share(part, total)    "37%", or "—" when the part, what is left of the total, or the
                                 total is a hidden count (1–4), or the total is under 5
    complementary(values, hidden, total_hidden)
                                 which cells of a column to hide so that the total cannot give a
                                 lone hidden cell back by subtraction

Counts of fairs, employers, vacancies and places are not people: they are shown as they are."""

from collections.abc import Sequence

SMALL = 5  # fewer people than this (but some) are never shown
HIDDEN_COUNT = "< 5"
HIDDEN = "—"


def is_small(n: int | None) -> bool:
    """Some people, but fewer than SMALL: a cell that could point at a person."""
    return n is not None and 0 < n < SMALL


def number(n: int) -> str:
    """1.234: dots between thousands, as Vietnamese figures are written (like fairapp.i18n.money_vnd)."""
    return f"{int(n):,}".replace(",", ".")


def public_count(n: int | None) -> str:
    """A count of people as published: 0 stays 0, 1–4 is "< 5", more is the number."""
    n = n or 0
    return HIDDEN_COUNT if is_small(n) else number(n)


def share_hidden(part: int | None, total: int | None) -> bool:
    """Whether a share of people must not be shown: from a total under SMALL, or from a part (or what
    is left of the total besides it) that is a hidden count. 0% and 100% of SMALL or more are shown."""
    part, total = part or 0, total or 0
    return total < SMALL or is_small(part) or is_small(total - part)


def public_share(part: int | None, total: int | None) -> str:
    """`part` as a whole percentage of `total` ("37%"), or HIDDEN (see share_hidden). Rounded half up,
    and never to 0% or 100% unless it is exactly that."""
    if share_hidden(part, total):
        return HIDDEN
    part, total = part or 0, total or 0
    percent = (200 * part + total) // (2 * total)
    if part and percent == 0:
        percent = 1
    if part < total and percent == 100:
        percent = 99
    return f"{percent}%"


def complementary(values: Sequence[int], hidden: Sequence[bool], total_hidden: bool) -> list[bool]:
    """The cells of a column to hide, given its `values`, those already `hidden` and whether its total
    is hidden: when exactly one cell is hidden and the total is shown, the total minus the others
    would give it back, so the smallest shown non-zero cell is hidden too (a zero changes no sum).
    When there is no such cell the total equals the hidden cell, and is itself hidden as a small
    count."""
    result = list(hidden)
    if total_hidden or sum(result) != 1:
        return result
    shown = [(value, n) for n, (value, gone) in enumerate(zip(values, result, strict=True)) if not gone]
    candidates = [(value, n) for value, n in shown if value]
    if candidates:
        result[min(candidates)[1]] = True
    return result
