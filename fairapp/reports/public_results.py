"""The public results page's figures: a year's fairs and outcomes per ward, aggregates only, with
small cells hidden (fairapp.reports.disclosure). Reads only; a fixed handful of grouped queries
whatever the number of wards.

    fair_years()       → the years (Vietnam's time) with fairs that count: not drafts, not cancelled
    default_year()     → the latest of those not in the future, else this year
    year_results(year) → YearResults: one Row per ward, and the whole area's Row

The wards are those that held a fair of the year, or recorded a hire without a fair in it
(fairapp.reports.indicators). People are counted once per step: the total row is counted over the
whole area, not added up from the wards (a person may take part in two wards)."""

from dataclasses import dataclass

import sqlalchemy as sa

from fairapp.auth.scope import EVERYWHERE
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import local_day
from fairapp.geo.models import Ward
from fairapp.modelbase import utcnow
from fairapp.reports.disclosure import (
    HIDDEN,
    HIDDEN_COUNT,
    complementary,
    is_small,
    number,
    public_count,
    public_share,
    share_hidden,
)
from fairapp.reports.facts import month_of
from fairapp.reports.indicators import fair_facts, funnels
from fairapp.reports.period import Filters, period_of
from fairapp.text import fold

PRIORITY_GROUPS = ("poor", "near_poor", "escaped_poverty")  # the households the programme serves first
PEOPLE = ("checked_in", "hired", "sustained")  # the funnel's steps the page shows
SHARES = ("checked_in", "hired")  # …and the priority households' share of these
FACTS = ("fairs_held", "employers", "vacancies", "quota")  # not people: shown as they are


@dataclass(frozen=True)
class Row:
    """One line of the table, every cell already written as the public may see it."""

    ward_code: str | None  # None: the whole area (its ward_name is empty)
    ward_name: str
    facts: dict[str, str]  # FACTS → "1.234"
    people: dict[str, str]  # PEOPLE → "0", "< 5", "1.234" or "—"
    shares: dict[str, str]  # SHARES → "37%" or "—"


@dataclass(frozen=True)
class YearResults:
    year: int
    rows: list[Row]
    total: Row

    @property
    def empty(self) -> bool:
        return not self.rows


def _counting_fairs():
    return Fair.recorded_status.not_in((FairStatus.CANCELLED, FairStatus.DRAFT))


def fair_years() -> list[int]:
    """The years with a fair that counts, latest first (the year of its local start day)."""
    year = sa.func.substr(month_of(Fair.starts_at, utc_timestamp=True), 1, 4)
    found = db.session.scalars(sa.select(year).where(_counting_fairs()).distinct())
    return sorted((int(value) for value in found), reverse=True)


def default_year(years: list[int]) -> int:
    this_year = local_day(utcnow()).year
    return next((year for year in years if year <= this_year), this_year)


def year_results(year: int) -> YearResults:
    first, last = period_of("year", year)
    filters = Filters(EVERYWHERE, first, last)
    found = funnels(filters, (("ward", "priority_group"), None, "priority_group"))
    per_ward, totals, total_by_group = found[("ward", "priority_group")], found[None], found["priority_group"]
    facts = fair_facts(filters, by_ward=True)

    codes = sorted({ward for ward, _group in per_ward} | set(facts))
    wards: dict[str, dict[str, int]] = {code: {} for code in codes}  # step → people
    priority: dict[str, dict[str, int]] = {code: {} for code in codes}  # step → priority people
    for (ward, group), steps in per_ward.items():
        for step in PEOPLE:
            wards[ward][step] = wards[ward].get(step, 0) + steps[step]
            if group in PRIORITY_GROUPS:
                priority[ward][step] = priority[ward].get(step, 0) + steps[step]
    total_priority = {
        step: sum(total_by_group.get(group, {}).get(step, 0) for group in PRIORITY_GROUPS) for step in SHARES
    }

    people = {code: {} for code in codes}
    total_people = {}
    counts_hidden: dict[str, dict[str, bool]] = {code: {} for code in codes}
    for step in PEOPLE:
        values = [wards[code].get(step, 0) for code in codes]
        hidden = complementary(values, [is_small(v) for v in values], is_small(totals[step]))
        for code, value, gone in zip(codes, values, hidden, strict=True):
            people[code][step] = (HIDDEN_COUNT if is_small(value) else HIDDEN) if gone else number(value)
            counts_hidden[code][step] = gone
        total_people[step] = public_count(totals[step])

    shares = {code: {} for code in codes}
    total_shares = {}
    for step in SHARES:
        parts = [priority[code].get(step, 0) for code in codes]
        hidden = [
            counts_hidden[code][step] or share_hidden(part, wards[code].get(step, 0))
            for code, part in zip(codes, parts, strict=True)
        ]
        total_hidden = share_hidden(total_priority[step], totals[step])
        hidden = complementary(parts, hidden, total_hidden)
        for code, part, gone in zip(codes, parts, hidden, strict=True):
            shares[code][step] = HIDDEN if gone else public_share(part, wards[code].get(step, 0))
        total_shares[step] = public_share(total_priority[step], totals[step])

    names = _ward_names(codes)
    empty_facts = dict.fromkeys(FACTS, 0)
    rows = [
        Row(
            code,
            names.get(code, code),
            {fact: number(facts.get(code, empty_facts)[fact]) for fact in FACTS},
            people[code],
            shares[code],
        )
        for code in codes
    ]
    rows.sort(key=lambda row: (fold(row.ward_name), row.ward_code))
    area = fair_facts(filters)
    total = Row(None, "", {fact: number(area[fact]) for fact in FACTS}, total_people, total_shares)
    return YearResults(year, rows, total)


def _ward_names(codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(db.session.execute(sa.select(Ward.code, Ward.name).where(Ward.code.in_(codes))).all())
