"""Webhooks: who receives which events (subscriptions), and each event's delivery to each of them with
the log of its attempts.

A delivery is one event for one subscription, unique by (subscription, event id): an event emitted
twice, a replayed scan or a retried request, is one delivery. The worker claims a due delivery
(status `sending`, `lease_until`), posts it, then marks it; a worker killed in between leaves the lease
to expire and the next worker posts it again with the same webhook-id (at least once)."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.extensions import db
from fairapp.modelbase import intpk, utc_created, value_enum

MAX_URL_LENGTH = 500
MAX_NAME_LENGTH = 100
MAX_ERROR_LENGTH = 500


class Purpose(enum.StrEnum):
    """Why the receiver gets the events: it decides which fields about the person are sent
    (fairapp.webhooks.payloads)."""

    STATISTICS = "statistics"  # a statistics office: no personal fields, a pseudonymous reference
    JOB_PORTAL = "job_portal"  # a job portal: what the person agreed to share with employers


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for next_attempt_at (the first attempt, or a retry)
    SENDING = "sending"  # claimed by a worker until lease_until
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # the attempts ran out, or the receiver answered 410 Gone


class Subscription(db.Model):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME_LENGTH))
    url: Mapped[str] = mapped_column(sa.String(MAX_URL_LENGTH))
    events: Mapped[list[str]] = mapped_column(sa.JSON)  # fairapp.webhooks.events.EVENTS
    purpose: Mapped[Purpose] = mapped_column(value_enum(Purpose))

    # The signing secret ("whsec_…"), encrypted (fairapp.webhooks.signing); after a rotation the
    # previous one still signs beside the new one until previous_until
    secret_encrypted: Mapped[str] = mapped_column(sa.String(400))
    previous_secret_encrypted: Mapped[str | None] = mapped_column(sa.String(400))
    previous_until: Mapped[datetime | None]

    # Active or not (disabled_reason: "gone" when the receiver answered 410 Gone)
    active: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(sa.String(50))

    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[utc_created]
    updated_at: Mapped[datetime | None]


class Delivery(db.Model):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("subscription_id", "event_id"),
        sa.Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[intpk]
    subscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True
    )
    # The event: its id (the webhook-id header, the same on every attempt and replay), type and body
    event_id: Mapped[str] = mapped_column(sa.String(100))
    event_type: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # The person the body describes, so that erasing them or a withdrawn consent reaches the body
    attendee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attendees.id", ondelete="SET NULL"), index=True
    )

    # Sending
    status: Mapped[DeliveryStatus] = mapped_column(value_enum(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(MAX_ERROR_LENGTH))
    last_duration_ms: Mapped[int | None]

    created_at: Mapped[utc_created]
    delivered_at: Mapped[datetime | None]

    subscription: Mapped[Subscription] = relationship()


class Attempt(db.Model):
    """One POST of a delivery: what the receiver answered, or why nothing came back."""

    __tablename__ = "webhook_attempts"

    id: Mapped[intpk]
    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]  # 1 for the first attempt; a replay goes on counting
    started_at: Mapped[datetime]
    duration_ms: Mapped[int]
    status_code: Mapped[int | None]  # None: no answer (refused, timed out, blocked address)
    error: Mapped[str | None] = mapped_column(sa.String(MAX_ERROR_LENGTH))
