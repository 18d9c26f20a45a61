"""A hire recorded by the employer that saw the person is attributed and scheduled; follow-ups decide."""

from datetime import timedelta

from fairapp.fairs.services import local_day
from fairapp.modelbase import utcnow
from fairapp.outcomes import services
from fairapp.outcomes.models import FollowUpOutcome, HireSource


def test_a_hire_is_attributed_to_the_booth_record_and_gets_three_follow_ups(db, seen, hire):
    person = seen()
    made = hire(person)
    assert (made.fair_id, made.interview_id) == (person.fair.id, person.interview.id)
    assert [f.month for f in made.follow_ups] == [1, 3, 6]
    again = services.record_hire(
        services.Hiring(attendee_id=person.attendee_id, start_date=made.start_date),
        by=person.employer_user,
        source=HireSource.EMPLOYER,
    )
    assert (again.created, again.hire.id) == (False, made.id)


def test_the_six_month_follow_up_decides(db, make_fair, seen, hire, organiser):
    made = hire(seen(fair=make_fair(starts_at=utcnow() - timedelta(days=210))), start_in_days=-200)
    today = local_day(utcnow())
    services.record_follow_up(
        made,
        services.Answer(
            checked_on=today - timedelta(days=10), outcome=FollowUpOutcome.STILL_EMPLOYED, month=6
        ),
        by=organiser,
    )
    db.session.commit()
    assert made.sustainable is True
