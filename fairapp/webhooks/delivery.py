"""Delivering: the worker posts what is due, at least once, with retries and backoff.

    send_due(now=None, limit=500) -> {"delivered", "retried", "failed"}
        claim, post and mark what is due; the periodic job "deliver_webhooks" calls it every minute,
        and deliver_soon (a task) right after an admin's replay or test event
    retry_at(now, attempts, config)   when a failed attempt is tried again

Safe with several workers, and with a worker killed at any point (the shape of fairapp.messages
.outbox):
1. claim, in a short committed transaction: UPDATE … SET status = sending, lease_until, attempts + 1
   WHERE id IN (the due ones of active subscriptions, FOR UPDATE SKIP LOCKED on PostgreSQL) AND they
   are still due — the conditional UPDATE settles a race on SQLite too, so two workers never post the
   same attempt at once. Due: pending with next_attempt_at <= now, or sending with an expired lease.
2. post each (no transaction open, WEBHOOK_SEND_CONCURRENCY at once), signed at that moment;
3. mark them in one transaction, each only while this worker's lease holds: 2xx delivered; 410 Gone
   failed and the subscription deactivated (the receiver says it is gone for good, as pretix does);
   anything else (an error status, a redirect, no answer) pending again after WEBHOOK_RETRY_DELAYS
   with up to 25% jitter, failed once WEBHOOK_MAX_ATTEMPTS attempts were made. Every attempt is
   logged (webhook_attempts) with its status code, error and duration.
A worker killed between 2 and 3 leaves its lease to expire and the delivery is posted again with the
same webhook-id: receivers deduplicate by it."""

import json
import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fairapp.extensions import db
from fairapp.modelbase import utcnow
from fairapp.transactions import run_in_transaction, write_point
from fairapp.webhooks import signing, targets
from fairapp.webhooks.models import MAX_ERROR_LENGTH, Attempt, Delivery, DeliveryStatus, Subscription
from fairapp.worker.queue import task

log = logging.getLogger(__name__)
USER_AGENT = "fairapp-webhooks/1"
GONE = "gone"

_DELIVERIES = Delivery.__table__
_SUBSCRIPTIONS = Subscription.__table__


@dataclass(frozen=True)
class Claimed:
    """A claimed delivery as plain data, posted from a pool thread after its transaction ended."""

    id: int
    subscription_id: int
    event_id: str
    payload: dict[str, Any]
    attempts: int  # this one included
    lease_until: datetime
    url: str
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class Posted:
    delivery: Claimed
    started_at: datetime
    answer: targets.Answer


def _due(now: datetime):
    d = _DELIVERIES.c
    return sa.or_(
        sa.and_(d.status == DeliveryStatus.PENDING, d.next_attempt_at <= now),
        sa.and_(d.status == DeliveryStatus.SENDING, d.lease_until <= now),
    )


def send_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Post what is due at `now`, at most `limit` deliveries (see the module's documentation). Call
    it outside any transaction."""
    config = current_app.config
    now = now or utcnow()
    started = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    counts = dict.fromkeys(("delivered", "retried", "failed"), 0)
    timeout = float(config["WEBHOOK_TIMEOUT_SECONDS"])
    # The lease outlives the batch's posts, each at most the timeout (connect, send, answer)
    lease = timedelta(seconds=max(float(config["WEBHOOK_LEASE_SECONDS"]), 3 * timeout))
    allow_private = bool(config["WEBHOOK_ALLOW_PRIVATE_TARGETS"])
    batch = max(1, int(config["WEBHOOK_CLAIM_BATCH"]))
    remaining = limit
    with ThreadPoolExecutor(max(1, int(config["WEBHOOK_SEND_CONCURRENCY"]))) as pool:
        while remaining > 0:
            at = clock()
            claimed = run_in_transaction(lambda at=at, n=min(batch, remaining): _claim(n, at, at + lease))
            if not claimed:
                break
            remaining -= len(claimed)

            def post(delivery: Claimed) -> Posted:
                return _post(delivery, clock(), timeout, allow_private)

            posted = list(pool.map(post, claimed))
            marked = run_in_transaction(lambda posted=posted: _mark(posted, clock(), config))
            for name, number in marked.items():
                counts[name] += number
    return counts


def _claim(count: int, now: datetime, lease_until: datetime) -> list[Claimed]:
    write_point()
    d, s = _DELIVERIES.c, _SUBSCRIPTIONS.c
    active = sa.select(s.id).where(s.active).scalar_subquery()
    due_ids = (
        sa.select(d.id)
        .where(_due(now), d.subscription_id.in_(active))
        .order_by(d.next_attempt_at, d.id)
        .limit(count)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite holds the write lock already
    )
    rows = db.session.execute(
        sa.update(_DELIVERIES)
        .where(d.id.in_(due_ids.scalar_subquery()), _due(now))
        .values(status=DeliveryStatus.SENDING, lease_until=lease_until, attempts=d.attempts + 1)
        .returning(d.id, d.subscription_id, d.event_id, d.payload, d.attempts)
    ).all()
    if not rows:
        return []
    subscriptions = {
        row.id: row
        for row in db.session.execute(
            sa.select(s.id, s.url, s.secret_encrypted, s.previous_secret_encrypted, s.previous_until).where(
                s.id.in_({row.subscription_id for row in rows})
            )
        )
    }
    claimed = []
    for row in rows:
        subscription = subscriptions[row.subscription_id]
        claimed.append(
            Claimed(
                row.id,
                row.subscription_id,
                row.event_id,
                row.payload,
                row.attempts,
                lease_until,
                subscription.url,
                _secrets(subscription, now),
            )
        )
    return claimed


def _secrets(subscription, now: datetime) -> tuple[str, ...]:
    """The secrets that sign now: the current one, and the previous one for a day after a rotation."""
    found = [signing.decrypt(subscription.secret_encrypted)]
    if (
        subscription.previous_secret_encrypted
        and subscription.previous_until
        and subscription.previous_until > now
    ):
        found.append(signing.decrypt(subscription.previous_secret_encrypted))
    return tuple(found)


def encode(payload: dict[str, Any]) -> bytes:
    """The body as sent (and signed): compact JSON, UTF-8, keys in their order."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _post(delivery: Claimed, at: datetime, timeout: float, allow_private: bool) -> Posted:
    """Post one delivery (in a pool thread: no database here)."""
    body = encode(delivery.payload)
    headers = {
        **signing.headers(list(delivery.secrets), delivery.event_id, int(at.timestamp()), body),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    try:
        answer = targets.post(delivery.url, body, headers, timeout=timeout, allow_private=allow_private)
    except Exception as error:  # a bug here must not lose the lease's bookkeeping
        log.exception("webhook delivery %s failed", delivery.id)
        answer = targets.Answer(None, f"error: {type(error).__name__}", 0)
    return Posted(delivery, at, answer)


def _mark(posted: list[Posted], now: datetime, config) -> dict[str, int]:
    """Record each attempt and what became of its delivery; counts by outcome."""
    write_point()
    d = _DELIVERIES.c
    counts = dict.fromkeys(("delivered", "retried", "failed"), 0)
    for each in posted:
        delivery, answer = each.delivery, each.answer
        held = sa.and_(
            d.id == delivery.id, d.status == DeliveryStatus.SENDING, d.lease_until == delivery.lease_until
        )
        error = answer.error[:MAX_ERROR_LENGTH] if answer.error else None
        last = {
            "lease_until": None,
            "last_status_code": answer.status_code,
            "last_error": error,
            "last_duration_ms": answer.duration_ms,
        }
        if answer.status_code is not None and 200 <= answer.status_code < 300:
            values, counted = {"status": DeliveryStatus.DELIVERED, "delivered_at": now}, "delivered"
        elif answer.status_code == 410 or delivery.attempts >= config["WEBHOOK_MAX_ATTEMPTS"]:
            values, counted = {"status": DeliveryStatus.FAILED}, "failed"
        else:
            values = {
                "status": DeliveryStatus.PENDING,
                "next_attempt_at": retry_at(now, delivery.attempts, config),
            }
            counted = "retried"
        if not db.session.execute(sa.update(_DELIVERIES).where(held).values(**last, **values)).rowcount:
            continue  # the lease ran out and another worker took the delivery over: its mark counts
        db.session.add(
            Attempt(
                delivery_id=delivery.id,
                number=delivery.attempts,
                started_at=each.started_at,
                duration_ms=answer.duration_ms,
                status_code=answer.status_code,
                error=error,
            )
        )
        if answer.status_code == 410:
            db.session.execute(
                sa.update(_SUBSCRIPTIONS)
                .where(_SUBSCRIPTIONS.c.id == delivery.subscription_id)
                .values(active=False, disabled_reason=GONE, updated_at=now)
            )
        counts[counted] += 1
    db.session.flush()
    return counts


def retry_at(now: datetime, attempts: int, config) -> datetime:
    """After `attempts` attempts: WEBHOOK_RETRY_DELAYS (its last repeating) plus up to 25% jitter, so
    that deliveries failed together do not all come back together."""
    delays = config["WEBHOOK_RETRY_DELAYS"]
    delay = float(delays[min(attempts, len(delays)) - 1])
    return now + timedelta(seconds=delay * (1 + 0.25 * random.random()))


@task(transaction=False)
def deliver_soon() -> None:
    """Post what is due now (after an admin's replay or test event) rather than at the next minute."""
    send_due()
