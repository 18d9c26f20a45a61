"""What the delivery log keeps, and for how long.

    forget_people(attendee_ids) -> int   the bodies that describe these people lose every field that
                                         names them (erasure, a withdrawn consent to share): what is
                                         not yet sent goes without them, the log no longer shows them
    purge(now=None) -> int               deliveries delivered or failed more than WEBHOOK_LOG_DAYS ago
                                         are deleted with their attempts (the periodic job
                                         "purge_webhook_log")

Flush, never commit."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from fairapp.extensions import db
from fairapp.modelbase import utcnow
from fairapp.transactions import write_point
from fairapp.webhooks.models import Delivery, DeliveryStatus

# What a body may keep of a person nobody may be named: the statistics fields (fairapp.webhooks.payloads)
KEPT = ("ref", "gender", "age_band", "ward_code")


def forget_people(attendee_ids: list[int]) -> int:
    """Rewrite the bodies of these people's deliveries without their personal fields; how many
    changed."""
    if not attendee_ids:
        return 0
    changed = 0
    rows = db.session.execute(
        sa.select(Delivery.id, Delivery.payload).where(Delivery.attendee_id.in_(attendee_ids))
    ).all()
    for delivery_id, payload in rows:
        person = (payload.get("data") or {}).get("person")
        if not person or set(person) <= {*KEPT, "shared"} and not person.get("shared"):
            continue
        kept = {key: person[key] for key in KEPT if key in person}
        if "shared" in person:
            kept["shared"] = False
        write_point()
        db.session.execute(
            sa.update(Delivery)
            .where(Delivery.id == delivery_id)
            .values(payload={**payload, "data": {**payload["data"], "person": kept}})
        )
        changed += 1
    return changed


def purge(*, now: datetime | None = None) -> int:
    """Delete the deliveries settled (delivered or failed) more than WEBHOOK_LOG_DAYS days ago."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["WEBHOOK_LOG_DAYS"])
    write_point()
    return db.session.execute(
        sa.delete(Delivery).where(
            Delivery.status.in_((DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)),
            Delivery.created_at < cutoff,
        )
    ).rowcount
