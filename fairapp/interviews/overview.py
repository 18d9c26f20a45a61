"""A fair's booth records as the organiser follows them: counts per booth, per vacancy (against its
quota) and per programme, the people seen by priority group, and the referrals. For staff only: the
priority group is never shown to an employer or a school."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, PriorityGroup
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.interviews.models import Interview, Outcome, Referral
from fairapp.partners.models import Employer, School, TrainingProgramme, Vacancy

OUTCOMES = tuple(Outcome)


@dataclass
class Tally:
    """Records by their current outcome; `seen`: the people they are about (one record per person at a
    booth, so at one booth the records themselves)."""

    name: str
    label: str | None = None
    quota: int | None = None  # a vacancy's quantity, a programme's seats
    by_outcome: Counter = field(default_factory=Counter)
    seen: int = 0

    def __getitem__(self, outcome: str) -> int:
        return self.by_outcome[Outcome(outcome)]


@dataclass
class Overview:
    booths: list[Tally]
    vacancies: list[Tally]
    programmes: list[Tally]
    by_priority_group: dict[PriorityGroup, Tally]  # people counted once per group and outcome
    total: Tally
    referrals: int


def fair_overview(fair: Fair) -> Overview:
    """The counts of the fair's records, in a handful of grouped statements."""
    return Overview(
        booths=_booths(fair),
        vacancies=_vacancies(fair),
        programmes=_programmes(fair),
        by_priority_group=_priority_groups(fair),
        total=_total(fair),
        referrals=db.session.scalar(
            sa.select(sa.func.count()).select_from(Referral).where(Referral.fair_id == fair.id)
        ),
    )


def booth_choices(fair: Fair) -> list[tuple[Booth, str]]:
    """The fair's booths with their holder's name, by label, for a filter."""
    query = (
        sa.select(Booth, sa.func.coalesce(Employer.name, School.name))
        .outerjoin(Employer, Employer.id == Booth.employer_id)
        .outerjoin(School, School.id == Booth.school_id)
        .where(Booth.fair_id == fair.id)
        .order_by(Booth.label, Employer.name, School.name, Booth.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _counts(fair: Fair, column) -> dict:
    """{value of `column`: Counter of outcomes} over the fair's records."""
    found: dict = defaultdict(Counter)
    query = (
        sa.select(column, Interview.outcome, sa.func.count())
        .where(Interview.fair_id == fair.id)
        .group_by(column, Interview.outcome)
    )
    for key, outcome, count in db.session.execute(query):
        found[key][outcome] += count
    return found


def _tally(name: str, counts: Counter, **extra) -> Tally:
    return Tally(name=name, by_outcome=counts, seen=sum(counts.values()), **extra)


def _booths(fair: Fair) -> list[Tally]:
    counts = _counts(fair, Interview.booth_id)
    query = (
        sa.select(Booth.id, Booth.label, Booth.status, Employer.name, School.name)
        .outerjoin(Employer, Employer.id == Booth.employer_id)
        .outerjoin(School, School.id == Booth.school_id)
        .where(Booth.fair_id == fair.id)
        .order_by(Booth.label, Employer.name, School.name, Booth.id)
    )
    return [
        _tally(employer or school, counts.get(booth_id, Counter()), label=label)
        for booth_id, label, status, employer, school in db.session.execute(query)
        if status != BoothStatus.CANCELLED or booth_id in counts
    ]


def _vacancies(fair: Fair) -> list[Tally]:
    counts = _counts(fair, Interview.vacancy_id)
    query = (
        sa.select(Vacancy.id, Vacancy.title, Vacancy.quantity, Employer.name)
        .join(VacancyOffer, VacancyOffer.vacancy_id == Vacancy.id)
        .join(Employer, Employer.id == Vacancy.employer_id)
        .where(VacancyOffer.fair_id == fair.id)
        .order_by(Employer.name, Vacancy.title, Vacancy.id)
    )
    return [
        _tally(title, counts.get(vacancy_id, Counter()), label=employer, quota=quantity)
        for vacancy_id, title, quantity, employer in db.session.execute(query)
    ]


def _programmes(fair: Fair) -> list[Tally]:
    counts = _counts(fair, Interview.programme_id)
    ids = [key for key in counts if key is not None]
    if not ids:
        return []
    query = (
        sa.select(TrainingProgramme.id, TrainingProgramme.name, TrainingProgramme.seats, School.name)
        .join(School, School.id == TrainingProgramme.school_id)
        .where(TrainingProgramme.id.in_(ids))
        .order_by(School.name, TrainingProgramme.name)
    )
    return [
        _tally(name, counts[programme_id], label=school, quota=seats)
        for programme_id, name, seats, school in db.session.execute(query)
    ]


def _priority_groups(fair: Fair) -> dict[PriorityGroup, Tally]:
    """Per group: the people seen at any booth, and the people with each outcome somewhere."""
    people = sa.func.count(sa.distinct(Interview.registration_id))
    joined = sa.select().select_from(Interview).join(Attendee, Attendee.id == Interview.attendee_id)
    joined = joined.where(Interview.fair_id == fair.id)
    groups = {group: Tally(name=group.value) for group in PriorityGroup}
    for group, count in db.session.execute(
        joined.add_columns(Attendee.priority_group, people).group_by(Attendee.priority_group)
    ):
        groups[group].seen = count
    for group, outcome, count in db.session.execute(
        joined.add_columns(Attendee.priority_group, Interview.outcome, people).group_by(
            Attendee.priority_group, Interview.outcome
        )
    ):
        groups[group].by_outcome[outcome] = count
    return groups


def _total(fair: Fair) -> Tally:
    counts = Counter()
    for outcome_counts in _counts(fair, Interview.fair_id).values():
        counts.update(outcome_counts)
    people = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Interview.registration_id))).where(Interview.fair_id == fair.id)
    )
    return Tally(name="", by_outcome=counts, seen=people or 0)
