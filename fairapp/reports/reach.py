"""The people each step reached, kept exact by the writes, and counted from there.

The funnel's rule is written once, as the facts (fairapp.reports.facts.fact_rows: one row per person,
step and fair, booth or hire). Counting those rows for a province's year means reading and
de-duplicating hundreds of thousands of them; so the facts are also kept summed up per person:

    reach (fairapp.reports.models.Reach): one row per year, area (a ward, or "*" for the whole area),
    step and person, with the days of that year on which the person reached the step there as a bit
    set, and the person's group, sex and birth year.

A person is one row of an area's year, so the people of a period within one year in one area are a
count of rows (the period: the rows whose days meet its days), each month of a trend a sum in the same
pass, and a group, a sex or an age band a GROUP BY. Several wards, or several years, are counted with
COUNT(DISTINCT person). One fair, or a breakdown by fair, employer or vacancy, is counted from the facts
themselves (indicators.funnel decides).

Exact, never stale, and cheap to write: triggers on every table the facts are read from note the
people a write touched in reach_dirty, inside the writing transaction (migration 910a00000001); the
worker's job each minute (`drain`) computes their rows again from the facts and empties reach_dirty.
Until then, counting reads reach without those people's rows and with their rows as the facts say
now (`_source`): the same numbers, a little slower while people wait.

    refresh(session)        the noted people's rows, computed again
    drain()                 all of them, a batch per transaction: the worker's job each minute
    counts(filters, by)     {step: people} or {key: {step: people}} as indicators.funnel answers it;
                            None when the question is one for the facts
    settings_changed()      every person noted again (the follow-up months are settings: `flask
                            reports rebuild` after changing them)"""

import functools
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from fairapp.attendees.models import Attendee
from fairapp.auth.scope import EVERYWHERE
from fairapp.extensions import db
from fairapp.outcomes.rules import milestones
from fairapp.reports.facts import age_band, fact_rows, steps
from fairapp.reports.models import DAY_BITS, DAY_COLUMNS, WHOLE_AREA, Reach, ReachDirty
from fairapp.reports.period import Filters
from fairapp.transactions import run_in_transaction, write_point

PERSON_DIMENSIONS = frozenset({"priority_group", "priority_status", "gender", "age_band"})
DAY_COLUMN_NAMES = tuple(f"days_{n}" for n in range(DAY_COLUMNS))


# --- Kept by the writes ----------------------------------------------------------------------------


class date_part(FunctionElement):
    """A part of a date as an integer: "year", "month" (1 to 12) or "doy" (1 for 1 January). The part
    is one of the clauses, so that it is in the statement's cache key."""

    type = sa.Integer()
    inherit_cache = True

    def __init__(self, part: str, day):
        if part not in _SQLITE_FORMATS:
            raise ValueError(f"no such date part: {part}")
        super().__init__(sa.literal_column(f"'{part}'"), day)
        self.part = part


_SQLITE_FORMATS = {"year": "%Y", "month": "%m", "doy": "%j"}  # by PostgreSQL's names of the parts


@compiles(date_part, "sqlite")
def _date_part_sqlite(element, compiler, **kw):
    _part, day = list(element.clauses)
    pattern = sa.literal_column(f"'{_SQLITE_FORMATS[element.part]}'")
    return compiler.process(sa.cast(sa.func.strftime(pattern, day), sa.Integer), **kw)


@compiles(date_part, "postgresql")
def _date_part_postgresql(element, compiler, **kw):
    part, day = list(element.clauses)
    return compiler.process(sa.cast(sa.func.date_part(part, day), sa.Integer), **kw)


def refresh(session: Session | sa.Connection, *, limit: int = 0) -> int:
    """Compute again the rows of the first `limit` (BATCH by default) people noted in reach_dirty,
    from the facts, and take their notes away unless a later write noted them again meanwhile (its note's
    version moved on: the next run counts them). Returns how many people were counted."""
    noted = session.execute(
        sa.select(ReachDirty.attendee_id, ReachDirty.version)
        .order_by(ReachDirty.attendee_id)
        .limit(limit or BATCH)  # a bounded IN list: databases cap a statement's parameters
    ).all()
    if not noted:
        return 0
    ids = [attendee_id for attendee_id, _version in noted]
    connection = session if isinstance(session, sa.Connection) else session.connection()
    if connection.dialect.name == "postgresql":
        # One refresh of a person at a time: the second waits, then reads what the first committed.
        connection.execute(
            sa.select(Attendee.id).where(Attendee.id.in_(ids)).order_by(Attendee.id).with_for_update()
        )
    connection.execute(sa.delete(Reach).where(Reach.attendee_id.in_(ids)))
    connection.execute(_insert_statement(milestones()), {"ids": ids})
    connection.execute(
        sa.delete(ReachDirty).where(
            ReachDirty.attendee_id == sa.bindparam("counted"), ReachDirty.version == sa.bindparam("seen")
        ),
        [{"counted": attendee_id, "seen": version} for attendee_id, version in noted],
    )
    return len(ids)


BATCH = 500  # people per transaction: SQLite's one writer is kept from the gate for a moment only


def drain(now=None) -> int:
    """Count everyone noted, BATCH people per transaction (the worker's job each minute)."""
    counted = 0
    while True:
        done = run_in_transaction(lambda: _batch())
        counted += done
        if done < BATCH:
            return counted


def _batch() -> int:
    write_point()
    return refresh(db.session)


@functools.cache
def _insert_statement(_milestones: tuple[int, ...]):
    """The INSERT of some people's rows (bound as `ids`), built once per set of follow-up months (a
    settings change builds another): building it costs more than running it for one person."""
    return sa.insert(Reach).from_select(_COLUMNS, _rows(sa.bindparam("ids", expanding=True)))


_COLUMNS = [
    "year",
    "area",
    "step",
    "attendee_id",
    *DAY_COLUMN_NAMES,
    "months",
    "priority_group",
    "priority_status",
    "gender",
    "birth_year",
]


def _rows(people):
    every = fact_rows(Filters(EVERYWHERE), people=people).subquery("every_fact")
    facts = sa.select(
        every.c.attendee_id,
        every.c.step,
        every.c.ward_code,
        date_part("year", every.c.day).label("year"),
        (date_part("doy", every.c.day) - 1).label("day"),  # 0 for 1 January
        date_part("month", every.c.day).label("month"),
    ).subquery("facts")
    year, day = facts.c.year, facts.c.day
    one = sa.literal(1, sa.BigInteger)
    days = [
        sa.cast(
            sa.func.sum(sa.distinct(sa.case((day // DAY_BITS == n, one.op("<<")(day % DAY_BITS)), else_=0))),
            sa.BigInteger,
        )
        for n in range(DAY_COLUMNS)
    ]
    months = sa.cast(sa.func.sum(sa.distinct(sa.literal(1).op("<<")(facts.c.month - 1))), sa.SmallInteger)
    person = (Attendee.priority_group, Attendee.priority_status, Attendee.gender, Attendee.birth_year)

    def per(area, *area_key):
        return (
            sa.select(year, area, facts.c.step, facts.c.attendee_id, *days, months, *person)
            .join(Attendee, Attendee.id == facts.c.attendee_id)
            .group_by(year, *area_key, facts.c.step, facts.c.attendee_id, *person)
        )

    return sa.union_all(per(facts.c.ward_code, facts.c.ward_code), per(sa.literal(WHOLE_AREA)))


def settings_changed() -> int:
    """Note every person again (their rows are computed at the next commit); returns how many."""
    db.session.execute(sa.delete(ReachDirty))
    db.session.execute(sa.insert(ReachDirty).from_select(["attendee_id"], sa.select(Attendee.id)))
    return db.session.scalar(sa.select(sa.func.count()).select_from(ReachDirty))


# --- Counted from there ----------------------------------------------------------------------------


def counts(filters: Filters, by: str | tuple[str, ...] | None = None) -> dict | None:
    """The funnel (see fairapp.reports.indicators.funnel) from reach, or None when it cannot say:
    one fair, or a breakdown by fair, employer or vacancy."""
    return _counts(_source(), filters, by)


def _counts(r, filters: Filters, by) -> dict | None:
    dimensions = _dimensions(by)
    if filters.fair_id is not None or not set(dimensions) <= PERSON_DIMENSIONS | {"ward", "month"}:
        return None
    if "month" in dimensions and len(dimensions) > 1:
        return None
    areas, several_areas = _areas(r, filters, by_ward="ward" in dimensions)
    period, several_years = _period(r, filters)
    distinct = several_areas or (several_years and dimensions != ("month",))
    people = sa.func.count(sa.distinct(r.attendee_id)) if distinct else sa.func.count()
    names = steps()
    where = (areas, period)

    if dimensions == ("month",):
        return _months(r, filters, where, distinct, names)
    keys = [_key_of(r, dimension) for dimension in dimensions]
    query = sa.select(*keys, r.step, people).where(*where).group_by(*keys, r.step)
    if not dimensions:
        totals = dict.fromkeys(names, 0)
        totals.update({step: int(count) for step, count in db.session.execute(query) if step in totals})
        return totals
    found: dict = {}
    for *values, step, count in db.session.execute(query):
        if step not in names:
            continue
        values = tuple(getattr(value, "value", value) for value in values)
        key = values[0] if isinstance(by, str) else values
        found.setdefault(key, dict.fromkeys(names, 0))[step] = int(count)
    return found


def counts_many(filters: Filters, bys: list) -> dict:
    """{by: counts(filters, by)} for several breakdowns of one report. Within one year and one area
    (a ward, or the whole area) a person is one row per step, so the total, the breakdowns by group,
    sex and age band and the months are all sums over one GROUP BY of the rows: read once. A period
    of whole months (a year, a quarter, a month) groups by the rows' months too, in the order of
    ix_reach_months, so the pass needs no sorting; other periods sum each month's days."""
    r = _source()
    period, several_years = _period(r, filters)
    areas, several_areas = _areas(r, filters, by_ward=False)
    together = [
        by
        for by in dict.fromkeys(bys)
        if filters.fair_id is None
        and not (several_years or several_areas)
        and (_dimensions(by) == ("month",) or set(_dimensions(by)) <= PERSON_DIMENSIONS)
    ]
    found = {by: _counts(r, filters, by) for by in dict.fromkeys(bys) if by not in together}
    if not together:
        return found
    names = steps()
    dimensions = sorted({name for by in together for name in _dimensions(by) if name != "month"})
    dimensions.sort(key=lambda name: name != "priority_group")  # the index's order first
    # as stored (the enums' values): no conversion per row of the pass
    keys = [sa.type_coerce(_key_of(r, dimension), sa.String) for dimension in dimensions]
    people_of: dict = {}  # (step, (value per dimension)) → people
    month_people: dict = {}  # (step, "YYYY-MM") → people
    whole_months = _whole_months(filters)
    connection = db.session.connection()
    if whole_months is not None:
        year, wanted_months = whole_months
        if "month" not in together:
            wanted_months = 0  # a row's months are not asked for: fewer groups
        months_of = r.months if wanted_months else sa.literal(0, sa.SmallInteger)
        query = (
            sa.select(r.step, *keys, months_of, sa.func.count())
            .where(areas, period)
            .group_by(r.step, *keys, *([r.months] if wanted_months else []))
        )
        by_months: dict = {}  # (step, a row's months) → people
        for step, *values, months, people in connection.execute(query):
            group = (step, tuple(values))
            people_of[group] = people_of.get(group, 0) + people
            by_months[step, months] = by_months.get((step, months), 0) + people
        for (step, months), people in by_months.items():
            for month in range(1, 13):
                if months & wanted_months & (1 << (month - 1)):
                    key = (step, f"{year:04d}-{month:02d}")
                    month_people[key] = month_people.get(key, 0) + people
    else:
        keys_of_months, months = _month_sums(r, filters, distinct=False) if "month" in together else ([], [])
        query = (
            sa.select(r.step, *keys, sa.func.count(), *months).where(areas, period).group_by(r.step, *keys)
        )
        for step, *rest in connection.execute(query):
            values, (people, *per_month) = rest[: len(keys)], rest[len(keys) :]
            people_of[step, tuple(values)] = people
            for key, value in zip(keys_of_months, per_month, strict=True):
                if value:
                    month_people[step, key] = month_people.get((step, key), 0) + int(value)
    for by in together:
        found[by] = _rolled_up(by, dimensions, people_of, month_people, names)
    return found


def _rolled_up(by, dimensions: list[str], people_of: dict, month_people: dict, names) -> dict:
    """One breakdown of what was read together: sums (a person is in one group of each)."""
    wanted = _dimensions(by)
    result: dict = {}
    if not wanted:
        result = dict.fromkeys(names, 0)
        for (step, _values), people in people_of.items():
            if step in result:
                result[step] += people
        return result
    if wanted == ("month",):
        for (step, key), people in sorted(month_people.items(), key=lambda item: item[0][1]):
            if step in names:
                if key not in result:
                    result[key] = dict.fromkeys(names, 0)
                result[key][step] += people
        return result
    positions = [dimensions.index(dimension) for dimension in wanted]
    for (step, values), people in people_of.items():
        if step not in names:
            continue
        key = tuple(values[position] for position in positions)
        key = key[0] if isinstance(by, str) else key
        if key not in result:
            result[key] = dict.fromkeys(names, 0)
        result[key][step] += people
    return result


def _whole_months(filters: Filters) -> tuple[int, int] | None:
    """(year, its months as bits) when the period is whole months of one year, else None."""
    first, last = filters.date_from, filters.date_to
    if first is None or last is None or first.year != last.year or first.day != 1:
        return None
    if (last + timedelta(days=1)).day != 1:
        return None
    return first.year, sum(1 << (month - 1) for month in range(first.month, last.month + 1))


def _source():
    """The columns to count from: reach, or while people are noted (written since the worker last
    counted them), reach without their rows and with their rows as the facts say now: exact either
    way, fast when nobody is waiting."""
    if db.session.execute(sa.select(ReachDirty.attendee_id).limit(1)).first() is None:
        return Reach.__table__.c
    noted = sa.select(ReachDirty.attendee_id)
    kept = sa.select(*[Reach.__table__.c[name] for name in _COLUMNS]).where(Reach.attendee_id.not_in(noted))
    return sa.union_all(kept, *_rows(noted).selects).subquery("reach_now").c


def _dimensions(by) -> tuple[str, ...]:
    return () if by is None else ((by,) if isinstance(by, str) else tuple(by))


def _key_of(r, dimension: str):
    if dimension == "ward":
        return r.area
    if dimension == "age_band":
        return age_band(r.year - r.birth_year)
    return r[dimension]


def _areas(r, filters: Filters, *, by_ward: bool):
    """(the rows' area condition, whether a person may be in several of its areas)."""
    if filters.ward_code is not None:
        return r.area == filters.ward_code, False
    scope = filters.scope
    if scope.everywhere:
        return (r.area != WHOLE_AREA, False) if by_ward else (r.area == WHOLE_AREA, False)
    codes = sorted(scope.ward_codes)
    if not codes:
        return sa.false(), False
    return r.area.in_(codes), len(codes) > 1 and not by_ward


def _period(r, filters: Filters):
    """(the rows' condition for the period's days, whether the period may span several years)."""
    first, last = filters.date_from, filters.date_to
    whole_months = _whole_months(filters)
    if whole_months is not None:
        year, months = whole_months
        in_months = sa.true() if months == 0xFFF else r.months.op("&")(months) != 0
        return sa.and_(r.year == year, in_months), False
    if first and last and first.year == last.year:
        return sa.and_(r.year == first.year, _days_between(r, first, last)), False
    terms = []
    low = high = None
    if first:
        low = first.year
        if (first.month, first.day) != (1, 1):
            terms.append(sa.and_(r.year == first.year, _days_between(r, first, date(first.year, 12, 31))))
            low += 1
    if last:
        high = last.year
        if (last.month, last.day) != (12, 31):
            terms.append(sa.and_(r.year == last.year, _days_between(r, date(last.year, 1, 1), last)))
            high -= 1
    whole = []
    if low is not None:
        whole.append(r.year >= low)
    if high is not None:
        whole.append(r.year <= high)
    if low is None or high is None or low <= high:
        terms.append(sa.and_(*whole) if whole else sa.true())
    return sa.or_(*terms), True


def _day_masks(first: date, last: date) -> list[int]:
    """The bit masks of days first…last (one year) over the day columns."""
    start = first.timetuple().tm_yday - 1
    end = last.timetuple().tm_yday - 1
    masks = []
    for n in range(DAY_COLUMNS):
        low, high = max(start, n * DAY_BITS), min(end, n * DAY_BITS + DAY_BITS - 1)
        masks.append(((1 << (high - low + 1)) - 1) << (low - n * DAY_BITS) if low <= high else 0)
    return masks


def _days_between(r, first: date, last: date):
    if (first.month, first.day) == (1, 1) and (last.month, last.day) == (12, 31):
        return sa.true()
    columns = [r[name] for name in DAY_COLUMN_NAMES]
    return sa.or_(
        *[
            column.op("&")(sa.literal(mask, sa.BigInteger)) != 0
            for column, mask in zip(columns, _day_masks(first, last), strict=True)
            if mask
        ]
    )


def _months(r, filters: Filters, where, distinct: bool, names) -> dict:
    """{"YYYY-MM": {step: people}} for the months of the period with anyone in them."""
    keys, months = _month_sums(r, filters, distinct=distinct)
    found: dict = {}
    if not keys:
        return found
    query = sa.select(r.step, *months).where(*where).group_by(r.step)
    for step, *values in db.session.execute(query):
        if step not in names:
            continue
        for key, value in zip(keys, values, strict=True):
            if value:
                found.setdefault(key, dict.fromkeys(names, 0))[step] = int(value)
    return dict(sorted(found.items()))


def _month_sums(r, filters: Filters, *, distinct: bool) -> tuple[list[str], list]:
    """(the period's months "YYYY-MM", an aggregate per month: the people with a day of it)."""
    first, last = filters.date_from, filters.date_to
    if first is None or last is None:
        low, high = db.session.execute(sa.select(sa.func.min(r.year), sa.func.max(r.year))).one()
        if low is None:
            return [], []
        first = first or date(low, 1, 1)
        last = last or date(high, 12, 31)
    keys, months = [], []
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        following = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        in_month = sa.and_(
            r.year == cursor.year,
            _days_between(r, max(first, cursor), min(last, following - timedelta(days=1))),
        )
        if distinct:
            months.append(sa.func.count(sa.distinct(sa.case((in_month, r.attendee_id)))))
        else:
            months.append(sa.func.sum(sa.case((in_month, 1), else_=0)))
        keys.append(f"{cursor.year:04d}-{cursor.month:02d}")
        cursor = following
    return keys, months
