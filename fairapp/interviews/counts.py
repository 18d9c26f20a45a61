"""How many people the booths of a fair saw, by priority group: the funnel's booth steps.

A person counts once per indicator, however many booths saw them:
    interviewed   seen by at least one employer (any employer outcome, not_suitable included)
    shortlisted   shortlisted or offered by at least one employer
    offered       offered by at least one employer
    counselled    seen by at least one school (counselled or enrolled)
    enrolled      enrolled in a programme by at least one school"""

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, PriorityGroup
from fairapp.extensions import db
from fairapp.interviews.models import Interview, Outcome

KEYS = ("interviewed", "shortlisted", "offered", "counselled", "enrolled")


def _flag(condition) -> sa.ColumnElement[int]:
    return sa.func.max(sa.case((condition, 1), else_=0))


_PER_PERSON = (
    sa.select(
        Attendee.priority_group.label("group"),
        _flag(Interview.employer_id.is_not(None)).label("interviewed"),
        _flag(Interview.outcome.in_([Outcome.SHORTLISTED, Outcome.OFFERED])).label("shortlisted"),
        _flag(Interview.outcome == Outcome.OFFERED).label("offered"),
        _flag(Interview.school_id.is_not(None)).label("counselled"),
        _flag(Interview.outcome == Outcome.ENROLLED).label("enrolled"),
    )
    .join(Attendee, Interview.attendee_id == Attendee.id)
    .where(Interview.fair_id == sa.bindparam("fair_id"))
    .group_by(Interview.registration_id, Attendee.priority_group)
    .subquery()
)
_BY_GROUP = sa.select(_PER_PERSON.c.group, *(sa.func.sum(_PER_PERSON.c[key]) for key in KEYS)).group_by(
    _PER_PERSON.c.group
)


def outcome_counts(fair_id: int) -> dict[str, dict[str, int]]:
    """{priority group value: {indicator: people}}, every group present (0 when none)."""
    counts = {group.value: dict.fromkeys(KEYS, 0) for group in PriorityGroup}
    for group, *values in db.session.execute(_BY_GROUP, {"fair_id": fair_id}):
        key = group.value if isinstance(group, PriorityGroup) else str(group)
        counts[key] = {name: int(value or 0) for name, value in zip(KEYS, values, strict=True)}
    return counts
