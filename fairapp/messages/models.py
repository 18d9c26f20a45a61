"""The outbox: one row per message to send, keyed by what caused it so that the same cause never
queues two messages; and the phone numbers that asked for no more messages.

A message is claimed by a worker (status `sending`, `lease_until`), sent with its key as the
provider's idempotency key, then marked. A worker killed between sending and marking leaves the lease
to expire; the next worker sends again with the same key, which the provider deduplicates."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fairapp.extensions import db
from fairapp.modelbase import intpk, utc_created, value_enum

MAX_TEXT_LENGTH = 1000


class MessageKind(enum.StrEnum):
    REGISTRATION = "registration"  # the ticket link, right after registering
    FAIR_REMINDER = "fair_reminder"  # the day before the fair
    APPOINTMENT = "appointment"  # an interview appointment a booth set
    FOLLOW_UP = "follow_up"  # "how is your new job?" at each milestone
    FAIR_INVITATION = "fair_invitation"  # a priority-household member invited to the next fair


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for next_attempt_at (quiet hours and retries push it later)
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"  # the provider accepted it
    DELIVERED = "delivered"  # the provider reported delivery
    FAILED = "failed"  # the provider refused it for good, or the attempts ran out
    SKIPPED = "skipped"  # not sent: opted out, or no number that can receive it


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (sa.Index("ix_messages_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(sa.String(100), unique=True)  # "registration:123", "follow_up:45"
    kind: Mapped[MessageKind] = mapped_column(value_enum(MessageKind))

    # To whom (the phone as it was when queued) and what: the text and the template parameters
    attendee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attendees.id", ondelete="SET NULL"), index=True
    )
    phone: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.String(MAX_TEXT_LENGTH))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    # Sending
    status: Mapped[MessageStatus] = mapped_column(value_enum(MessageStatus), default=MessageStatus.QUEUED)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    sender: Mapped[str | None] = mapped_column(sa.String(20))  # "console", "sms_http", "zalo_zns"
    provider_id: Mapped[str | None] = mapped_column(sa.String(100))
    last_error: Mapped[str | None] = mapped_column(sa.String(500))

    created_at: Mapped[utc_created]
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class OptOut(db.Model):
    """A phone number that asked for no more messages (through a message's link or at the desk)."""

    __tablename__ = "message_opt_outs"

    id: Mapped[intpk]
    phone: Mapped[str] = mapped_column(sa.String(20), unique=True)
    source: Mapped[str] = mapped_column(sa.String(20))  # "link", "staff", "provider"
    created_at: Mapped[utc_created]
