"""The optional details a job seeker adds after registering, through the ticket link
(fairapp.tickets.details_views): the wishes of this registration, and the person's fields still empty.

    open_person_fields(registration) -> tuple[str, ...]
    add_details(registration, raw, *, origin=..., now=None) -> Added

The link is a bearer secret, so whoever holds it may fill what is missing on the person's record but
never change what is recorded: that is done at the registration desk, where staff see the person and
their card. A link that does not speak for the person (fairapp.attendees.changes.speaks_for_person:
an online registration made later for someone already on record, perhaps by whoever knew their name
and phone) fills nothing: what it gives becomes a pending change for the desk.
The wishes (desired jobs, vacancies of this fair, vocational training) belong to this
registration and may be changed freely. The fields are checked by the registration's own rules
(fairapp.attendees.validation.clean, with the recorded name, birth year, sex and ward).

Errors (DomainError codes): validation_error (422, `fields`); citizen_id_not_accepted (422, a field
error on citizen_id): the number is held by another record, and the message does not say so."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from fairapp.attendees import changes, services, validation
from fairapp.attendees.citizen_ids import PUBLIC_MESSAGE
from fairapp.attendees.models import Attendee, Channel, PriorityGroup, Registration
from fairapp.attendees.validation import CleanPerson, RegistrationInvalid
from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.modelbase import utcnow

# The person's fields a ticket link may fill while empty, in the order the page asks for them.
PERSON_FIELDS = (
    "education_level",
    "qualification",
    "situation",
    "citizen_id",
    "birth_date",
    "household_code",
    "address",
)
# This registration's wishes, which the ticket link may set.
REGISTRATION_FIELDS = ("desired_vacancy_ids", "desired_jobs", "wants_training", "training_wish")


class CitizenIdNotAccepted(RegistrationInvalid):
    """The citizen ID is already on another person's record. Said without saying so: the holder
    of a ticket link must not learn whose number it is, nor that it is known."""

    code = "citizen_id_not_accepted"
    message = PUBLIC_MESSAGE  # the same words as the registration's refusal

    def __init__(self):
        super().__init__(fields={"citizen_id": self.message})


@dataclass(frozen=True)
class Added:
    changed: list[str]  # the fields set or filled now
    proposed: bool = False  # the person's fields went to the desk as a pending change


def open_person_fields(registration: Registration) -> tuple[str, ...]:
    """The person's fields the ticket link may give: those empty on the record (the household code
    only for a priority household, as at registration); all of them for a link that does not speak
    for the person, which must learn nothing of the record, not even which fields it holds."""
    attendee = registration.attendee
    if not changes.speaks_for_person(registration):
        return PERSON_FIELDS
    return tuple(
        name
        for name in PERSON_FIELDS
        if getattr(attendee, name) is None
        and (name != "household_code" or attendee.priority_group != PriorityGroup.NONE)
    )


def add_details(
    registration: Registration, raw: dict, *, origin: Origin = SYSTEM, now: datetime | None = None
) -> Added:
    """Set the registration's wishes and fill the person's empty fields from `raw` (API field names;
    a value for a field already recorded is ignored), or, through a link that does not speak for the
    person, propose them as a pending change. The changed fields are audited as
    `attendee.details_added` (names only, never values). Flushes."""
    now = now or utcnow()
    attendee = registration.attendee
    open_fields = open_person_fields(registration)
    person = _clean(registration, {name: raw.get(name) for name in open_fields + REGISTRATION_FIELDS}, now)

    changed = [name for name in REGISTRATION_FIELDS if _set_wish(registration, name, person)]
    filled = {name: getattr(person, name) for name in open_fields if getattr(person, name) is not None}
    if filled.get("citizen_id") and _held_by_another(filled["citizen_id"], attendee.id):
        raise CitizenIdNotAccepted()
    proposed = False
    if not changes.speaks_for_person(registration):
        proposed = (
            changes.propose(
                attendee,
                person,
                fair_id=registration.fair_id,
                registration_id=registration.id,
                channel=Channel.ONLINE,
                origin=origin,
                now=now,
            )
            is not None
        )
        filled = {}
    changed += [name for name, value in filled.items() if _fill(attendee.id, name, value)]
    db.session.expire(attendee)  # filled by UPDATE statements, not through the object

    if changed:
        record(
            "attendee.details_added",
            actor_label="public",
            target=attendee,
            origin=origin,
            details={"registration_id": registration.id, "fair_id": registration.fair_id, "fields": changed},
        )
    db.session.flush()
    return Added(changed, proposed)


def _clean(registration: Registration, details: dict, now: datetime) -> CleanPerson:
    """The details checked by the registration's rules, against what is recorded of the person (a
    citizen ID must agree with the recorded birth year and sex; a birth date with the birth year)."""
    attendee = registration.attendee
    recorded = {
        "full_name": attendee.full_name,
        "phone": attendee.phone,
        "birth_year": attendee.birth_year,
        "gender": attendee.gender.value,
        "ward_code": attendee.ward_code,
        "priority_group": attendee.priority_group.value,
    }
    offered = (
        {choice.id for choice in services.fair_vacancies(registration.fair_id)}
        if details.get("desired_vacancy_ids")
        else set()
    )
    return validation.clean(
        {**recorded, **details},
        today=fair_services.local_day(now),
        vacancy_ids=offered,
        require_consent=False,
    )


def _set_wish(registration: Registration, name: str, person: CleanPerson) -> bool:
    value = getattr(person, name)
    if name == "desired_vacancy_ids":
        value = value or None
        if (registration.desired_vacancy_ids or None) == value:
            return False
    elif getattr(registration, name) == value:
        return False
    setattr(registration, name, value)
    return True


def _held_by_another(citizen_id: str, attendee_id: int) -> bool:
    return db.session.scalar(
        sa.select(sa.exists().where(Attendee.citizen_id == citizen_id, Attendee.id != attendee_id))
    )


def _fill(attendee_id: int, name: str, value) -> bool:
    """Set the field only if it is still empty, as the database sees it: a concurrent request may
    have filled it since it was read. A citizen ID that clashes all the same is refused."""
    table = Attendee.__table__
    statement = (
        sa.update(table).where(table.c.id == attendee_id, table.c[name].is_(None)).values({name: value})
    )
    if name != "citizen_id":
        return db.session.execute(statement).rowcount == 1
    savepoint = db.session.begin_nested()  # the only unique field: a clash must not end the transaction
    try:
        filled = db.session.execute(statement).rowcount == 1
    except IntegrityError:
        savepoint.rollback()
        raise CitizenIdNotAccepted() from None
    savepoint.commit()
    return filled
