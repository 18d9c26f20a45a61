"""Privacy rights: withdrawing consent, erasure (at once, or asked for and decided at the desk), and
retention. Services flush, never commit.

    withdraw_share_consent(registration, by=None, ...)   every registration of the person, audited
    erase(attendee, by=..., reason=..., ...)             the one erasure; idempotent
    ask_erasure(registration, ...)                       the ticket link's request: erased at once when
                                                         this registration made the record, else a
                                                         request for the desk
    carry_out(request, by=..., ...) / decline(...)       the desk's decision on a request
    purge(months=..., dry_run=..., now=...)              retention (fairapp.privacy.cli)

What erasure keeps and drops. Reports count registrations, check-ins and outcomes by
priority group, sex, ward and age, so the record and every row pointing at it stay, with gender,
ward, priority group, birth year, schooling and situation: none of these names a person on its own.
Dropped: the name (ERASED_NAME), phone, citizen ID, birth date, address, household code (and the same
on the household-list member they were matched to), the free
text of each registration (desired jobs, training wish: people write names and numbers there) and
the share consent (nothing is left to share). Every QR of theirs goes on the revocation list and
every personal link gets a secret nobody holds. The folded name becomes "~<id>", so two erased people
never clash on the unique keys (phone + name_key without citizen ID; citizen ID is NULL). The consent
to processing stays on each registration: it records what the processing done until now rested on.

Error codes: attendee_erased (410), erasure_request_closed (409), not_found, forbidden,
validation_error (a reason or note missing or too long)."""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from fairapp.attendees import consent
from fairapp.attendees.models import Attendee, PendingChange, Registration, new_ticket_secret
from fairapp.attendees.services import mask_phone
from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.checkins.models import CheckIn
from fairapp.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.households.models import HouseholdMember
from fairapp.modelbase import utcnow
from fairapp.privacy.models import ErasureRequest, ErasureStatus
from fairapp.privacy.redaction import Identity, redact_audit
from fairapp.tickets import services as tickets
from fairapp.webhooks import retention as webhook_retention

ERASED_NAME = "Đã xoá"
REASON_SELF = "ticket_link"  # the person, through their ticket link
REASON_REQUEST = "erasure_request"  # the desk carried out a request made through a ticket link
REASON_RETENTION = "retention"
MAX_NOTE_LENGTH = 300
DEFAULT_RETENTION_MONTHS = 36
BATCH = 200  # people erased per scan of the audit log


class AttendeeErased(DomainError):
    code = "attendee_erased"
    status = 410
    message = _l("Dữ liệu cá nhân của người này đã được xoá.")


class RequestClosed(Conflict):
    code = "erasure_request_closed"
    message = _l("Yêu cầu xoá này đã được xử lý.")


# --- consent ----------------------------------------------------------------------------------------


def withdraw_share_consent(registration: Registration, *, by=None, origin: Origin = SYSTEM) -> list[int]:
    """Withdraw the person's consent to share their profile with employers, on every registration of
    theirs, not only this one: a person who withdraws means "stop showing me to employers", and a
    withdrawal only ever shares less. Audited ("consent.withdraw_share") even when nothing was
    shared. `by`: the staff member at the desk, None through the ticket link. The ids changed.
    Raises AttendeeErased."""
    attendee = registration.attendee
    if attendee.erased_at is not None:
        raise AttendeeErased()
    changed = []
    for each in attendee.registrations:
        if each.consent_share_version is not None or each.consent_share_at is not None:
            each.consent_share_version = each.consent_share_at = None
            changed.append(each.id)
    webhook_retention.forget_people([attendee.id])
    audit.record(
        "consent.withdraw_share",
        actor=by,
        actor_label=None if by else "ticket_link",
        target=attendee,
        origin=origin,
        details={"registration_id": registration.id, "withdrawn_on": sorted(changed)},
    )
    db.session.flush()
    return sorted(changed)


# --- erasure ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    attendee_id: int
    erased: bool  # False: already erased, nothing changed
    tickets_revoked: int = 0
    audit_entries_redacted: int = 0  # in the pass that erased them (shared by a batch)


def erase(
    attendee: Attendee, *, by=None, reason: str, origin: Origin = SYSTEM, now: datetime | None = None
) -> Erasure:
    """Anonymise the person (see the module docstring for what stays): their tickets go on the
    revocation list, their values are redacted from the audit trail, their pending erasure request is
    closed. Audited ("attendee.erase"). Idempotent: an erased person is left as they are."""
    return erase_many([attendee], by=by, reason=reason, origin=origin, now=now)[0]


def erase_many(
    attendees: Iterable[Attendee],
    *,
    by=None,
    reason: str,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> list[Erasure]:
    """erase() for several people, with one scan of the audit log per BATCH of them."""
    now = now or utcnow()
    reason = _note(reason, field="reason")
    results = []
    attendees = list(attendees)
    for start in range(0, len(attendees), BATCH):
        results += _erase_batch(
            attendees[start : start + BATCH], by=by, reason=reason, origin=origin, now=now
        )
    return results


def _erase_batch(
    attendees: list[Attendee], *, by, reason: str, origin: Origin, now: datetime
) -> list[Erasure]:
    to_erase = [a for a in attendees if a.erased_at is None]
    identities = [Identity.of(a) for a in to_erase]
    revoked = {}
    for attendee in to_erase:
        revoked[attendee.id] = sum(
            tickets.revoke_ticket(r, by=by, reason="erased", now=now) for r in attendee.registrations
        )
        _anonymise(attendee, now)
        _close_requests(attendee, by=by, now=now)
    db.session.flush()
    redacted = redact_audit(identities)  # after the flush: the record itself no longer holds them
    webhook_retention.forget_people([a.id for a in to_erase])
    for attendee in to_erase:
        audit.record(
            "attendee.erase",
            actor=by,
            actor_label=_label(by, reason),
            target=attendee,
            origin=origin,
            details={
                "reason": reason,
                "registrations": len(attendee.registrations),
                "tickets_revoked": revoked[attendee.id],
            },
        )
    db.session.flush()
    return [
        Erasure(
            a.id,
            erased=a in to_erase,
            tickets_revoked=revoked.get(a.id, 0),
            audit_entries_redacted=redacted if a in to_erase else 0,
        )
        for a in attendees
    ]


def _anonymise(attendee: Attendee, now: datetime) -> None:
    attendee.full_name = ERASED_NAME
    attendee.name_key = f"~{attendee.id}"
    attendee.phone = ""
    attendee.citizen_id = attendee.birth_date = attendee.address = attendee.household_code = None
    attendee.erased_at = now
    if attendee.household_member is not None:  # the same person on the ward's household list
        _anonymise_member(attendee.household_member, now)
    # What the public channel typed for them, still pending: personal values too.
    db.session.execute(sa.delete(PendingChange).where(PendingChange.attendee_id == attendee.id))
    for registration in attendee.registrations:
        registration.desired_jobs = registration.training_wish = None
        registration.consent_share_version = registration.consent_share_at = None
        # A secret nobody holds: every path that finds a registration by its link (ticket page,
        # kiosk, the confirmation after registering) finds nothing.
        registration.ticket_secret = new_ticket_secret()


def _anonymise_member(member: HouseholdMember, now: datetime) -> None:
    """The list member drops what names them, as the person's record does; the birth year, sex and
    household stay, so the ward's coverage still counts them, and nobody is matched to them again."""
    member.full_name = ERASED_NAME
    member.name_key = f"~m{member.id}"
    member.citizen_id = member.birth_date = member.phone = member.relation = None
    member.erased_at = now


def _close_requests(attendee: Attendee, *, by, now: datetime) -> None:
    for request in db.session.scalars(
        sa.select(ErasureRequest).where(
            ErasureRequest.attendee_id == attendee.id, ErasureRequest.status == ErasureStatus.PENDING
        )
    ):
        request.status = ErasureStatus.CARRIED_OUT
        request.decided_at, request.decided_by = now, getattr(by, "id", None)


def _label(by, reason: str) -> str | None:
    if by is not None:
        return None
    return "ticket_link" if reason == REASON_SELF else "system"


def _note(text: str | None, *, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(fields={field: _l("Vui lòng ghi lý do.")})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(fields={field: _l("Lý do dài tối đa %(max)d ký tự.", max=MAX_NOTE_LENGTH)})
    return text


# --- asked through the ticket link -------------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    """What came of a request made through a ticket link: `erased` at once, or `request` waiting for
    the desk (`already` when one was waiting before)."""

    erased: bool
    request: ErasureRequest | None = None
    already: bool = False


def erasable_at_once(registration: Registration) -> bool:
    """True when this registration is the person's only one, so its link made the record: erasing
    it touches nobody else's history. Otherwise whoever holds the link might have typed a stranger's
    details into a new registration, and only the desk, checking the person, may erase."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Registration.id)).where(
                Registration.attendee_id == registration.attendee_id
            )
        )
        == 1
    )


def pending_request_of(attendee: Attendee) -> ErasureRequest | None:
    return db.session.scalar(
        sa.select(ErasureRequest).where(
            ErasureRequest.attendee_id == attendee.id, ErasureRequest.status == ErasureStatus.PENDING
        )
    )


def ask_erasure(registration: Registration, *, origin: Origin = SYSTEM, now: datetime | None = None) -> Asked:
    """The person behind this ticket link asks to be erased (after confirming). Raises AttendeeErased."""
    now = now or utcnow()
    attendee = registration.attendee
    if attendee.erased_at is not None:
        raise AttendeeErased()
    if erasable_at_once(registration):
        erase(attendee, reason=REASON_SELF, origin=origin, now=now)
        return Asked(erased=True)
    if (waiting := pending_request_of(attendee)) is not None:
        return Asked(erased=False, request=waiting, already=True)
    request = ErasureRequest(attendee_id=attendee.id, registration_id=registration.id, requested_at=now)
    savepoint = db.session.begin_nested()
    try:
        db.session.add(request)
        db.session.flush()
    except IntegrityError:  # a concurrent request of the same person got in first
        savepoint.rollback()
        return Asked(erased=False, request=pending_request_of(attendee), already=True)
    savepoint.commit()
    audit.record(
        "erasure_request.create",
        actor_label="ticket_link",
        target=request,
        origin=origin,
        details={"attendee_id": attendee.id, "registration_id": registration.id},
    )
    db.session.flush()
    return Asked(erased=False, request=request)


# --- decided at the desk -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingRow:
    """One pending request as the desk's list shows it (plain data)."""

    id: int
    requested_at: datetime
    fair_id: int
    fair_title: str
    registration_id: int
    full_name: str
    phone: str  # masked: the desk checks the person on the detail page (audited)
    registrations: int


def _ward_of(request: ErasureRequest) -> str:
    return request.registration.fair.ward_code


def request_for_staff(user, request_id: int) -> ErasureRequest:
    """The request, if `user` may decide it (admins; organisers of the ward of the fair whose ticket
    link asked). Raises NotFound, Forbidden."""
    request = db.session.get(ErasureRequest, request_id)
    if request is None:
        raise NotFound()
    if not user.may_act_in_ward(_ward_of(request)):
        raise Forbidden()
    return request


def pending_requests(user, *, fair_id: int | None = None) -> list[PendingRow]:
    """Pending requests `user` may decide, oldest first; only those asked through `fair_id`'s links
    when given."""
    theirs = aliased(Registration)
    registrations = (
        sa.select(sa.func.count(theirs.id))
        .where(theirs.attendee_id == ErasureRequest.attendee_id)
        .correlate(ErasureRequest)
        .scalar_subquery()
    )
    statement = (
        sa.select(
            ErasureRequest.id,
            ErasureRequest.requested_at,
            Fair.id,
            Fair.title,
            Registration.id,
            Attendee.full_name,
            Attendee.phone,
            registrations,
            Fair.ward_code,
        )
        .join(Registration, Registration.id == ErasureRequest.registration_id)
        .join(Fair, Fair.id == Registration.fair_id)
        .join(Attendee, Attendee.id == ErasureRequest.attendee_id)
        .where(ErasureRequest.status == ErasureStatus.PENDING)
        .order_by(ErasureRequest.requested_at, ErasureRequest.id)
    )
    if fair_id is not None:
        statement = statement.where(Fair.id == fair_id)
    return [
        PendingRow(*row[:6], mask_phone(row[6]), row[7])
        for row in db.session.execute(statement)
        if user.may_act_in_ward(row[-1])
    ]


def carry_out(
    request: ErasureRequest,
    *,
    by,
    note: str | None = None,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> Erasure:
    """Erase the person of a pending request, after staff checked who they are. Audited
    ("erasure_request.carry_out", then "attendee.erase"). Raises RequestClosed."""
    if request.status != ErasureStatus.PENDING:
        raise RequestClosed()
    note = (note or "").strip()[:MAX_NOTE_LENGTH] or None
    audit.record(
        "erasure_request.carry_out",
        actor=by,
        target=request,
        origin=origin,
        details={"attendee_id": request.attendee_id, "note": note},
    )
    result = erase(request.attendee, by=by, reason=REASON_REQUEST, origin=origin, now=now)
    request.decision_note = note
    return result


def decline(
    request: ErasureRequest, *, by, note: str, origin: Origin = SYSTEM, now: datetime | None = None
) -> ErasureRequest:
    """Decline a pending request (the person could not be checked, or the data must be kept by
    law): the note is required. Audited ("erasure_request.decline"). Raises RequestClosed,
    ValidationError."""
    if request.status != ErasureStatus.PENDING:
        raise RequestClosed()
    request.decision_note = _note(note, field="note")
    request.status = ErasureStatus.DECLINED
    request.decided_at, request.decided_by = now or utcnow(), by.id
    audit.record(
        "erasure_request.decline",
        actor=by,
        target=request,
        origin=origin,
        details={"attendee_id": request.attendee_id, "note": request.decision_note},
    )
    db.session.flush()
    return request


# --- retention ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Purge:
    cutoff: datetime
    attendee_ids: list[int]
    erased: bool  # False for a dry run


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def stale_attendees(cutoff: datetime) -> list[int]:
    """People not erased and not seen since `cutoff`: created, registered and checked in before it."""
    registered_since = sa.exists().where(
        Registration.attendee_id == Attendee.id, Registration.created_at >= cutoff
    )
    checked_in_since = sa.exists().where(
        CheckIn.registration_id == Registration.id,
        Registration.attendee_id == Attendee.id,
        CheckIn.checked_in_at >= cutoff,
    )
    return list(
        db.session.scalars(
            sa.select(Attendee.id)
            .where(
                Attendee.erased_at.is_(None),
                Attendee.created_at < cutoff,
                ~registered_since,
                ~checked_in_since,
            )
            .order_by(Attendee.id)
        )
    )


def past_keeping(months: int, *, now: datetime) -> list[int]:
    """People past their keeping period: not seen for `months` months, or for the shorter period
    promised by the consent to processing of their latest registration (an older text promised 24
    months after the fair: that promise is kept whatever the setting)."""
    stale: dict[int, set[int]] = {}

    def stale_for(period: int) -> set[int]:
        if period not in stale:
            stale[period] = set(stale_attendees(months_before(now, period)))
        return stale[period]

    promised = [p for p in map(consent.retention_months, consent.PERSONAL_DATA_TEXTS) if p]
    candidates = sorted(stale_for(min([months, *promised])))
    latest: dict[int, str] = {}
    for start in range(0, len(candidates), BATCH):
        for attendee_id, version in db.session.execute(
            sa.select(Registration.attendee_id, Registration.consent_personal_data_version)
            .where(Registration.attendee_id.in_(candidates[start : start + BATCH]))
            .order_by(Registration.attendee_id, Registration.created_at, Registration.id)
        ):
            latest[attendee_id] = version
    return [
        person
        for person in candidates
        if person in stale_for(min(months, consent.retention_months(latest.get(person)) or months))
    ]


def purge(
    *, months: int = DEFAULT_RETENTION_MONTHS, dry_run: bool = False, now: datetime | None = None
) -> Purge:
    """Erase (reason "retention") everyone not seen at any fair for `months` months, or for the
    shorter period the consent they last gave promised (past_keeping). A dry run only lists them. A
    second run finds nobody: erased people are never stale again."""
    if months < 1:
        raise ValidationError(fields={"months": _l("Số tháng phải từ 1 trở lên.")})
    now = now or utcnow()
    cutoff = months_before(now, months)
    ids = past_keeping(months, now=now)
    if not dry_run:
        for start in range(0, len(ids), BATCH):
            people = db.session.scalars(
                sa.select(Attendee).where(Attendee.id.in_(ids[start : start + BATCH])).order_by(Attendee.id)
            ).all()
            erase_many(people, reason=REASON_RETENTION, now=now)
    return Purge(cutoff, ids, erased=not dry_run)
