"""Reading booth records: a booth's own record of a person, who referred someone to it, a fair's
records, and the cards to show beside them (each as the record's own booth may see it); the filtered,
paginated lists of an employer's or school's records across fairs and of a fair's records for staff;
a record's history."""

import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager

from fairapp.attendees.models import Attendee, PriorityGroup
from fairapp.auth.models import Role, User
from fairapp.booths.models import Booth, VacancyOffer
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.interviews import card as cards
from fairapp.interviews.models import Interview, InterviewEntry, Outcome, Referral
from fairapp.partners.models import Employer, School, TrainingProgramme, Vacancy
from fairapp.registrations.services import Page


def own_record(booth: Booth, registration_id: int) -> Interview | None:
    return db.session.scalar(
        sa.select(Interview).where(
            Interview.booth_id == booth.id, Interview.registration_id == registration_id
        )
    )


def referred_by(booth: Booth, registration_id: int) -> list[dict]:
    """Which booths sent this person here, with their note: [{booth_id, name, label, note}]."""
    rows = db.session.scalars(
        sa.select(Referral)
        .where(Referral.to_booth_id == booth.id, Referral.registration_id == registration_id)
        .order_by(Referral.id)
    )
    return [
        {
            "booth_id": referral.from_booth_id,
            "name": (referral.from_booth.employer or referral.from_booth.school).name,
            "label": referral.from_booth.label,
            "note": referral.note,
        }
        for referral in rows
    ]


def interviews_of_fair(fair: Fair, *, booth: Booth | None = None) -> list[Interview]:
    """The fair's records, newest change first; one booth's only when `booth` is given."""
    query = sa.select(Interview).where(Interview.fair_id == fair.id)
    if booth is not None:
        query = query.where(Interview.booth_id == booth.id)
    changed = sa.func.coalesce(Interview.updated_at, Interview.created_at)
    return db.session.scalars(query.order_by(changed.desc(), Interview.id.desc())).all()


def cards_of(rows: list[Interview]) -> dict[int, cards.Card]:
    """The card beside each record (by record id), as the record's booth may see it."""
    by_booth: dict[int, list[Interview]] = defaultdict(list)
    for row in rows:
        by_booth[row.booth_id].append(row)
    found = {}
    for records in by_booth.values():
        booth = records[0].booth
        seen = cards.cards(booth, [row.registration_id for row in records])
        found.update({row.id: seen[row.registration_id] for row in records})
    return found


# --- Lists with filters: a holder's records across fairs, a fair's records for staff ----------------

PER_PAGE = 50


@dataclass(frozen=True)
class RecordFilter:
    """What a list of records is narrowed to; None: no narrowing."""

    fair_id: int | None = None
    booth_id: int | None = None
    vacancy_id: int | None = None
    programme_id: int | None = None
    outcome: Outcome | None = None
    min_rating: int | None = None
    tag: str | None = None

    def as_dict(self) -> dict:
        """The filters set, as plain values (the audit entry of an export, links keeping them)."""
        return {
            name: value.value if isinstance(value, Outcome) else value
            for name, value in asdict(self).items()
            if value not in (None, "")
        }


@dataclass(frozen=True)
class Row:
    """A record with what a list shows beside it. A holder's rows carry the card (as the record's booth
    may see the person); staff rows the person's full name and priority group instead."""

    interview: Interview
    subject: str | None  # the vacancy's title or the programme's name
    card: cards.Card | None = None
    full_name: str | None = None
    priority_group: PriorityGroup | None = None

    @property
    def booth(self) -> Booth:
        return self.interview.booth

    @property
    def holder(self) -> str:
        return (self.booth.employer or self.booth.school).name

    @property
    def changed_at(self) -> datetime:
        return self.interview.updated_at or self.interview.created_at


def holder_scope(user) -> sa.ColumnElement[bool]:
    """The records an employer's or a school's account may list: its own holder's, across fairs (none
    for an account linked to neither)."""
    if user.role == Role.EMPLOYER and user.employer_id:
        return Interview.employer_id == user.employer_id
    if user.role == Role.SCHOOL and user.school_id:
        return Interview.school_id == user.school_id
    return sa.false()


def fair_scope(fair: Fair) -> sa.ColumnElement[bool]:
    return Interview.fair_id == fair.id


def _conditions(scope, filters: RecordFilter) -> list:
    """Conditions on the records table alone, so the count needs no join."""
    conditions = [scope]
    for column, value in (
        (Interview.fair_id, filters.fair_id),
        (Interview.booth_id, filters.booth_id),
        (Interview.vacancy_id, filters.vacancy_id),
        (Interview.programme_id, filters.programme_id),
        (Interview.outcome, filters.outcome),
    ):
        if value is not None:
            conditions.append(column == value)
    if filters.min_rating is not None:
        conditions.append(Interview.rating >= filters.min_rating)
    if filters.tag:
        conditions.append(_has_tag(filters.tag))
    return conditions


def _has_tag(tag: str) -> sa.ColumnElement[bool]:
    """The record's tags (a JSON list) hold exactly this tag."""
    function = (
        sa.func.json_array_elements_text
        if db.session.get_bind().dialect.name == "postgresql"
        else sa.func.json_each
    )
    elements = function(Interview.tags).table_valued("value")
    return sa.exists(sa.select(1).select_from(elements).where(elements.c.value == tag))


_BOOTH_EMPLOYER = aliased(Employer)
_BOOTH_SCHOOL = aliased(School)


def _rows_query(conditions: list, *, staff: bool) -> sa.Select:
    """One statement for the rows: each record with its booth, fair and holder loaded, and the title of
    its vacancy or programme; for staff the person's name and priority group too. Newest change first."""
    changed = sa.func.coalesce(Interview.updated_at, Interview.created_at)
    query = (
        sa.select(Interview, Vacancy.title, TrainingProgramme.name)
        .join(Interview.booth)
        .join(Booth.fair)
        .outerjoin(_BOOTH_EMPLOYER, Booth.employer_id == _BOOTH_EMPLOYER.id)
        .outerjoin(_BOOTH_SCHOOL, Booth.school_id == _BOOTH_SCHOOL.id)
        .outerjoin(Vacancy, Vacancy.id == Interview.vacancy_id)
        .outerjoin(TrainingProgramme, TrainingProgramme.id == Interview.programme_id)
        .options(
            contains_eager(Interview.booth).options(
                contains_eager(Booth.fair),
                contains_eager(Booth.employer.of_type(_BOOTH_EMPLOYER)),
                contains_eager(Booth.school.of_type(_BOOTH_SCHOOL)),
            )
        )
        .where(*conditions)
        .order_by(changed.desc(), Interview.id.desc())
    )
    if staff:
        query = query.join(Attendee, Attendee.id == Interview.attendee_id).add_columns(
            Attendee.full_name, Attendee.priority_group
        )
    return query


def _rows(query: sa.Select, *, staff: bool) -> list[Row]:
    found = db.session.execute(query).all()
    if staff:
        return [
            Row(interview, vacancy or programme, full_name=name, priority_group=group)
            for interview, vacancy, programme, name, group in found
        ]
    seen = cards_of([interview for interview, _vacancy, _programme in found])
    return [
        Row(interview, vacancy or programme, card=seen[interview.id])
        for interview, vacancy, programme in found
    ]


def records_page(
    scope, filters: RecordFilter, *, page: int = 1, per_page: int | None = None, staff: bool = False
) -> Page:
    """One page of the records in `scope` (holder_scope or fair_scope) that pass `filters`, newest change
    first: a count, one statement for the rows, and the cards in bulk (holders) — never a statement per
    row. Staff rows carry full names (see Row)."""
    per_page = per_page or PER_PAGE
    conditions = _conditions(scope, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Interview).where(*conditions))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    query = _rows_query(conditions, staff=staff).limit(per_page).offset((page - 1) * per_page)
    return Page(items=_rows(query, staff=staff), page=page, per_page=per_page, total=total)


def all_records(scope, filters: RecordFilter, *, staff: bool = False) -> list[Row]:
    """Every record of records_page's list, for an export."""
    return _rows(_rows_query(_conditions(scope, filters), staff=staff), staff=staff)


# --- What a holder filters by ------------------------------------------------------------------------


def holder_fairs(user) -> list[Fair]:
    """The fairs where the account's employer or school has had a booth, latest first."""
    if user.role == Role.EMPLOYER and user.employer_id:
        condition = Booth.employer_id == user.employer_id
    elif user.role == Role.SCHOOL and user.school_id:
        condition = Booth.school_id == user.school_id
    else:
        return []
    return db.session.scalars(
        sa.select(Fair).join(Booth, Booth.fair_id == Fair.id).where(condition).order_by(Fair.starts_at.desc())
    ).all()


def holder_subjects(user) -> list[tuple[int, str]]:
    """(id, name) of the employer's vacancies or the school's programmes."""
    if user.role == Role.EMPLOYER and user.employer_id:
        query = sa.select(Vacancy.id, Vacancy.title).where(Vacancy.employer_id == user.employer_id)
        return [tuple(row) for row in db.session.execute(query.order_by(Vacancy.title, Vacancy.id))]
    if user.role == Role.SCHOOL and user.school_id:
        query = sa.select(TrainingProgramme.id, TrainingProgramme.name).where(
            TrainingProgramme.school_id == user.school_id
        )
        return [tuple(row) for row in db.session.execute(query.order_by(TrainingProgramme.name))]
    return []


def booth_subjects(booth: Booth) -> list[tuple[int, str]]:
    """(id, name) of what a record of this booth may be for: the employer's vacancies offered at the
    booth's fair, or the school's programmes."""
    if booth.employer_id:
        query = (
            sa.select(Vacancy.id, Vacancy.title)
            .join(VacancyOffer, VacancyOffer.vacancy_id == Vacancy.id)
            .where(Vacancy.employer_id == booth.employer_id, VacancyOffer.fair_id == booth.fair_id)
            .order_by(Vacancy.title, Vacancy.id)
        )
    else:
        query = (
            sa.select(TrainingProgramme.id, TrainingProgramme.name)
            .where(TrainingProgramme.school_id == booth.school_id)
            .order_by(TrainingProgramme.name, TrainingProgramme.id)
        )
    return [tuple(row) for row in db.session.execute(query)]


def subject_of(interview: Interview) -> str | None:
    """The title of the record's vacancy or the name of its programme."""
    if interview.vacancy_id is not None:
        return db.session.scalar(sa.select(Vacancy.title).where(Vacancy.id == interview.vacancy_id))
    if interview.programme_id is not None:
        return db.session.scalar(
            sa.select(TrainingProgramme.name).where(TrainingProgramme.id == interview.programme_id)
        )
    return None


# --- A record's history ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    entry: InterviewEntry
    by: str | None  # the account's name
    subject: str | None


def history(interview: Interview) -> list[Version]:
    """Every version of the record, newest first, with who recorded it."""
    query = (
        sa.select(InterviewEntry, User.full_name, Vacancy.title, TrainingProgramme.name)
        .outerjoin(User, User.id == InterviewEntry.by_user_id)
        .outerjoin(Vacancy, Vacancy.id == InterviewEntry.vacancy_id)
        .outerjoin(TrainingProgramme, TrainingProgramme.id == InterviewEntry.programme_id)
        .where(InterviewEntry.interview_id == interview.id)
        .order_by(InterviewEntry.id.desc())
    )
    return [
        Version(entry, by, vacancy or programme)
        for entry, by, vacancy, programme in db.session.execute(query)
    ]
