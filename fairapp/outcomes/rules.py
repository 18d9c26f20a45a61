"""The rules of follow-up: when a hire's follow-ups fall due, and what makes a job sustainable.

Sustainable job (việc làm bền vững) — the one definition, used by every count:
    a confirmed hire whose follow-up at `SUSTAINABLE_JOB["months"]` months after its start (6 by
    default) found the person still employed — with the same employer, or having changed employer
    (they kept working) — and, when `SUSTAINABLE_JOB["social_insurance"]` is set, whose job carries
    social insurance. A person who left, at that follow-up or at an earlier one, did not keep the job;
    while the deciding follow-up is open (not yet due, or the person was unreachable) it is undecided.

Follow-ups fall due 1, 3 and 6 months after the start date (`FOLLOW_UP_MONTHS`), and at 12 when
`FOLLOW_UP_TWELVE_MONTHS` is set. A month later than a day that the later month lacks is its last
day: 31 January + 1 month is 28 (or 29) February."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app

from fairapp.months import add_months
from fairapp.outcomes.models import EMPLOYED_OUTCOMES, FollowUpOutcome

__all__ = ["add_months", "is_sustainable", "milestones", "schedule", "sustainable_rule"]


def milestones() -> tuple[int, ...]:
    """The months after a start date when a follow-up falls due, from the configuration."""
    months = set(current_app.config["FOLLOW_UP_MONTHS"])
    if current_app.config["FOLLOW_UP_TWELVE_MONTHS"]:
        months.add(12)
    months.add(sustainable_rule().months)  # the deciding follow-up always exists
    return tuple(sorted(months))


def schedule(start_date: date, months: Iterable[int] | None = None) -> list[tuple[int, date]]:
    """(month, due date) of each follow-up of a job started on `start_date`."""
    return [(month, add_months(start_date, month)) for month in (milestones() if months is None else months)]


@dataclass(frozen=True)
class SustainableRule:
    months: int = 6
    social_insurance: bool = False  # only jobs with social insurance count


def sustainable_rule() -> SustainableRule:
    setting = current_app.config["SUSTAINABLE_JOB"]
    return SustainableRule(months=int(setting["months"]), social_insurance=bool(setting["social_insurance"]))


def is_sustainable(
    answers: dict[int, FollowUpOutcome | None],
    *,
    social_insurance: bool | None,
    rule: SustainableRule | None = None,
) -> bool | None:
    """The sustainable-job rule (see the module's documentation). `answers`: each follow-up's month
    and what it found (None while open). True or False once decided, None while undecided."""
    rule = rule or sustainable_rule()
    if any(outcome == FollowUpOutcome.LEFT for month, outcome in answers.items() if month <= rule.months):
        return False
    deciding = answers.get(rule.months)
    if deciding not in EMPLOYED_OUTCOMES:
        return None
    return bool(social_insurance) or not rule.social_insurance
