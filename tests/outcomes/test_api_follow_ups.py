"""POST /api/v1/hires/{id}/follow-ups and GET /api/v1/follow-ups: what a call found, when it may be
recorded, the unreachable, the person who left, replaced answers, and the sustainable decision."""

from datetime import timedelta

from fairapp.extensions import db
from fairapp.outcomes.models import FollowUp, Hire
from tests.outcomes.helpers import count, days, post_follow_up, refused, today


def _answers(hire_id: int) -> dict[int, str | None]:
    db.session.rollback()
    hire = db.session.get(Hire, hire_id)
    return {f.month: (f.outcome.value if f.outcome else None) for f in hire.follow_ups}


def _old_hire(hire, seen, past_fair, days_ago=200):
    """A hire that started `days_ago` days ago, at a fair held then: every milestone is due."""
    return hire(seen(fair=past_fair(days_ago=days_ago)), start_in_days=-days_ago)


def test_still_employed_at_each_milestone_makes_a_sustainable_job(
    client, seen, hire, past_fair, staff_headers
):
    made = _old_hire(hire, seen, past_fair)
    _user, headers = staff_headers()
    months = []
    for _ in range(3):
        response = post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=True)
        assert response.status_code == 201, response.get_json()
        months.append(response.get_json()["month"])
    assert months == [1, 3, 6]  # the earliest open milestone each time
    assert response.get_json() == {
        "id": response.get_json()["id"],
        "hire_id": made.id,
        "month": 6,
        "outcome": "still_employed",
        "sustainable": True,
        "retry_on": None,
    }
    shown = client.get(f"/api/v1/hires/{made.id}", headers=headers).get_json()
    assert (
        shown["sustainable"] is True and [f["outcome"] for f in shown["follow_ups"]] == ["still_employed"] * 3
    )
    refused(
        post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=True),
        422,
        "all_done",
        "checked_on",
    )


def test_a_new_employer_means_changed_employer_and_still_counts(client, seen, hire, past_fair, staff_headers):
    made = _old_hire(hire, seen, past_fair)
    _user, headers = staff_headers()
    response = post_follow_up(
        client,
        headers,
        made.id,
        checked_on=days(0),
        still_employed=True,
        new_employer="Công ty May 10",
        month=6,
    )
    assert response.get_json()["outcome"] == "changed_employer" and response.get_json()["sustainable"] is True
    assert db.session.get(FollowUp, response.get_json()["id"]).new_employer_name == "Công ty May 10"


def test_a_follow_up_before_the_start_date_or_in_the_future_is_refused(client, seen, hire, staff_headers):
    made = hire(seen(), start_in_days=10)
    _user, headers = staff_headers()
    refused(
        post_follow_up(client, headers, made.id, checked_on=days(5), still_employed=True),
        422,
        "before_start",
        "checked_on",
    )
    old = hire(seen(), start_in_days=0)
    refused(
        post_follow_up(client, headers, old.id, checked_on=days(1), still_employed=True),
        422,
        "in_future",
        "checked_on",
    )
    assert count(FollowUp) == 6 and all(v is None for v in _answers(made.id).values())


def test_a_follow_up_not_due_yet_is_refused(client, seen, hire, past_fair, staff_headers):
    made = _old_hire(hire, seen, past_fair, days_ago=10)  # the first milestone is in about 20 days
    _user, headers = staff_headers()
    refused(
        post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=True),
        422,
        "not_due",
        "checked_on",
    )
    refused(  # naming the deciding milestone does not decide it early
        post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=True, month=6),
        422,
        "not_due",
        "checked_on",
    )
    refused(
        post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=True, month=2),
        422,
        "no_such_follow_up",
        "month",
    )
    assert set(_answers(made.id).values()) == {None}
    assert db.session.get(Hire, made.id).sustainable is None


def test_unreachable_keeps_the_milestone_open_until_the_retry_date(
    client, seen, hire, past_fair, staff_headers
):
    made = _old_hire(hire, seen, past_fair, days_ago=40)
    _user, headers = staff_headers()
    response = post_follow_up(
        client, headers, made.id, checked_on=days(0), outcome="unreachable", retry_in_days=5, note="Máy bận"
    )
    assert response.status_code == 201
    assert (response.get_json()["month"], response.get_json()["retry_on"]) == (1, days(5))
    assert _answers(made.id)[1] is None
    follow_up = db.session.get(FollowUp, response.get_json()["id"])
    assert (follow_up.attempts, follow_up.note) == (1, "Máy bận")

    due_now = client.get("/api/v1/follow-ups", headers=headers).get_json()["items"]
    assert due_now == []  # to be called again in five days
    later = client.get("/api/v1/follow-ups", query_string={"due_before": days(5)}, headers=headers).get_json()
    assert [(item["hire_id"], item["month"], item["attempts"]) for item in later["items"]] == [
        (made.id, 1, 1)
    ]

    default = post_follow_up(client, headers, made.id, checked_on=days(0), outcome="unreachable")
    assert default.get_json()["retry_on"] == days(3)  # FOLLOW_UP_RETRY_DAYS
    assert db.session.get(FollowUp, follow_up.id).attempts == 2


def test_left_needs_a_reason_and_closes_the_later_milestones(client, seen, hire, past_fair, staff_headers):
    made = _old_hire(hire, seen, past_fair, days_ago=40)
    _user, headers = staff_headers()
    refused(
        post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=False),
        422,
        "reason_required",
        "reason",
    )
    assert set(_answers(made.id).values()) == {None}
    response = post_follow_up(
        client, headers, made.id, checked_on=days(0), still_employed=False, reason="distance"
    )
    assert response.status_code == 201
    assert response.get_json()["sustainable"] is False  # left before the deciding month: decided at once
    assert _answers(made.id) == {1: "left", 3: "left", 6: "left"}
    # The call list has nothing left for this hire
    later = client.get("/api/v1/follow-ups", query_string={"due_before": days(365)}, headers=headers)
    assert later.get_json()["items"] == []


def test_left_between_two_milestones_can_be_told_at_once(client, seen, hire, past_fair, staff_headers):
    made = _old_hire(hire, seen, past_fair, days_ago=50)
    _user, headers = staff_headers()
    assert (
        post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=True).get_json()["month"]
        == 1
    )
    response = post_follow_up(
        client, headers, made.id, checked_on=days(0), still_employed=False, reason="salary"
    )
    assert response.get_json()["month"] == 3  # not due yet, but the person has left
    assert _answers(made.id) == {1: "still_employed", 3: "left", 6: "left"}


def test_an_answer_replaces_the_last_and_replacing_left_reopens_later_milestones(
    client, seen, hire, past_fair, staff_headers
):
    made = _old_hire(hire, seen, past_fair)
    _user, headers = staff_headers()
    post_follow_up(
        client, headers, made.id, checked_on=days(0), still_employed=False, reason="health", month=3
    )
    assert _answers(made.id) == {1: None, 3: "left", 6: "left"}
    assert db.session.get(Hire, made.id).sustainable is False
    fixed = post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=True, month=3)
    assert fixed.status_code == 201 and fixed.get_json()["sustainable"] is None
    assert _answers(made.id) == {1: None, 3: "still_employed", 6: None}
    follow_up = db.session.get(FollowUp, fixed.get_json()["id"])
    assert (follow_up.reason, follow_up.attempts) == (None, 2)
    six = post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=True, month=6)
    assert six.get_json()["sustainable"] is True
    assert db.session.get(Hire, made.id).decided_at is not None


def test_the_sustainable_decision_is_kept_on_the_hire(client, seen, hire, past_fair, staff_headers):
    made = _old_hire(hire, seen, past_fair)
    _user, headers = staff_headers()
    post_follow_up(client, headers, made.id, checked_on=days(-1), still_employed=True, month=6)
    db.session.rollback()
    stored = db.session.get(Hire, made.id)
    assert stored.sustainable is True and stored.decided_at is not None
    listed = client.get("/api/v1/hires", query_string={"fair_id": made.fair_id}, headers=headers).get_json()
    assert [(item["id"], item["sustainable"]) for item in listed["items"]] == [(made.id, True)]


def test_an_employer_records_follow_ups_of_its_own_hires_only(client, seen, hire, past_fair):
    person = seen(fair=past_fair())
    own = hire(person, start_in_days=-200)
    other = hire(seen())
    response = post_follow_up(
        client, person.employer_headers, own.id, checked_on=days(0), still_employed=True
    )
    assert response.status_code == 201
    assert db.session.get(FollowUp, response.get_json()["id"]).answered_by == "api"
    refused(
        post_follow_up(client, person.employer_headers, other.id, checked_on=days(0), still_employed=True),
        404,
        "not_found",
    )
    assert _answers(other.id) == {1: None, 3: None, 6: None}


def test_a_hire_to_confirm_takes_no_follow_up(client, db, seen, staff_headers):
    from fairapp.outcomes import services
    from fairapp.outcomes.models import HireSource, HireStatus

    person = seen()
    made = services.record_hire(
        services.Hiring(attendee_id=person.attendee_id, start_date=today(), employer_name="Quán cơm"),
        by=None,
        source=HireSource.JOB_SEEKER,
        status=HireStatus.TO_CONFIRM,
    ).hire
    db.session.commit()
    _user, headers = staff_headers()
    refused(
        post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=True),
        422,
        "hire_not_confirmed",
        "hire_id",
    )


def test_the_due_list_is_earliest_first_for_staff_in_scope(client, seen, hire, past_fair, staff_headers):
    older = _old_hire(hire, seen, past_fair, days_ago=100)
    newer = _old_hire(hire, seen, past_fair, days_ago=45)
    _user, headers = staff_headers()
    items = client.get("/api/v1/follow-ups", headers=headers).get_json()["items"]
    assert [(item["hire_id"], item["month"]) for item in items] == [
        (older.id, 1),
        (newer.id, 1),
        (older.id, 3),
    ]
    assert items[0]["person_name"] == "Nguyễn Thị Hồng Nhung" and items[0]["ward_code"] == "05528"
    assert items[0]["due_on"] <= items[1]["due_on"] <= items[2]["due_on"]
    assert (today() - timedelta(days=100)).isoformat() < items[0]["due_on"]
    other_ward = client.get("/api/v1/follow-ups", query_string={"ward_code": "05518"}, headers=headers)
    assert other_ward.get_json()["items"] == []
