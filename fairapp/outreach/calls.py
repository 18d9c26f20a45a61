"""What a ward official records from the outreach call list: a call's answer, and the fair's
invitation sent through the outbox. Each flushes, never commits, and writes its audit entry.

    get_member(user, member_id)                         the member, within the user's wards
    parse_outcome(raw)                                  → ContactOutcome, or unknown_outcome
    record_answer(member, outcome, fair=, by=, today=)  → OutreachContact
    invite(contact, fair, by=)                          → the queued Message, or None when it was before
    invite_all(rows, fair, by=, ward_code=, section=)   → Invited counts

Error codes: not_found (404: no such member, or erased), ward_not_allowed (403: a member of a ward
outside the user's), unknown_outcome (422), no_fair (409: nothing to invite to), no_phone (422).

An answer is about the next fair (or no fair, when there is none); "unreachable" sets the day to call
again, OUTREACH_RETRY_DAYS later. The invitation is once per member and fair
(fairapp.messages.notices.fair_invitation): pressing twice queues one message. The outbox keeps
numbers that opted out and quiet hours."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.errors import Conflict, Forbidden, NotFound, ValidationError
from fairapp.extensions import db
from fairapp.households.models import HouseholdMember
from fairapp.messages import notices
from fairapp.messages.models import Message
from fairapp.modelbase import utcnow
from fairapp.outreach.models import ContactOutcome, OutreachContact
from fairapp.transactions import write_point


class UnknownOutcome(ValidationError):
    code = "unknown_outcome"
    message = _l("Kết quả cuộc gọi: chọn một trong các nút của danh sách.")


class NoFair(Conflict):
    code = "no_fair"
    message = _l("Chưa có phiên nào sắp diễn ra ở phường, xã này hay trong tỉnh: chưa có gì để mời.")


class NoPhone(ValidationError):
    code = "no_phone"
    message = _l("Chưa có số điện thoại của người này: không gửi được lời mời.")


class WardNotAllowed(Forbidden):
    code = "ward_not_allowed"
    message = _l("Bạn không được xem danh sách hộ của phường, xã này.")


def get_member(user, member_id: int) -> HouseholdMember:
    """The member, if the user acts in its household's ward (not_found, ward_not_allowed)."""
    member = db.session.get(HouseholdMember, member_id)
    if member is None or member.erased_at is not None:
        raise NotFound()
    if not user.ward_scope.allows(member.household.ward_code):
        raise WardNotAllowed()
    return member


def parse_outcome(raw: str | None) -> ContactOutcome:
    try:
        return ContactOutcome((raw or "").strip())
    except ValueError:
        raise UnknownOutcome(fields={"outcome": UnknownOutcome.message}) from None


def record_answer(
    member: HouseholdMember,
    outcome: ContactOutcome,
    *,
    fair,
    by,
    today: date,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> OutreachContact:
    """Record what the member answered about `fair` (None: no fair to come). "will come" needs a
    fair (no_fair); "unreachable" is called again OUTREACH_RETRY_DAYS after `today`."""
    if outcome == ContactOutcome.WILL_COME and fair is None:
        raise NoFair()
    retry_on = None
    if outcome == ContactOutcome.UNREACHABLE:
        retry_on = today + timedelta(days=int(current_app.config["OUTREACH_RETRY_DAYS"]))
    write_point()
    contact = OutreachContact(
        member_id=member.id,
        fair_id=fair.id if fair is not None else None,
        outcome=outcome,
        retry_on=retry_on,
        by=by.id if by is not None else None,
        at=now or utcnow(),
    )
    db.session.add(contact)
    db.session.flush()
    record(
        "outreach.contact",
        actor=by,
        target=contact,
        origin=origin,
        details={
            "member_id": member.id,
            "fair_id": contact.fair_id,
            "outcome": outcome.value,
            "retry_on": retry_on.isoformat() if retry_on else None,
        },
    )
    db.session.flush()
    return contact


def invite(contact, fair, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> Message | None:
    """Queue `fair`'s invitation to one member (`contact`: fairapp.outreach.call_list.member_contact).
    None when it was queued before. Refuses with no_fair, no_phone."""
    if fair is None:
        raise NoFair()
    if not contact.phone:
        raise NoPhone()
    write_point()
    message = notices.fair_invitation(
        contact.member_id, fair, contact.phone, attendee_id=contact.attendee_id, now=now
    )
    record(
        "outreach.invitation",
        actor=by,
        target=db.session.get(HouseholdMember, contact.member_id),
        origin=origin,
        details={
            "fair_id": fair.id,
            "queued": message is not None,
            "status": message.status.value if message is not None else None,
        },
    )
    db.session.flush()
    return message


@dataclass(frozen=True)
class Invited:
    queued: int  # new messages (skipped ones included: opted out, not a mobile)
    before: int  # invited to this fair before: nothing sent again
    no_phone: int


def invite_all(
    rows,
    fair,
    *,
    by,
    ward_code: str,
    section: str,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> Invited:
    """Queue `fair`'s invitation to every member of a section (`rows`, each as member_contact gives
    it); one audit entry with the counts. Refuses with no_fair."""
    if fair is None:
        raise NoFair()
    now = now or utcnow()
    write_point()
    queued = before = no_phone = 0
    for row in rows:
        if not row.phone:
            no_phone += 1
            continue
        message = notices.fair_invitation(
            row.member_id, fair, row.phone, attendee_id=row.attendee_id, now=now
        )
        if message is None:
            before += 1
        else:
            queued += 1
    invited = Invited(queued=queued, before=before, no_phone=no_phone)
    record(
        "outreach.invitations",
        actor=by,
        target=fair,
        origin=origin,
        details={"ward_code": ward_code, "section": section, **invited.__dict__},
    )
    db.session.flush()
    return invited
