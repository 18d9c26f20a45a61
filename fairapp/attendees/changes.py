"""Changes to a person's stored data: applied at once when staff register the person (audited with
before and after), kept as a pending change when they come through the public channel.

    differences(attendee, person) -> {field: (stored, typed)}
    apply(attendee, differences)                    staff channel and confirmed changes
    propose(attendee, person, ...) -> PendingChange | None
    decide(change, confirm=..., by=..., through="desk" | "ticket", ...)

Whoever knows a person's name and phone (or citizen ID and name) can fill in the public form for
them, so what it asks to change is never applied as asked. Staff confirm it at the desk, or the
person does through a ticket link that already spoke for them before the change was asked for
(`may_decide`): never a link the same submission handed out, nor one the public channel handed out
for a person already on record (whoever typed the details holds that one).

Errors (DomainError codes): not_found (a change the ticket may not decide is not there for it),
change_decided (409), change_clash (409: the change would give the record a phone and name, or a
citizen ID, that another record holds)."""

from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from fairapp.attendees import forms, verification
from fairapp.attendees.citizen_ids import mask
from fairapp.attendees.models import (
    Attendee,
    ChangeStatus,
    Channel,
    Gender,
    PendingChange,
    PriorityGroup,
    Registration,
)
from fairapp.attendees.validation import FIELD_LABELS, CleanPerson
from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.errors import Conflict, NotFound
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.geo.services import get_ward
from fairapp.modelbase import utcnow
from fairapp.text import fold

# Fields a registration may change; the optional ones only when given. name_key follows full_name.
REQUIRED_FIELDS = ("full_name", "phone", "birth_year", "gender", "ward_code", "priority_group")
OPTIONAL_FIELDS = ("birth_date", "household_code", "education_level", "qualification", "situation", "address")
_ENUMS = {"gender": Gender, "priority_group": PriorityGroup}
DESK, TICKET = "desk", "ticket"


class ChangeDecided(Conflict):
    code = "change_decided"
    message = _l("Yêu cầu thay đổi này đã được xử lý.")


class ChangeClash(Conflict):
    code = "change_clash"
    message = _l(
        "Không áp dụng được thay đổi: số điện thoại và họ tên, hoặc số CCCD, trùng với một "
        "hồ sơ khác. Vui lòng xử lý tại bàn đăng ký."
    )


# --- Comparing and applying ------------------------------------------------------------------------


def differences(attendee: Attendee, person: CleanPerson) -> dict[str, tuple]:
    """What `person` (as typed) would change in the stored record: {field: (stored, typed)}. A
    citizen ID is only ever added to a record without one (a record's ID is moved at the desk)."""
    found = {}
    for name in REQUIRED_FIELDS:
        if getattr(attendee, name) != getattr(person, name):
            found[name] = (getattr(attendee, name), getattr(person, name))
    for name in OPTIONAL_FIELDS:
        value = getattr(person, name)
        if value is not None and getattr(attendee, name) != value:
            found[name] = (getattr(attendee, name), value)
    if person.citizen_id and attendee.citizen_id is None:
        found["citizen_id"] = (None, person.citizen_id)
    return found


def apply(attendee: Attendee, values: dict) -> None:
    """Set the fields in `values` (Python values) on the record; the caller flushes. A change to what
    finds the person on the household lists, or to the group declared, verifies the priority status
    again (fairapp.attendees.verification)."""
    for name, value in values.items():
        setattr(attendee, name, value)
        if name == "full_name":
            attendee.name_key = fold(value)
    if "priority_group" in values:
        attendee.priority_settled_at = None  # a new declaration: an earlier decision no longer holds
    if set(values) & verification.LOOKUP_FIELDS:
        verification.verify(attendee, day=local_day(utcnow()))


def as_json(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(name: str, value):
    if value is None:
        return None
    if name in _ENUMS:
        return _ENUMS[name](value)
    if name == "birth_date":
        return date.fromisoformat(value)
    return value


def for_audit(values: dict) -> dict:
    """Values as the audit log keeps them: JSON, citizen IDs masked."""
    return {name: mask(value) if name == "citizen_id" else as_json(value) for name, value in values.items()}


def update_by_staff(
    attendee: Attendee, person: CleanPerson, *, by, fair_id: int, channel: Channel, origin: Origin = SYSTEM
) -> bool:
    """The staff channel brings the record up to date at once, audited with before and after.
    Whether anything changed. ChangeClash if the new values clash with another record."""
    found = differences(attendee, person)
    if not found:
        return False
    before = {name: stored for name, (stored, _typed) in found.items()}
    after = {name: typed for name, (_stored, typed) in found.items()}
    _apply_or_clash(attendee, after)
    record(
        "attendee.update",
        actor=by,
        target=attendee,
        origin=origin,
        details={
            "fair_id": fair_id,
            "channel": channel.value,
            "before": for_audit(before),
            "after": for_audit(after),
        },
    )
    return True


def _apply_or_clash(attendee: Attendee, values: dict) -> None:
    savepoint = db.session.begin_nested()
    try:
        apply(attendee, values)
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise ChangeClash() from None
    savepoint.commit()


# --- Asking ----------------------------------------------------------------------------------------


def propose(
    attendee: Attendee,
    person: CleanPerson,
    *,
    fair_id: int,
    registration_id: int | None,
    channel: Channel,
    origin: Origin = SYSTEM,
    now: datetime,
) -> PendingChange | None:
    """Keep what the public channel typed for a person already on record, where it differs from the
    record, as a pending change (the same request still pending is not kept twice). Nothing is
    applied. `registration_id`: the registration the same submission created, if any."""
    found = differences(attendee, person)
    if not found:
        return None
    proposed = {name: as_json(typed) for name, (_stored, typed) in found.items()}
    for change in pending_of(attendee.id):
        if change.proposed == proposed:
            return change
    change = PendingChange(
        attendee_id=attendee.id,
        proposed=proposed,
        origin=channel.value,
        fair_id=fair_id,
        registration_id=registration_id,
        requested_at=now,
        status=ChangeStatus.PENDING,
    )
    db.session.add(change)
    db.session.flush()
    record(
        "attendee.change_requested",
        actor_label=channel.value,
        target=attendee,
        origin=origin,
        details={"change_id": change.id, "fair_id": fair_id, "fields": sorted(proposed)},
    )
    return change


# --- Reading ---------------------------------------------------------------------------------------


def pending_of(attendee_id: int) -> list[PendingChange]:
    return list(
        db.session.scalars(
            sa.select(PendingChange)
            .where(PendingChange.attendee_id == attendee_id, PendingChange.status == ChangeStatus.PENDING)
            .order_by(PendingChange.id)
        )
    )


def pending_for_fair(fair_id: int) -> list[PendingChange]:
    """Pending changes of the people registered for the fair, oldest first."""
    registered = sa.select(Registration.attendee_id).where(Registration.fair_id == fair_id)
    return list(
        db.session.scalars(
            sa.select(PendingChange)
            .where(PendingChange.status == ChangeStatus.PENDING, PendingChange.attendee_id.in_(registered))
            .order_by(PendingChange.requested_at, PendingChange.id)
        )
    )


def speaks_for_person(registration: Registration) -> bool:
    """Whether the holder of this ticket link can be taken to be the person: a registration staff
    made (they saw the person), or the online one that created the person's record. An online
    registration made later for a person already on record went to whoever typed their details."""
    if registration.channel != Channel.ONLINE:
        return True
    first = db.session.scalar(
        sa.select(sa.func.min(Registration.id)).where(Registration.attendee_id == registration.attendee_id)
    )
    return registration.id == first  # the record was created with it: no earlier registration


def may_decide(registration: Registration, change: PendingChange) -> bool:
    """Whether this ticket link may confirm or reject the change: the same person's, speaking for
    them, and made before the change was asked for (so never by the same submission)."""
    return (
        change.status == ChangeStatus.PENDING
        and registration.attendee_id == change.attendee_id
        and registration.id != change.registration_id
        and registration.created_at < change.requested_at
        and speaks_for_person(registration)
    )


def decidable_with_ticket(registration: Registration) -> list[PendingChange]:
    """The pending changes this ticket link may decide (none for a link that does not speak for the
    person)."""
    if not speaks_for_person(registration):
        return []
    return [change for change in pending_of(registration.attendee_id) if may_decide(registration, change)]


def current_values(change: PendingChange) -> dict:
    """The stored values of the fields the change would set (JSON values)."""
    return {name: as_json(getattr(change.attendee, name)) for name in change.proposed}


# --- Deciding --------------------------------------------------------------------------------------


def decide(
    change: PendingChange,
    *,
    confirm: bool,
    by=None,
    through: str = DESK,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> PendingChange:
    """Confirm (apply) or reject a pending change, audited with before and after. Raises
    ChangeDecided if it is no longer pending, ChangeClash if applying it clashes with another
    record (nothing applied then)."""
    now = now or utcnow()
    if change.status != ChangeStatus.PENDING:
        raise ChangeDecided()
    attendee = change.attendee
    after = {name: from_json(name, value) for name, value in change.proposed.items()}
    before = {name: getattr(attendee, name) for name in after}
    if confirm:
        _apply_or_clash(attendee, after)
    change.status = ChangeStatus.CONFIRMED if confirm else ChangeStatus.REJECTED
    change.decided_by = getattr(by, "id", None)
    change.decided_through = through
    change.decided_at = now
    record(
        "attendee.change_confirmed" if confirm else "attendee.change_rejected",
        actor=by,
        actor_label=None if by is not None else through,
        target=attendee,
        origin=origin,
        details={
            "change_id": change.id,
            "through": through,
            "before": for_audit(before),
            "after": for_audit(after),
        },
    )
    db.session.flush()
    return change


def decide_with_ticket(
    registration: Registration,
    change_id: int,
    *,
    confirm: bool,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> PendingChange:
    """The person decides through their ticket link. NotFound for a change this link may not decide
    (another person's, one asked for by the submission that made this link, or already decided)."""
    change = db.session.get(PendingChange, change_id)
    if change is None or not may_decide(registration, change):
        raise NotFound()
    return decide(change, confirm=confirm, through=TICKET, origin=origin, now=now)


def decide_at_desk(
    fair_id: int, change_id: int, *, confirm: bool, by, origin: Origin = SYSTEM, now: datetime | None = None
) -> PendingChange:
    """Staff decide at the desk of a fair the person is registered for (the caller has checked that
    `by` may act for the fair). NotFound otherwise."""
    change = db.session.get(PendingChange, change_id)
    if change is None or not db.session.scalar(
        sa.select(
            sa.exists().where(Registration.fair_id == fair_id, Registration.attendee_id == change.attendee_id)
        )
    ):
        raise NotFound()
    return decide(change, confirm=confirm, by=by, through=DESK, origin=origin, now=now)


# --- Showing ---------------------------------------------------------------------------------------


def describe(values: dict) -> list[tuple[str, str]]:
    """(label, value as a person reads it) for each field of `values` (JSON values), citizen IDs
    masked: what a change would set, for the ticket page and the desk."""
    choices = {
        "gender": forms.GENDER_CHOICES,
        "priority_group": forms.PRIORITY_CHOICES,
        "education_level": forms.EDUCATION_CHOICES,
        "qualification": forms.QUALIFICATION_CHOICES,
        "situation": forms.SITUATION_CHOICES,
    }
    rows = []
    for name in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS, "citizen_id"):
        if name not in values:
            continue
        value = values[name]
        if value is None or value == "":
            text = "—"
        elif name in choices:
            text = str(dict(choices[name]).get(value, value))
        elif name == "ward_code":
            ward = get_ward(value)
            text = ward.name if ward is not None else value
        elif name == "birth_date":
            text = date.fromisoformat(value).strftime("%d/%m/%Y")
        elif name == "citizen_id":
            text = mask(value)
        else:
            text = str(value)
        rows.append((str(FIELD_LABELS.get(name, name)), text))
    return rows
