"""A job the person told of through the ticket link, then recorded by the employer or staff, counts
once; a dismissed hire recorded again by staff stands again; an unreachable answer replacing another
leaves nothing of it."""

from datetime import timedelta

import sqlalchemy as sa

from fairapp.extensions import db as _db
from fairapp.modelbase import utcnow
from fairapp.outcomes import services
from fairapp.outcomes.models import FollowUpOutcome, Hire, HireSource, HireStatus, JobAnswer, SelfReport
from tests.outcomes.helpers import today


def test_a_told_job_recorded_by_the_employer_counts_once(db, seen, hire):
    person = seen()
    report = services.self_report(
        person.registration,
        JobAnswer.EMPLOYED,
        client_key="k" * 16,
        employer_name=person.booth.employer.name.upper(),  # typed in capitals, folded the same
        start_date=today(),
    )
    db.session.commit()
    recorded = hire(person)
    hires = _db.session.scalars(sa.select(Hire).order_by(Hire.id)).all()
    assert [h.status for h in hires] == [HireStatus.DISMISSED, HireStatus.CONFIRMED]
    assert _db.session.get(SelfReport, report.id).hire_id == recorded.id


def test_a_told_job_at_another_employer_stays_to_confirm(db, seen, hire):
    person = seen()
    services.self_report(
        person.registration, JobAnswer.EMPLOYED, client_key="k" * 16, employer_name="Quán cơm Bình Minh"
    )
    db.session.commit()
    hire(person)
    statuses = _db.session.scalars(sa.select(Hire.status).order_by(Hire.id)).all()
    assert statuses == [HireStatus.TO_CONFIRM, HireStatus.CONFIRMED]


def test_a_dismissed_hire_recorded_again_by_staff_stands_with_its_follow_ups(db, seen, organiser):
    person = seen()
    report = services.self_report(
        person.registration, JobAnswer.EMPLOYED, client_key="k" * 16, employer_name="Quán cơm Bình Minh"
    )
    told = _db.session.get(Hire, report.hire_id)
    services.dismiss_hire(told, by=organiser)
    db.session.commit()
    again = services.record_hire(
        services.Hiring(
            attendee_id=person.attendee_id, start_date=told.start_date, employer_name="quán cơm bình minh"
        ),
        by=organiser,
        source=HireSource.ORGANISER,
    )
    db.session.commit()
    assert (again.created, again.hire.id, again.hire.status) == (False, told.id, HireStatus.CONFIRMED)
    assert [f.month for f in again.hire.follow_ups] == [1, 3, 6]


def test_unreachable_replacing_an_answer_keeps_nothing_of_it(db, make_fair, seen, hire, organiser):
    made = hire(seen(fair=make_fair(starts_at=utcnow() - timedelta(days=60))), start_in_days=-50)
    answered = services.record_follow_up(
        made,
        services.Answer(
            checked_on=today(), outcome=FollowUpOutcome.CHANGED_EMPLOYER, new_employer_name="Xưởng gỗ"
        ),
        by=organiser,
    )
    services.record_follow_up(
        made, services.Answer(checked_on=today(), outcome=FollowUpOutcome.UNREACHABLE, month=1), by=organiser
    )
    db.session.commit()
    assert (answered.outcome, answered.checked_on, answered.new_employer_name) == (None, None, None)
    assert answered.retry_on == today() + timedelta(days=3)
