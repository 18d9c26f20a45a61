"""Planning a season in one step, and cloning a fair into another ward or date.

Everything is checked before anything is added, so a refused ward refuses the whole series and
nothing is half-saved. Flushes, never commits."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairSeries
from fairapp.fairs.services import (
    TEXT_FIELDS,
    FairConflict,
    FairInvalid,
    Slot,
    _check_fields,
    _clean,
    create_fair,
    ensure_may_act,
    find_conflicts,
    local_datetime,
    to_local,
)
from fairapp.geo.services import get_ward
from fairapp.modelbase import utcnow

MAX_WARDS = 40
MAX_CYCLES = 12
MAX_EVERY_WEEKS = 8
WEEKDAYS = (
    _l("Thứ Hai"),
    _l("Thứ Ba"),
    _l("Thứ Tư"),
    _l("Thứ Năm"),
    _l("Thứ Sáu"),
    _l("Thứ Bảy"),
    _l("Chủ Nhật"),
)


@dataclass
class SeasonPlan:
    """Wards in order, visited one after another on successive dates of the pattern: the first date
    on or after `first_date` that falls on `weekday` (0 = Monday), then every `every_weeks` weeks;
    the whole round of wards repeats `cycles` times. Each fair runs `start_time`–`end_time`."""

    title: str
    ward_codes: list[str]
    first_date: date
    weekday: int
    every_weeks: int
    start_time: time
    end_time: time
    cycles: int = 1
    venues: dict[str, str] = field(default_factory=dict)  # ward code → venue name (optional)
    capacity: int | None = None
    description: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None

    def dates(self) -> list[date]:
        first = self.first_date + timedelta(days=(self.weekday - self.first_date.weekday()) % 7)
        count = len(self.ward_codes) * self.cycles
        return [first + timedelta(weeks=self.every_weeks * i) for i in range(count)]

    def describe(self) -> str:
        return str(
            _l(
                "%(weekday)s, %(every)s tuần một lần, từ %(first)s, %(cycles)s vòng",
                weekday=WEEKDAYS[self.weekday],
                every=self.every_weeks,
                first=self.first_date.strftime("%d/%m/%Y"),
                cycles=self.cycles,
            )
        )


def _refuse_plan(code: str, name: str, message) -> None:
    raise FairInvalid(message, code=code, fields={name: message})


def _check_pattern(plan: SeasonPlan) -> None:
    if not plan.ward_codes:
        _refuse_plan("wards_required", "ward_codes", _l("Phường/xã: chọn ít nhất một phường/xã."))
    if len(plan.ward_codes) > MAX_WARDS:
        _refuse_plan(
            "too_many_wards", "ward_codes", _l("Phường/xã: chọn tối đa %(max)s phường/xã.", max=MAX_WARDS)
        )
    if not 1 <= plan.every_weeks <= MAX_EVERY_WEEKS:
        _refuse_plan(
            "invalid_pattern", "every_weeks", _l("Lặp lại: từ 1 đến %(max)s tuần.", max=MAX_EVERY_WEEKS)
        )
    if not 1 <= plan.cycles <= MAX_CYCLES:
        _refuse_plan("invalid_pattern", "cycles", _l("Số vòng: từ 1 đến %(max)s.", max=MAX_CYCLES))
    if not 0 <= plan.weekday <= 6:
        _refuse_plan("invalid_pattern", "weekday", _l("Thứ trong tuần không hợp lệ."))


def plan_slots(plan: SeasonPlan) -> list[Slot]:
    """The fairs the plan would create, in order (for the preview and for plan_season)."""
    _check_pattern(plan)
    slots = []
    for index, day in enumerate(plan.dates()):
        ward_code = plan.ward_codes[index % len(plan.ward_codes)]
        slots.append(
            Slot(
                ward_code,
                _clean(plan.venues.get(ward_code)),
                local_datetime(day, plan.start_time),
                local_datetime(day, plan.end_time),
                _clean(plan.title) or "",
            )
        )
    return slots


def plan_season(
    plan: SeasonPlan, *, by, force: bool = False, origin: Origin = SYSTEM, now: datetime | None = None
) -> FairSeries:
    """Create the series and its draft fairs, all or nothing. Raises FairInvalid (wards_required,
    invalid_pattern, unknown_ward, end_before_start, start_in_past, capacity_not_positive, …),
    WardNotAllowed for any ward outside the user's, FairConflict (with every clash) unless `force`."""
    now = now or utcnow()
    slots = plan_slots(plan)
    for slot in slots:
        _check_fields(
            title=slot.title,
            ward_code=slot.ward_code,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            capacity=plan.capacity,
            now=now,
        )
        ensure_may_act(by, slot.ward_code)
    if not force:
        conflicts = [conflict for slot in slots for conflict in find_conflicts(slot, planned=slots)]
        if conflicts:
            raise FairConflict(conflicts)
    series = FairSeries(title=_clean(plan.title), pattern=plan.describe()[:300], created_by=by.id)
    db.session.add(series)
    db.session.flush()
    for slot in slots:
        create_fair(
            by=by,
            title=f"{slot.title} – {get_ward(slot.ward_code).name}",
            ward_code=slot.ward_code,
            venue_name=slot.venue_name,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            capacity=plan.capacity,
            series=series,
            force=True,
            origin=origin,
            now=now,
            description=plan.description,
            contact_name=plan.contact_name,
            contact_phone=plan.contact_phone,
        )
    record(
        "fair_series.create",
        actor=by,
        target=series,
        origin=origin,
        details={"wards": plan.ward_codes, "fairs": len(slots), "pattern": series.pattern},
    )
    return series


def clone_fair(
    source: Fair,
    *,
    by,
    ward_code: str,
    on_date: date,
    venue_name: str | None = None,
    force: bool = False,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> Fair:
    """A new draft in `ward_code` on `on_date` at the same Vietnamese wall-clock times, with the
    source's title and text (not its status). The venue is the one given, else the source's when
    the ward is the same. Rules and errors as create_fair; the user must act in both wards."""
    ensure_may_act(by, source.ward_code)
    start, end = to_local(source.starts_at), to_local(source.ends_at)
    starts_at = local_datetime(on_date, start.timetz().replace(tzinfo=None))
    ends_at = starts_at + (end - start)
    if venue_name is None and ward_code == source.ward_code:
        venue_name = source.venue_name
    fair = create_fair(
        by=by,
        title=source.title,
        ward_code=ward_code,
        venue_name=venue_name,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=source.capacity,
        force=force,
        series=None,
        origin=origin,
        now=now,
        **{key: getattr(source, key) for key in TEXT_FIELDS},
    )
    if ward_code != source.ward_code:
        fair.venue_address = fair.directions = None  # the old ward's address would mislead
    record("fair.clone", actor=by, target=fair, origin=origin, details={"source_id": source.id})
    return fair


def series_fairs(series: FairSeries) -> list[Fair]:
    return sorted(series.fairs, key=lambda fair: fair.starts_at)
