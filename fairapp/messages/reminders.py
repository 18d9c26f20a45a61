"""The day-before reminder: queue_fair_reminders(now=) -> int, run by the worker's periodic task (as
often as it likes: each registration is reminded once, fairapp.messages.outbox.queue's key)."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Registration
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import local_datetime, local_day
from fairapp.messages import notices
from fairapp.messages.models import Message
from fairapp.modelbase import utcnow

REMINDED = (FairStatus.PUBLISHED, FairStatus.OPEN)


def queue_fair_reminders(*, now: datetime | None = None) -> int:
    """Queue the reminder for every registration (its person not erased) of every published fair that
    starts tomorrow, local date. Returns how many were queued now (not those queued before). Flushes;
    the caller commits (run_in_transaction)."""
    now = now or utcnow()
    tomorrow = local_day(now) + timedelta(days=1)
    start, end = local_datetime(tomorrow, time(0)), local_datetime(tomorrow + timedelta(days=1), time(0))
    fairs = db.session.scalars(
        sa.select(Fair).where(
            Fair.starts_at >= start, Fair.starts_at < end, Fair.status_at(now).in_(REMINDED)
        )
    ).all()
    queued = 0
    for fair in fairs:
        rows = db.session.execute(
            sa.select(Registration, Attendee.phone)
            .join(Attendee, Attendee.id == Registration.attendee_id)
            .outerjoin(
                Message, Message.key == sa.literal("fair_reminder:") + sa.cast(Registration.id, sa.String)
            )
            .where(Registration.fair_id == fair.id, Attendee.erased_at.is_(None), Message.id.is_(None))
            .order_by(Registration.id)
        ).all()
        for registration, phone in rows:
            if notices.fair_reminder(registration, fair, phone, now=now) is not None:
                queued += 1
    return queued
