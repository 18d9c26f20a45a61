"""Read models for the public pages: plain data about a fair and who takes part in it.

The fair rules (which fairs are public, status on access) live in fairapp.fairs.services; this module
only reads. Templates get these dataclasses, not database objects."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.db import utcnow
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair, FairStatus
from fairapp.partners.models import Employer, School, Vacancy, VacancyStatus
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


def upcoming_fairs(*, ward_code: str | None = None, now: datetime | None = None) -> list[Fair]:
    """Published or open fairs that have not ended, soonest first (the fairs service decides)."""
    return fair_services.public_fairs(ward_code=ward_code, now=now)


def wards_of(fairs: list[Fair]) -> list[tuple[str, str]]:
    """(code, name) of the wards these fairs are held in, by name, each once."""
    wards = {fair.ward_code: fair.ward.name for fair in fairs}
    return sorted(wards.items(), key=lambda item: (item[1], item[0]))


def calendar_fairs(*, now: datetime | None = None) -> list[Fair]:
    """The calendar feed: upcoming fairs, plus fairs cancelled before their end, so that a
    subscribed calendar learns of the cancellation instead of silently losing the event."""
    now = now or utcnow()
    upcoming = fair_services.public_fairs(now=now)
    cancelled = db.session.scalars(
        sa.select(Fair).where(Fair.status == FairStatus.CANCELLED, Fair.ends_at > now)).all()
    return sorted([*upcoming, *cancelled], key=lambda fair: (fair.starts_at, fair.id))


def participants(fair: Fair, *, search: str | None = None) -> Participants:
    """Employers and schools with a confirmed booth at the fair, the open vacancies offered there
    and the schools' programmes, with totals. With `search`, only the employers with a vacancy whose
    title (or occupation) contains it, without regard to case or diacritics, and only those vacancies."""
    confirmed = sa.and_(Booth.fair_id == fair.id, Booth.status == BoothStatus.CONFIRMED)
    employers: OrderedDict[int, EmployerLine] = OrderedDict(
        (employer.id, EmployerLine(employer.name, employer.industry))
        for employer in db.session.scalars(
            sa.select(Employer).join(Booth, sa.and_(Booth.employer_id == Employer.id, confirmed))
            .order_by(Employer.name, Employer.id)))
    offered = db.session.scalars(
        sa.select(Vacancy).join(VacancyOffer, VacancyOffer.vacancy_id == Vacancy.id)
        .where(VacancyOffer.fair_id == fair.id, Vacancy.status == VacancyStatus.OPEN)
        .order_by(Vacancy.id))
    for vacancy in offered:
        if (line := employers.get(vacancy.employer_id)) is not None:  # only confirmed employers
            line.vacancies.append(VacancyLine(vacancy.title, vacancy.quantity, vacancy.salary_min,
                                              vacancy.salary_max, vacancy.work_place, vacancy.occupation))

    schools = [
        SchoolLine(school.name, [ProgrammeLine(p.name, p.level.value, p.duration_months, p.seats)
                                 for p in school.programmes])
        for school in db.session.scalars(
            sa.select(School).join(Booth, sa.and_(Booth.school_id == School.id, confirmed))
            .options(selectinload(School.programmes))
            .order_by(School.name, School.id))]

    vacancies = [v for e in employers.values() for v in e.vacancies]
    counts = FairCounts(employers=len(employers), vacancies=len(vacancies),
                        quota=sum(v.quantity for v in vacancies), schools=len(schools),
                        programmes=sum(len(s.programmes) for s in schools))
    wanted = fold(search)[:100]
    if not wanted:
        return Participants(list(employers.values()), schools, counts)
    found = [EmployerLine(e.name, e.industry, [v for v in e.vacancies
                                               if wanted in fold(v.title) or wanted in fold(v.occupation)])
             for e in employers.values()]
    found = [e for e in found if e.vacancies]
    return Participants(found, schools, counts, search=(search or "").strip(),
                        matches=sum(len(e.vacancies) for e in found))
