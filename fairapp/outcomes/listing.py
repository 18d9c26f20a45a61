"""Lists of hires for the pages: an employer's own (people only as its booth cards show them), staff's
within their wards with filters, a hire's history; finding a person for a hire told by phone.

    hires_page(user, filters, page=)      one page of rows, follow-ups loaded in one more statement
    history(hire)                         what was recorded about the hire, from the audit log
    find_people(user, query, by=, ...)    people of the organiser's wards by name or phone (audited)
    employer_choices(), fairs_of(...)     what the staff form chooses from
    scope_wards(user), call_list_wards(user)   the wards the filters and the call list choose from"""

import math
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from fairapp.attendees.models import Attendee, Registration
from fairapp.audit import services as audit
from fairapp.audit.models import AuditEntry
from fairapp.audit.services import SYSTEM, Origin
from fairapp.auth.models import Role
from fairapp.booths.models import Booth
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.geo.models import Ward
from fairapp.geo.services import get_province, units_of_province, ward_label
from fairapp.interviews import card as cards
from fairapp.interviews.models import Interview
from fairapp.outcomes.call_list import employer_label
from fairapp.outcomes.models import FollowUp, Hire, HireStatus, SelfReport
from fairapp.outcomes.services import STAFF, scope_clause
from fairapp.partners.models import Employer, PartnerStatus
from fairapp.registrations.services import Page, RegistrationFilter, mask_search
from fairapp.text import fold

PER_PAGE = 25
MAX_PEOPLE = 30


@dataclass(frozen=True)
class HireFilter:
    ward_code: str | None = None
    fair_id: int | None = None
    status: HireStatus | None = None


@dataclass
class HireRow:
    hire: Hire
    employer: str
    name: str  # staff: the full name; an employer: as its booth's card shows the person
    ward: str | None
    follow_ups: list[FollowUp]


def _conditions(user, filters: HireFilter) -> list:
    conditions = [scope_clause(user)]
    if filters.ward_code:
        conditions.append(Hire.ward_code == filters.ward_code)
    if filters.fair_id:
        conditions.append(Hire.fair_id == filters.fair_id)
    if filters.status:
        conditions.append(Hire.status == filters.status)
    if user.role == Role.EMPLOYER:  # what the person told of themselves, the employer never sees
        conditions.append(Hire.status == HireStatus.CONFIRMED)
    return conditions


def hires_page(user, filters: HireFilter, *, page: int = 1) -> Page:
    """One page of the hires `user` may see, latest start first: a count, the rows, their follow-ups
    and (an employer) the cards, each in one statement."""
    conditions = _conditions(user, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Hire).where(*conditions))
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    staff = user.role in STAFF
    rows = db.session.execute(
        sa.select(
            Hire,
            employer_label(),
            Attendee.full_name,
            Ward.name,
            Interview.booth_id,
            Interview.registration_id,
        )
        .join(Attendee, Attendee.id == Hire.attendee_id)
        .outerjoin(Employer, Employer.id == Hire.employer_id)
        .outerjoin(Ward, Ward.code == Hire.ward_code)
        .outerjoin(Interview, Interview.id == Hire.interview_id)
        .where(*conditions)
        .order_by(Hire.start_date.desc(), Hire.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    follow_ups = _follow_ups_of([row[0].id for row in rows])
    names = {} if staff else _card_names(rows)
    items = [
        HireRow(
            hire=hire,
            employer=employer or "",
            name=full_name if staff else names.get(hire.id, cards.initial(full_name)),
            ward=ward_name if staff else None,
            follow_ups=follow_ups.get(hire.id, []),
        )
        for hire, employer, full_name, ward_name, _booth_id, _registration_id in rows
    ]
    return Page(items=items, page=page, per_page=PER_PAGE, total=total)


def _follow_ups_of(hire_ids: list[int]) -> dict[int, list[FollowUp]]:
    found: dict[int, list[FollowUp]] = defaultdict(list)
    if hire_ids:
        for follow_up in db.session.scalars(
            sa.select(FollowUp).where(FollowUp.hire_id.in_(hire_ids)).order_by(FollowUp.month)
        ):
            found[follow_up.hire_id].append(follow_up)
    return found


def _card_names(rows) -> dict[int, str]:
    """The name each hire's booth card shows (a statement per booth on the page, at most PER_PAGE)."""
    by_booth = defaultdict(list)
    for hire, *_rest, booth_id, registration_id in rows:
        if booth_id is not None:
            by_booth[booth_id].append((hire.id, registration_id))
    names = {}
    for booth_id, pairs in by_booth.items():
        seen = cards.cards(
            db.session.get(Booth, booth_id), [registration_id for _hire, registration_id in pairs]
        )
        names.update((hire_id, seen[registration_id].name) for hire_id, registration_id in pairs)
    return names


def card_name(hire: Hire) -> str:
    """The person's name as the hire's employer may see it (its booth's card)."""
    if hire.interview_id is None:
        return cards.initial(hire.attendee.full_name)
    interview = db.session.get(Interview, hire.interview_id)
    return cards.card(interview.booth, interview.registration).name


def history(hire: Hire) -> list[AuditEntry]:
    """What was recorded about the hire, oldest first (each follow-up answer, even those replaced)."""
    return db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == Hire.__tablename__, AuditEntry.object_id == str(hire.id))
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()


# --- The staff form's choices -------------------------------------------------------------------------


def _in_reach(user) -> sa.ColumnElement[bool]:
    """People an organiser follows: of their wards, or who came to their wards' fairs (not erased)."""
    in_fairs = sa.select(Registration.attendee_id).join(Fair, Fair.id == Registration.fair_id)
    in_fairs = in_fairs.where(user.ward_scope.clause(Fair.ward_code))
    return sa.and_(
        Attendee.erased_at.is_(None),
        sa.or_(user.ward_scope.clause(Attendee.ward_code), Attendee.id.in_(in_fairs)),
    )


def person_in_reach(user, attendee_id: int) -> Attendee | None:
    return db.session.scalar(sa.select(Attendee).where(Attendee.id == attendee_id, _in_reach(user)))


def find_people(user, query: str, *, by=None, origin: Origin = SYSTEM) -> list[dict]:
    """People of the organiser's wards (or who came to their wards' fairs) whose name or phone matches,
    at most MAX_PEOPLE. A search by phone is audited (the number masked), like the registrations'."""
    query = (query or "").strip()
    if not query:
        return []
    digits = RegistrationFilter(query=query).digits()
    statement = (
        sa.select(Attendee.id, Attendee.full_name, Attendee.phone, Attendee.birth_year, Ward.name)
        .outerjoin(Ward, Ward.code == Attendee.ward_code)
        .where(_in_reach(user))
        .order_by(Attendee.name_key, Attendee.id)
        .limit(MAX_PEOPLE)
    )
    if digits:
        statement = statement.where(Attendee.phone.contains(digits, autoescape=True))
    else:
        statement = statement.where(Attendee.name_key.contains(fold(query), autoescape=True))
    people = [
        {"id": i, "full_name": name, "phone": phone, "birth_year": year, "ward": ward}
        for i, name, phone, year, ward in db.session.execute(statement)
    ]
    if by is not None and digits:
        audit.record_read(
            "hires.person_search",
            actor=by,
            origin=origin,
            details={"query": mask_search(digits), "results": len(people)},
        )
    return people


def employer_choices() -> list[tuple[int, str]]:
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(Employer.id, Employer.name)
            .where(Employer.status == PartnerStatus.APPROVED)
            .order_by(Employer.name, Employer.id)
        )
    ]


def fairs_of(attendee_id: int) -> list[Fair]:
    """The fairs the person registered for, latest first."""
    return db.session.scalars(
        sa.select(Fair)
        .join(Registration, Registration.fair_id == Fair.id)
        .where(Registration.attendee_id == attendee_id)
        .order_by(Fair.starts_at.desc())
    ).all()


def fairs_with_hires(user) -> list[Fair]:
    return db.session.scalars(
        sa.select(Fair)
        .where(Fair.id.in_(sa.select(Hire.fair_id).where(scope_clause(user))))
        .order_by(Fair.starts_at.desc())
    ).all()


def scope_wards(user) -> list[tuple[str, str]]:
    """(code, name) of the wards an organiser acts in; for an admin, the wards that have hires or
    self-reports."""
    if user.ward_scope.everywhere:
        codes = sa.union(sa.select(Hire.ward_code), sa.select(SelfReport.ward_code)).subquery()
        statement = sa.select(Ward.code, Ward.name).where(Ward.code.in_(sa.select(codes.c[0])))
    else:
        statement = sa.select(Ward.code, Ward.name).where(Ward.code.in_(sorted(user.ward_scope.ward_codes)))
    return [tuple(row) for row in db.session.execute(statement.order_by(Ward.name))]


def call_list_wards(user) -> list[tuple[str, str]]:
    """(code, label) of the wards the call list chooses from: an organiser's wards; for an admin, every
    ward of the home province (a list to start on, hires or not), then any other ward with hires or
    self-reports, its province named."""
    if not user.ward_scope.everywhere:
        return scope_wards(user)
    home = current_app.config["HOME_PROVINCE_CODE"]
    wards = [(ward.code, ward.name) for ward in units_of_province(home)] if get_province(home) else []
    codes = sa.union(sa.select(Hire.ward_code), sa.select(SelfReport.ward_code)).subquery()
    elsewhere = db.session.scalars(
        sa.select(Ward)
        .where(Ward.code.in_(sa.select(codes.c[0])), Ward.province_code != home)
        .order_by(Ward.name)
    )
    return wards + [(ward.code, ward_label(ward)) for ward in elsewhere]
