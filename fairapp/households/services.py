"""Saving household lists: a whole imported list (`apply_list`) and one household sent through the API
(`save_household`). Services flush, never commit.

A household is the same household when its ward, the unit its list was made for (a pre-2025 ward's
code, or today's) and its code are the same: a list imported again, or the next year's, updates it,
never duplicates it; two communes merged into one ward may both have used "HN-001". Within a
household a member is the same member by citizen ID, else by folded name and birth year. A member the
new list no longer holds is kept inactive (records may point at them; they are no longer counted).

The next year's list. When a list of year Y is applied for a ward, every poor or near-poor household
of that ward listed in an earlier year and absent from the file (no row of the file names it, not even
a refused one) has left the list: it becomes `escaped_poverty` from the list's date (`listed_on`), and
that status ends 36 months later by rule (fairapp.households.rules) — unless its members are on the
new list under another code (the ward renumbered its households): then it was renumbered, and its
members leave it. A list older than what is stored
for a household does not overwrite it."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.households.models import Category, Household, HouseholdMember, MemberGender
from fairapp.modelbase import utcnow
from fairapp.text import fold
from fairapp.transactions import write_point


class OlderList(DomainError):
    code = "older_household_list"
    status = 409
    message = _l("Hộ này đã có trong danh sách của năm sau; danh sách cũ hơn không ghi đè.")


@dataclass(frozen=True)
class ListRow:
    """One member of one household, as a list gives them (already checked)."""

    row: int  # in the file (0 for the API)
    ward_code: str
    household_code: str
    category: Category
    year: int
    head_name: str | None
    village: str | None
    household_phone: str | None
    full_name: str
    birth_year: int
    birth_date: date | None
    gender: str | None
    relation: str | None
    citizen_id: str | None
    phone: str | None
    unit_code: str | None = None  # the unit the list was made for, when not today's ward (a pre-2025 one)


@dataclass
class Applied:
    households_created: int = 0
    households_updated: int = 0
    households_escaped: int = 0  # left the list: now escaped_poverty
    households_renumbered: int = 0  # its members are on the new list under another code
    members_created: int = 0
    members_updated: int = 0
    members_inactive: int = 0  # no longer on their household's list
    refused: list = field(default_factory=list)  # (row, OlderList) for households with a newer list
    household_ids: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "households_created": self.households_created,
            "households_updated": self.households_updated,
            "households_escaped": self.households_escaped,
            "households_renumbered": self.households_renumbered,
            "members_created": self.members_created,
            "members_updated": self.members_updated,
            "members_inactive": self.members_inactive,
        }


def apply_list(
    rows: Sequence[ListRow],
    *,
    listed_on: date,
    named: Iterable[tuple[str, str]] = (),
    whole_list: bool = True,
    by,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> Applied:
    """Save the rows (grouped by household). With `whole_list`, households of the rows' wards that an
    earlier year listed and the file no longer names (neither a row given nor one in `named`) become
    escaped from `listed_on`. Flushes; one audit entry."""
    now = now or utcnow()
    applied = Applied()
    groups: dict[tuple[str, str, str], list[ListRow]] = {}
    for row in rows:
        groups.setdefault(_key(row), []).append(row)
    wards = sorted({key[0] for key in groups} | {key[0] for key in named})
    stored = {
        (h.ward_code, h.unit_code, h.household_code): h
        for h in db.session.scalars(
            sa.select(Household)
            .where(Household.ward_code.in_(wards))
            .options(selectinload(Household.members))
        )
    }
    for key, members in groups.items():
        household = stored.get(key)
        try:
            household = _save(household, members, listed_on=listed_on, applied=applied, now=now)
        except OlderList as error:
            applied.refused.append((members[0].row, error))
            continue
        stored[key] = household
    db.session.flush()
    applied.household_ids = [stored[key].id for key in groups if key in stored]
    if whole_list and groups:
        _left_the_list(stored, groups, set(named), listed_on=listed_on, applied=applied, now=now)
    audit.record(
        "households.import",
        actor=by,
        origin=origin,
        details={**applied.as_dict(), "wards": wards, "listed_on": listed_on.isoformat()},
    )
    db.session.flush()
    return applied


def _key(row: ListRow) -> tuple[str, str, str]:
    return (row.ward_code, row.unit_code or row.ward_code, row.household_code)


def _left_the_list(stored: dict, groups: dict, named: set, *, listed_on: date, applied: Applied, now) -> None:
    """The poor and near-poor households of the list's wards that an earlier year listed and this list
    does not name. One whose members are on this list under another code (the ward numbered its
    households anew, as after the 2025 merger) was renumbered: its members leave it, it does not
    escape. The others left the list: escaped from `listed_on`."""
    year_of: dict[str, int] = {}
    listed_people: dict[str, set] = {}
    for (ward, _unit, _code), members in groups.items():
        year_of[ward] = max(year_of.get(ward, 0), members[0].year)
        for row in members:
            people = listed_people.setdefault(ward, set())
            people.add(("name", fold(row.full_name), row.birth_year))
            if row.citizen_id:
                people.add(("id", row.citizen_id))
    seen = set(groups) | named
    for key, household in stored.items():
        ward = key[0]
        if (
            key in seen
            or ward not in year_of
            or household.list_year >= year_of[ward]
            or household.category not in (Category.POOR, Category.NEAR_POOR)
        ):
            continue
        members = [m for m in household.members if m.active]
        people = listed_people[ward]
        if any(
            ("id", m.citizen_id) in people or ("name", m.name_key, m.birth_year) in people for m in members
        ):
            for member in members:
                member.active = False
            household.updated_at = now
            applied.households_renumbered += 1
            continue
        household.category = Category.ESCAPED_POVERTY
        household.escaped_on = listed_on
        household.updated_at = now
        applied.households_escaped += 1


def _save(
    household: Household | None, rows: list[ListRow], *, listed_on: date, applied: Applied, now: datetime
) -> Household:
    first = rows[0]
    if household is not None and household.list_year > first.year:
        raise OlderList()
    if household is None:
        household = Household(
            ward_code=first.ward_code,
            unit_code=first.unit_code or first.ward_code,
            household_code=first.household_code,
            created_at=now,
        )
        db.session.add(household)
        applied.households_created += 1
    else:
        applied.households_updated += 1
    household.category = first.category
    household.list_year = first.year
    household.head_name = next((r.head_name for r in rows if r.head_name), household.head_name)
    household.village = next((r.village for r in rows if r.village), household.village)
    household.phone = next((r.household_phone for r in rows if r.household_phone), household.phone)
    if first.category == Category.ESCAPED_POVERTY:
        household.escaped_on = household.escaped_on or listed_on
    else:
        household.escaped_on = None
    household.updated_at = now
    _save_members(household, rows, applied)
    return household


def _save_members(household: Household, rows: list[ListRow], applied: Applied) -> None:
    by_id = {m.citizen_id: m for m in household.members if m.citizen_id}
    by_name = {(m.name_key, m.birth_year): m for m in household.members}
    kept = set()
    for row in rows:
        key = (fold(row.full_name), row.birth_year)
        member = (by_id.get(row.citizen_id) if row.citizen_id else None) or by_name.get(key)
        if member is None or id(member) in kept:
            member = HouseholdMember()
            household.members.append(member)
            applied.members_created += 1
        else:
            applied.members_updated += 1
        by_name.pop((member.name_key, member.birth_year), None)
        member.full_name, member.name_key, member.birth_year = row.full_name, key[0], row.birth_year
        by_name[key] = member
        member.birth_date = row.birth_date or member.birth_date
        member.gender = MemberGender(row.gender) if row.gender else member.gender
        member.relation = row.relation or member.relation
        member.citizen_id = row.citizen_id or member.citizen_id
        member.phone = row.phone or member.phone
        member.active = True
        kept.add(id(member))
    for member in household.members:
        if id(member) not in kept and member.active:
            member.active = False
            applied.members_inactive += 1


def save_household(rows: Sequence[ListRow], *, by, origin: Origin = SYSTEM, now: datetime | None = None):
    """One household (all its members in `rows`, as the API sends it): created, or updated when its
    ward and code exist. Returns (household, created). Raises OlderList. Flushes; audited."""
    now = now or utcnow()
    first = rows[0]
    write_point()
    for attempt in (1, 2):
        household = db.session.scalars(
            sa.select(Household).where(
                Household.ward_code == first.ward_code,
                Household.unit_code == (first.unit_code or first.ward_code),
                Household.household_code == first.household_code,
            )
        ).one_or_none()
        created = household is None
        applied = Applied()
        savepoint = db.session.begin_nested()
        try:
            household = _save(household, list(rows), listed_on=now.date(), applied=applied, now=now)
            db.session.flush()
        except IntegrityError:  # the same household sent at the same moment: the second one updates it
            savepoint.rollback()
            if attempt == 2:
                raise
            continue
        savepoint.commit()
        break
    audit.record(
        "household.create" if created else "household.update",
        actor=by,
        target=household,
        origin=origin,
        details={"ward_code": household.ward_code, **applied.as_dict()},
    )
    db.session.flush()
    return household, created
