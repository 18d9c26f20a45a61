"""The ward official's call list: who to phone today, and about what.

    call_list(ward_code, today=, pages=)    the five sections, each one page of rows

Sections, each one statement (its rows and, through a window count, its total), paginated:

    due        follow-ups due by today, never tried (most overdue first)
    retry      follow-ups the person did not answer, whose retry date came (longest waiting first)
    soon       follow-ups falling due (or to retry) in the next SOON_DAYS days
    confirm    hires a job seeker told of, for an organiser to confirm by phone
    reports    self-reports "still looking" or "went to training" nobody dealt with yet

A hire with several milestones open shows only its earliest (the one an answer settles first). Only
confirmed hires have follow-ups; people erased are left out. The statements use the indexes on
hires.ward_code, follow_ups (hire_id, month), hires (status, start_date) and self_reports.ward_code.
Rows are plain data (named tuples), read in one statement each: no statement per row."""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from fairapp.attendees.models import Attendee
from fairapp.extensions import db
from fairapp.outcomes.models import FollowUp, Hire, HireStatus, JobAnswer, SelfReport
from fairapp.partners.models import Employer

PER_PAGE = 15
SOON_DAYS = 7
SECTIONS = ("due", "retry", "soon", "confirm", "reports")


@dataclass
class Section:
    """One page of a section's rows; the attributes templates/users/_pagination.html reads."""

    name: str
    items: list
    page: int
    per_page: int
    total: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def employer_label():
    """The employer's name as the pages show it: the account's name, else the name or tax code typed."""
    return sa.func.coalesce(Employer.name, Hire.employer_name, Hire.employer_tax_code).label("employer")


def _earliest_open() -> sa.ColumnElement[bool]:
    earlier = aliased(FollowUp)
    return ~sa.exists().where(
        earlier.hire_id == FollowUp.hire_id, earlier.outcome.is_(None), earlier.month < FollowUp.month
    )


def _follow_ups(ward_code: str, condition, order_by) -> sa.Select:
    return (
        sa.select(
            FollowUp.id.label("follow_up_id"),
            FollowUp.month,
            FollowUp.due_on,
            FollowUp.retry_on,
            FollowUp.attempts,
            FollowUp.asked_at,
            Hire.id.label("hire_id"),
            Hire.start_date,
            Hire.position,
            employer_label(),
            Attendee.full_name,
            Attendee.phone,
            sa.func.count().over().label("total"),
        )
        .join(Hire, Hire.id == FollowUp.hire_id)
        .join(Attendee, Attendee.id == Hire.attendee_id)
        .outerjoin(Employer, Employer.id == Hire.employer_id)
        .where(
            Hire.ward_code == ward_code,
            Hire.status == HireStatus.CONFIRMED,
            FollowUp.outcome.is_(None),
            Attendee.erased_at.is_(None),
            condition,
            _earliest_open(),
        )
        .order_by(*order_by, FollowUp.id)
    )


def _to_confirm(ward_code: str) -> sa.Select:
    return (
        sa.select(
            Hire.id.label("hire_id"),
            Hire.start_date,
            Hire.position,
            Hire.created_at,
            employer_label(),
            Attendee.full_name,
            Attendee.phone,
            sa.func.count().over().label("total"),
        )
        .join(Attendee, Attendee.id == Hire.attendee_id)
        .outerjoin(Employer, Employer.id == Hire.employer_id)
        .where(
            Hire.ward_code == ward_code,
            Hire.status == HireStatus.TO_CONFIRM,
            Attendee.erased_at.is_(None),
        )
        .order_by(Hire.created_at, Hire.id)
    )


def _reports(ward_code: str) -> sa.Select:
    return (
        sa.select(
            SelfReport.id.label("report_id"),
            SelfReport.answer,
            SelfReport.created_at,
            Attendee.full_name,
            Attendee.phone,
            sa.func.count().over().label("total"),
        )
        .join(Attendee, Attendee.id == SelfReport.attendee_id)
        .where(
            SelfReport.ward_code == ward_code,
            SelfReport.answer.in_([JobAnswer.LOOKING, JobAnswer.TRAINING]),
            SelfReport.handled_at.is_(None),
            Attendee.erased_at.is_(None),
        )
        .order_by(SelfReport.created_at, SelfReport.id)
    )


def statements(ward_code: str, today: date) -> dict[str, sa.Select]:
    """Each section's statement, unpaginated (the bench and the tests read them too)."""
    soon = today + timedelta(days=SOON_DAYS)
    next_call = sa.func.coalesce(FollowUp.retry_on, FollowUp.due_on)
    return {
        "due": _follow_ups(
            ward_code, sa.and_(FollowUp.retry_on.is_(None), FollowUp.due_on <= today), (FollowUp.due_on,)
        ),
        "retry": _follow_ups(
            ward_code,
            sa.and_(FollowUp.retry_on.is_not(None), FollowUp.retry_on <= today),
            (FollowUp.retry_on, FollowUp.due_on),
        ),
        "soon": _follow_ups(ward_code, sa.and_(next_call > today, next_call <= soon), (next_call,)),
        "confirm": _to_confirm(ward_code),
        "reports": _reports(ward_code),
    }


def _page(name: str, statement: sa.Select, page: int) -> Section:
    page = max(1, page)
    rows = db.session.execute(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    if not rows and page > 1:  # past the end (the list shrank while calling): the last page
        total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
        page = max(1, math.ceil(total / PER_PAGE))
        rows = db.session.execute(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    total = rows[0].total if rows else 0
    return Section(name=name, items=rows, page=page, per_page=PER_PAGE, total=total)


def call_list(ward_code: str, *, today: date, pages: dict[str, int] | None = None) -> dict[str, Section]:
    """The ward's five sections (see the module's documentation), each at its page (default 1)."""
    pages = pages or {}
    return {
        name: _page(name, statement, pages.get(name, 1))
        for name, statement in statements(ward_code, today).items()
    }
