"""Fair rules: the effective status of fairs, the public view of fairs, and the organiser's operations.

A fair's stored status holds the transitions made by hand (publish, open, close, cancel); the clock makes
the others (fairapp.fairs.models.Lifecycle), so reading a fair never writes. Every function takes the
time as `now` (default: the current UTC time) so tests can pin it. Services flush, never commit."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.auth.models import Role
from fairapp.auth.scope import EVERYWHERE, WardScope
from fairapp.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairSeries, FairStatus, Lifecycle
from fairapp.geo.services import get_ward
from fairapp.modelbase import utcnow
from fairapp.text import clean_name, fold

PUBLIC_STATUSES = (FairStatus.PUBLISHED, FairStatus.OPEN, FairStatus.CLOSED, FairStatus.CANCELLED)
UPCOMING_STATUSES = (FairStatus.PUBLISHED, FairStatus.OPEN)


# --- A fair's state, for the hot paths -------------------------------------------------------------


@dataclass(frozen=True)
class FairState:
    """A fair's status columns in effect at one moment, read in one Core query: what the hot paths
    (checking in, registering) need instead of the whole ORM object. `recorded` is what is stored, so
    that `at` can tell the state at any other moment."""

    id: int
    status: FairStatus
    starts_at: datetime
    ends_at: datetime
    opened_at: datetime | None
    ward_code: str
    capacity: int | None
    recorded: Lifecycle

    @classmethod
    def of(cls, fair: Fair, *, now: datetime | None = None) -> "FairState":
        recorded = fair.recorded
        state = cls(
            fair.id,
            recorded.status,
            fair.starts_at,
            fair.ends_at,
            recorded.opened_at,
            fair.ward_code,
            fair.capacity,
            recorded,
        )
        return state.at(now or utcnow())

    def at(self, now: datetime) -> "FairState":
        """The same fair's state in effect at `now`."""
        effective = self.recorded.at(now, starts_at=self.starts_at, ends_at=self.ends_at)
        return replace(self, status=effective.status, opened_at=effective.opened_at)


_FAIRS = Fair.__table__
_STATE = sa.select(  # FairState's fields in order, then what `recorded` needs besides
    _FAIRS.c.id,
    _FAIRS.c.status,
    _FAIRS.c.starts_at,
    _FAIRS.c.ends_at,
    _FAIRS.c.opened_at,
    _FAIRS.c.ward_code,
    _FAIRS.c.capacity,
    _FAIRS.c.closed_at,
).where(_FAIRS.c.id == sa.bindparam("fair_id"))
_STATE_FOR_UPDATE = _STATE.with_for_update()


def fair_state(fair_id: int, *, now: datetime | None = None, for_update: bool = False) -> FairState | None:
    """The fair's state in effect at `now`, or None. Reads only. `for_update`: hold the fair's row lock
    (PostgreSQL; SQLite locks the whole database)."""
    row = db.session.execute(_STATE_FOR_UPDATE if for_update else _STATE, {"fair_id": fair_id}).first()
    if row is None:
        return None
    recorded = Lifecycle(row.status, row.opened_at, row.closed_at)
    return FairState(*row[:-1], recorded).at(now or utcnow())


# --- What the public sees --------------------------------------------------------------------------


def public_fairs(*, ward_code: str | None = None, now: datetime | None = None) -> list[Fair]:
    """Fairs published or open at `now` (so not ended), soonest first, optionally in one ward."""
    now = now or utcnow()
    query = sa.select(Fair).where(Fair.status_at(now).in_(UPCOMING_STATUSES))
    if ward_code:
        query = query.where(Fair.ward_code == ward_code)
    return list(db.session.scalars(query.order_by(Fair.starts_at, Fair.id)))


def get_public_fair(fair_id: int) -> Fair:
    """A fair anyone may see (published, open, closed or cancelled); drafts raise NotFound."""
    fair = db.session.get(Fair, fair_id)
    if fair is None or fair.status not in PUBLIC_STATUSES:
        raise NotFound()
    return fair


# --- Errors ----------------------------------------------------------------------------------------


class FairInvalid(ValidationError):
    """Bad input for a fair. `code` is the first rule broken; `fields` holds a message per field
    (keys: title, ward_code, venue_name, starts_at, ends_at, capacity, reason, …)."""


class WardNotAllowed(Forbidden):
    code = "ward_not_allowed"
    message = _l("Bạn chỉ được thao tác với phiên giao dịch ở phường/xã mình phụ trách.")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    message = _l("Không thể chuyển phiên giao dịch sang trạng thái này từ trạng thái hiện tại.")


class FairReadOnly(DomainError):
    code = "fair_read_only"
    status = 409
    message = _l("Phiên giao dịch đã kết thúc hoặc đã huỷ nên không thể sửa (chỉ quản trị viên được sửa).")


class FairConflict(Conflict):
    """Another fair clashes (same venue at overlapping times, or the same ward on the same day).
    Raised before anything is saved unless the caller passes force=True."""

    code = "conflict"
    message = _l("Trùng lịch với phiên giao dịch khác.")

    def __init__(self, conflicts: list[dict]):
        super().__init__()
        self.conflicts = conflicts


MESSAGES = {
    "title_required": (_l("Tên phiên: vui lòng nhập tên phiên giao dịch."), "title"),
    "unknown_ward": (_l("Phường/xã: không có phường/xã với mã này."), "ward_code"),
    "end_before_start": (_l("Giờ kết thúc: phải sau giờ bắt đầu."), "ends_at"),
    "start_in_past": (_l("Ngày và giờ bắt đầu: không được ở trong quá khứ."), "starts_at"),
    "capacity_not_positive": (
        _l("Sức chứa: phải là số nguyên lớn hơn 0 (để trống nếu không giới hạn)."),
        "capacity",
    ),
    "venue_required": (_l("Địa điểm: cần nhập địa điểm trước khi công bố phiên giao dịch."), "venue_name"),
    "reason_required": (_l("Lý do huỷ: vui lòng nhập lý do huỷ phiên giao dịch."), "reason"),
    "fair_ended": (_l("Ngày và giờ kết thúc: phiên giao dịch đã kết thúc, không thể công bố."), "ends_at"),
}


def _refuse(*codes: str) -> None:
    """Raise one FairInvalid for every broken rule (first code wins); do nothing if none."""
    codes = [code for code in codes if code]
    if codes:
        raise FairInvalid(
            MESSAGES[codes[0]][0],
            code=codes[0],
            fields={MESSAGES[code][1]: MESSAGES[code][0] for code in reversed(codes)},
        )


# --- Times: forms speak Asia/Ho_Chi_Minh, the database UTC ---------------------------------------

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_datetime(day: date, at: time) -> datetime:
    """A wall-clock time in Vietnam → aware UTC."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


# --- Who may do what -------------------------------------------------------------------------------


def ensure_may_act(user, ward_code: str) -> None:
    """Raises WardNotAllowed (403) unless the user is an admin or an organiser of this ward (an
    organiser without wards acts nowhere: fairapp.auth.scope)."""
    if user is None or not user.ward_scope.allows(ward_code):
        raise WardNotAllowed()


def ensure_writable(fair: Fair, user, *, now: datetime | None = None) -> None:
    """A fair closed or cancelled at `now` is read-only except for admins (fair_read_only)."""
    status = fair.status_at(now or utcnow())
    if status in (FairStatus.CLOSED, FairStatus.CANCELLED) and user.role != Role.ADMIN:
        raise FairReadOnly()


def fair_scope(user) -> WardScope:
    """The wards whose fairs `user` may see on staff pages and in the API: gate staff every ward (they
    scan and register walk-ins at any fair); everyone else the wards they act in, so an organiser
    without wards sees no fair. The one rule of every fair page, list and export."""
    return EVERYWHERE if user.role == Role.GATE else user.ward_scope


def may_see(user, fair: Fair | FairState) -> bool:
    """fair_scope for one fair."""
    return fair_scope(user).allows(fair.ward_code)


def get_fair_for(user, fair_id: int) -> Fair:
    """A fair for the organiser pages: NotFound, or WardNotAllowed outside the user's wards."""
    fair = db.session.get(Fair, fair_id)
    if fair is None:
        raise NotFound()
    if not may_see(user, fair):
        raise WardNotAllowed()
    return fair


# --- Conflicts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A fair being planned (not saved yet), for conflict checks."""

    ward_code: str
    venue_name: str | None
    starts_at: datetime
    ends_at: datetime
    title: str = ""


def _conflict_kind(slot: Slot, other) -> str | None:
    if slot.ward_code != other.ward_code:
        return None
    overlap = slot.starts_at < other.ends_at and other.starts_at < slot.ends_at
    if overlap and slot.venue_name and other.venue_name and fold(slot.venue_name) == fold(other.venue_name):
        return "same_venue"
    if local_day(slot.starts_at) == local_day(other.starts_at):
        return "same_ward_day"
    return None


def find_conflicts(slot: Slot, *, exclude_id: int | None = None, planned: list[Slot] = ()) -> list[dict]:
    """Fairs (not cancelled) that clash with `slot`: the same venue (name compared without case or
    diacritics) in the same ward at overlapping times → "same_venue"; otherwise another fair in the
    same ward on the same Vietnamese day → "same_ward_day". `planned` are unsaved slots of the same
    step (a season) checked as well."""
    window = timedelta(days=1)
    query = sa.select(Fair).where(
        Fair.ward_code == slot.ward_code,
        Fair.recorded_status != FairStatus.CANCELLED,  # the clock never cancels
        Fair.starts_at < slot.ends_at + window,
        Fair.ends_at > slot.starts_at - window,
    )
    if exclude_id is not None:
        query = query.where(Fair.id != exclude_id)
    found = []
    for other in db.session.scalars(query.order_by(Fair.starts_at, Fair.id)):
        if kind := _conflict_kind(slot, other):
            found.append(_describe(kind, other, fair_id=other.id))
    for other in planned:
        if other is not slot and (kind := _conflict_kind(slot, other)):
            found.append(_describe(kind, other, fair_id=None))
    return found


def _describe(kind: str, other, *, fair_id: int | None) -> dict:
    return {
        "kind": kind,
        "fair_id": fair_id,
        "title": other.title,
        "ward_code": other.ward_code,
        "venue_name": other.venue_name,
        "starts_at": other.starts_at,
        "ends_at": other.ends_at,
    }


# --- Create and edit -------------------------------------------------------------------------------

TEXT_FIELDS = ("venue_address", "directions", "description", "contact_name", "contact_phone")


def _clean(value) -> str | None:
    return clean_name(value) or None if isinstance(value, str) else value


def _check_fields(
    *,
    title,
    ward_code,
    starts_at,
    ends_at,
    capacity,
    now,
    check_start=True,
    require_venue=False,
    venue_name=None,
) -> None:
    _refuse(
        "" if title else "title_required",
        "" if ward_code and get_ward(ward_code) else "unknown_ward",
        "end_before_start" if ends_at <= starts_at else "",
        "start_in_past" if check_start and starts_at <= now else "",
        "capacity_not_positive" if capacity is not None and capacity <= 0 else "",
        "venue_required" if require_venue and not venue_name else "",
    )


def create_fair(
    *,
    by,
    title: str,
    ward_code: str,
    starts_at: datetime,
    ends_at: datetime,
    venue_name: str | None = None,
    capacity: int | None = None,
    force: bool = False,
    series: FairSeries | None = None,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
    **text,
) -> Fair:
    """A new draft fair. Raises FairInvalid (title_required, unknown_ward, end_before_start,
    start_in_past, capacity_not_positive), WardNotAllowed, or FairConflict unless `force`."""
    now = now or utcnow()
    title, ward_code, venue_name = _clean(title), (ward_code or "").strip(), _clean(venue_name)
    _check_fields(
        title=title, ward_code=ward_code, starts_at=starts_at, ends_at=ends_at, capacity=capacity, now=now
    )
    ensure_may_act(by, ward_code)
    slot = Slot(ward_code, venue_name, starts_at, ends_at, title)
    if not force and (conflicts := find_conflicts(slot)):
        raise FairConflict(conflicts)
    fair = Fair(
        title=title,
        ward_code=ward_code,
        venue_name=venue_name,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        status=FairStatus.DRAFT,
        series=series,
        created_by=by.id,
        **{key: _clean(text.get(key)) for key in TEXT_FIELDS},
    )
    db.session.add(fair)
    db.session.flush()
    record(
        "fair.create",
        actor=by,
        target=fair,
        origin=origin,
        details={"ward_code": ward_code, "starts_at": starts_at.isoformat(), "forced": force},
    )
    return fair


def update_fair(
    fair: Fair,
    *,
    by,
    title: str,
    ward_code: str,
    starts_at: datetime,
    ends_at: datetime,
    venue_name: str | None = None,
    capacity: int | None = None,
    force: bool = False,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
    **text,
) -> Fair:
    """Edit a fair. Same rules as create_fair; besides: a start that did not change may lie in the
    past, a published or open fair keeps a venue (venue_required), a closed or cancelled fair is
    read-only for organisers (fair_read_only), and moving it needs both wards (ward_not_allowed)."""
    now = now or utcnow()
    ensure_may_act(by, fair.ward_code)
    ensure_writable(fair, by, now=now)
    title, ward_code, venue_name = _clean(title), (ward_code or "").strip(), _clean(venue_name)
    _check_fields(
        title=title,
        ward_code=ward_code,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        now=now,
        check_start=starts_at != fair.starts_at,
        require_venue=fair.status_at(now) != FairStatus.DRAFT,
        venue_name=venue_name,
    )
    ensure_may_act(by, ward_code)
    slot = Slot(ward_code, venue_name, starts_at, ends_at, title)
    if not force and (conflicts := find_conflicts(slot, exclude_id=fair.id)):
        raise FairConflict(conflicts)
    before = _snapshot(fair)
    fair.title, fair.ward_code, fair.venue_name = title, ward_code, venue_name
    fair.starts_at, fair.ends_at, fair.capacity = starts_at, ends_at, capacity
    for key in TEXT_FIELDS:
        setattr(fair, key, _clean(text.get(key)))
    db.session.flush()
    changed = {key: [before[key], value] for key, value in _snapshot(fair).items() if before[key] != value}
    record("fair.update", actor=by, target=fair, origin=origin, details={"changed": changed, "forced": force})
    return fair


def _snapshot(fair: Fair) -> dict:
    keys = ("title", "ward_code", "venue_name", "starts_at", "ends_at", "capacity", *TEXT_FIELDS)
    return {
        key: (value.isoformat() if isinstance(value := getattr(fair, key), datetime) else value)
        for key in keys
    }


# --- Life cycle ------------------------------------------------------------------------------------


def _guard(fair: Fair, *, by, allowed_from: tuple, now: datetime) -> FairStatus:
    """Common checks of a status action; returns the status the fair has at `now`."""
    ensure_may_act(by, fair.ward_code)
    ensure_writable(fair, by, now=now)
    status = fair.status_at(now)
    if status not in allowed_from:
        raise InvalidTransition()
    return status


def _record(fair: Fair, status: FairStatus, *, now: datetime) -> None:
    """Record a transition made by hand, keeping the opening the clock made before it, if any."""
    fair.recorded_opened_at = fair.lifecycle_at(now).opened_at
    fair.recorded_status = status


def _done(fair: Fair, action: str, *, by, before: FairStatus, origin: Origin, **details) -> None:
    db.session.flush()
    record(
        action,
        actor=by,
        target=fair,
        origin=origin,
        details={"from": before.value, "to": fair.recorded_status.value, **details},
    )


def publish_fair(fair: Fair, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> Fair:
    """draft → published (and so open at once if its start has come). Needs a venue (venue_required)
    and a fair that has not ended (fair_ended)."""
    now = now or utcnow()
    before = _guard(fair, by=by, allowed_from=(FairStatus.DRAFT,), now=now)
    _refuse("venue_required" if not fair.venue_name else "", "fair_ended" if fair.ends_at <= now else "")
    _record(fair, FairStatus.PUBLISHED, now=now)
    fair.published_at = now
    _done(fair, "fair.publish", by=by, before=before, origin=origin)
    return fair


def open_fair(fair: Fair, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> Fair:
    """published → open by hand (early doors); it also opens by itself at its start time."""
    now = now or utcnow()
    before = _guard(fair, by=by, allowed_from=(FairStatus.PUBLISHED,), now=now)
    _record(fair, FairStatus.OPEN, now=now)
    fair.recorded_opened_at = now
    _done(fair, "fair.open", by=by, before=before, origin=origin)
    return fair


def close_fair(fair: Fair, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> Fair:
    """open → closed by hand; it also closes by itself at its end time."""
    now = now or utcnow()
    before = _guard(fair, by=by, allowed_from=(FairStatus.OPEN,), now=now)
    _record(fair, FairStatus.CLOSED, now=now)
    fair.recorded_closed_at = now
    _done(fair, "fair.close", by=by, before=before, origin=origin)
    return fair


def cancel_fair(fair: Fair, *, by, reason: str, origin: Origin = SYSTEM, now: datetime | None = None) -> Fair:
    """draft, published or open → cancelled, with a reason (reason_required)."""
    now = now or utcnow()
    reason = (reason or "").strip()
    before = _guard(
        fair, by=by, allowed_from=(FairStatus.DRAFT, FairStatus.PUBLISHED, FairStatus.OPEN), now=now
    )
    _refuse("" if reason else "reason_required")
    _record(fair, FairStatus.CANCELLED, now=now)
    fair.cancel_reason = reason
    fair.cancelled_at, fair.cancelled_by = now, by.id
    _done(fair, "fair.cancel", by=by, before=before, origin=origin, reason=reason)
    return fair


def allowed_actions(fair: Fair, user) -> list[str]:
    """The status actions the user may take on the fair now (for buttons)."""
    if not user.ward_scope.allows(fair.ward_code):
        return []
    if fair.status in (FairStatus.CLOSED, FairStatus.CANCELLED):
        return ["edit"] if user.role == Role.ADMIN else []
    actions = {
        FairStatus.DRAFT: ["edit", "publish", "cancel"],
        FairStatus.PUBLISHED: ["edit", "open", "cancel"],
        FairStatus.OPEN: ["edit", "close", "cancel"],
    }
    return actions[fair.status]


# --- Lists for organisers --------------------------------------------------------------------------


@dataclass
class FairFilter:
    ward_code: str | None = None
    status: FairStatus | None = None
    date_from: date | None = None  # Vietnamese days, inclusive
    date_to: date | None = None


def _visible_query(user, filters: FairFilter):
    query = sa.select(Fair).where(fair_scope(user).clause(Fair.ward_code))
    if filters.ward_code:
        query = query.where(Fair.ward_code == filters.ward_code)
    if filters.date_from:
        query = query.where(Fair.starts_at >= local_datetime(filters.date_from, time(0)))
    if filters.date_to:
        query = query.where(Fair.starts_at < local_datetime(filters.date_to + timedelta(days=1), time(0)))
    return query


def list_fairs(user, filters: FairFilter | None = None, *, now: datetime | None = None) -> list[Fair]:
    """Fairs the user may see (organisers: their wards), filtered (the status: in effect at `now`),
    soonest first."""
    filters = filters or FairFilter()
    query = _visible_query(user, filters)
    if filters.status is not None:
        query = query.where(Fair.status_at(now or utcnow()) == filters.status)
    return list(db.session.scalars(query.order_by(Fair.starts_at, Fair.id)))


def status_counts(fairs) -> dict[FairStatus, int]:
    counts = dict.fromkeys(FairStatus, 0)
    for fair in fairs:
        counts[fair.status] += 1
    return counts


def month_grid(year: int, month: int, fairs) -> list[list[dict]]:
    """Weeks (Monday first) of day cells {"day": date, "in_month": bool, "fairs": [...]}."""
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    by_day: dict[date, list[Fair]] = {}
    for fair in fairs:
        by_day.setdefault(local_day(fair.starts_at), []).append(fair)
    day, end = first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())
    weeks = []
    while day <= end:
        weeks.append(
            [
                {
                    "day": day + timedelta(days=i),
                    "in_month": (day + timedelta(days=i)).month == month,
                    "fairs": by_day.get(day + timedelta(days=i), []),
                }
                for i in range(7)
            ]
        )
        day += timedelta(days=7)
    return weeks


def fair_figures(fair: Fair) -> dict:
    """What the fair's page shows so far: booths (applied or confirmed) and registration counts."""
    from fairapp.attendees.models import Registration
    from fairapp.booths.models import Booth, BoothStatus

    booths = db.session.scalars(
        sa.select(Booth)
        .where(Booth.fair_id == fair.id, Booth.status.in_((BoothStatus.APPLIED, BoothStatus.CONFIRMED)))
        .order_by(Booth.label, Booth.id)
    ).all()
    registered = db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration).where(Registration.fair_id == fair.id)
    )
    return {
        "booths": booths,
        "registered": registered or 0,
        "confirmed_booths": sum(1 for b in booths if b.status == BoothStatus.CONFIRMED),
    }
