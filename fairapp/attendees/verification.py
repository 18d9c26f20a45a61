"""Priority status: whether the household list confirms the priority group a person declared.

    verify(attendee, day=...)               look the person up on the lists (fairapp.households.matching)
                                            and set household_member_id and priority_status
    verify_ward(ward_codes, day=...)        the same for everyone living in those wards (after an import)
    settle(attendee, keep_declared, by=...) an organiser's decision on a conflict, audited

The status:
    verified        found on a list, and the group the list gives on that day (poor, near-poor,
                    escaped — or none, once an escaped status expired) is the one declared
    conflict        found, but the list gives another group (declared poor, listed near-poor; declared
                    none, listed poor; declared escaped, expired): for an organiser to settle
    self_declared   not found on any list: the group is as the person ticked it

Settling takes the list's group (the person is then verified) or keeps the declared one (the person is
then self_declared, and stays so until the list changes that household). Reports count verified and
self-declared people apart (fairapp.reports.indicators, dimension `priority_status`)."""

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from fairapp.attendees.models import Attendee, PriorityGroup, PriorityStatus
from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.errors import Conflict
from fairapp.extensions import db
from fairapp.households.matching import Found, find_member
from fairapp.households.models import Category, HouseholdMember
from fairapp.households.rules import category_on
from fairapp.modelbase import utcnow
from fairapp.transactions import write_point

BATCH = 500
# What the lookup reads, and the group it compares: a change to any of them verifies again.
LOOKUP_FIELDS = frozenset(
    {"citizen_id", "full_name", "birth_year", "ward_code", "household_code", "priority_group"}
)


class NoConflict(Conflict):
    code = "no_priority_conflict"
    message = _l("Nhóm ưu tiên của người này không có gì cần đối chiếu.")


def listed_group(found: Found | None) -> PriorityGroup | None:
    """The group a list gives the person found; None when not found."""
    return None if found is None else _group(found.category)


def member_group(member: HouseholdMember, *, day: date) -> PriorityGroup:
    """The group the list gives a member on `day` (the person a verification linked to them)."""
    household = member.household
    return _group(category_on(household.category, household.escaped_on, day))


def _group(category: Category | None) -> PriorityGroup:
    return PriorityGroup(category.value) if category is not None else PriorityGroup.NONE


def verify(attendee: Attendee, *, day: date) -> PriorityStatus:
    """Set the person's list member and priority status from the lists as they are on `day`. Flushes
    nothing itself (the caller's flush writes it); an erased person is left as they are."""
    _verify(attendee, day)
    return attendee.priority_status


def _verify(attendee: Attendee, day: date) -> Found | None:
    """verify(), and the list member found (None for an erased person, whose record stays as it is)."""
    if attendee.erased_at is not None:
        return None
    found = _lookup(attendee, day)
    attendee.household_member_id = found.member_id if found else None
    attendee.priority_status = _status(attendee, found)
    return found


def _lookup(person, day: date) -> Found | None:
    """find_member for an Attendee or a CleanPerson (the same attribute names)."""
    return find_member(
        citizen_id=person.citizen_id,
        name_key=person.name_key,
        birth_year=person.birth_year,
        ward_code=person.ward_code,
        household_code=person.household_code,
        day=day,
    )


def for_new_person(person, *, day: date) -> tuple[int | None, PriorityStatus]:
    """(list member, status) for a person about to be recorded: `person` has the attendee's lookup
    fields and priority_group (fairapp.attendees.validation.CleanPerson). The registration writes them
    in its INSERT, so a new person costs one query here."""
    found = _lookup(person, day)
    return (found.member_id if found else None), _decide(person.priority_group, None, found)


def _status(attendee: Attendee, found: Found | None) -> PriorityStatus:
    return _decide(attendee.priority_group, attendee.priority_settled_at, found)


def _decide(declared, settled, found: Found | None) -> PriorityStatus:
    group = listed_group(found)
    if group is None:
        return PriorityStatus.SELF_DECLARED
    if group == declared:
        return PriorityStatus.VERIFIED
    if settled is not None and (found.household_updated_at is None or found.household_updated_at <= settled):
        return PriorityStatus.SELF_DECLARED  # kept as declared by an organiser; the list has not changed
    return PriorityStatus.CONFLICT


def verify_ward(ward_codes: Iterable[str], *, day: date) -> dict[str, int]:
    """verify() for every person living in the wards, BATCH at a time; {status: people}."""
    counts = dict.fromkeys((s.value for s in PriorityStatus), 0)
    ids = db.session.scalars(
        sa.select(Attendee.id)
        .where(Attendee.ward_code.in_(sorted(set(ward_codes))), Attendee.erased_at.is_(None))
        .order_by(Attendee.id)
    ).all()
    for start in range(0, len(ids), BATCH):
        people = db.session.scalars(sa.select(Attendee).where(Attendee.id.in_(ids[start : start + BATCH])))
        for attendee in people:
            counts[verify(attendee, day=day).value] += 1
        db.session.flush()
    return counts


def settle(
    attendee: Attendee, *, keep_declared: bool, by, origin: Origin = SYSTEM, day: date, now=None
) -> PriorityStatus:
    """An organiser's decision on a conflict: the list's group (verified) or the declared one
    (self_declared until the list changes). Raises NoConflict when there is none. Audited."""
    now = now or utcnow()
    write_point()
    found = _verify(attendee, day)
    if found is None or attendee.priority_status != PriorityStatus.CONFLICT:
        raise NoConflict()
    member_id = attendee.household_member_id
    declared = attendee.priority_group
    listed = listed_group(found)
    if keep_declared:
        attendee.priority_settled_at = now
        attendee.priority_status = PriorityStatus.SELF_DECLARED
    else:
        attendee.priority_group = listed
        attendee.priority_settled_at = None
        attendee.priority_status = PriorityStatus.VERIFIED
    audit.record(
        "attendee.priority_settle",
        actor=by,
        target=attendee,
        origin=origin,
        details={
            "declared": declared.value,
            "listed": listed.value if listed else None,
            "kept": "declared" if keep_declared else "list",
            "member_id": member_id,
        },
    )
    db.session.flush()
    return attendee.priority_status


def conflicts(scope_clause, *, limit: int = 200) -> list[Attendee]:
    """People in conflict in the wards of a scope clause (fairapp.auth.scope.WardScope.clause)."""
    return list(
        db.session.scalars(
            sa.select(Attendee)
            .where(
                Attendee.priority_status == PriorityStatus.CONFLICT,
                Attendee.erased_at.is_(None),
                scope_clause(Attendee.ward_code),
            )
            .options(selectinload(Attendee.household_member).selectinload(HouseholdMember.household))
            .order_by(Attendee.ward_code, Attendee.name_key, Attendee.id)
            .limit(limit)
        )
    )
