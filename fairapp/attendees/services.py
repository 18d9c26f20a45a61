"""Registering job seekers for fairs: one person, one record; one registration per person per fair.

    register(fair_id, raw, channel=..., by=None, origin=..., now=None) -> Outcome

A person is found again by citizen ID, else by phone plus folded name; the same person at another
fair reuses the record and brings it up to date. A second registration for the same fair returns
the first (Outcome.created is False). Races are settled by the database: the transaction first
takes the fair's row lock (PostgreSQL) or the write lock (SQLite, which ignores FOR UPDATE), and the
unique keys (citizen_id; phone + name_key without citizen ID; fair_id + attendee_id) catch anything
that slips past, inside a SAVEPOINT, after which the existing row is returned.

Errors (DomainError codes): not_found, fair_not_published, fair_closed, fair_cancelled (409),
fair_full (409, online channel only), validation_error (422, with `fields`)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from fairapp import fastsql
from fairapp.attendees import consent, validation
from fairapp.attendees.models import Attendee, Channel, Registration
from fairapp.attendees.validation import CleanPerson, RegistrationInvalid
from fairapp.audit.services import SYSTEM, Origin, append, record
from fairapp.database import WRITE_TURN
from fairapp.db import utcnow
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fastsql import Prepared

REGISTRABLE = (FairStatus.PUBLISHED, FairStatus.OPEN)
# Fields a later registration may change; optional ones only when given.
REQUIRED_FIELDS = ("full_name", "name_key", "phone", "birth_year", "gender", "ward_code", "priority_group")
OPTIONAL_FIELDS = ("birth_date", "household_code", "education_level", "qualification", "situation",
                   "address")


class RegistrationClosed(DomainError):
    status = 409
    MESSAGES = {
        FairStatus.DRAFT: ("fair_not_published", _l("Phiên giao dịch này chưa được công bố, chưa nhận "
                                                    "đăng ký.")),
        FairStatus.CLOSED: ("fair_closed", _l("Phiên giao dịch này đã kết thúc, không nhận đăng ký "
                                              "nữa.")),
        FairStatus.CANCELLED: ("fair_cancelled", _l("Phiên giao dịch này đã bị huỷ, không nhận đăng "
                                                    "ký.")),
    }

    def __init__(self, status: FairStatus):
        code, message = self.MESSAGES[status]
        super().__init__(message, code=code)


class FairFull(DomainError):
    code = "fair_full"
    status = 409
    message = _l("Phiên giao dịch đã đủ số người đăng ký trực tuyến. Bạn vẫn có thể đến trực tiếp: "
                 "cán bộ tại cổng sẽ đăng ký cho bạn nếu còn chỗ.")


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
    registration: RegistrationRecord
    created: bool  # False: the person was already registered for this fair


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
_BY_PHONE = sa.and_(_ATTENDEE_COLUMNS.phone == sa.bindparam("phone"),
                    _ATTENDEE_COLUMNS.name_key == sa.bindparam("name_key"))
_ATTENDEE_IDS_BY_PHONE = Prepared(sa.select(_ATTENDEE_COLUMNS.id).where(_BY_PHONE))
_ATTENDEE_IDS_BY_ID_OR_PHONE = Prepared(sa.select(_ATTENDEE_COLUMNS.id).where(
    sa.or_(_ATTENDEE_COLUMNS.citizen_id == sa.bindparam("citizen_id"), _BY_PHONE)))


def find_attendee(person: CleanPerson) -> tuple[Attendee | None, bool]:
    """(the person's record or None, whether it was found by citizen ID). One query for both ways of
    finding the person (by citizen ID, by phone plus name)."""
    # A plain Core query first: most people are new, and then no ORM object is built at all.
    if person.citizen_id:
        ids = [row[0] for row in _ATTENDEE_IDS_BY_ID_OR_PHONE.execute(fastsql.connection(), {
            "citizen_id": person.citizen_id, "phone": person.phone, "name_key": person.name_key})]
    else:
        ids = [row[0] for row in _ATTENDEE_IDS_BY_PHONE.execute(fastsql.connection(), {
            "phone": person.phone, "name_key": person.name_key})]
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
    return db.session.scalar(sa.select(Registration).where(
        Registration.fair_id == fair_id, Registration.attendee_id == attendee_id))


# --- Registering -----------------------------------------------------------------------------------

def lock_fair(fair_id: int, *, now: datetime) -> fair_services.FairState:
    """Read the fair holding the lock that serialises registrations for it, its status brought up to
    date. Must be the first statement of the transaction on SQLite: a read first would pin a snapshot
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


def check_person(raw: dict, *, now: datetime, require_consent: bool = True) \
        -> CleanPerson | RegistrationInvalid | None:
    """The field checks of `register` that need no lock, so that callers can run them before taking
    it: the clean person, or the refusal to raise once the fair's status has been checked; None when
    the person ticked vacancies (those are checked against the fair inside the transaction)."""
    if raw.get("desired_vacancy_ids"):
        return None
    try:
        return validation.clean(raw, today=fair_services.local_day(now), vacancy_ids=set(),
                                require_consent=require_consent)
    except RegistrationInvalid as error:
        return error


def register(fair_id: int, raw: dict, *, channel: Channel, by=None, origin: Origin = SYSTEM,
             now: datetime | None = None, require_consent: bool = True,
             checked: CleanPerson | RegistrationInvalid | None = None) -> Outcome:
    """Register the person described by `raw` (API field names) for the fair. Online registration
    needs a published or open fair with room; walk-in and staff registration only the status.
    `checked`: what check_person(raw, now=now) returned, if the caller ran it. Flushes; the caller
    commits."""
    now = now or utcnow()
    fair = lock_fair(fair_id, now=now)
    if fair.status not in REGISTRABLE:
        raise RegistrationClosed(fair.status)
    if isinstance(checked, RegistrationInvalid):
        raise checked
    person = checked
    if person is None:  # the fair's vacancies are read only when the person ticked some
        ticked = raw.get("desired_vacancy_ids")
        offered = {choice.id for choice in fair_vacancies(fair.id)} if ticked else set()
        person = validation.clean(raw, today=fair_services.local_day(now), vacancy_ids=offered,
                                  require_consent=require_consent)

    attendee, by_citizen_id = find_attendee(person)
    if attendee is not None and by_citizen_id and channel == Channel.ONLINE \
            and attendee.name_key != person.name_key:
        # Online, a citizen ID only finds the record of the person whose name goes with it.
        raise RegistrationInvalid(fields={"citizen_id": validation._message(
            "citizen_id", _l("số này đã được đăng ký với một họ tên khác."))})
    if attendee is not None and (existing := registration_of(fair.id, attendee.id)) is not None:
        _update(attendee, person)
        _flush_or(lambda: None)
        return Outcome(RegistrationRecord.of(existing), created=False)
    if channel == Channel.ONLINE and is_full(fair):
        raise FairFull()

    if attendee is None:
        attendee_id = _create_attendee(person, now)
    else:
        _update(attendee, person)
        if not _flush_or(lambda: None):
            attendee, _found_by_id = find_attendee(person)
        attendee_id = attendee.id
    share = person.consent_share_with_employers
    row = _insert_unless_clash(Registration, {
        "fair_id": fair.id, "attendee_id": attendee_id, "channel": channel,
        "consent_personal_data_version": consent.PERSONAL_DATA_VERSION, "consent_personal_data_at": now,
        "consent_share_version": consent.SHARE_VERSION if share else None,
        "consent_share_at": now if share else None, "desired_jobs": person.desired_jobs,
        "desired_vacancy_ids": person.desired_vacancy_ids or None, "wants_training": person.wants_training,
        "training_wish": person.training_wish, "created_by": getattr(by, "id", None), "created_at": now},
        Registration.id, Registration.ticket_secret, Registration.ticket_nonce)
    if row is None:
        existing = registration_of(fair.id, attendee_id)
        if existing is None:  # the clash was not ours to resolve
            raise DomainError(code="conflict")
        return Outcome(RegistrationRecord.of(existing), created=False)
    registration = RegistrationRecord(row.id, fair.id, attendee_id, channel, row.ticket_secret,
                                      row.ticket_nonce)
    append("registration.create", actor=by, actor_label=None if by else channel.value,
           target=registration, origin=origin, at=now,
           details={"fair_id": fair.id, "attendee_id": attendee_id, "channel": channel.value})
    return Outcome(registration, created=True)


def _create_attendee(person: CleanPerson, now: datetime) -> int:
    """The new person's id; if a concurrent request created them first, that record, updated."""
    values = {name: getattr(person, name) for name in REQUIRED_FIELDS + OPTIONAL_FIELDS}
    row = _insert_unless_clash(Attendee, dict(values, citizen_id=person.citizen_id, created_at=now,
                                              updated_at=now), Attendee.id)
    if row is not None:
        return row.id
    found, _by_id = find_attendee(person)  # created meanwhile by a concurrent request
    if found is None:
        raise DomainError(code="conflict")
    _update(found, person)
    if not _flush_or(lambda: None):
        raise DomainError(code="conflict")
    return found.id


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
        statement = _INSERTS[key] = insert(table).on_conflict_do_nothing().returning(
            *(table.c[column.key] for column in returning))
    return db.session.execute(statement, values).first()


_INSERTS: dict = {}


def _update(attendee: Attendee, person: CleanPerson) -> None:
    for name in REQUIRED_FIELDS:
        if getattr(attendee, name) != getattr(person, name):
            setattr(attendee, name, getattr(person, name))
    for name in OPTIONAL_FIELDS:
        value = getattr(person, name)
        if value is not None and getattr(attendee, name) != value:
            setattr(attendee, name, value)
    if person.citizen_id and attendee.citizen_id is None:
        attendee.citizen_id = person.citizen_id


def _flush_or(change: Callable[[], None], *, discard=None) -> bool:
    savepoint = db.session.begin_nested()
    try:
        change()
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        if discard is not None and discard in db.session:
            db.session.expunge(discard)
        return False
    savepoint.commit()
    return True


# --- Lost tickets ----------------------------------------------------------------------------------

def find_lost_tickets(fair_id: int, phone: str, birth_year: int, *,
                      origin: Origin = SYSTEM) -> list[Registration]:
    """Registrations for the fair of people with this phone and birth year. Every lookup is
    audited (the phone masked), found or not."""
    found = db.session.scalars(
        sa.select(Registration).join(Attendee, Attendee.id == Registration.attendee_id)
        .where(Registration.fair_id == fair_id, Attendee.phone == phone,
               Attendee.birth_year == birth_year).order_by(Registration.id)).all()
    record("registration.lost_ticket_lookup", actor_label="public", origin=origin,
           details={"fair_id": fair_id, "phone": mask_phone(phone), "birth_year": birth_year,
                    "found": len(found)})
    db.session.flush()
    return list(found)


def mask_phone(phone: str) -> str:
    return phone[:3] + "*" * max(len(phone) - 6, 0) + phone[-3:]
