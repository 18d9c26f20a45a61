"""GET /api/v1/fairs/{id}/stats counts hired (people with a confirmed hire from the fair) and sustained
(of those, a sustainable job), in total and by priority group: a person counts once per indicator."""

from fairapp.attendees.models import PriorityGroup
from fairapp.extensions import db
from fairapp.outcomes import services
from fairapp.outcomes.models import FollowUpOutcome, HireSource, HireStatus
from tests.interviews.conftest import BoothSetup
from tests.outcomes.helpers import today


def _six_months(hire, by):
    services.record_follow_up(
        hire, services.Answer(checked_on=today(), outcome=FollowUpOutcome.STILL_EMPLOYED, month=6), by=by
    )
    db.session.commit()


def test_hired_and_sustained_count_each_person_once(client, seen, hire, past_fair, organiser, staff_headers):
    fair = past_fair()
    first = seen(fair=fair, priority_group=PriorityGroup.POOR)
    setup = BoothSetup(first.booth, first.employer_user, first.employer_headers, [], [])
    twice = seen(setup=setup, priority_group=PriorityGroup.POOR, name="Lê Văn Khánh")
    plain = seen(setup=setup, name="Phạm Thị Mai")
    left = seen(setup=setup, priority_group=PriorityGroup.NEAR_POOR, name="Đỗ Văn Hải")
    seen(setup=setup, name="Hoàng Văn Nam")  # interviewed, never hired

    _six_months(hire(first, start_in_days=-200), organiser)
    for start in (-200, -190):  # two jobs, both sustainable: one person
        _six_months(hire(twice, start_in_days=start), organiser)
    hire(plain, start_in_days=-10)  # hired, undecided
    gone = hire(left, start_in_days=-200)
    services.record_follow_up(
        gone,
        services.Answer(checked_on=today(), outcome=FollowUpOutcome.LEFT, reason="salary", month=1),
        by=organiser,
    )
    to_confirm = services.record_hire(  # a job seeker's own word counts nowhere until confirmed
        services.Hiring(
            attendee_id=plain.attendee_id, start_date=today(), employer_name="Quán cơm", fair_id=fair.id
        ),
        by=None,
        source=HireSource.JOB_SEEKER,
        status=HireStatus.TO_CONFIRM,
    )
    db.session.commit()
    assert to_confirm.hire.fair_id == fair.id
    hire(seen(), start_in_days=0)  # another fair's hire

    _user, headers = staff_headers()
    stats = client.get(f"/api/v1/fairs/{fair.id}/stats", headers=headers).get_json()
    assert (stats["interviewed"], stats["hired"], stats["sustained"]) == (5, 4, 2)
    groups = stats["by_priority_group"]
    assert (groups["poor"]["hired"], groups["poor"]["sustained"]) == (2, 2)
    assert (groups["near_poor"]["hired"], groups["near_poor"]["sustained"]) == (1, 0)
    assert (groups["none"]["hired"], groups["none"]["sustained"]) == (1, 0)
    assert groups["escaped_poverty"]["hired"] == 0


def test_a_confirmed_self_report_counts(client, db, seen, staff_headers, organiser):
    person = seen()
    made = services.record_hire(
        services.Hiring(
            attendee_id=person.attendee_id,
            start_date=today(),
            employer_name="Quán cơm",
            fair_id=person.fair.id,
        ),
        by=None,
        source=HireSource.JOB_SEEKER,
        status=HireStatus.TO_CONFIRM,
    ).hire
    db.session.commit()
    _user, headers = staff_headers()
    url = f"/api/v1/fairs/{person.fair.id}/stats"
    assert client.get(url, headers=headers).get_json()["hired"] == 0
    services.confirm_hire(made, by=organiser)
    db.session.commit()
    assert client.get(url, headers=headers).get_json()["hired"] == 1
