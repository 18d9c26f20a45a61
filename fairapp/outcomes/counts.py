"""How many people a fair's hires reached, by priority group: the funnel's last steps.

A person counts once per indicator, however many hires they have from the fair:
    hired       at least one confirmed hire attributed to the fair
    sustained   at least one of those whose job is sustainable (fairapp.outcomes.rules: the decision
                kept on the hire)
Hires still to confirm (a job seeker's own word) and dismissed ones count nowhere."""

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, PriorityGroup
from fairapp.extensions import db
from fairapp.outcomes.models import Hire, HireStatus

KEYS = ("hired", "sustained")

_PER_PERSON = (
    sa.select(
        Attendee.priority_group.label("group"),
        sa.func.max(sa.case((Hire.sustainable.is_(True), 1), else_=0)).label("sustained"),
    )
    .join(Attendee, Hire.attendee_id == Attendee.id)
    .where(Hire.fair_id == sa.bindparam("fair_id"), Hire.status == HireStatus.CONFIRMED)
    .group_by(Hire.attendee_id, Attendee.priority_group)
    .subquery()
)
_BY_GROUP = sa.select(_PER_PERSON.c.group, sa.func.count(), sa.func.sum(_PER_PERSON.c.sustained)).group_by(
    _PER_PERSON.c.group
)


def hire_counts(fair_id: int) -> dict[str, dict[str, int]]:
    """{priority group value: {hired, sustained}}, every group present (0 when none)."""
    counts = {group.value: dict.fromkeys(KEYS, 0) for group in PriorityGroup}
    for group, hired, sustained in db.session.execute(_BY_GROUP, {"fair_id": fair_id}):
        key = group.value if isinstance(group, PriorityGroup) else str(group)
        counts[key] = {"hired": int(hired or 0), "sustained": int(sustained or 0)}
    return counts
