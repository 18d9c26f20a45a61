"""The "how is your new job?" message at each follow-up that falls due, with a one-tap answer link
(fairapp.outcomes.answer_links). Run by the background worker's periodic job; queued once per
follow-up (the outbox's key), and only for confirmed hires of people not erased."""

from datetime import datetime

import sqlalchemy as sa

from fairapp.attendees.models import Attendee
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.messages import outbox, texts
from fairapp.messages.models import MessageKind
from fairapp.modelbase import utcnow
from fairapp.outcomes import answer_links
from fairapp.outcomes.models import FollowUp, Hire, HireStatus
from fairapp.partners.models import Employer
from fairapp.transactions import write_point

BATCH = 500


def queue_follow_up_messages(*, now: datetime | None = None) -> int:
    """Queue the message of every follow-up due by today not yet asked; returns how many were queued."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(FollowUp, Hire, Attendee.full_name, Attendee.phone, Employer.name)
        .join(Hire, Hire.id == FollowUp.hire_id)
        .join(Attendee, Attendee.id == Hire.attendee_id)
        .outerjoin(Employer, Employer.id == Hire.employer_id)
        .where(
            FollowUp.outcome.is_(None),
            FollowUp.asked_at.is_(None),
            FollowUp.due_on <= local_day(now),
            Hire.status == HireStatus.CONFIRMED,
            Attendee.erased_at.is_(None),
        )
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(BATCH)
    ).all()
    if rows:
        write_point()
    for follow_up, hire, full_name, phone, employer_name in rows:
        link = answer_links.answer_url(follow_up)
        employer = employer_name or hire.employer_name or hire.employer_tax_code or ""
        outbox.queue(
            MessageKind.FOLLOW_UP,
            key=f"follow_up:{follow_up.id}",
            phone=phone,
            text=texts.follow_up_text(full_name, employer, link),
            params=texts.follow_up_params(full_name, employer, link),
            attendee_id=hire.attendee_id,
            now=now,
        )
        follow_up.asked_at = now
    db.session.flush()
    return len(rows)
