"""Check-in rules (after pretix's check-in service): guard clauses, results as codes, the audit entry in
the same transaction, the database deciding races.

    check_in(fair, payload, ...)             a scanned ticket (scanner online, offline sync)
    check_in_registration(registration, ...) kiosk, walk-in, manual: no payload scanned
    fair_counts(fair)                        registered and checked in, by priority group

Results (never exceptions, for any input): ok, already_checked_in, invalid, wrong_fair, revoked,
fair_not_open. Guards run in that order of cost: the payload (invalid), its fair (wrong_fair), the fair's
status (fair_not_open), the registration (invalid if gone), its nonce (revoked), then the insert.

Races: one check-in per registration is the UNIQUE registration_id of check_ins; the insert is
INSERT … ON CONFLICT DO NOTHING RETURNING id, and no id back means someone else admitted the ticket first
(already_checked_in). A client scan id is UNIQUE per account and fair on scans (inserted the same way): the
same account repeating a scan id at the same fair gets the first scan's answer, also when the two requests
race (the loser deletes the check-in it had just inserted, in its own uncommitted transaction, and reads
the winner's row). Anyone else sending that scan id, or the same account at another fair, makes a fresh
scan: a stored answer (a name, a priority flag) goes back only to whoever got it first. A scan made
without an account (the kiosk) has a server-made id and never repeats.

Cost: a gate admits a person in well under a millisecond of CPU. The hot path reads and writes the
tables with Core statements built once (no ORM unit of work, no SAVEPOINT), the fair is a FairState (its
status columns, not the whole object), a genuine payload's signature is checked once per process
(fairapp.tickets.signing caches it), and the outcome is plain data.

Clocks: online, the server's time is the check-in time; the device's time is stored with its skew and a
skew over CLOCK_SKEW_LIMIT is flagged "clock_skew". Offline scans (source "offline") are facts that
already happened: their device time is kept as the check-in time (never later than the server's time),
and a scan whose device time lies in the future beyond the limit, or whose batch reported a device
clock off by more than the limit, is flagged.

Offline conflicts: a ticket admitted by two devices while both were offline reaches the server twice.
The first upload creates the check-in (whatever the device times say); the later one is kept as a scan
with result already_checked_in, flagged "offline_duplicate". Nothing is lost or silently dropped.

Services flush, never commit."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, PriorityGroup, Registration
from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.checkins.models import SCAN_KEY, CheckIn, Device, Scan
from fairapp.errors import NotFound
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import FairState, WardNotAllowed, fair_state, may_see
from fairapp.modelbase import utcnow
from fairapp.tickets import signing
from fairapp.tickets.models import RevokedTicket
from fairapp.transactions import write_point
from fairapp.webhooks import events as webhooks

OK = "ok"
ALREADY_CHECKED_IN = "already_checked_in"
INVALID = "invalid"
WRONG_FAIR = "wrong_fair"
REVOKED = "revoked"
FAIR_NOT_OPEN = "fair_not_open"
RESULTS = (OK, ALREADY_CHECKED_IN, INVALID, WRONG_FAIR, REVOKED, FAIR_NOT_OPEN)

MAX_PAYLOAD_LENGTH = 512  # anything longer is refused before any parsing
MAX_SCAN_ID_LENGTH = 64
CLOCK_SKEW_LIMIT = timedelta(minutes=5)
FLAG_CLOCK_SKEW = "clock_skew"
FLAG_OFFLINE_DUPLICATE = "offline_duplicate"
OFFLINE = "offline"


@dataclass
class ScanOutcome:
    """The answer to one scan, as plain data (it outlives the transaction)."""

    result: str
    scan_id: str | None = None
    flagged: bool = False
    registration_id: int | None = None
    name: str | None = None  # the attendee's, when the ticket named a registration
    priority: bool = False  # a priority household (poor, near-poor, escaped poverty)
    checked_in_at: datetime | None = None  # when admitted, or first admitted
    first_scan: bool = True  # False: the answer stored for an earlier scan with the same scan id

    @property
    def admitted(self) -> bool:
        return self.result == OK


def fair_gate(user, fair_id: int, *, now: datetime | None = None) -> FairState:
    """The fair `user` scans for, with its status in effect now: NotFound, or WardNotAllowed for an
    organiser of other wards (fairs.services.get_fair_for's rules, in one Core query)."""
    state = fair_state(fair_id, now=now)
    if state is None:
        raise NotFound()
    if not may_see(user, state):
        raise WardNotAllowed()
    return state


@dataclass
class _Scan:
    """What is known about one scan while the guards run."""

    fair_id: int | None
    by: object
    device: Device | None
    scan_id: str
    gate: str | None
    scanned_at: datetime | None
    source: str
    now: datetime
    digest: str | None
    flags: list[str]
    skew: int | None = None


# --- Scanned tickets -----------------------------------------------------------------------------------


def check_in(
    fair: Fair | FairState,
    payload: str,
    *,
    by,
    device: Device | None = None,
    scan_id: str | None = None,
    gate: str | None = None,
    scanned_at: datetime | None = None,
    source: str = "scanner",
    now: datetime | None = None,
    device_skew: timedelta | None = None,
    origin: Origin = SYSTEM,
) -> ScanOutcome:
    """Admit the ticket `payload` to `fair`, or say why not. Never raises for any payload.
    `device_skew`: for an offline batch, how far the device's clock was from ours when it uploaded."""
    now = now or utcnow()
    fair = fair if isinstance(fair, FairState) else FairState.of(fair)
    # A scan id this account already used at this fair is found by the scan's own INSERT (its UNIQUE
    # key), which then answers as the first scan was answered: no read for it beforehand.
    scan = _new_scan(
        fair.id,
        by=by,
        device=device,
        scan_id=scan_id,
        gate=gate,
        scanned_at=scanned_at,
        source=source,
        now=now,
        payload=payload,
        device_skew=device_skew,
    )

    # Guard: the payload itself
    if not isinstance(payload, str) or not payload or len(payload) > MAX_PAYLOAD_LENGTH:
        return _refuse(scan, INVALID)
    try:
        claims = signing.verify(payload)
    except signing.InvalidTicket:
        return _refuse(scan, INVALID)

    # Guard: the fair
    if claims.fair_id != fair.id:
        return _refuse(scan, WRONG_FAIR)
    if not _fair_admits(fair, scan):
        return _refuse(scan, FAIR_NOT_OPEN)

    # Guard: the registration and its ticket (one query: registration, attendee, check-in, revocation)
    row = db.session.execute(
        _TICKET_QUERY, {"registration_id": claims.registration_id, "nonce": claims.nonce}
    ).first()
    if row is None:
        return _refuse(scan, INVALID)
    (
        registration_id,
        fair_id,
        ticket_nonce,
        full_name,
        priority_group,
        check_in_id,
        checked_in_at,
        check_in_device_id,
        revoked,
    ) = row
    if fair_id != fair.id:
        return _refuse(scan, INVALID)
    ticket = _Ticket(registration_id, full_name, priority_group != PriorityGroup.NONE, claims.nonce)
    existing = _Existing(check_in_id, checked_in_at, check_in_device_id) if check_in_id is not None else None
    if revoked or claims.nonce != ticket_nonce:
        return _refuse(scan, REVOKED, ticket)
    return _admit(scan, ticket, existing, origin=origin)


def check_in_registration(
    registration: Registration,
    *,
    by,
    source: str,
    device: Device | None = None,
    scan_id: str | None = None,
    now: datetime | None = None,
    origin: Origin = SYSTEM,
) -> ScanOutcome:
    """Admit a registration where no ticket is scanned (kiosk, walk-in, manual). Results: ok,
    already_checked_in, fair_not_open; a repeated scan id gets the first answer."""
    now = now or utcnow()
    if (
        scan_id is not None
        and (stored := stored_outcome(scan_id, by=by, fair_id=registration.fair_id)) is not None
    ):
        return stored
    scan = _new_scan(
        registration.fair_id,
        by=by,
        device=device,
        scan_id=scan_id,
        gate=None,
        scanned_at=None,
        source=source,
        now=now,
        payload=None,
    )
    attendee = registration.attendee
    ticket = _Ticket(registration.id, attendee.full_name, attendee.priority_group != PriorityGroup.NONE)
    if not _fair_admits(FairState.of(registration.fair), scan):
        return _refuse(scan, FAIR_NOT_OPEN, ticket)
    return _admit(scan, ticket, _existing(registration.id), origin=origin)


def stored_outcome(scan_id: str, *, by, fair_id: int | None) -> ScanOutcome | None:
    """The answer an earlier scan with this client scan id got, if the account `by` made it at this
    fair; else None (a scan by another account, at another fair, or without an account is not this
    one: its answer is not given out)."""
    user_id = getattr(by, "id", None)
    if (
        not isinstance(scan_id, str)
        or not scan_id
        or len(scan_id) > MAX_SCAN_ID_LENGTH
        or user_id is None
        or fair_id is None
    ):
        return None
    row = db.session.execute(
        _STORED_QUERY, {"scan_id": scan_id, "by_user_id": user_id, "fair_id": fair_id}
    ).first()
    if row is None:
        return None
    result, flagged, registration_id, full_name, priority_group, checked_in_at = row
    return ScanOutcome(
        result,
        scan_id=scan_id,
        flagged=bool(flagged),
        registration_id=registration_id if full_name is not None else None,
        name=full_name,
        priority=priority_group not in (None, PriorityGroup.NONE),
        checked_in_at=checked_in_at,
        first_scan=False,
    )


@dataclass(frozen=True)
class _Ticket:
    """The registration a scan concerns, as the answer shows it, and the nonce its QR carried (None
    where no ticket was scanned)."""

    registration_id: int
    name: str
    priority: bool
    nonce: str | None = None


@dataclass(frozen=True)
class _Existing:
    """The registration's check-in, if it has one."""

    id: int
    checked_in_at: datetime
    device_id: int | None


_REGISTRATIONS, _ATTENDEES = Registration.__table__, Attendee.__table__
_CHECK_INS, _SCANS, _REVOKED = CheckIn.__table__, Scan.__table__, RevokedTicket.__table__

# Built once (only the parameters change): registration, attendee, check-in and revocation by id.
_TICKET_QUERY = (
    sa.select(
        _REGISTRATIONS.c.id,
        _REGISTRATIONS.c.fair_id,
        _REGISTRATIONS.c.ticket_nonce,
        _ATTENDEES.c.full_name,
        _ATTENDEES.c.priority_group,
        _CHECK_INS.c.id.label("check_in_id"),
        _CHECK_INS.c.checked_in_at,
        _CHECK_INS.c.device_id.label("check_in_device_id"),
        sa.exists()
        .where(_REVOKED.c.registration_id == _REGISTRATIONS.c.id, _REVOKED.c.nonce == sa.bindparam("nonce"))
        .label("revoked"),
    )
    .join(_ATTENDEES, _REGISTRATIONS.c.attendee_id == _ATTENDEES.c.id)
    .outerjoin(_CHECK_INS, _CHECK_INS.c.registration_id == _REGISTRATIONS.c.id)
    .where(_REGISTRATIONS.c.id == sa.bindparam("registration_id"))
)

# The first scan with a client scan id by this account at this fair (the UNIQUE key of scans), with what
# its answer showed.
_STORED_QUERY = (
    sa.select(
        _SCANS.c.result,
        _SCANS.c.flagged,
        _SCANS.c.registration_id,
        _ATTENDEES.c.full_name,
        _ATTENDEES.c.priority_group,
        _CHECK_INS.c.checked_in_at,
    )
    .select_from(_SCANS)
    .outerjoin(_REGISTRATIONS, _REGISTRATIONS.c.id == _SCANS.c.registration_id)
    .outerjoin(_ATTENDEES, _ATTENDEES.c.id == _REGISTRATIONS.c.attendee_id)
    .outerjoin(_CHECK_INS, _CHECK_INS.c.registration_id == _SCANS.c.registration_id)
    .where(
        _SCANS.c.scan_id == sa.bindparam("scan_id"),
        _SCANS.c.by_user_id == sa.bindparam("by_user_id"),
        _SCANS.c.fair_id == sa.bindparam("fair_id"),
    )
)

_EXISTING_QUERY = sa.select(_CHECK_INS.c.id, _CHECK_INS.c.checked_in_at, _CHECK_INS.c.device_id).where(
    _CHECK_INS.c.registration_id == sa.bindparam("registration_id")
)


def _existing(registration_id: int) -> _Existing | None:
    row = db.session.execute(_EXISTING_QUERY, {"registration_id": registration_id}).first()
    return _Existing(*row) if row is not None else None


def _new_scan(
    fair_id,
    *,
    by,
    device,
    scan_id,
    gate,
    scanned_at,
    source,
    now,
    payload,
    device_skew: timedelta | None = None,
) -> _Scan:
    flags: list[str] = []
    skew = None
    if scanned_at is not None:
        if source == OFFLINE:
            # An offline scan happened earlier; only a device time in the future, or a clock the
            # device reported as off when it uploaded, says the clock is wrong.
            off = device_skew if device_skew is not None else max(scanned_at - now, timedelta(0))
        else:
            off = scanned_at - now
        skew = round(off.total_seconds())
        if abs(off) > CLOCK_SKEW_LIMIT:
            flags.append(FLAG_CLOCK_SKEW)
    digest = None
    if isinstance(payload, str):
        digest = hashlib.sha256(payload[: MAX_PAYLOAD_LENGTH * 4].encode("utf-8", "replace")).hexdigest()
    return _Scan(
        fair_id=fair_id,
        by=by,
        device=device,
        scan_id=scan_id or uuid.uuid4().hex,
        gate=gate,
        scanned_at=scanned_at,
        source=source,
        now=now,
        digest=digest,
        flags=flags,
        skew=skew,
    )


def _fair_admits(fair: FairState, scan: _Scan) -> bool:
    """Open now (its status in effect at the scan's time), or, for an offline scan, its device time lay
    within the fair's hours of a fair that did open."""
    fair = fair.at(scan.now)
    if fair.status == FairStatus.OPEN:
        return True
    return (
        scan.source == OFFLINE
        and scan.scanned_at is not None
        and fair.status == FairStatus.CLOSED
        and fair.opened_at is not None
        and fair.starts_at <= scan.scanned_at < fair.ends_at
    )


def _checked_in_at(scan: _Scan) -> datetime:
    if scan.source == OFFLINE and scan.scanned_at is not None and FLAG_CLOCK_SKEW not in scan.flags:
        return min(scan.scanned_at, scan.now)
    return scan.now


def _admit(scan: _Scan, ticket: _Ticket, existing: _Existing | None, *, origin: Origin) -> ScanOutcome:
    if existing is None:
        # Core INSERTs (no unit of work): the check-in, ON CONFLICT DO NOTHING on its UNIQUE
        # registration_id, so a lost race is an empty RETURNING instead of an error; then the scan
        # and the audit entry. A scan id taken by a racing request undoes the check-in (a DELETE in
        # this same, uncommitted transaction) and answers as that request was answered.
        checked_in_at = _checked_in_at(scan)
        device_id = getattr(scan.device, "id", None)
        write_point()
        values = {
            "fair_id": scan.fair_id,
            "registration_id": ticket.registration_id,
            "checked_in_at": checked_in_at,
            "scan_id": scan.scan_id,
            "device_id": device_id,
            "source": scan.source,
            "by_user_id": getattr(scan.by, "id", None),
        }
        if ticket.nonce is None:
            check_in_id = db.session.execute(_statement("check_in"), values).scalar()
        else:  # the ticket is checked again by the INSERT itself: still current, not revoked
            check_in_id = db.session.execute(
                _statement("check_in_ticket"), {**values, "nonce": ticket.nonce}
            ).scalar()
        if check_in_id is not None:
            if not _insert_scan(scan, OK, ticket.registration_id):
                db.session.execute(_DELETE_CHECK_IN, {"check_in_id": check_in_id})
                if (stored := _stored(scan)) is not None:
                    return stored
                raise RuntimeError("scan id conflict without a stored scan")
            audit.append(
                "checkin.create",
                actor=scan.by,
                target=_CheckInRef(check_in_id),
                origin=origin,
                at=scan.now,
                details={
                    "fair_id": scan.fair_id,
                    "registration_id": ticket.registration_id,
                    "source": scan.source,
                    "scan_id": scan.scan_id,
                    "device_id": device_id,
                },
            )
            webhooks.emit(
                webhooks.CHECKIN_CREATED,
                f"{webhooks.CHECKIN_CREATED}-{check_in_id}",
                data={
                    "check_in_id": check_in_id,
                    "checked_in_at": webhooks.iso(checked_in_at),
                    "source": scan.source,
                },
                at=checked_in_at,
                fair_id=scan.fair_id,
                registration_id=ticket.registration_id,
            )
            return _outcome(scan, OK, ticket, checked_in_at)
        # Someone was faster: the same scan id (answer as it was answered) or the same ticket; or,
        # with no check-in there, the ticket was reissued or revoked since it was read.
        if (stored := _stored(scan)) is not None:
            return stored
        existing = _existing(ticket.registration_id)
        if existing is None:
            return _refuse(scan, REVOKED, ticket)
    if (
        scan.source == OFFLINE
        and existing is not None
        and (scan.device is None or existing.device_id != scan.device.id)
    ):
        scan.flags.append(FLAG_OFFLINE_DUPLICATE)
    return _refuse(scan, ALREADY_CHECKED_IN, ticket, existing)


def _stored(scan: _Scan) -> ScanOutcome | None:
    """The answer of the scan that took this scan's key (account, fair, scan id) first."""
    return stored_outcome(scan.scan_id, by=scan.by, fair_id=scan.fair_id)


def _refuse(
    scan: _Scan, result: str, ticket: _Ticket | None = None, existing: _Existing | None = None
) -> ScanOutcome:
    """Keep the refused scan; a racing scan with the same client id wins and its answer is returned."""
    write_point(durable=False)
    if not _insert_scan(scan, result, ticket.registration_id if ticket is not None else None):
        if (stored := _stored(scan)) is None:
            raise RuntimeError("scan id conflict without a stored scan")
        return stored
    return _outcome(scan, result, ticket, existing.checked_in_at if existing is not None else None)


def _outcome(scan: _Scan, result: str, ticket: _Ticket | None, checked_in_at: datetime | None) -> ScanOutcome:
    if ticket is None:
        return ScanOutcome(result, scan_id=scan.scan_id, flagged=bool(scan.flags))
    return ScanOutcome(
        result,
        scan_id=scan.scan_id,
        flagged=bool(scan.flags),
        registration_id=ticket.registration_id,
        name=ticket.name,
        priority=ticket.priority,
        checked_in_at=checked_in_at,
    )


@dataclass(frozen=True)
class _CheckInRef:
    """A check-in as the audit log names it."""

    id: int
    __tablename__ = CheckIn.__tablename__


_STATEMENTS: dict[tuple[str, str], sa.Insert] = {}
_COLUMNS = {
    "check_in": (
        "fair_id",
        "registration_id",
        "checked_in_at",
        "scan_id",
        "device_id",
        "source",
        "by_user_id",
    ),
    "scan": (
        "scan_id",
        "fair_id",
        "registration_id",
        "result",
        "payload_digest",
        "device_id",
        "gate",
        "by_user_id",
        "source",
        "device_time",
        "server_time",
        "skew_seconds",
        "flagged",
        "flag_reason",
    ),
}


def _statement(name: str) -> sa.Insert:
    """The check-in's INSERTs, built once per dialect (Core on the tables, no unit of work; SQLAlchemy
    caches their compiled form):
    INSERT … ON CONFLICT (the UNIQUE column) DO NOTHING RETURNING id, so a lost race is an empty
    result instead of an error and needs no SAVEPOINT.

    check_in_ticket is the check-in of a scanned ticket: INSERT … SELECT the values WHERE the
    registration still carries the scanned nonce AND it is not on the revocation list, so a ticket
    reissued or revoked after the guards read it is not admitted (the statement sees the latest
    commit: on SQLite it runs inside the write lock)."""
    dialect = db.session.get_bind().dialect.name
    statement = _STATEMENTS.get((dialect, name))
    if statement is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        if name == "check_in_ticket":
            columns = _COLUMNS["check_in"]
            registration_id = sa.bindparam("registration_id", type_=sa.Integer)
            nonce = sa.bindparam("nonce", type_=sa.String)
            # Typed parameters: their values are processed as the columns' (PostgreSQL casts them).
            current = sa.select(
                *(sa.bindparam(column, type_=_CHECK_INS.c[column].type) for column in columns)
            ).where(
                sa.exists().where(
                    _REGISTRATIONS.c.id == registration_id, _REGISTRATIONS.c.ticket_nonce == nonce
                ),
                ~sa.exists().where(_REVOKED.c.registration_id == registration_id, _REVOKED.c.nonce == nonce),
            )
            statement = (
                insert(_CHECK_INS)
                .from_select(columns, current)
                .on_conflict_do_nothing(index_elements=["registration_id"])
                .returning(_CHECK_INS.c.id)
            )
        else:
            table, unique = (
                (CheckIn.__table__, ["registration_id"])
                if name == "check_in"
                else (Scan.__table__, list(SCAN_KEY))
            )
            statement = insert(table).on_conflict_do_nothing(index_elements=unique).returning(table.c.id)
        _STATEMENTS[(dialect, name)] = statement
    return statement


_DELETE_CHECK_IN = sa.delete(_CHECK_INS).where(_CHECK_INS.c.id == sa.bindparam("check_in_id"))


def _insert_scan(scan: _Scan, result: str, registration_id: int | None) -> bool:
    """The scan row (one INSERT … ON CONFLICT (scan_id, by_user_id, fair_id) DO NOTHING RETURNING id);
    False if this account's scan with this scan id at this fair is already there."""
    values = _scan_values(scan, result, registration_id)
    return db.session.execute(_statement("scan"), values).scalar() is not None


def _scan_values(scan: _Scan, result: str, registration_id: int | None) -> dict:
    return {
        "scan_id": scan.scan_id,
        "fair_id": scan.fair_id,
        "registration_id": registration_id,
        "result": result,
        "payload_digest": scan.digest,
        "device_id": getattr(scan.device, "id", None),
        "gate": scan.gate,
        "by_user_id": getattr(scan.by, "id", None),
        "source": scan.source,
        "device_time": scan.scanned_at,
        "server_time": scan.now,
        "skew_seconds": scan.skew,
        "flagged": bool(scan.flags),
        "flag_reason": ",".join(scan.flags) or None,
    }


# --- Numbers -------------------------------------------------------------------------------------------


def fair_counts(fair: Fair) -> dict:
    """{registered, checked_in, by_priority_group: {group: {registered, checked_in}}}, every group
    present (the entrance's part of GET /api/v1/fairs/{id}/stats: fairapp.live.services.fair_stats)."""
    rows = db.session.execute(
        sa.select(Attendee.priority_group, sa.func.count(Registration.id), sa.func.count(CheckIn.id))
        .select_from(Registration)
        .join(Attendee, Registration.attendee_id == Attendee.id)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.fair_id == fair.id)
        .group_by(Attendee.priority_group)
    )
    groups = {group.value: {"registered": 0, "checked_in": 0} for group in PriorityGroup}
    for group, registered, checked_in in rows:
        key = group.value if isinstance(group, PriorityGroup) else str(group)
        tally = groups.setdefault(key, {"registered": 0, "checked_in": 0})
        tally["registered"] += registered
        tally["checked_in"] += checked_in
    totals = {name: sum(g[name] for g in groups.values()) for name in ("registered", "checked_in")}
    return {**totals, "by_priority_group": groups}


def checked_in_count(fair_id: int) -> int:
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(CheckIn.fair_id == fair_id))
        or 0
    )


def checked_in_registration_ids(fair_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(CheckIn.registration_id)
            .where(CheckIn.fair_id == fair_id)
            .order_by(CheckIn.registration_id)
        )
    )
