"""Emitting events: the services that record a check-in, an interview, a hire or a follow-up call
emit() in their own transaction (a transactional outbox); the worker delivers (fairapp.webhooks
.delivery).

    emit(event_type, event_id, data=, at=, fair_id=, registration_id=, attendee_id=)
    subscribed(event_type) -> bool       whether an active subscription wants it (cached)
    forget_subscriptions()               after a subscription changed: this process reads them again

Cost: emit() first asks the process's cached set of subscribed event types, read from the database
at most every WEBHOOK_CACHE_SECONDS (30 s): with no subscription for the event, emitting costs a
dictionary lookup, no query. A subscription created or changed takes effect at once in the process
that changed it and within WEBHOOK_CACHE_SECONDS in every other process and server; an event
emitted meanwhile by another server is not sent to it.

An emitted event is kept in the session (session.info) and written when the transaction commits
(SQLAlchemy's before_commit), all of the transaction's events at once: three reads for the people,
registrations and fairs they name and one INSERT of every delivery, so an offline device's batch of
200 scans makes one insert, not 200. A rollback drops them with the rest. Each delivery is unique by
subscription and event id (INSERT … ON CONFLICT DO NOTHING): an event emitted twice is one delivery.
Event ids name what happened, e.g. "checkin.created-123" for check-in 123: a replayed scan finds the
check-in it made and emits nothing, and would make the same id anyway."""

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fairapp.extensions import db
from fairapp.webhooks import payloads
from fairapp.webhooks.models import Delivery, Purpose, Subscription
from fairapp.webhooks.payloads import iso

CHECKIN_CREATED = "checkin.created"
INTERVIEW_RECORDED = "interview.recorded"
HIRE_RECORDED = "hire.recorded"
FOLLOWUP_RECORDED = "followup.recorded"
EVENTS = (CHECKIN_CREATED, INTERVIEW_RECORDED, HIRE_RECORDED, FOLLOWUP_RECORDED)
TEST_EVENT = "webhook.test"  # sent from the admin page, to one subscription

__all__ = ["EVENTS", "emit", "iso", "subscribed"]

_PENDING = "webhook_events"  # session.info key
_CACHE = "webhook_listeners"  # app.extensions key


@dataclass(frozen=True)
class Listener:
    """An active subscription, as the emitting process caches it."""

    id: int
    purpose: Purpose
    events: frozenset[str]


@dataclass(frozen=True)
class _Listeners:
    read_at: float
    all: tuple[Listener, ...]
    events: frozenset[str]


@dataclass(frozen=True)
class Event:
    """An event waiting for its transaction's commit: what happened (`data`, no personal fields) and
    whom it concerns (the person's fields are added per subscription, fairapp.webhooks.payloads)."""

    type: str
    id: str
    at: datetime
    data: dict[str, Any]
    fair_id: int | None = None
    registration_id: int | None = None
    attendee_id: int | None = None
    only_subscription: int | None = field(default=None)  # a test event: to this subscription alone


def _listeners() -> _Listeners:
    app = current_app._get_current_object()  # one lookup of the proxy: this runs on every check-in
    extensions = app.extensions
    cached = extensions.get(_CACHE)
    now = time.monotonic()
    if cached is None or now - cached.read_at > app.config["WEBHOOK_CACHE_SECONDS"]:
        rows = db.session.execute(
            sa.select(Subscription.id, Subscription.purpose, Subscription.events).where(Subscription.active)
        ).all()
        listeners = tuple(Listener(id_, purpose, frozenset(events or ())) for id_, purpose, events in rows)
        cached = extensions[_CACHE] = _Listeners(
            now, listeners, frozenset().union(*(listener.events for listener in listeners))
        )
    return cached


def subscribed(event_type: str) -> bool:
    return event_type in _listeners().events


def forget_subscriptions() -> None:
    current_app.extensions.pop(_CACHE, None)


def emit(
    event_type: str,
    event_id: str,
    *,
    data: dict[str, Any],
    at: datetime,
    fair_id: int | None = None,
    registration_id: int | None = None,
    attendee_id: int | None = None,
) -> None:
    """Queue the event for every active subscription to `event_type`, written with the caller's
    transaction when it commits (nothing when no subscription wants it). `data` holds no personal
    fields; the person is named by registration_id or attendee_id."""
    if event_type not in _listeners().events:
        return
    event = Event(event_type, event_id, at, data, fair_id, registration_id, attendee_id)
    db.session.info.setdefault(_PENDING, []).append(event)


def emit_test(subscription: Subscription, event_id: str, at: datetime) -> None:
    """The test event of one subscription (active or not: its delivery waits while it is inactive)."""
    event = Event(
        TEST_EVENT, event_id, at, {"message": "fairapp webhook test"}, only_subscription=subscription.id
    )
    db.session.info.setdefault(_PENDING, []).append(event)


def write_pending(session: Session) -> int:
    """Write the session's pending events as deliveries (before_commit calls it); how many rows were
    offered to the INSERT."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return 0
    listeners = _listeners().all
    tests = {event.only_subscription for event in pending if event.only_subscription is not None}
    if tests:
        rows = session.execute(
            sa.select(Subscription.id, Subscription.purpose).where(Subscription.id.in_(tests))
        )
        listeners = (*listeners, *(Listener(id_, purpose, frozenset({TEST_EVENT})) for id_, purpose in rows))
    values = payloads.deliveries(session, pending, listeners)
    if values:
        session.execute(_insert(session), values)
    return len(values)


_INSERTS: dict[str, sa.Insert] = {}


def _insert(session: Session) -> sa.Insert:
    """INSERT … ON CONFLICT (subscription, event id) DO NOTHING, built once per database."""
    dialect = session.get_bind().dialect.name
    found = _INSERTS.get(dialect)
    if found is None:
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        found = _INSERTS[dialect] = insert(Delivery.__table__).on_conflict_do_nothing(
            index_elements=["subscription_id", "event_id"]
        )
    return found


def _before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        write_pending(session)


def _after_rollback(session: Session, _transaction) -> None:
    session.info.pop(_PENDING, None)


# Every session: the app's scoped session and any other (a worker's, a test's).
if not sa_event.contains(Session, "before_commit", _before_commit):
    sa_event.listen(Session, "before_commit", _before_commit)
    sa_event.listen(Session, "after_soft_rollback", _after_rollback)
