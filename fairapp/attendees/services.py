"""Registering job seekers for fairs: one person, one record; one registration per person per fair.

    register(fair_id, typed, channel=..., by=None, origin=..., now=None) -> Outcome

A person is found again by citizen ID (with the same folded name), else by phone plus folded name;
the same person at another fair reuses the record. Who registers decides what happens then:

- staff (walk-in or staff channel): the record is brought up to date at once, audited with before
  and after; a second registration for the same fair returns the first, with its ticket.
- the public (online channel): nothing stored changes. What differs from the record becomes a pending
  change (fairapp.attendees.changes). A second registration for the same fair hands out no ticket:
  Outcome.registration is None and Outcome.phone_hint holds the last three digits of the phone on
  file. A citizen ID held under another name is refused with one message that does not say so
  (fairapp.attendees.citizen_ids).

The field checks that need no lock run first (check_person, reading no more than the ward table);
then the writer's turn (fairapp.transactions.write_point: on SQLite BEGIN IMMEDIATE, the waiting
writers woken at once instead of sleeping in SQLite's busy handler). Races are settled by the
database: the transaction first takes the fair's row lock (PostgreSQL) or the write lock (SQLite,
which ignores FOR UPDATE), and the unique keys (citizen_id; phone + name_key without citizen ID;
fair_id + attendee_id) catch anything that slips past, after which the existing row is used.

A citizen ID refused because another name holds it is audited in a transaction of its own once the
request's has been rolled back (fairapp.transactions.afterwards).

Errors (DomainError codes): not_found, fair_not_published, fair_closed, fair_cancelled (409),
fair_full (409, online channel only), validation_error (422, with `fields`), citizen_id_conflict
(409, staff channels), change_clash (409, staff channels), conflict (409)."""

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fairapp.attendees import changes, citizen_ids, consent, validation, verification
from fairapp.attendees.models import Attendee, Channel, Registration
from fairapp.attendees.validation import CleanPerson, RegistrationInvalid
from fairapp.audit.services import SYSTEM, Origin, append, record_read
from fairapp.auth.models import User
from fairapp.database import WRITE_TURN
from fairapp.errors import Conflict, DomainError, NotFound
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair, FairStatus
from fairapp.messages import notices
from fairapp.modelbase import utcnow
from fairapp.transactions import afterwards, write_point

REGISTRABLE = (FairStatus.PUBLISHED, FairStatus.OPEN)
# The columns of a new person's record taken from what was typed (citizen_id apart).
PERSON_FIELDS = (*changes.REQUIRED_FIELDS, "name_key", *changes.OPTIONAL_FIELDS)


class RegistrationClosed(DomainError):
    status = 409
    MESSAGES = {
        FairStatus.DRAFT: (
            "fair_not_published",
            _l("Phiên giao dịch này chưa được công bố, chưa nhận đăng ký."),
        ),
        FairStatus.CLOSED: ("fair_closed", _l("Phiên giao dịch này đã kết thúc, không nhận đăng ký nữa.")),
        FairStatus.CANCELLED: ("fair_cancelled", _l("Phiên giao dịch này đã bị huỷ, không nhận đăng ký.")),
    }

    def __init__(self, status: FairStatus):
        code, message = self.MESSAGES[status]
        super().__init__(message, code=code)


class FairFull(DomainError):
    code = "fair_full"
    status = 409
    message = _l(
        "Phiên giao dịch đã đủ số người đăng ký trực tuyến. Bạn vẫn có thể đến trực tiếp: "
        "cán bộ tại cổng sẽ đăng ký cho bạn nếu còn chỗ."
    )


@dataclass(frozen=True)
class RegistrationRecord:
    """What callers need of a registration (plain data, usable after the session ends or in another
    thread): the attribute names of Registration, so fairapp.tickets.signing.ticket_payload and
    fairapp.audit.services.record accept it."""

    __tablename__ = "registrations"

    id: int
    fair_id: int
    attendee_id: int
    channel: Channel
    ticket_secret: str
    ticket_nonce: str

    @classmethod
    def of(cls, registration: Registration) -> "RegistrationRecord":
        r = registration
        return cls(r.id, r.fair_id, r.attendee_id, r.channel, r.ticket_secret, r.ticket_nonce)


@dataclass(frozen=True)
class Outcome:
    """`registration` is None when the public channel found the person already registered for the
    fair: their ticket is not handed out, and `phone_hint` holds the last three digits of the phone
    on file ("…678")."""

    registration: RegistrationRecord | None
    created: bool  # False: the person was already registered for this fair
    phone_hint: str | None = None


@dataclass(frozen=True)
class VacancyChoice:
    id: int
    title: str
    employer: str


# --- Reading ---------------------------------------------------------------------------------------


def fair_vacancies(fair_id: int) -> list[VacancyChoice]:
    """The vacancies the public sees at the fair (fairapp.booths.services.public_offer), to tick on
    the form (may be empty)."""
    from fairapp.booths.services import public_offer

    offer = public_offer(fair_id)
    choices = [VacancyChoice(v.id, v.title, offer.employer_name(v.employer_id)) for v in offer.vacancies]
    return sorted(choices, key=lambda c: (c.employer, c.title, c.id))


def fair_programmes(fair_id: int) -> list[str]:
    """Names of the training programmes the public sees at the fair (public_offer), each once."""
    from fairapp.booths.services import public_offer

    return sorted({programme.name for programme in public_offer(fair_id).programmes})


def registered_count(fair_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Registration.id)).where(Registration.fair_id == fair_id))


def is_full(fair: "Fair | fair_services.FairState") -> bool:
    return fair.capacity is not None and registered_count(fair.id) >= fair.capacity


def refusal(fair: Fair) -> DomainError | None:
    """Why online registration is refused for this fair now (status or capacity), or None."""
    if fair.status not in REGISTRABLE:
        return RegistrationClosed(fair.status)
    if is_full(fair):
        return FairFull()
    return None


_ATTENDEE_COLUMNS = Attendee.__table__.c
_BY_PHONE = sa.and_(
    _ATTENDEE_COLUMNS.phone == sa.bindparam("phone"), _ATTENDEE_COLUMNS.name_key == sa.bindparam("name_key")
)
_ATTENDEE_IDS_BY_PHONE = sa.select(_ATTENDEE_COLUMNS.id).where(_BY_PHONE)
_ATTENDEE_IDS_BY_ID_OR_PHONE = sa.select(_ATTENDEE_COLUMNS.id).where(
    sa.or_(_ATTENDEE_COLUMNS.citizen_id == sa.bindparam("citizen_id"), _BY_PHONE)
)


def find_attendee(person: CleanPerson) -> tuple[Attendee | None, bool]:
    """(the person's record or None, whether it was found by citizen ID). One query for both ways of
    finding the person (by citizen ID, by phone plus name)."""
    # A plain Core query first: most people are new, and then no ORM object is built at all.
    if person.citizen_id:
        ids = [
            row[0]
            for row in db.session.execute(
                _ATTENDEE_IDS_BY_ID_OR_PHONE,
                {"citizen_id": person.citizen_id, "phone": person.phone, "name_key": person.name_key},
            )
        ]
    else:
        ids = [
            row[0]
            for row in db.session.execute(
                _ATTENDEE_IDS_BY_PHONE, {"phone": person.phone, "name_key": person.name_key}
            )
        ]
    if not ids:
        return None, False
    rows = db.session.scalars(sa.select(Attendee).where(Attendee.id.in_(ids)).order_by(Attendee.id)).all()
    if person.citizen_id:
        for found in rows:
            if found.citizen_id == person.citizen_id:
                return found, True
    candidates = [a for a in rows if a.phone == person.phone and a.name_key == person.name_key]
    # Someone with another citizen ID is another person, whatever the phone and name.
    same = [a for a in candidates if None in (a.citizen_id, person.citizen_id)]
    same.sort(key=lambda a: a.citizen_id is not None)  # prefer the record still without an ID
    return (same[0] if same else None), False


def registration_of(fair_id: int, attendee_id: int) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.fair_id == fair_id, Registration.attendee_id == attendee_id
        )
    )


# --- Registering -----------------------------------------------------------------------------------


def lock_fair(fair_id: int, *, now: datetime) -> fair_services.FairState:
    """Read the fair holding the lock that serialises registrations for it, its status in effect at
    `now`. Must be the first statement of the transaction on SQLite: a read first would pin a snapshot
    that another writer may overtake, and upgrading such a transaction to a writer fails at once
    ("database is locked") instead of waiting. PostgreSQL: the fair's row lock (FOR UPDATE)."""
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    if sqlite and not db.session.info.get(WRITE_TURN):
        # Takes SQLite's write lock (waiting up to busy_timeout), as BEGIN IMMEDIATE would.
        db.session.execute(sa.text("UPDATE fairs SET id = id WHERE 0"))
    fair = fair_services.fair_state(fair_id, now=now, for_update=not sqlite)
    if fair is None:
        raise NotFound()
    return fair


def check_person(typed: Mapping[str, Any], *, now: datetime) -> CleanPerson | RegistrationInvalid | None:
    """The field checks of `register` that need no lock, run before taking it: the clean person, or
    the refusal to raise once the fair's status has been checked; None when the person ticked
    vacancies (those are checked against the fair inside the transaction)."""
    if typed.get("desired_vacancy_ids"):
        return None
    try:
        return validation.clean(typed, today=fair_services.local_day(now), vacancy_ids=set())
    except RegistrationInvalid as error:
        return error


def register(
    fair_id: int,
    typed: Mapping[str, Any],
    *,
    channel: Channel,
    by: User | None = None,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> Outcome:
    """Register the person described by `typed` (what was typed, by API field names; checked here by
    fairapp.attendees.validation) for the fair. Online registration needs a published or open fair
    with room; walk-in and staff registration only the status. Flushes."""
    now = now or utcnow()
    checked = check_person(typed, now=now)
    write_point()
    try:
        return _register(fair_id, typed, checked, channel=channel, by=by, origin=origin, now=now)
    except citizen_ids.HeldUnderAnotherName as error:
        afterwards(lambda clash=error: citizen_ids.record_clash(clash, by=by, origin=origin))
        raise


def _register(
    fair_id: int,
    typed: Mapping[str, Any],
    checked: CleanPerson | RegistrationInvalid | None,
    *,
    channel: Channel,
    by: User | None,
    origin: Origin,
    now: datetime,
) -> Outcome:
    fair = lock_fair(fair_id, now=now)
    if fair.status not in REGISTRABLE:
        raise RegistrationClosed(fair.status)
    if isinstance(checked, RegistrationInvalid):
        raise checked
    person = checked
    if person is None:  # the fair's vacancies are read only when the person ticked some
        offered = {choice.id for choice in fair_vacancies(fair.id)}
        person = validation.clean(typed, today=fair_services.local_day(now), vacancy_ids=offered)

    attendee, by_citizen_id = find_attendee(person)
    if attendee is not None and (
        again := _known_person(
            fair.id, attendee, by_citizen_id, person, channel, by=by, origin=origin, now=now
        )
    ):
        return again
    if channel == Channel.ONLINE and is_full(fair):
        raise FairFull()

    if attendee is None:
        attendee_id = _create_attendee(person, now)
        if attendee_id is None:  # a concurrent request created the person first
            attendee, by_citizen_id = find_attendee(person)
            if attendee is None:
                raise Conflict()
            if again := _known_person(
                fair.id, attendee, by_citizen_id, person, channel, by=by, origin=origin, now=now
            ):
                return again
    if attendee is not None:
        attendee_id = attendee.id
        if channel != Channel.ONLINE:
            changes.update_by_staff(attendee, person, by=by, fair_id=fair.id, channel=channel, origin=origin)
    share = person.consent_share_with_employers
    row = _insert_unless_clash(
        Registration,
        {
            "fair_id": fair.id,
            "attendee_id": attendee_id,
            "channel": channel,
            "consent_personal_data_version": consent.PERSONAL_DATA_VERSION,
            "consent_personal_data_at": now,
            "consent_share_version": consent.SHARE_VERSION if share else None,
            "consent_share_at": now if share else None,
            "desired_jobs": person.desired_jobs,
            "desired_vacancy_ids": person.desired_vacancy_ids or None,
            "wants_training": person.wants_training,
            "training_wish": person.training_wish,
            "created_by": getattr(by, "id", None),
            "created_at": now,
        },
        Registration.id,
        Registration.ticket_secret,
        Registration.ticket_nonce,
    )
    if row is None:  # a concurrent request registered the person for this fair first
        existing = registration_of(fair.id, attendee_id)
        if existing is None:  # the clash was not ours to resolve
            raise Conflict()
        return _again(existing, existing.attendee, person, channel, origin=origin, now=now)
    registration = RegistrationRecord(
        row.id, fair.id, attendee_id, channel, row.ticket_secret, row.ticket_nonce
    )
    append(
        "registration.create",
        actor=by,
        actor_label=None if by else channel.value,
        target=registration,
        origin=origin,
        at=now,
        details={"fair_id": fair.id, "attendee_id": attendee_id, "channel": channel.value},
    )
    notices.registration_confirmed(
        registration.id, attendee_id, person.phone, fair.starts_at, registration.ticket_secret, now=now
    )
    if attendee is not None and channel == Channel.ONLINE:
        changes.propose(
            attendee,
            person,
            fair_id=fair.id,
            registration_id=registration.id,
            channel=channel,
            origin=origin,
            now=now,
        )
    return Outcome(registration, created=True)


def _known_person(
    fair_id: int,
    attendee: Attendee,
    by_citizen_id: bool,
    person: CleanPerson,
    channel: Channel,
    *,
    by,
    origin: Origin,
    now: datetime,
) -> Outcome | None:
    """For a person found on record: refuse a citizen ID held under another name; if they are
    already registered for the fair, the answer for that (staff: their registration, the record
    brought up to date; the public: no ticket, a pending change). None: go on registering."""
    if by_citizen_id and attendee.name_key != person.name_key:
        raise citizen_ids.clash(attendee, person.citizen_id, fair_id=fair_id, channel=channel)
    existing = registration_of(fair_id, attendee.id)
    if existing is None:
        return None
    if channel != Channel.ONLINE:
        changes.update_by_staff(attendee, person, by=by, fair_id=fair_id, channel=channel, origin=origin)
    return _again(existing, attendee, person, channel, origin=origin, now=now)


def _again(
    existing: Registration,
    attendee: Attendee,
    person: CleanPerson,
    channel: Channel,
    *,
    origin: Origin,
    now: datetime,
) -> Outcome:
    """The person is already registered for the fair. Staff get the registration and its ticket;
    the public only that it exists and the last digits of the phone on file, and what they typed
    is kept as a pending change."""
    if channel != Channel.ONLINE:
        return Outcome(RegistrationRecord.of(existing), created=False)
    changes.propose(
        attendee,
        person,
        fair_id=existing.fair_id,
        registration_id=None,
        channel=channel,
        origin=origin,
        now=now,
    )
    return Outcome(None, created=False, phone_hint=phone_hint(attendee.phone))


def phone_hint(phone: str) -> str:
    """ "…678": all the public channel may say about a phone on file."""
    return "\u2026" + phone[-3:]


def _create_attendee(person: CleanPerson, now: datetime) -> int | None:
    """The new person's id; None if a concurrent request created them first (nothing inserted)."""
    values = {name: getattr(person, name) for name in PERSON_FIELDS}
    # Is the new person on a household list? Decided before the INSERT, which writes it.
    member_id, status = verification.for_new_person(person, day=fair_services.local_day(now))
    values.update(household_member_id=member_id, priority_status=status)
    row = _insert_unless_clash(
        Attendee, dict(values, citizen_id=person.citizen_id, created_at=now, updated_at=now), Attendee.id
    )
    return row.id if row is not None else None


def _insert_unless_clash(model, values: dict, *returning):
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the new row, or None when a unique key clashed
    (nothing inserted, the transaction intact). A Core statement on the table, built once: no ORM
    object, no SAVEPOINT."""
    dialect = db.session.get_bind().dialect.name
    key = (dialect, model, returning)
    statement = _INSERTS.get(key)
    if statement is None:
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        elif dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:  # pragma: no cover - the two databases fairapp runs on
            raise NotImplementedError(dialect)
        table = model.__table__
        statement = _INSERTS[key] = (
            insert(table).on_conflict_do_nothing().returning(*(table.c[column.key] for column in returning))
        )
    return db.session.execute(statement, values).first()


_INSERTS: dict = {}


# --- Lost tickets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LostTickets:
    """What a lost-ticket lookup may show. `tickets`: the registrations whose link may be shown.
    `needs_proof`: registrations were found whose person has a household code or a citizen ID, and
    no second factor proved any of them. `proof_failed`: a second factor was given and proved none."""

    tickets: list[Registration]
    needs_proof: bool = False
    proof_failed: bool = False


def find_lost_tickets(
    fair_id: int, phone: str, birth_year: int, *, proof: str | None = None, origin: Origin = SYSTEM
) -> LostTickets:
    """Registrations for the fair of people with this phone and birth year. A person with a
    household code or a citizen ID is shown only when `proof` is that household code or the last
    four digits of that citizen ID (phone and birth year alone can be found out; those not). Every
    lookup is audited (the phone masked; a read), found or not, with how the second factor went."""
    found = db.session.scalars(
        sa.select(Registration)
        .join(Attendee, Attendee.id == Registration.attendee_id)
        .where(Registration.fair_id == fair_id, Attendee.phone == phone, Attendee.birth_year == birth_year)
        .order_by(Registration.id)
    ).all()
    open_, guarded = [], []
    for registration in found:
        attendee = registration.attendee
        (guarded if attendee.household_code or attendee.citizen_id else open_).append(registration)
    proved = [r for r in guarded if proof and _proves(r.attendee, proof)]
    failed = bool(proof and guarded and not proved)
    record_read(
        "registration.lost_ticket_lookup",
        actor_label="public",
        origin=origin,
        details={
            "fair_id": fair_id,
            "phone": mask_phone(phone),
            "birth_year": birth_year,
            "found": len(found),
            "shown": len(open_) + len(proved),
            "proof": None if not (proof and guarded) else "wrong" if failed else "ok",
        },
    )
    return LostTickets(
        tickets=sorted(open_ + proved, key=lambda r: r.id),
        needs_proof=bool(guarded and not proved),
        proof_failed=failed,
    )


def _proves(attendee: Attendee, proof: str) -> bool:
    """Whether `proof` is the person's household code (spaces and case aside) or the last four
    digits of their citizen ID."""
    compact = "".join(proof.split()).casefold()
    if (
        attendee.citizen_id
        and len(compact) == 4
        and compact.isdigit()
        and hmac.compare_digest(attendee.citizen_id[-4:], compact)
    ):
        return True
    code = "".join((attendee.household_code or "").split()).casefold()
    return bool(code) and hmac.compare_digest(code.encode(), compact.encode())


def mask_phone(phone: str) -> str:
    return phone[:3] + "*" * max(len(phone) - 6, 0) + phone[-3:]
