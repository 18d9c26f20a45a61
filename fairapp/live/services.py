"""Live figures of one fair, read from registrations, check-ins, scans and the booths' records.
Read-only except for the audit entry of who looked at the phone numbers. Services flush, never
commit."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, PriorityGroup, Registration
from fairapp.audit.services import SYSTEM, Origin, record_read
from fairapp.checkins.models import CheckIn, Device, Scan
from fairapp.checkins.services import fair_counts as checkin_counts
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.geo.models import Ward
from fairapp.interviews.counts import KEYS as outcome_keys
from fairapp.interviews.counts import outcome_counts
from fairapp.outcomes.counts import hire_counts

PRIORITY_GROUPS = (PriorityGroup.POOR, PriorityGroup.NEAR_POOR, PriorityGroup.ESCAPED_POVERTY)
GROUP_ORDER = (*PRIORITY_GROUPS, PriorityGroup.NONE)
# Refused scans an organiser should look at; "fair_not_open" is routine and left out.
PROBLEM_RESULTS = ("invalid", "wrong_fair", "revoked")
SKEW_LIMIT = timedelta(minutes=5)
MAX_WAITING = 500
MAX_PROBLEMS = 50


@dataclass
class Tally:
    registered: int = 0
    checked_in: int = 0


@dataclass
class WardTally(Tally):
    code: str = ""
    name: str = ""


@dataclass
class Figures:
    registered: int = 0
    checked_in: int = 0
    by_priority_group: dict[PriorityGroup, Tally] = field(default_factory=dict)
    by_ward: list[WardTally] = field(default_factory=list)


@dataclass(frozen=True)
class Waiting:
    registration_id: int
    full_name: str
    phone: str
    priority_group: PriorityGroup
    ward_name: str


@dataclass(frozen=True)
class Problem:
    scan_id: int
    server_time: datetime
    result: str
    flags: tuple[str, ...]
    skew_seconds: int | None
    full_name: str | None
    device_name: str | None
    gate: str | None
    source: str


def figures(fair: Fair) -> Figures:
    """Registered and checked in: in total, per priority group (every group, even at 0) and per ward
    of residence (wards with at least one registration, most registrations first)."""
    rows = db.session.execute(
        sa.select(
            Attendee.ward_code,
            Ward.name,
            Attendee.priority_group,
            sa.func.count(Registration.id),
            sa.func.count(CheckIn.id),
        )
        .select_from(Registration)
        .join(Attendee, Registration.attendee_id == Attendee.id)
        .join(Ward, Ward.code == Attendee.ward_code)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.fair_id == fair.id)
        .group_by(Attendee.ward_code, Ward.name, Attendee.priority_group)
    )
    result = Figures(by_priority_group={group: Tally() for group in GROUP_ORDER})
    wards: dict[str, WardTally] = {}
    for ward_code, ward_name, group, registered, checked_in in rows:
        group = PriorityGroup(group)
        result.registered += registered
        result.checked_in += checked_in
        result.by_priority_group[group].registered += registered
        result.by_priority_group[group].checked_in += checked_in
        ward = wards.setdefault(ward_code, WardTally(code=ward_code, name=ward_name))
        ward.registered += registered
        ward.checked_in += checked_in
    result.by_ward = sorted(wards.values(), key=lambda w: (-w.registered, w.name))
    return result


def priority_waiting(fair: Fair, *, limit: int = MAX_WAITING) -> list[Waiting]:
    """Registered members of poor, near-poor and newly-escaped households not checked in yet, poorest
    group first, then by name. Carries phone numbers: callers audit who sees them."""
    order = sa.case(
        {group.value: index for index, group in enumerate(PRIORITY_GROUPS)}, value=Attendee.priority_group
    )
    rows = db.session.execute(
        sa.select(Registration.id, Attendee.full_name, Attendee.phone, Attendee.priority_group, Ward.name)
        .select_from(Registration)
        .join(Attendee, Registration.attendee_id == Attendee.id)
        .join(Ward, Ward.code == Attendee.ward_code)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(
            Registration.fair_id == fair.id,
            CheckIn.id.is_(None),
            Attendee.priority_group.in_(PRIORITY_GROUPS),
        )
        .order_by(order, Attendee.name_key, Registration.id)
        .limit(limit)
    )
    return [Waiting(rid, name, phone, PriorityGroup(group), ward) for rid, name, phone, group, ward in rows]


def record_contacts_view(fair: Fair, *, by, shown: int, origin: Origin = SYSTEM) -> None:
    """Audit that `by` was shown the phone numbers of `shown` priority-household members (a read)."""
    record_read(
        "live.view_priority_contacts",
        actor=by,
        target=fair,
        origin=origin,
        details={"fair_id": fair.id, "shown": shown},
    )


def scan_problems(fair: Fair, *, limit: int = MAX_PROBLEMS) -> list[Problem]:
    """Scans at this fair an organiser should look at, newest first: forged or unreadable tickets,
    another fair's tickets, revoked tickets, and every flagged scan (duplicates from offline devices,
    clocks off by more than SKEW_LIMIT)."""
    skew = int(SKEW_LIMIT.total_seconds())
    rows = db.session.execute(
        sa.select(Scan, Attendee.full_name, Device.name)
        .outerjoin(Registration, Registration.id == Scan.registration_id)
        .outerjoin(Attendee, Attendee.id == Registration.attendee_id)
        .outerjoin(Device, Device.id == Scan.device_id)
        .where(
            Scan.fair_id == fair.id,
            sa.or_(
                Scan.result.in_(PROBLEM_RESULTS),
                Scan.flagged.is_(True),
                Scan.skew_seconds > skew,
                Scan.skew_seconds < -skew,
            ),
        )
        .order_by(Scan.server_time.desc(), Scan.id.desc())
        .limit(limit)
    )
    problems = []
    for scan, name, device_name in rows:
        flags = tuple(flag for flag in (scan.flag_reason or "").split(",") if flag)
        if scan.skew_seconds is not None and abs(scan.skew_seconds) > skew and "clock_skew" not in flags:
            flags += ("clock_skew",)
        # A name only where the ticket was genuine: a forged payload names nobody.
        problems.append(
            Problem(
                scan.id,
                scan.server_time,
                scan.result,
                flags,
                scan.skew_seconds,
                name if scan.result != "invalid" else None,
                device_name,
                scan.gate,
                scan.source,
            )
        )
    return problems


# --- The numbers of GET /api/v1/fairs/{id}/stats -----------------------------------------------------

STAT_KEYS = ("registered", "checked_in", *outcome_keys, "hired", "sustained")


def fair_stats(fair: Fair) -> dict:
    """{registered, checked_in, interviewed, shortlisted, offered, counselled, enrolled, hired,
    sustained, by_priority_group: {group: the same keys}}: the entrance's counts, the booths' and the
    hires': hired, the people with a confirmed hire attributed to the fair; sustained, those of them
    whose job is sustainable (the decision kept on the hire). A person counts once per indicator."""
    entrance = checkin_counts(fair)
    booths = outcome_counts(fair.id)
    hires = hire_counts(fair.id)
    groups = {}
    for group in PriorityGroup:
        tally = dict.fromkeys(STAT_KEYS, 0)
        tally.update(entrance["by_priority_group"].get(group.value, {}))
        tally.update(booths.get(group.value, {}))
        tally.update(hires.get(group.value, {}))
        groups[group.value] = tally
    totals = {key: sum(tally[key] for tally in groups.values()) for key in STAT_KEYS}
    return {**totals, "by_priority_group": groups}
