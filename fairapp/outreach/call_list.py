"""The outreach call list of a ward: which members of its priority households to phone about the next
fair, and what each answered before.

    next_fair(ward, now)                    → NextFair (the fair, in the ward or not) or None
    ward_choices(user)                      → [(code, label)] the page chooses from
    statements(ward_code, fair, today)      → {section: unpaginated statement}
    call_list(ward_code, fair, today=, pages=)   → {section: one page of rows}
    section_rows(ward_code, fair, today, section) → every row of a section
    member_contact(member_id)               → the phone to call and the matched person, or None

The next fair: published or open and not yet ended (its effective status, fairapp.fairs.models), the
soonest in the ward; when the ward has none, the soonest in the ward's province (the page says so).

Who: the ward's priority-household workers today (fairapp.households.rules.priority_worker_clause),
not registered for that fair (no person matched to them holds a registration for it). What they
answered: their latest call about this fair — or a "moved" answer, which holds whatever the fair —
decides the section (without a next fair, the calls about no fair count):

    to_call     never answered, or unreachable and the day to call again has come
    will_come   said they would come, and are not registered yet
(an answer "has a job", "not looking" or "moved" is final; unreachable before the retry day waits).

The phone: the member's own on the list, else the latest matched person's, else the household's.
Rows are plain named tuples, one statement a section (its total through a window count)."""

import math
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from fairapp.attendees.models import Attendee, Registration
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.geo.models import Ward
from fairapp.geo.services import ward_label
from fairapp.households.models import Household, HouseholdMember
from fairapp.households.rules import priority_worker_clause
from fairapp.outcomes.call_list import Section
from fairapp.outreach.models import ContactOutcome, OutreachContact

PER_PAGE = 15
SECTIONS = ("to_call", "will_come")
INVITED_SECTIONS = SECTIONS  # the sections whose members may be invited all at once


@dataclass(frozen=True)
class NextFair:
    fair: Fair
    in_ward: bool  # False: the soonest fair of the province, the ward having none


def next_fair(ward: Ward, now: datetime) -> NextFair | None:
    """The fair to invite the ward's people to (see the module's documentation)."""
    coming = sa.select(Fair).where(
        Fair.status_at(now).in_((FairStatus.PUBLISHED, FairStatus.OPEN)), Fair.ends_at > now
    )
    soonest = (Fair.starts_at, Fair.id)
    fair = db.session.scalars(coming.where(Fair.ward_code == ward.code).order_by(*soonest).limit(1)).first()
    if fair is not None:
        return NextFair(fair, in_ward=True)
    nearby = coming.join(Ward, Ward.code == Fair.ward_code).where(Ward.province_code == ward.province_code)
    fair = db.session.scalars(nearby.order_by(*soonest).limit(1)).first()
    return NextFair(fair, in_ward=False) if fair is not None else None


def ward_choices(user) -> list[tuple[str, str]]:
    """An organiser's wards; for an admin, every ward with a household list (its province named
    outside the home province)."""
    if not user.ward_scope.everywhere:
        condition = user.ward_scope.clause(Ward.code)
    else:
        condition = Ward.code.in_(sa.select(Household.ward_code).distinct())
    wards = db.session.scalars(sa.select(Ward).where(condition).order_by(Ward.name))
    home = current_app.config["HOME_PROVINCE_CODE"]
    return [(ward.code, ward.name if ward.province_code == home else ward_label(ward)) for ward in wards]


# --- The statements ----------------------------------------------------------------------------------


def _phone_and_person():
    """The phone to call (as SQL, on a query of members joined to their household) and the person the
    list matched to the member (the latest), for the outbox."""
    matched = (
        sa.select(Attendee.id, Attendee.phone)
        .where(Attendee.household_member_id == HouseholdMember.id, Attendee.erased_at.is_(None))
        .order_by(Attendee.id.desc())
        .limit(1)
        .correlate(HouseholdMember)
    )
    attendee_id = matched.with_only_columns(Attendee.id).scalar_subquery()
    attendee_phone = matched.with_only_columns(Attendee.phone).scalar_subquery()
    phone = sa.func.coalesce(
        sa.func.nullif(HouseholdMember.phone, ""), attendee_phone, sa.func.nullif(Household.phone, "")
    )
    return phone.label("phone"), attendee_id.label("attendee_id")


def _answers(fair: Fair | None):
    """Each member's latest call that counts for this fair (see the module's documentation)."""
    contact, later = OutreachContact, aliased(OutreachContact)

    def counts(c):
        about = c.fair_id == fair.id if fair is not None else c.fair_id.is_(None)
        return sa.or_(about, c.outcome == ContactOutcome.MOVED)

    return (
        sa.select(contact.member_id, contact.outcome, contact.retry_on, contact.at)
        .where(
            counts(contact),
            ~sa.exists().where(
                later.member_id == contact.member_id,
                counts(later),
                sa.or_(later.at > contact.at, sa.and_(later.at == contact.at, later.id > contact.id)),
            ),
        )
        .subquery("answers")
    )


def _members(ward_code: str, fair: Fair | None, today: date, condition_of) -> sa.Select:
    answers = _answers(fair)
    phone, attendee_id = _phone_and_person()
    statement = (
        sa.select(
            HouseholdMember.id.label("member_id"),
            HouseholdMember.full_name,
            HouseholdMember.birth_year,
            Household.household_code,
            Household.village,
            phone,
            attendee_id,
            answers.c.outcome,
            answers.c.retry_on,
            answers.c.at.label("answered_at"),
            sa.func.count().over().label("total"),
        )
        .join(Household, Household.id == HouseholdMember.household_id)
        .outerjoin(answers, answers.c.member_id == HouseholdMember.id)
        .where(
            Household.ward_code == ward_code,
            priority_worker_clause(today),
            HouseholdMember.erased_at.is_(None),  # counted still, but nobody is left to call
            condition_of(answers),
        )
        .order_by(Household.village, Household.household_code, HouseholdMember.name_key, HouseholdMember.id)
    )
    if fair is not None:
        registered = (
            sa.select(Registration.id)
            .join(Attendee, Attendee.id == Registration.attendee_id)
            .where(Attendee.household_member_id == HouseholdMember.id, Registration.fair_id == fair.id)
        )
        statement = statement.where(~registered.exists())
    return statement


def statements(ward_code: str, fair: Fair | None, today: date) -> dict[str, sa.Select]:
    """Each section's statement, unpaginated (the invitations of a whole section read them too)."""

    def to_call(answers):
        retry_due = sa.and_(answers.c.outcome == ContactOutcome.UNREACHABLE, answers.c.retry_on <= today)
        return sa.or_(answers.c.outcome.is_(None), retry_due)

    def will_come(answers):
        return answers.c.outcome == ContactOutcome.WILL_COME

    return {
        "to_call": _members(ward_code, fair, today, to_call),
        "will_come": _members(ward_code, fair, today, will_come),
    }


def page_of(name: str, statement: sa.Select, page: int) -> Section:
    """One page of a section (past the end: its last page)."""
    page = max(1, page)
    rows = db.session.execute(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    if not rows and page > 1:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
        page = max(1, math.ceil(total / PER_PAGE))
        rows = db.session.execute(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return Section(name=name, items=rows, page=page, per_page=PER_PAGE, total=rows[0].total if rows else 0)


def page_of_list(name: str, items: list, page: int) -> Section:
    """One page of rows already read (a section another module lists)."""
    pages = max(1, math.ceil(len(items) / PER_PAGE))
    page = min(max(1, page), pages)
    shown = items[(page - 1) * PER_PAGE : page * PER_PAGE]
    return Section(name=name, items=shown, page=page, per_page=PER_PAGE, total=len(items))


def call_list(
    ward_code: str, fair: Fair | None, *, today: date, pages: dict[str, int] | None = None
) -> dict[str, Section]:
    """The ward's sections (see the module's documentation), each at its page (default 1)."""
    pages = pages or {}
    return {
        name: page_of(name, statement, pages.get(name, 1))
        for name, statement in statements(ward_code, fair, today).items()
    }


def section_rows(ward_code: str, fair: Fair | None, today: date, section: str) -> list:
    """Every row of a section, unpaginated (the invitation of a whole section)."""
    return db.session.execute(statements(ward_code, fair, today)[section]).all()


def member_contact(member_id: int):
    """(member_id, full_name, ward_code, phone, attendee_id) of a member, or None (unknown, erased)."""
    phone, attendee_id = _phone_and_person()
    return db.session.execute(
        sa.select(
            HouseholdMember.id.label("member_id"),
            HouseholdMember.full_name,
            Household.ward_code,
            phone,
            attendee_id,
        )
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(HouseholdMember.id == member_id, HouseholdMember.erased_at.is_(None))
    ).first()
