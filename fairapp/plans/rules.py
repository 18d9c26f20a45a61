"""The arithmetic of plans and budgets, in one place: share of a plan done, share of a budget
disbursed, cost per person or per fair. Pure functions; every count and amount is a whole number.

    percent_of_plan(done, target)          % of the target reached (may pass 100); None without a target
    disbursement_rate(disbursed, allocated) % of the allocation disbursed; None when nothing allocated
    cost_per(amount, count)                 whole đồng per unit, rounded half up; None for no unit

Percentages are floats rounded half up to one decimal, as reports print them (64,3 %)."""

PERCENT_DECIMALS = 1


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in exact integer arithmetic (both ≥ 0)."""
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (1 if 2 * remainder >= denominator else 0)


def _percent(part: int, whole: int) -> float:
    scale = 10**PERCENT_DECIMALS
    return _half_up(part * 100 * scale, whole) / scale


def percent_of_plan(done: int, target: int | None) -> float | None:
    """`done` as a percentage of `target`: 45 of 70 → 64.3; 90 of 60 → 150.0. None when there is no
    target (None or 0): a share of nothing means nothing."""
    if not target:
        return None
    return _percent(done, target)


def disbursement_rate(disbursed: int, allocated: int) -> float | None:
    """`disbursed` as a percentage of `allocated`: 1.800.000.000 of 2.400.000.000 → 75.0. May pass 100
    (disbursed beyond the allocation is recorded, with a warning). None when nothing was allocated."""
    if not allocated:
        return None
    return _percent(disbursed, allocated)


def cost_per(amount: int, count: int) -> int | None:
    """`amount` đồng divided by `count`, in whole đồng rounded half up: 1.000.000 for 3 hires →
    333.333; 5 for 2 → 3. None when `count` is 0."""
    if not count:
        return None
    return _half_up(amount, count)
