"""The outbox as staff see it (/manage/messages): what was sent to whom, and the desk's actions.

    MessageFilter(status=, kind=, date_from=, date_to=)    the list's filters (days are local days)
    messages_page(user, filters, page=)   one page of the messages `user` may see, newest first, with
                                          the phones among them that opted out
    status_counts(user, filters)          messages per status under the other filters
    message_for_staff(user, message_id)   one message, or NotFound outside the user's reach
    stop_messages(message, by=, origin=) / resume_messages(...)   the desk's opt-out and opt-in of the
                                          message's phone, audited

Who sees what: admins every message; organisers the messages to people of their wards (the
attendee's ward), never one without an attendee (a phone alone says nothing of the ward)."""

import math
from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa

from fairapp.attendees.models import Attendee
from fairapp.attendees.services import mask_phone
from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.errors import NotFound
from fairapp.extensions import db
from fairapp.fairs.services import local_datetime
from fairapp.messages import outbox
from fairapp.messages.models import Message, MessageKind, MessageStatus, OptOut
from fairapp.registrations.services import Page

PER_PAGE = 50


@dataclass(frozen=True)
class MessageFilter:
    status: MessageStatus | None = None
    kind: MessageKind | None = None
    date_from: date | None = None  # queued on or after this local day
    date_to: date | None = None  # queued on or before this local day


@dataclass(frozen=True)
class MessagePage:
    page: Page  # items: Message
    opted_out: frozenset[str]  # the phones on this page that asked for no more messages


def _reach(user) -> sa.ColumnElement[bool]:
    """The messages `user` may see (see the module's documentation)."""
    if user.ward_scope.everywhere:
        return sa.true()
    in_wards = sa.select(Attendee.id).where(user.ward_scope.clause(Attendee.ward_code))
    return sa.and_(Message.attendee_id.is_not(None), Message.attendee_id.in_(in_wards))


def _conditions(user, filters: MessageFilter, *, with_status: bool = True) -> list:
    conditions = [_reach(user)]
    if with_status and filters.status:
        conditions.append(Message.status == filters.status)
    if filters.kind:
        conditions.append(Message.kind == filters.kind)
    if filters.date_from:
        conditions.append(Message.created_at >= local_datetime(filters.date_from, time.min))
    if filters.date_to:
        conditions.append(Message.created_at < local_datetime(filters.date_to + timedelta(days=1), time.min))
    return conditions


def messages_page(user, filters: MessageFilter, *, page: int = 1) -> MessagePage:
    conditions = _conditions(user, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Message).where(*conditions))
    page = min(max(page, 1), max(1, math.ceil(total / PER_PAGE)))
    items = db.session.scalars(
        sa.select(Message)
        .where(*conditions)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    phones = {message.phone for message in items}
    opted = db.session.scalars(sa.select(OptOut.phone).where(OptOut.phone.in_(phones))) if phones else []
    return MessagePage(Page(items=items, page=page, per_page=PER_PAGE, total=total), frozenset(opted))


def status_counts(user, filters: MessageFilter) -> dict[MessageStatus, int]:
    """Every status with its count under the filters other than the status itself."""
    counted = dict(
        db.session.execute(
            sa.select(Message.status, sa.func.count())
            .where(*_conditions(user, filters, with_status=False))
            .group_by(Message.status)
        ).all()
    )
    return {status: counted.get(status, 0) for status in MessageStatus}


def message_for_staff(user, message_id: int) -> Message:
    message = db.session.scalar(sa.select(Message).where(Message.id == message_id, _reach(user)))
    if message is None:
        raise NotFound()
    return message


def stop_messages(message: Message, *, by, origin: Origin = SYSTEM) -> bool:
    """No more messages to the message's phone (asked at the desk). True if it was not stopped
    already. Audited ("message.opt_out", the phone masked: the message names it). Flushes."""
    changed = outbox.opt_out(message.phone, source="staff")
    record(
        "message.opt_out",
        actor=by,
        target=message,
        origin=origin,
        details={"phone": mask_phone(message.phone), "changed": changed},
    )
    db.session.flush()
    return changed


def resume_messages(message: Message, *, by, origin: Origin = SYSTEM) -> bool:
    """Messages to the message's phone again. True if it had stopped them. Audited ("message.opt_in")."""
    changed = outbox.opt_in(message.phone)
    record(
        "message.opt_in",
        actor=by,
        target=message,
        origin=origin,
        details={"phone": mask_phone(message.phone), "changed": changed},
    )
    db.session.flush()
    return changed
