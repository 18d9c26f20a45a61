"""The province data set (bench/province_data.py) at a hundredth of its size: the counts asked for, rows
that hang together as the services would have written them, and the same rows again for the same seed."""

import sqlalchemy as sa

from bench.province_data import generate
from fairapp.attendees.models import Attendee, Registration
from fairapp.checkins.models import CheckIn
from fairapp.interviews.models import Interview
from fairapp.outcomes import rules
from fairapp.outcomes.models import FollowUp, Hire, HireStatus

SCALE = 0.01


def _count(db, statement) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))


def _duplicates(db, *columns) -> int:
    return _count(db, sa.select(*columns).group_by(*columns).having(sa.func.count() > 1))


def test_a_hundredth_of_the_province_has_the_counts_asked_for(db):
    counts = generate(db.session, scale=SCALE)

    assert {
        name: counts[name] for name in ("attendees", "fairs", "registrations", "interviews", "hires")
    } == {
        "attendees": 1_000,
        "fairs": 5,
        "registrations": 2_000,
        "interviews": 600,
        "hires": 200,
    }
    assert counts["follow_ups"] == 501  # three per confirmed hire: 167 of the 200
    assert counts["employers"] == 3 and counts["schools"] == 1 and counts["vacancies"] >= 3
    assert 0.6 * 2_000 <= counts["check_ins"] <= 0.8 * 2_000
    for model in (Attendee, Registration, CheckIn, Interview, Hire, FollowUp):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == counts[model.__tablename__]
    confirmed = db.session.scalar(sa.select(sa.func.count()).where(Hire.status == HireStatus.CONFIRMED))
    assert counts["follow_ups"] == 3 * confirmed


def test_the_rows_hang_together(db):
    generate(db.session, scale=SCALE)

    # Every registration's person exists; people count once across the fairs they registered for
    orphans = sa.select(Registration.id).outerjoin(Attendee).where(Attendee.id.is_(None))
    assert _count(db, orphans) == 0
    assert _count(db, sa.select(Registration.attendee_id).distinct()) == 1_000
    assert _count(db, sa.select(Registration.attendee_id).group_by(Registration.attendee_id).having(
        sa.func.count() > 1
    )) > 0  # fmt: skip

    # Booth records only of people checked in, at their own fair
    not_admitted = (
        sa.select(Interview.id)
        .outerjoin(CheckIn, CheckIn.registration_id == Interview.registration_id)
        .where(CheckIn.id.is_(None))
    )
    assert _count(db, not_admitted) == 0
    elsewhere = (
        sa.select(Interview.id)
        .join(Registration, Registration.id == Interview.registration_id)
        .where(
            (Registration.fair_id != Interview.fair_id) | (Registration.attendee_id != Interview.attendee_id)
        )
    )
    assert _count(db, elsewhere) == 0

    # The unique keys hold
    assert _duplicates(db, Registration.fair_id, Registration.attendee_id) == 0
    assert _duplicates(db, Registration.ticket_secret) == 0
    assert _duplicates(db, Interview.booth_id, Interview.registration_id) == 0
    assert _duplicates(db, Hire.attendee_id, Hire.employer_key, Hire.start_date) == 0
    assert _duplicates(db, FollowUp.hire_id, FollowUp.month) == 0

    # Follow-ups fall due whole months after the start; the decision is the rule's on them
    rule = rules.SustainableRule()
    hires = db.session.scalars(sa.select(Hire).order_by(Hire.id)).all()
    for hire in hires:
        months = [follow_up.month for follow_up in hire.follow_ups]
        assert months == ([1, 3, 6] if hire.status == HireStatus.CONFIRMED else [])
        for follow_up in hire.follow_ups:
            assert follow_up.due_on == rules.add_months(hire.start_date, follow_up.month)
        answers = {follow_up.month: follow_up.outcome for follow_up in hire.follow_ups}
        decision = rules.is_sustainable(answers, social_insurance=hire.social_insurance, rule=rule)
        assert hire.sustainable == (decision if hire.status == HireStatus.CONFIRMED else None)
        if hire.fair_id is not None:
            interview = db.session.get(Interview, hire.interview_id)
            assert (interview.fair_id, interview.employer_id) == (hire.fair_id, hire.employer_id)
            assert hire.start_date > interview.created_at.date()
    assert {True, False, None} <= {hire.sustainable for hire in hires}
    assert sum(hire.fair_id is None for hire in hires) < len(hires) / 4

    # What the ORM loads
    hire = db.session.get(Hire, hires[0].id)
    assert hire.attendee.registrations and hire.attendee.full_name
    registration = db.session.get(Registration, hire.attendee.registrations[0].id)
    assert registration.fair.ward.province_code == 19


def test_the_same_seed_makes_the_same_rows(db):
    def fingerprint():
        people = db.session.execute(
            sa.select(Attendee.id, Attendee.full_name, Attendee.phone).order_by(Attendee.id)
        )
        jobs = db.session.execute(
            sa.select(Hire.id, Hire.attendee_id, Hire.start_date, Hire.status, Hire.sustainable).order_by(
                Hire.id
            )
        )
        return people.all(), jobs.all()

    first = generate(db.session, scale=SCALE, seed=3)
    rows = fingerprint()
    db.session.rollback()

    assert generate(db.session, scale=SCALE, seed=3) == first
    assert fingerprint() == rows
