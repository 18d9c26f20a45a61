"""Recording at the booth: who may act for which booth, the ticket scanned there, and the record.

    booth_for(user, fair, employer_id=, school_id=)   the booth a user records for (or an error)
    registration_for_scan(fair, payload)              the ticket scanned at the booth
    registration_for_attendee(booth, attendee_id, by) a person the booth already knows
    record(booth, registration, recording, by=...)    create or update the booth's record
    refer(from_booth, registration, to_booth_id, ...) send the person on to another booth

Who: an employer's or school's own accounts act for their own booth; organisers (fairs of their wards)
and admins for any booth, naming it. Another holder's booth is not found (404), never forbidden, so
nothing tells one employer about another's records.

A record is one per booth and registration: a later visit, or a correction, updates it, and every
version is kept as an entry (InterviewEntry). A client scan id names one entry of an account at a
fair: sent again (a retry, an offline queue uploaded twice) it is the same entry, and nothing changes.

Services flush, never commit."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import contains_eager

from fairapp.attendees.models import Attendee, Registration
from fairapp.audit.services import SYSTEM, Origin
from fairapp.audit.services import record as audit
from fairapp.auth.models import Role
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.checkins.models import CheckIn
from fairapp.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import may_see
from fairapp.interviews.labels import OUTCOME_LABELS
from fairapp.interviews.models import (
    EMPLOYER_OUTCOMES,
    MAX_NOTES_LENGTH,
    MAX_PLACE_LENGTH,
    MAX_REFERRAL_NOTE_LENGTH,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    SCHOOL_OUTCOMES,
    Interview,
    InterviewEntry,
    Outcome,
    Referral,
)
from fairapp.messages import notices
from fairapp.modelbase import utcnow
from fairapp.partners.models import TrainingProgramme, Vacancy
from fairapp.text import clean_name, has_control
from fairapp.tickets import signing
from fairapp.tickets.models import RevokedTicket
from fairapp.transactions import write_point
from fairapp.webhooks import events as webhooks

MAX_SCAN_ID_LENGTH = 64
ONLINE, OFFLINE = "online", "offline"
HOLDERS = (Role.EMPLOYER, Role.SCHOOL)
STAFF = (Role.ADMIN, Role.ORGANISER)


class BoothNotFound(NotFound):
    code = "booth_not_found"
    message = _l("Không tìm thấy gian hàng của đơn vị này tại phiên.")


class BoothNotConfirmed(Conflict):
    code = "booth_not_confirmed"
    message = _l("Gian hàng chưa được ban tổ chức xác nhận nên chưa ghi nhận được.")


class FairNotStarted(Conflict):
    code = "fair_not_open"
    message = _l("Phiên chưa bắt đầu hoặc đã bị huỷ: chưa ghi nhận được.")


class TicketRefused(DomainError):
    """A scanned text that is not a valid ticket of this fair; `code` says which rule."""

    status = 422


def _ticket_error(code: str) -> TicketRefused:
    messages = {
        "invalid": _l("Mã QR không phải vé hợp lệ của hệ thống."),
        "wrong_fair": _l("Vé này của phiên khác, không phải phiên này."),
        "revoked": _l("Vé này đã bị thu hồi hoặc đã được cấp lại."),
    }
    return TicketRefused(messages[code], code=code, fields={"qr_payload": messages[code]})


class NotRegistered(NotFound):
    code = "not_registered"
    message = _l("Người này không đăng ký tham dự phiên này, hoặc gian hàng chưa gặp người này.")


class ReferralRefused(DomainError):
    code = "referral_refused"
    status = 422
    message = _l("Không giới thiệu được sang gian hàng này.")


# --- Who acts for which booth --------------------------------------------------------------------------


def fair_for(user, fair_id: int) -> Fair:
    """The fair, when `user` may record at it: staff within their wards; an employer or a school at a
    fair where it has a booth (404 otherwise, the same as a fair that does not exist)."""
    fair = db.session.get(Fair, fair_id)
    if fair is None:
        raise NotFound()
    if user.role in STAFF:
        if not may_see(user, fair):
            raise NotFound()
        return fair
    if user.role in HOLDERS and _own_booth(user, fair.id) is not None:
        return fair
    raise NotFound()


def _own_booth(user, fair_id: int) -> Booth | None:
    if user.role == Role.EMPLOYER and user.employer_id:
        condition = Booth.employer_id == user.employer_id
    elif user.role == Role.SCHOOL and user.school_id:
        condition = Booth.school_id == user.school_id
    else:
        return None
    return db.session.scalar(sa.select(Booth).where(Booth.fair_id == fair_id, condition))


def booth_for(
    user, fair: Fair, *, employer_id: int | None = None, school_id: int | None = None, confirmed=True
) -> Booth:
    """The booth `user` acts for at `fair`. An employer or school: its own (naming another holder is
    not found). Staff: the booth of the employer or school named. Raises BoothNotFound, Forbidden
    (gate staff), BoothNotConfirmed when `confirmed` and the booth is not confirmed."""
    if user.role in HOLDERS:
        own_id = user.employer_id if user.role == Role.EMPLOYER else user.school_id
        named = employer_id if user.role == Role.EMPLOYER else school_id
        other = school_id if user.role == Role.EMPLOYER else employer_id
        if other is not None or (named is not None and named != own_id):
            raise BoothNotFound()
        booth = _own_booth(user, fair.id)
    elif user.role in STAFF:
        if (employer_id is None) == (school_id is None):
            raise ValidationError(
                _l("Hãy chọn một doanh nghiệp hoặc một cơ sở đào tạo."),
                fields={"employer_id": _l("employer_id hoặc school_id: bắt buộc, chỉ một trong hai.")},
            )
        column, value = (Booth.employer_id, employer_id) if employer_id else (Booth.school_id, school_id)
        booth = db.session.scalar(sa.select(Booth).where(Booth.fair_id == fair.id, column == value))
    else:
        raise Forbidden()
    if booth is None or booth.status == BoothStatus.CANCELLED:
        raise BoothNotFound()
    if confirmed and booth.status != BoothStatus.CONFIRMED:
        raise BoothNotConfirmed()
    return booth


_OWN_BOOTH = {
    role: sa.select(Booth)
    .join(Booth.fair)
    .options(contains_eager(Booth.fair))
    .where(Booth.fair_id == sa.bindparam("fair_id"), holder == sa.bindparam("holder_id"))
    for role, holder in ((Role.EMPLOYER, Booth.employer_id), (Role.SCHOOL, Booth.school_id))
}


def booth_at(
    user, fair_id: int, *, employer_id: int | None = None, school_id: int | None = None, confirmed=True
) -> Booth:
    """fair_for and booth_for in one: the booth `user` records for at the fair, its fair loaded with
    it (an employer's or school's own booth in one query). The same errors as those two."""
    if user.role not in HOLDERS:
        return booth_for(
            user, fair_for(user, fair_id), employer_id=employer_id, school_id=school_id, confirmed=confirmed
        )
    own_id = user.employer_id if user.role == Role.EMPLOYER else user.school_id
    named = employer_id if user.role == Role.EMPLOYER else school_id
    other = school_id if user.role == Role.EMPLOYER else employer_id
    booth = (
        db.session.scalar(_OWN_BOOTH[user.role], {"fair_id": fair_id, "holder_id": own_id})
        if own_id
        else None
    )
    if booth is None:
        raise NotFound()  # as fair_for: no booth here, no such fair for this account
    if other is not None or (named is not None and named != own_id) or booth.status == BoothStatus.CANCELLED:
        raise BoothNotFound()
    if confirmed and booth.status != BoothStatus.CONFIRMED:
        raise BoothNotConfirmed()
    return booth


def may_act_for(user, booth: Booth) -> bool:
    """Whether `user` may see and change `booth`'s records."""
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.ORGANISER:
        return may_see(user, booth.fair)
    if user.role == Role.EMPLOYER:
        return booth.employer_id is not None and booth.employer_id == user.employer_id
    if user.role == Role.SCHOOL:
        return booth.school_id is not None and booth.school_id == user.school_id
    return False


def get_booth(user, booth_id: int) -> Booth:
    """A booth `user` may act for (404 for anyone else's)."""
    booth = db.session.get(Booth, booth_id)
    if booth is None or not may_act_for(user, booth):
        raise BoothNotFound()
    return booth


# --- The person ------------------------------------------------------------------------------------


# The scanned ticket's registration with its person, and whether that ticket is on the revocation list.
_SCANNED = (
    sa.select(
        Registration,
        Attendee.erased_at,
        sa.exists().where(
            RevokedTicket.registration_id == Registration.id, RevokedTicket.nonce == sa.bindparam("nonce")
        ),
    )
    .join(Attendee, Attendee.id == Registration.attendee_id)
    .where(Registration.id == sa.bindparam("registration_id"))
)


def registration_for_scan(fair: Fair, payload: str) -> Registration:
    """The registration of a ticket scanned at a booth of `fair`. Raises TicketRefused with code invalid
    (not a genuine ticket, or its person's data was erased), wrong_fair or revoked."""
    if not isinstance(payload, str) or len(payload) > signing.MAX_LENGTH + 8:
        raise _ticket_error("invalid")
    try:
        claims = signing.verify(payload.strip())
    except signing.InvalidTicket:
        raise _ticket_error("invalid") from None
    if claims.fair_id != fair.id:
        raise _ticket_error("wrong_fair")
    found = db.session.execute(
        _SCANNED, {"registration_id": claims.registration_id, "nonce": claims.nonce}
    ).first()
    if found is None:
        raise _ticket_error("invalid")
    registration, erased_at, revoked = found
    if registration.fair_id != fair.id or erased_at is not None:
        raise _ticket_error("invalid")
    if registration.ticket_nonce != claims.nonce or revoked:
        raise _ticket_error("revoked")
    return registration


def registration_for_attendee(booth: Booth, attendee_id: int, *, by) -> Registration:
    """The registration of `attendee_id` at the booth's fair, without a scan. Staff may name anyone
    registered; an employer or school only someone its booth already recorded or was referred
    (so an id cannot be used to find people the booth never met). NotRegistered otherwise."""
    registration = db.session.scalar(
        sa.select(Registration).where(
            Registration.fair_id == booth.fair_id, Registration.attendee_id == attendee_id
        )
    )
    if registration is None or registration.attendee.erased_at is not None:
        raise NotRegistered()
    if by.role in HOLDERS and not knows(booth, registration.id):
        raise NotRegistered()
    return registration


def knows(booth: Booth, registration_id: int) -> bool:
    """The booth has recorded this person, or another booth referred them to it."""
    recorded = sa.exists().where(Interview.booth_id == booth.id, Interview.registration_id == registration_id)
    referred = sa.exists().where(
        Referral.to_booth_id == booth.id, Referral.registration_id == registration_id
    )
    return bool(db.session.scalar(sa.select(sa.or_(recorded, referred))))


def knows_record(booth: Booth, registration_id: int) -> bool:
    """The booth has recorded this person."""
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    Interview.booth_id == booth.id, Interview.registration_id == registration_id
                )
            )
        )
    )


def is_checked_in(registration_id: int) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(CheckIn.registration_id == registration_id))))


# --- What is recorded ------------------------------------------------------------------------------


@dataclass
class Recording:
    """What a booth records about a person, as sent (checked by `check`). `given`: the names of the
    optional fields the sender set (None: all of them, a whole form); a field not given keeps what
    the booth's record holds (an offline phone, which cannot know the record, sends only what was
    entered; a field given as None clears it)."""

    outcome: str
    vacancy_id: int | None = None
    programme_id: int | None = None
    rating: int | None = None
    notes: str | None = None
    tags: list[str] = field(default_factory=list)
    next_step_at: datetime | None = None
    next_step_place: str | None = None
    intake_date: date | None = None
    given: frozenset[str] | None = None


OPTIONAL_FIELDS = (
    "vacancy_id",
    "programme_id",
    "rating",
    "notes",
    "tags",
    "next_step_at",
    "next_step_place",
    "intake_date",
)


def _merged(recording: Recording, interview: Interview | None) -> Recording:
    """The recording with every optional field not given taken from the booth's record."""
    if recording.given is None or interview is None:
        return recording
    kept = {name: getattr(interview, name) for name in OPTIONAL_FIELDS if name not in recording.given}
    if "tags" in kept:
        kept["tags"] = list(kept["tags"] or [])
    return replace(recording, **kept, given=None)


def check(booth: Booth, recording: Recording) -> Recording:
    """The recording cleaned, or ValidationError naming every field that breaks a rule: the outcome
    must suit the booth's kind, the vacancy be the employer's and offered at this fair, the programme
    the school's, the rating 1–5, the notes and place within their lengths, at most MAX_TAGS tags."""
    errors = {}
    outcomes = EMPLOYER_OUTCOMES if booth.employer_id else SCHOOL_OUTCOMES
    if recording.outcome not in {o.value for o in outcomes}:
        errors["outcome"] = _l(
            "Kết quả: với gian hàng này chỉ được chọn %(allowed)s.",
            allowed=", ".join(str(OUTCOME_LABELS[o]) for o in outcomes),
        )
    if booth.employer_id:
        if recording.programme_id is not None:
            errors["programme_id"] = _l("Ngành đào tạo: chỉ dành cho gian hàng của cơ sở đào tạo.")
        if recording.intake_date is not None:
            errors["intake_date"] = _l("Ngày nhập học: chỉ dành cho gian hàng của cơ sở đào tạo.")
        if recording.vacancy_id is not None and not _offered(booth, recording.vacancy_id):
            errors["vacancy_id"] = _l(
                "Vị trí tuyển dụng: phải là vị trí của doanh nghiệp, tuyển tại phiên này."
            )
    else:
        if recording.vacancy_id is not None:
            errors["vacancy_id"] = _l("Vị trí tuyển dụng: chỉ dành cho gian hàng của doanh nghiệp.")
        if recording.programme_id is not None and not _teaches(booth, recording.programme_id):
            errors["programme_id"] = _l("Ngành đào tạo: phải là ngành của cơ sở đào tạo này.")
        if recording.outcome == Outcome.ENROLLED and recording.programme_id is None:
            errors["programme_id"] = _l("Ngành đào tạo: bắt buộc khi ghi nhận đăng ký học nghề.")
    if recording.rating is not None and not (
        isinstance(recording.rating, int)
        and not isinstance(recording.rating, bool)
        and 1 <= recording.rating <= 5
    ):
        errors["rating"] = _l("Đánh giá: số nguyên từ 1 đến 5.")
    notes = (recording.notes or "").strip() or None
    if notes is not None and len(notes) > MAX_NOTES_LENGTH:
        errors["notes"] = _l("Ghi chú: tối đa %(limit)s ký tự.", limit=MAX_NOTES_LENGTH)
    elif has_control(notes):
        errors["notes"] = _l("Ghi chú: không được chứa ký tự điều khiển.")
    place = clean_name(recording.next_step_place) or None
    if place is not None and len(place) > MAX_PLACE_LENGTH:
        errors["next_step_place"] = _l("Địa điểm hẹn: tối đa %(limit)s ký tự.", limit=MAX_PLACE_LENGTH)
    elif has_control(place):
        errors["next_step_place"] = _l("Địa điểm hẹn: không được chứa ký tự điều khiển.")
    tags = _tags(recording.tags)
    if tags is None:
        errors["tags"] = _l(
            "Nhãn: tối đa %(count)s nhãn, mỗi nhãn tối đa %(limit)s ký tự.",
            count=MAX_TAGS,
            limit=MAX_TAG_LENGTH,
        )
    if recording.next_step_at is not None and recording.next_step_at.tzinfo is None:
        errors["next_step_at"] = _l("Lịch hẹn: thời điểm có múi giờ.")
    if errors:
        raise ValidationError(next(iter(errors.values())), fields=errors)
    return Recording(
        outcome=Outcome(recording.outcome),
        vacancy_id=recording.vacancy_id,
        programme_id=recording.programme_id,
        rating=recording.rating,
        notes=notes,
        tags=tags,
        next_step_at=recording.next_step_at,
        next_step_place=place,
        intake_date=recording.intake_date,
    )


def _tags(values) -> list[str] | None:
    if values is None:
        return []
    if not isinstance(values, list | tuple) or len(values) > MAX_TAGS:
        return None
    tags = []
    for value in values:
        if not isinstance(value, str):
            return None
        tag = clean_name(value)
        if len(tag) > MAX_TAG_LENGTH or has_control(tag):
            return None
        if tag and tag not in tags:
            tags.append(tag)
    return tags


_OFFERED = (
    sa.select(Vacancy.id)
    .join(VacancyOffer, VacancyOffer.vacancy_id == Vacancy.id)
    .where(
        Vacancy.id == sa.bindparam("vacancy_id"),
        Vacancy.employer_id == sa.bindparam("employer_id"),
        VacancyOffer.fair_id == sa.bindparam("fair_id"),
    )
)


def _offered(booth: Booth, vacancy_id: int) -> bool:
    params = {"vacancy_id": vacancy_id, "employer_id": booth.employer_id, "fair_id": booth.fair_id}
    return db.session.scalar(_OFFERED, params) is not None


def _teaches(booth: Booth, programme_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    TrainingProgramme.id == programme_id, TrainingProgramme.school_id == booth.school_id
                )
            )
        )
    )


# --- Recording -------------------------------------------------------------------------------------


@dataclass
class Recorded:
    interview: Interview
    created: bool  # the booth's first record of this person
    repeated: bool  # the scan id was sent before: nothing changed


def record(
    booth: Booth,
    registration: Registration,
    recording: Recording,
    *,
    by,
    scan_id: str | None = None,
    source: str = ONLINE,
    device_time: datetime | None = None,
    checked_in: bool | None = None,
    now: datetime | None = None,
    origin: Origin = SYSTEM,
) -> Recorded:
    """Record (or update) the booth's record of the person. Raises FairNotStarted (a fair not yet
    started, or cancelled), ValidationError (check's rules, on the record as it will be); a repeated
    scan id returns the record it made, unchanged. `checked_in`: whether the person was admitted at
    the entrance, when the caller knows (else read here), kept on a new record.

    Races are settled by the database without SAVEPOINTs: the record's row is locked when it exists
    (SQLite: the whole database, taken at write_point), a new one is INSERT … ON CONFLICT DO NOTHING
    (a twin request's first record wins and this one updates it), and the history entry is INSERT …
    ON CONFLICT DO NOTHING on the scan id (a twin request with the same scan id wins: this one is the
    same entry and changes nothing)."""
    now = now or utcnow()
    fair = booth.fair
    if fair.status_at(now) not in (FairStatus.OPEN, FairStatus.CLOSED):
        raise FairNotStarted()
    if scan_id is not None and not (isinstance(scan_id, str) and 0 < len(scan_id) <= MAX_SCAN_ID_LENGTH):
        raise ValidationError(
            fields={"scan_id": _l("scan_id: tối đa %(limit)s ký tự.", limit=MAX_SCAN_ID_LENGTH)}
        )
    write_point()  # SQLite: the writer's turn first, so the reads below see what the write will see
    interview = _locked_record(booth, registration)
    try:
        checked = check(booth, _merged(recording, interview))
    except ValidationError:
        # A replay of an entry made when the rules were met (an offline batch sent again after the
        # vacancy stopped being offered) is still the same entry, not a refusal.
        if (earlier := _entry(scan_id, by, fair.id)) is not None:
            return Recorded(earlier.interview, created=False, repeated=True)
        raise
    created = False
    if interview is None:
        if checked_in is None:
            checked_in = is_checked_in(registration.id)
        interview = _create(booth, registration, checked, by, now, checked_in)
        created = interview is not None
        if not created:  # a twin request's first record won the race (PostgreSQL): update it
            interview = _locked_record(booth, registration)
            checked = check(booth, _merged(recording, interview))
    entry_id = _new_entry(interview, checked, by, scan_id, source, device_time, now)
    if entry_id is None:
        if created:  # the scan id was used before for someone else: this new record is not kept
            db.session.delete(interview)
        earlier = _entry(scan_id, by, fair.id)
        return Recorded(earlier.interview, created=False, repeated=True)
    earlier_step = None if created else interview.next_step_at
    if not created:
        _apply(interview, checked, by, now)
    audit(
        "interview.record" if created else "interview.update",
        actor=by,
        target=interview,
        origin=origin,
        details={
            "fair_id": fair.id,
            "booth_id": booth.id,
            "outcome": checked.outcome.value,
            "vacancy_id": checked.vacancy_id,
            "programme_id": checked.programme_id,
            "source": source,
        },
    )
    webhooks.emit(
        webhooks.INTERVIEW_RECORDED,
        f"{webhooks.INTERVIEW_RECORDED}-{entry_id}",
        data={
            "interview_id": interview.id,
            "version_id": entry_id,
            "first_record": created,
            "booth_id": booth.id,
            "employer_id": booth.employer_id,
            "school_id": booth.school_id,
            "outcome": checked.outcome.value,
            "vacancy_id": checked.vacancy_id,
            "programme_id": checked.programme_id,
            "recorded_at": webhooks.iso(now),
            "source": source,
        },
        at=now,
        fair_id=fair.id,
        registration_id=registration.id,
    )
    if checked.next_step_at is not None and checked.next_step_at != earlier_step:
        notices.appointment_set(interview, booth, registration, now=now)  # the person is told once
    db.session.flush()
    return Recorded(interview, created=created, repeated=False)


# The hot path's statements, built once per database (SQLAlchemy caches their compiled form): the
# record's row locked, a new record and a history entry each INSERT … ON CONFLICT DO NOTHING RETURNING.
_RECORD_FIELDS = (
    "outcome",
    "vacancy_id",
    "programme_id",
    "rating",
    "notes",
    "tags",
    "next_step_at",
    "next_step_place",
    "intake_date",
)
_NEW_RECORD = (
    "fair_id",
    "booth_id",
    "employer_id",
    "school_id",
    "registration_id",
    "attendee_id",
    "not_checked_in",
    "created_by",
    "created_at",
    *_RECORD_FIELDS,
)
_NEW_ENTRY = (
    "interview_id",
    "fair_id",
    "by_user_id",
    "scan_id",
    "source",
    "device_time",
    "recorded_at",
    *_RECORD_FIELDS,
)
_LOCKED_RECORD = (
    sa.select(Interview)
    .where(
        Interview.booth_id == sa.bindparam("booth_id"),
        Interview.registration_id == sa.bindparam("registration_id"),
    )
    .with_for_update()
    .execution_options(populate_existing=True)
)
_STATEMENTS: dict[str, tuple] = {}


def _statements() -> tuple:
    """(new record, new entry) for the session's database."""
    dialect = db.session.get_bind().dialect.name
    if dialect not in _STATEMENTS:
        insert = (postgresql if dialect == "postgresql" else sqlite).insert

        def values(table: sa.Table, columns) -> dict:
            return {column: sa.bindparam(column, type_=table.c[column].type) for column in columns}

        records, entries = Interview.__table__, InterviewEntry.__table__
        new_record = (
            insert(records)
            .values(values(records, _NEW_RECORD))
            .on_conflict_do_nothing(index_elements=["booth_id", "registration_id"])
            .returning(*records.c)
        )
        new_entry = (
            insert(entries)
            .values(values(entries, _NEW_ENTRY))
            .on_conflict_do_nothing(index_elements=["scan_id", "by_user_id", "fair_id"])
            .returning(entries.c.id)
        )
        _STATEMENTS[dialect] = (sa.select(Interview).from_statement(new_record), new_entry)
    return _STATEMENTS[dialect]


def _locked_record(booth: Booth, registration: Registration) -> Interview | None:
    return db.session.scalar(_LOCKED_RECORD, {"booth_id": booth.id, "registration_id": registration.id})


def _create(booth, registration, checked: Recording, by, now, checked_in: bool) -> Interview | None:
    """The booth's new record of the person, or None when one exists already (a race lost)."""
    values = {
        "fair_id": booth.fair_id,
        "booth_id": booth.id,
        "employer_id": booth.employer_id,
        "school_id": booth.school_id,
        "registration_id": registration.id,
        "attendee_id": registration.attendee_id,
        "not_checked_in": not checked_in,
        "created_by": getattr(by, "id", None),
        "created_at": now,
        **_fields(checked),
    }
    return db.session.scalars(_statements()[0], values).first()


def _new_entry(interview, checked: Recording, by, scan_id, source, device_time, now) -> int | None:
    """The history entry of this version (its id); None when the scan id was sent before (nothing
    written)."""
    values = {
        "interview_id": interview.id,
        "fair_id": interview.fair_id,
        "by_user_id": getattr(by, "id", None),
        "scan_id": scan_id,
        "source": source,
        "device_time": device_time,
        "recorded_at": now,
        **_fields(checked),
    }
    return db.session.execute(_statements()[1], values).scalar()


def _fields(checked: Recording) -> dict:
    return {
        "outcome": checked.outcome,
        "vacancy_id": checked.vacancy_id,
        "programme_id": checked.programme_id,
        "rating": checked.rating,
        "notes": checked.notes,
        "tags": list(checked.tags),
        "next_step_at": checked.next_step_at,
        "next_step_place": checked.next_step_place,
        "intake_date": checked.intake_date,
    }


def _entry(scan_id: str | None, by, fair_id: int) -> InterviewEntry | None:
    if scan_id is None:
        return None
    return db.session.scalar(
        sa.select(InterviewEntry).where(
            InterviewEntry.scan_id == scan_id,
            InterviewEntry.by_user_id == getattr(by, "id", None),
            InterviewEntry.fair_id == fair_id,
        )
    )


def _apply(interview: Interview, recording: Recording, by, now: datetime) -> None:
    interview.outcome = recording.outcome
    interview.vacancy_id = recording.vacancy_id
    interview.programme_id = recording.programme_id
    interview.rating = recording.rating
    interview.notes = recording.notes
    interview.tags = list(recording.tags)
    interview.next_step_at = recording.next_step_at
    interview.next_step_place = recording.next_step_place
    interview.intake_date = recording.intake_date
    interview.updated_by = getattr(by, "id", None)
    interview.updated_at = now


def get_interview(user, interview_id: int) -> Interview:
    """A record `user` may see (404 for another holder's)."""
    interview = db.session.get(Interview, interview_id)
    if interview is None or not may_act_for(user, interview.booth):
        raise NotFound()
    return interview


# --- Referrals ---------------------------------------------------------------------------------------


def refer(
    from_booth: Booth,
    registration: Registration,
    to_booth_id: int,
    *,
    note: str | None = None,
    by,
    origin: Origin = SYSTEM,
) -> Referral:
    """Refer the person to another confirmed booth of the same fair. Raises ReferralRefused (the same
    booth, another fair's, not confirmed, a note too long); referring twice keeps the first."""
    to_booth = db.session.get(Booth, to_booth_id)
    if (
        to_booth is None
        or to_booth.id == from_booth.id
        or to_booth.fair_id != from_booth.fair_id
        or to_booth.status != BoothStatus.CONFIRMED
    ):
        raise ReferralRefused(
            fields={"to_booth_id": _l("Gian hàng nhận: một gian hàng khác đã xác nhận của cùng phiên.")}
        )
    note = (note or "").strip() or None
    if note is not None and (len(note) > MAX_REFERRAL_NOTE_LENGTH or has_control(note)):
        raise ReferralRefused(
            _l(
                "Lời nhắn: tối đa %(limit)s ký tự, không có ký tự điều khiển.", limit=MAX_REFERRAL_NOTE_LENGTH
            ),
            fields={
                "note": _l(
                    "Lời nhắn: tối đa %(limit)s ký tự, không có ký tự điều khiển.",
                    limit=MAX_REFERRAL_NOTE_LENGTH,
                )
            },
        )
    query = sa.select(Referral).where(
        Referral.registration_id == registration.id,
        Referral.from_booth_id == from_booth.id,
        Referral.to_booth_id == to_booth.id,
    )
    write_point()  # SQLite: the writer's turn before the read and the savepoint below
    existing = db.session.scalar(query)
    if existing is not None:
        return existing
    referral = Referral(
        fair_id=from_booth.fair_id,
        registration_id=registration.id,
        from_booth_id=from_booth.id,
        to_booth_id=to_booth.id,
        note=note,
        created_by=getattr(by, "id", None),
    )
    try:
        with db.session.begin_nested():
            db.session.add(referral)
            db.session.flush()
    except sa.exc.IntegrityError:
        return db.session.scalar(query)
    audit(
        "interview.refer",
        actor=by,
        target=referral,
        origin=origin,
        details={"fair_id": from_booth.fair_id, "from_booth_id": from_booth.id, "to_booth_id": to_booth.id},
    )
    db.session.flush()
    return referral


def referrals_to(booth: Booth) -> list[Referral]:
    """Who other booths sent to this one, newest first."""
    return db.session.scalars(
        sa.select(Referral).where(Referral.to_booth_id == booth.id).order_by(Referral.id.desc())
    ).all()


def referral_targets(booth: Booth) -> list[Booth]:
    """The other confirmed booths of the fair, to refer someone to."""
    return db.session.scalars(
        sa.select(Booth)
        .where(Booth.fair_id == booth.fair_id, Booth.id != booth.id, Booth.status == BoothStatus.CONFIRMED)
        .order_by(Booth.label, Booth.id)
    ).all()
