"""The outbox: messages queued by the services in their own transaction, sent later by the worker.

    queue(kind, key=, phone=, text=, params=, attendee_id=None, now=None) -> Message | None
        one message per cause `key` (None: that key was queued before); flushes, never commits
    send_due(now=None, limit=200) -> {"sent", "failed", "retried", "skipped", "deferred"}
        claim, send and mark what is due; the worker calls it, outside any transaction
    record_delivery(sender, provider_id, status, at=None) -> bool     a gateway's delivery report
    opt_out(phone, source=) / opt_in(phone) / is_opted_out(phone)
    retry(message, by=, origin=, now=None)   staff send a failed or skipped message again (audited)

A number that cannot receive an SMS (not a Vietnamese mobile) or that opted out is stored `skipped`
with the reason in last_error, so that staff see it, and never sent. Nothing is sent in quiet hours
(MESSAGE_QUIET_HOURS, local time): a message queued then waits for their end, and send_due checks
again before every send.

Sending, safe with several workers at once and with a worker killed at any point:
1. claim, in a short committed transaction: UPDATE … SET status = sending, lease_until = now + lease,
   attempts + 1 WHERE id IN (the due ones, FOR UPDATE SKIP LOCKED on PostgreSQL) AND they are still
   due (the conditional UPDATE that settles races on SQLite). Due: queued with next_attempt_at <= now,
   or sending with an expired lease (its worker died). Opted-out numbers are skipped there and then.
2. send each through the configured sender, no transaction open, a few at once
   (MESSAGE_SEND_CONCURRENCY), the message's key as the provider's idempotency key;
3. mark them in one transaction: sent (with the provider's id); or queued again after a backoff with
   jitter (MESSAGE_RETRY_DELAYS) on a temporary failure, failed once MESSAGE_MAX_ATTEMPTS attempts
   were made; failed at once on a permanent refusal. A mark other than `sent` applies only while the
   worker's lease holds (lease_until unchanged).
A worker killed between 2 and 3 leaves its lease to expire: the next claim sends again with the same
key, and the provider answers the first message's id instead of sending it twice."""

import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.errors import Conflict, DomainError
from fairapp.extensions import db
from fairapp.fairs.services import local_datetime, to_local
from fairapp.messages import senders
from fairapp.messages.models import MAX_TEXT_LENGTH, Message, MessageKind, MessageStatus, OptOut
from fairapp.modelbase import utcnow
from fairapp.phones import normalise_mobile
from fairapp.transactions import run_in_transaction, write_point

log = logging.getLogger(__name__)
MAX_KEY_LENGTH = 100
MAX_ERROR_LENGTH = 500
INVALID_PHONE = "invalid_phone: not a Vietnamese mobile number that can receive messages"
OPTED_OUT = "opted_out: the number asked for no more messages"
DELIVERY_STATUSES = {
    "delivered": MessageStatus.DELIVERED,
    "failed": MessageStatus.FAILED,
    "undelivered": MessageStatus.FAILED,
    "expired": MessageStatus.FAILED,
    "rejected": MessageStatus.FAILED,
}

_MESSAGES = Message.__table__
_OPT_OUTS = OptOut.__table__


# --- Queueing ---------------------------------------------------------------------------------------


def queue(
    kind: MessageKind,
    *,
    key: str,
    phone: str | None,
    text: str,
    params: dict[str, Any],
    attendee_id: int | None = None,
    now: datetime | None = None,
) -> Message | None:
    """Queue one message for `key` (what caused it: "registration:12"), in the caller's transaction.
    None when that key was queued before (nothing changes). A phone that cannot receive messages, or
    that opted out, makes a `skipped` row with the reason. Queued in quiet hours, it waits for their end."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"message key must be 1 to {MAX_KEY_LENGTH} characters: {key!r}")
    now = now or utcnow()
    mobile = normalise_mobile(phone)
    status, error = MessageStatus.QUEUED, None
    if mobile is None:
        status, error = MessageStatus.SKIPPED, INVALID_PHONE
    elif is_opted_out(mobile):
        status, error = MessageStatus.SKIPPED, OPTED_OUT
    write_point()
    values = {
        "key": key,
        "kind": kind,
        "attendee_id": attendee_id,
        "phone": mobile or (phone or "").strip()[:20],
        "text": text[:MAX_TEXT_LENGTH],
        "params": params,
        "status": status,
        "next_attempt_at": quiet_until(now) or now,
        "attempts": 0,
        "last_error": error,
        "created_at": now,
    }
    return db.session.scalars(_statement("insert"), values).first()


_STATEMENTS: dict[tuple[str, str], Any] = {}


def _statement(name: str):
    """The insert statements, built once per database: INSERT … ON CONFLICT DO NOTHING (RETURNING)."""
    dialect = db.session.get_bind().dialect.name
    found = _STATEMENTS.get((dialect, name))
    if found is None:
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        if name == "insert":
            found = sa.select(Message).from_statement(
                insert(_MESSAGES).on_conflict_do_nothing(index_elements=["key"]).returning(*_MESSAGES.c)
            )
        else:  # opt_out
            found = (
                insert(_OPT_OUTS).on_conflict_do_nothing(index_elements=["phone"]).returning(_OPT_OUTS.c.id)
            )
        _STATEMENTS[(dialect, name)] = found
    return found


def quiet_until(moment: datetime, hours: tuple[int, int] | None = None) -> datetime | None:
    """When the quiet hours around `moment` end (UTC), or None when `moment` is outside them. Quiet
    from the start hour (included) to the end hour (excluded), local time: (21, 7) is 21:00–06:59:59."""
    start, end = hours or current_app.config["MESSAGE_QUIET_HOURS"]
    local = to_local(moment)
    if start == end:
        return None
    if start > end:  # across midnight
        if local.hour < end:
            return local_datetime(local.date(), clock_time(end))
        if local.hour >= start:
            return local_datetime(local.date() + timedelta(days=1), clock_time(end))
        return None
    return local_datetime(local.date(), clock_time(end)) if start <= local.hour < end else None


# --- Opting out -------------------------------------------------------------------------------------


def is_opted_out(phone: str | None) -> bool:
    mobile = normalise_mobile(phone)
    return mobile is not None and db.session.scalar(sa.select(sa.exists().where(OptOut.phone == mobile)))


def opt_out(phone: str | None, *, source: str) -> bool:
    """Stop every message to this number ("link", "staff", "provider"). True if it was not opted out
    already; False for a number that cannot receive messages anyway. Flushes."""
    mobile = normalise_mobile(phone)
    if mobile is None:
        return False
    write_point()
    values = {"phone": mobile, "source": source[:20], "created_at": utcnow()}
    return db.session.execute(_statement("opt_out"), values).first() is not None


def opt_in(phone: str | None) -> bool:
    """Messages to this number again. True if it had opted out. Flushes."""
    mobile = normalise_mobile(phone)
    if mobile is None:
        return False
    write_point()
    return db.session.execute(sa.delete(OptOut).where(OptOut.phone == mobile)).rowcount > 0


# --- Sending again (staff) ----------------------------------------------------------------------------


class MessageAlreadySent(Conflict):
    code = "message_already_sent"
    message = _l("Tin nhắn này đã được gửi, không gửi lại.")


class MessageStillQueued(Conflict):
    code = "message_still_queued"
    message = _l("Tin nhắn này đang chờ gửi hoặc đang được gửi.")


class MessageAcceptedByProvider(Conflict):
    code = "message_accepted_by_provider"
    message = _l(
        "Cổng gửi tin đã nhận tin nhắn này (báo không tới được máy người nhận); gửi lại bằng cùng mã "
        "sẽ bị cổng bỏ qua."
    )


class PhoneOptedOut(DomainError):
    code = "phone_opted_out"
    message = _l("Số điện thoại này đã ngừng nhận tin nhắn. Bật lại nhận tin trước khi gửi lại.")


class PhoneCannotReceive(DomainError):
    code = "phone_cannot_receive"
    message = _l("Số điện thoại này không nhận được tin nhắn.")


def retry(message: Message, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> Message:
    """Queue a failed or skipped message again: attempts 0, due at `now`, no last error (the previous
    one is in the audit entry, "message.retry"). Flushes, never commits. Refuses with
        message_already_sent          sent or delivered
        message_still_queued          queued or sending: it is on its way already
        message_accepted_by_provider  the provider accepted it and then reported it undelivered: it
                                      would deduplicate a resend by the message's key
        phone_cannot_receive          not a mobile number
        phone_opted_out               the number asked for no more messages
    and conflict when the message changed meanwhile (another click, a delivery report)."""
    if message.status in (MessageStatus.SENT, MessageStatus.DELIVERED):
        raise MessageAlreadySent()
    if message.status in (MessageStatus.QUEUED, MessageStatus.SENDING):
        raise MessageStillQueued()
    if message.provider_id is not None:
        raise MessageAcceptedByProvider()
    if normalise_mobile(message.phone) is None:
        raise PhoneCannotReceive()
    if is_opted_out(message.phone):
        raise PhoneOptedOut()
    now = now or utcnow()
    previous = {"status": str(message.status), "attempts": message.attempts, "error": message.last_error}
    write_point()
    # Conditional, so that two staff pressing at once (or a delivery report arriving) queue it once.
    m = _MESSAGES.c
    changed = db.session.execute(
        sa.update(_MESSAGES)
        .where(m.id == message.id, m.status == message.status, m.attempts == message.attempts)
        .values(
            status=MessageStatus.QUEUED, attempts=0, next_attempt_at=now, lease_until=None, last_error=None
        )
    ).rowcount
    if not changed:
        raise Conflict()
    db.session.refresh(message)
    record("message.retry", actor=by, target=message, origin=origin, details={"previous": previous})
    db.session.flush()
    return message


# --- Sending ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    """A claimed message as plain data: sent from another thread, after its transaction ended."""

    id: int
    key: str
    kind: MessageKind
    phone: str
    text: str
    params: dict[str, Any]
    attempts: int  # this one included
    lease_until: datetime


@dataclass(frozen=True)
class Attempt:
    message: Claimed
    outcome: str  # "sent", "temporary", "permanent", "deferred"
    provider_id: str | None = None
    error: str | None = None
    wait_until: datetime | None = None  # deferred: when it may go


def send_due(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send what is due at `now` (at most `limit` messages), as the module's documentation says.
    Counts by what became of them: sent, failed, retried (queued again after a temporary failure),
    skipped (opted out since queued), deferred (given back unsent: quiet hours began, or the lease
    would run out before the send could finish). Call it outside any transaction."""
    config = current_app.config
    now = now or utcnow()
    started = time.monotonic()

    def clock() -> datetime:  # `now`, moved on by the time spent here
        return now + timedelta(seconds=time.monotonic() - started)

    counts = dict.fromkeys(("sent", "failed", "retried", "skipped", "deferred"), 0)
    hours = tuple(config["MESSAGE_QUIET_HOURS"])
    if quiet_until(now, hours):
        return counts
    sender = senders.configured(current_app)  # read here: the pool's threads need no app context
    lease = timedelta(seconds=config["MESSAGE_LEASE_SECONDS"])
    margin = timedelta(seconds=_timeout(config))  # a send started later could outlive the lease
    batch = max(1, int(config["MESSAGE_CLAIM_BATCH"]))
    remaining = limit
    with ThreadPoolExecutor(max(1, int(config["MESSAGE_SEND_CONCURRENCY"]))) as pool:
        while remaining > 0:
            at = clock()
            claimed, skipped = run_in_transaction(
                lambda at=at, count=min(batch, remaining): _claim(count, at, at + lease, sender.name)
            )
            counts["skipped"] += skipped
            remaining -= len(claimed) + skipped
            if not claimed:
                if skipped:
                    continue
                break

            def attempt(message: Claimed) -> Attempt:
                return _attempt(sender, message, clock, hours, margin)

            attempts = list(pool.map(attempt, claimed))
            marked = run_in_transaction(lambda attempts=attempts: _mark(attempts, clock(), config))
            for name, number in marked.items():
                counts[name] += number
    return counts


def _timeout(config) -> float:
    name = config.get("MESSAGE_SENDER")
    settings = {"sms_http": config.get("SMS_GATEWAY"), "zalo_zns": config.get("ZALO_ZNS")}.get(name) or {}
    return float(settings.get("timeout", 10))


def _due(now: datetime):
    m = _MESSAGES.c
    return sa.or_(
        sa.and_(m.status == MessageStatus.QUEUED, m.next_attempt_at <= now),
        sa.and_(m.status == MessageStatus.SENDING, m.lease_until <= now),
    )


def _claim(count: int, now: datetime, lease_until: datetime, sender_name: str) -> tuple[list[Claimed], int]:
    """Claim up to `count` due messages until `lease_until` (see the module's documentation): the
    claimed ones, and how many of those were skipped instead (opted out since queued)."""
    write_point()
    m = _MESSAGES.c
    due_ids = (
        sa.select(m.id)
        .where(_due(now))
        .order_by(m.next_attempt_at, m.id)
        .limit(count)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite holds the write lock already
    )
    rows = db.session.execute(
        sa.update(_MESSAGES)
        .where(m.id.in_(due_ids.scalar_subquery()), _due(now))
        .values(
            status=MessageStatus.SENDING, lease_until=lease_until, attempts=m.attempts + 1, sender=sender_name
        )
        .returning(m.id, m.key, m.kind, m.phone, m.text, m.params, m.attempts)
    ).all()
    claimed = [Claimed(*row, lease_until=lease_until) for row in rows]
    if not claimed:
        return [], 0
    opted = set(
        db.session.scalars(sa.select(OptOut.phone).where(OptOut.phone.in_({c.phone for c in claimed})))
    )
    if opted:
        db.session.execute(
            sa.update(_MESSAGES)
            .where(m.id.in_([c.id for c in claimed if c.phone in opted]))
            .values(
                status=MessageStatus.SKIPPED, last_error=OPTED_OUT, lease_until=None, attempts=m.attempts - 1
            )
        )
    kept = [c for c in claimed if c.phone not in opted]
    return kept, len(claimed) - len(kept)


def _attempt(sender, message: Claimed, clock, hours, margin: timedelta) -> Attempt:
    """Send one message (in a pool thread: no database here)."""
    at = clock()
    if wait := quiet_until(at, hours):
        return Attempt(message, "deferred", wait_until=wait)
    if at + margin > message.lease_until:  # another worker may take it over mid-send
        return Attempt(message, "deferred", wait_until=at)
    try:
        return Attempt(message, "sent", provider_id=sender.send(message)[:100])
    except senders.TemporaryFailure as error:
        return Attempt(message, "temporary", error=f"temporary: {error}")
    except senders.PermanentFailure as error:
        return Attempt(message, "permanent", error=f"refused: {error}")
    except Exception as error:  # a bug in a sender: logged, and the message tried again later
        log.exception("sender %s failed on message %s", sender.name, message.key)
        return Attempt(message, "temporary", error=f"error: {type(error).__name__}: {error}")


def _mark(attempts: list[Attempt], now: datetime, config) -> dict[str, int]:
    """Record what became of each attempt; counts by outcome (run again whole after a SQLite lock)."""
    write_point()
    m = _MESSAGES.c
    counts = dict.fromkeys(("sent", "failed", "retried", "deferred"), 0)
    for attempt in attempts:
        message = attempt.message
        if attempt.outcome == "sent":
            statement = (
                sa.update(_MESSAGES)
                .where(m.id == message.id, m.status.in_((MessageStatus.SENDING, MessageStatus.QUEUED)))
                .values(
                    status=MessageStatus.SENT,
                    provider_id=attempt.provider_id,
                    sent_at=now,
                    lease_until=None,
                    last_error=None,
                )
            )
            counted = "sent"
        else:
            held = sa.and_(
                m.id == message.id, m.status == MessageStatus.SENDING, m.lease_until == message.lease_until
            )
            if attempt.outcome == "deferred":
                values = {
                    "status": MessageStatus.QUEUED,
                    "next_attempt_at": attempt.wait_until,
                    "attempts": m.attempts - 1,
                }
                counted = "deferred"
            elif attempt.outcome == "permanent" or message.attempts >= config["MESSAGE_MAX_ATTEMPTS"]:
                values = {"status": MessageStatus.FAILED, "last_error": attempt.error[:MAX_ERROR_LENGTH]}
                counted = "failed"
            else:
                values = {
                    "status": MessageStatus.QUEUED,
                    "next_attempt_at": retry_at(now, message.attempts, config),
                    "last_error": attempt.error[:MAX_ERROR_LENGTH],
                }
                counted = "retried"
            statement = sa.update(_MESSAGES).where(held).values(lease_until=None, **values)
        if db.session.execute(statement).rowcount:
            counts[counted] += 1
    return counts


def retry_at(now: datetime, attempts: int, config) -> datetime:
    """When to try again after `attempts` attempts: MESSAGE_RETRY_DELAYS (its last repeating) plus up
    to 25% jitter, so that messages failed together do not all come back together; never in quiet
    hours."""
    delays = config["MESSAGE_RETRY_DELAYS"]
    delay = float(delays[min(attempts, len(delays)) - 1])
    moment = now + timedelta(seconds=delay * (1 + 0.25 * random.random()))
    return quiet_until(moment, tuple(config["MESSAGE_QUIET_HOURS"])) or moment


# --- Delivery reports -------------------------------------------------------------------------------


def record_delivery(sender: str, provider_id: str, status: str, at: datetime | None = None) -> bool:
    """A gateway's report on a message it accepted: "delivered", or a final failure ("failed",
    "undelivered", "expired", "rejected"; ValueError for another status). False when no message
    of that sender has that provider id, or the report changes nothing (delivered already). Flushes."""
    new_status = DELIVERY_STATUSES.get(status)
    if new_status is None:
        raise ValueError(f"unknown delivery status {status!r}")
    at = at or utcnow()
    write_point()
    m = _MESSAGES.c
    found = sa.and_(m.sender == sender, m.provider_id == provider_id)
    if new_status == MessageStatus.DELIVERED:
        statement = (
            sa.update(_MESSAGES)
            .where(found, m.status.in_((MessageStatus.SENT, MessageStatus.FAILED)))
            .values(status=MessageStatus.DELIVERED, delivered_at=at)
        )
    else:
        statement = (
            sa.update(_MESSAGES)
            .where(found, m.status == MessageStatus.SENT)
            .values(status=MessageStatus.FAILED, last_error=f"delivery report: {status}")
        )
    if db.session.execute(statement).rowcount:
        return True
    return bool(db.session.scalar(sa.select(sa.exists().where(found))))
