"""Read models for the public pages: plain data about a fair and who takes part in it.

The fair rules (which fairs are public, their effective status) live in fairapp.fairs.services; this
module only reads. Templates get these dataclasses, not database objects."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from fairapp.booths.services import public_offer
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.text import fold


@dataclass(frozen=True)
class FairCounts:
    employers: int = 0  # employers with a confirmed booth
    vacancies: int = 0  # vacancies offered at the fair
    quota: int = 0  # workers wanted: the vacancies' quantities added up
    schools: int = 0
    programmes: int = 0


@dataclass(frozen=True)
class VacancyLine:
    title: str
    quantity: int
    salary_min: int | None
    salary_max: int | None
    work_place: str | None
    occupation: str | None = None


@dataclass(frozen=True)
class EmployerLine:
    name: str
    industry: str | None
    vacancies: list[VacancyLine] = field(default_factory=list)


@dataclass(frozen=True)
class ProgrammeLine:
    name: str
    level: str
    duration_months: int | None
    seats: int | None


@dataclass(frozen=True)
class SchoolLine:
    name: str
    programmes: list[ProgrammeLine] = field(default_factory=list)


@dataclass(frozen=True)
class Participants:
    employers: list[EmployerLine]
    schools: list[SchoolLine]
    counts: FairCounts  # always the whole fair's, whatever the search
    search: str = ""  # the job title searched for, as typed
    matches: int | None = None  # vacancies whose title matches the search; None without a search


@dataclass(frozen=True)
class FairLine:
    """An upcoming fair as the lists show it."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    venue_name: str | None
    ward_code: str
    ward_name: str
    running: bool  # started and not yet ended


def upcoming_fairs(*, ward_code: str | None = None, now: datetime | None = None) -> list[FairLine]:
    """Fairs published or open at `now` (so not ended), soonest first, optionally in one ward; never
    drafts, cancelled or closed fairs. Reads only."""
    now = now or utcnow()
    query = (
        sa.select(Fair)
        .join(Fair.ward)
        .options(contains_eager(Fair.ward))
        .where(Fair.status_at(now).in_(fair_services.UPCOMING_STATUSES))
    )
    if ward_code:
        query = query.where(Fair.ward_code == ward_code)
    return [
        FairLine(
            f.id,
            f.title,
            f.starts_at,
            f.ends_at,
            f.venue_name,
            f.ward_code,
            f.ward.name,
            running=f.starts_at <= now,
        )
        for f in db.session.scalars(query.order_by(Fair.starts_at, Fair.id))
    ]


def ward_first(fairs: list[FairLine], ward_code: str | None) -> list[FairLine]:
    """The fairs of this ward first, then the others, each part in the order given."""
    return sorted(fairs, key=lambda fair: fair.ward_code != ward_code) if ward_code else list(fairs)


def wards_of(fairs: list[FairLine]) -> list[tuple[str, str]]:
    """(code, name) of the wards these fairs are held in, by name, each once."""
    wards = {fair.ward_code: fair.ward_name for fair in fairs}
    return sorted(wards.items(), key=lambda item: (item[1], item[0]))


def calendar_fairs(*, now: datetime | None = None) -> list[Fair]:
    """The calendar feed: upcoming fairs, plus fairs cancelled before their end, so that a
    subscribed calendar learns of the cancellation instead of silently losing the event."""
    now = now or utcnow()
    upcoming = fair_services.public_fairs(now=now)
    cancelled = db.session.scalars(
        sa.select(Fair).where(Fair.status_at(now) == FairStatus.CANCELLED, Fair.ends_at > now)
    ).all()
    return sorted([*upcoming, *cancelled], key=lambda fair: (fair.starts_at, fair.id))


def participants(fair: Fair, *, search: str | None = None, now: datetime | None = None) -> Participants:
    """What the public sees at the fair (fairapp.booths.services.public_offer): employers and schools
    with a confirmed booth, the vacancies shown there and the schools' programmes, with totals. With
    `search`, only the employers with a vacancy whose title (or occupation) contains it, without
    regard to case or diacritics, and only those vacancies."""
    offer = public_offer(fair.id, now=now)
    by_name = sorted(offer.booths, key=lambda b: ((b.employer or b.school).name, b.id))
    employers: OrderedDict[int, EmployerLine] = OrderedDict(
        (b.employer_id, EmployerLine(b.employer.name, b.employer.industry)) for b in by_name if b.employer
    )
    for vacancy in offer.vacancies:
        employers[vacancy.employer_id].vacancies.append(
            VacancyLine(
                vacancy.title,
                vacancy.quantity,
                vacancy.salary_min,
                vacancy.salary_max,
                vacancy.work_place,
                vacancy.occupation,
            )
        )
    programmes: dict[int, list[ProgrammeLine]] = {}
    for p in offer.programmes:
        programmes.setdefault(p.school_id, []).append(
            ProgrammeLine(p.name, p.level.value, p.duration_months, p.seats)
        )
    schools = [SchoolLine(b.school.name, programmes.get(b.school_id, [])) for b in by_name if b.school]

    vacancies = [v for e in employers.values() for v in e.vacancies]
    counts = FairCounts(
        employers=len(employers),
        vacancies=len(vacancies),
        quota=sum(v.quantity for v in vacancies),
        schools=len(schools),
        programmes=sum(len(s.programmes) for s in schools),
    )
    wanted = fold(search)[:100]
    if not wanted:
        return Participants(list(employers.values()), schools, counts)
    found = [
        EmployerLine(
            e.name,
            e.industry,
            [v for v in e.vacancies if wanted in fold(v.title) or wanted in fold(v.occupation)],
        )
        for e in employers.values()
    ]
    found = [e for e in found if e.vacancies]
    return Participants(
        found, schools, counts, search=(search or "").strip(), matches=sum(len(e.vacancies) for e in found)
    )
