"""Emission: in the one path of each operation, with its transaction, once per event, only for an
active subscription, batched for an offline device's upload, and with the person's fields the
subscription's purpose allows."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import PriorityGroup
from fairapp.checkins import services as checkins
from fairapp.extensions import db as _db
from fairapp.modelbase import utcnow
from fairapp.outcomes import services as outcomes
from fairapp.outcomes.models import FollowUpOutcome
from fairapp.webhooks import events, subscriptions
from fairapp.webhooks.models import Delivery
from tests.interviews.conftest import make_booth  # noqa: F401
from tests.outcomes.conftest import hire, organiser, past_fair, seen  # noqa: F401
from tests.partners.conftest import make_employer, make_school  # noqa: F401
from tests.webhooks.helpers import deliveries

PERSONAL = (
    "full_name",
    "phone",
    "citizen_id",
    "address",
    "priority_group",
    "priority_status",
    "household_code",
)


def _keys(value) -> set[str]:
    """Every key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | set().union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value))
    return set()


@pytest.fixture()
def gate(make_user):
    return make_user("gate")


def test_a_repeated_scan_id_and_a_second_scan_emit_nothing_more(db, subscribe, make_fair, ticket, gate):
    subscribe()
    fair = make_fair()
    _registration, payload = ticket(fair)
    for _ in range(2):
        checkins.check_in(fair, payload, by=gate, scan_id="scan-1")
        db.session.commit()
    assert checkins.check_in(fair, payload, by=gate, scan_id="scan-2").result == "already_checked_in"
    db.session.commit()
    assert [d.event_id for d in deliveries()] == ["checkin.created-1"]


def test_an_event_emitted_twice_is_one_delivery(db, subscribe):
    subscribe()
    for _ in range(2):
        events.emit("checkin.created", "checkin.created-77", data={"check_in_id": 77}, at=utcnow())
        db.session.commit()
    assert len(deliveries()) == 1


def test_nothing_without_an_active_subscription_for_the_event(
    db, subscribe, make_fair, ticket, gate, make_user
):
    fair = make_fair()
    checkins.check_in(fair, ticket(fair)[1], by=gate)
    db.session.commit()
    subscription, _secret = subscribe(events=("hire.recorded",))
    checkins.check_in(fair, ticket(fair)[1], by=gate)
    db.session.commit()
    subscriptions.set_active(subscription, False, by=make_user("admin"))
    subscriptions.update(
        subscription,
        subscriptions.Fields(subscription.name, subscription.url, ["checkin.created"], "statistics"),
        by=make_user("admin"),
    )
    db.session.commit()
    checkins.check_in(fair, ticket(fair)[1], by=gate)
    db.session.commit()
    assert deliveries() == []


def test_a_rolled_back_check_in_emits_nothing(db, subscribe, make_fair, ticket, gate):
    subscribe()
    fair = make_fair()
    checkins.check_in(fair, ticket(fair)[1], by=gate)
    db.session.rollback()
    db.session.commit()
    assert deliveries() == []


def test_with_no_subscription_a_check_in_asks_nothing_more(app, db, make_fair, ticket, gate):
    """The subscriptions are read once per WEBHOOK_CACHE_SECONDS, not once per check-in."""
    fair = make_fair()
    payloads = [ticket(fair)[1] for _ in range(5)]
    checkins.check_in(fair, payloads[0], by=gate)  # the cache is filled here
    db.session.commit()
    statements = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(_db.engine, "before_cursor_execute", note)
    try:
        for payload in payloads[1:]:
            checkins.check_in(fair, payload, by=gate)
            db.session.commit()
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", note)
    assert not [s for s in statements if "webhook" in s]


def test_a_new_subscription_is_seen_by_other_processes_within_the_cache_time(
    app, db, make_fair, ticket, gate, subscribe
):
    fair = make_fair()
    checkins.check_in(fair, ticket(fair)[1], by=gate)
    db.session.commit()
    subscribe()
    # Another process cached "nobody listens" just before the subscription was made
    cached = app.extensions[events._CACHE] = events._Listeners(events.time.monotonic(), (), frozenset())
    checkins.check_in(fair, ticket(fair)[1], by=gate)
    db.session.commit()
    assert deliveries() == []
    app.extensions[events._CACHE] = events._Listeners(
        cached.read_at - app.config["WEBHOOK_CACHE_SECONDS"] - 1, (), frozenset()
    )
    checkins.check_in(fair, ticket(fair)[1], by=gate)
    db.session.commit()
    assert len(deliveries()) == 1


def test_an_offline_upload_of_many_scans_is_one_insert(
    db, client, subscribe, make_fair, ticket, token_for, make_device
):
    subscribe()
    subscribe(purpose="job_portal", name="Cổng việc làm")
    user, headers = token_for("gate")
    device = make_device(user)
    fair = make_fair()
    now = utcnow()
    scans = [
        {
            "scan_id": f"d-{n}",
            "fair_id": fair.id,
            "qr_payload": ticket(fair)[1],
            "scanned_at": (now - timedelta(minutes=5)).isoformat(),
        }
        for n in range(30)
    ]
    inserts = []

    def note(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO WEBHOOK_DELIVERIES"):
            inserts.append(statement)

    sa.event.listen(_db.engine, "before_cursor_execute", note)
    try:
        response = client.post(
            "/api/v1/checkins/sync", json={"device_id": device.public_id, "scans": scans}, headers=headers
        )
        assert response.status_code == 200
        assert {r["result"] for r in response.get_json()["results"]} == {"ok"}
        replayed = client.post(
            "/api/v1/checkins/sync", json={"device_id": device.public_id, "scans": scans}, headers=headers
        )
        assert replayed.status_code == 200
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", note)
    assert len(inserts) == 1
    assert len(deliveries()) == 60  # 30 check-ins × 2 subscriptions, none from the replayed batch


def test_statistics_receive_no_personal_fields(db, subscribe, make_fair, ticket, gate):
    subscription, _secret = subscribe()
    fair = make_fair()
    registration, payload = ticket(fair, "Lò Văn Páo", priority_group=PriorityGroup.POOR)
    registration.attendee.citizen_id = "019090001234"
    registration.consent_share_version = "2026-12-v1"  # shared with employers: still not for statistics
    db.session.commit()
    checkins.check_in(fair, payload, by=gate)
    db.session.commit()
    [sent] = deliveries()
    person = sent.payload["data"]["person"]
    assert set(person) == {"ref", "gender", "age_band", "ward_code"}
    assert person["gender"] == "female" and person["ward_code"] == "05528"
    assert not _keys(sent.payload) & set(PERSONAL)
    text = str(sent.payload)
    assert "Páo" not in text and "019090001234" not in text and registration.attendee.phone not in text
    assert "poor" not in text


def test_a_job_portal_receives_the_profile_only_of_people_who_agreed(db, subscribe, make_fair, ticket, gate):
    subscribe(purpose="job_portal")
    fair = make_fair()
    agreed, agreed_payload = ticket(fair, "Hoàng Thị Mai", priority_group=PriorityGroup.NEAR_POOR)
    agreed.consent_share_version = "2026-12-v1"
    agreed.desired_jobs = "may công nghiệp"
    refused, refused_payload = ticket(fair, "Đinh Văn Quý")
    db.session.commit()
    for payload in (agreed_payload, refused_payload):
        checkins.check_in(fair, payload, by=gate)
    db.session.commit()
    shared, not_shared = (d.payload["data"]["person"] for d in deliveries())
    assert shared["shared"] is True and shared["full_name"] == "Hoàng Thị Mai"
    assert shared["desired_jobs"] == "may công nghiệp" and shared["birth_year"] == 1990
    assert not set(shared) & {"phone", "citizen_id", "address", "priority_group", "priority_status"}
    assert not_shared["shared"] is False and "full_name" not in not_shared and "Quý" not in str(not_shared)


def test_person_refs_differ_between_subscriptions(db, subscribe, make_fair, ticket, gate):
    subscribe()
    subscribe(name="Viện Khoa học Lao động")
    fair = make_fair()
    checkins.check_in(fair, ticket(fair)[1], by=gate)
    db.session.commit()
    first, second = (d.payload["data"]["person"]["ref"] for d in deliveries())
    assert first != second and len(first) == 24


def test_interview_hire_and_follow_up_are_emitted(db, subscribe, seen, hire, past_fair):
    subscribe(events=events.EVENTS)
    person = seen(fair=past_fair(300))
    made = hire(person, start_in_days=-100, monthly_salary=9_000_000)
    outcomes.record_follow_up(
        made,
        outcomes.Answer(
            checked_on=made.start_date + timedelta(days=31), outcome=FollowUpOutcome.STILL_EMPLOYED
        ),
        by=None,
    )
    db.session.commit()
    by_type = {d.event_type: d for d in deliveries()}
    assert set(by_type) == {"interview.recorded", "hire.recorded", "followup.recorded"}
    interview = by_type["interview.recorded"].payload["data"]
    assert interview["outcome"] == "shortlisted" and interview["first_record"] is True
    assert interview["fair"]["id"] == person.fair.id and "notes" not in interview
    hired = by_type["hire.recorded"].payload["data"]
    assert hired["hire_id"] == made.id and "monthly_salary" not in hired and "9000000" not in str(hired)
    follow_up = by_type["followup.recorded"]
    assert follow_up.event_id.startswith("followup.recorded-") and follow_up.payload["data"]["month"] == 1
    assert follow_up.payload["data"]["outcome"] == "still_employed"
    for d in by_type.values():
        assert d.payload["data"]["person"]["ward_code"] == "05528"


def test_a_follow_up_answered_again_is_a_new_event(db, subscribe, seen, hire, past_fair):
    subscribe(events=("followup.recorded",))
    made = hire(seen(fair=past_fair(300)), start_in_days=-100)
    for outcome in (FollowUpOutcome.STILL_EMPLOYED, FollowUpOutcome.CHANGED_EMPLOYER):
        outcomes.record_follow_up(
            made,
            outcomes.Answer(
                checked_on=made.start_date + timedelta(days=31),
                month=1,
                outcome=outcome,
                new_employer_name="Công ty B",
            ),
            by=None,
        )
        db.session.commit()
    assert [d.payload["data"]["outcome"] for d in deliveries()] == ["still_employed", "changed_employer"]
    assert len({d.event_id for d in deliveries()}) == 2


def test_the_deliveries_are_the_callers_transaction(db, subscribe):
    subscribe()
    events.emit("checkin.created", "checkin.created-5", data={}, at=utcnow())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 0  # until the commit
    db.session.commit()
    assert len(deliveries()) == 1


def test_erasure_and_a_withdrawn_consent_reach_the_stored_bodies(
    db, subscribe, make_fair, ticket, gate, make_user
):
    from fairapp.privacy import services as privacy

    subscribe(purpose="job_portal")
    fair = make_fair()
    people = []
    for name in ("Hoàng Thị Mai", "Vi Văn Sáng"):
        registration, payload = ticket(fair, name)
        registration.consent_share_version = "2026-12-v1"
        db.session.commit()
        checkins.check_in(fair, payload, by=gate)
        db.session.commit()
        people.append(registration)
    assert [d.payload["data"]["person"]["shared"] for d in deliveries()] == [True, True]

    privacy.erase(people[0].attendee, by=make_user("admin"), reason="Người lao động yêu cầu")
    privacy.withdraw_share_consent(people[1])
    db.session.commit()
    for sent in deliveries():
        person = sent.payload["data"]["person"]
        assert person["shared"] is False and set(person) == {
            "ref",
            "gender",
            "age_band",
            "ward_code",
            "shared",
        }
        assert sent.payload["data"]["check_in_id"]  # the event itself stays
    assert "Mai" not in str([d.payload for d in deliveries()]) and "Sáng" not in str(
        [d.payload for d in deliveries()]
    )


def test_settled_deliveries_are_kept_for_the_log_days(app, db, subscribe):
    from fairapp.webhooks import retention
    from fairapp.webhooks.models import DeliveryStatus

    subscribe()
    for n in range(3):
        events.emit("checkin.created", f"checkin.created-{n}", data={}, at=utcnow())
    db.session.commit()
    old, pending_old, recent = deliveries()
    long_ago = utcnow() - timedelta(days=app.config["WEBHOOK_LOG_DAYS"] + 1)
    old.status, old.created_at = DeliveryStatus.DELIVERED, long_ago
    pending_old.created_at = long_ago  # still to be sent: kept
    recent.status = DeliveryStatus.FAILED
    db.session.commit()
    assert retention.purge() == 1
    db.session.commit()
    assert [d.event_id for d in deliveries()] == ["checkin.created-1", "checkin.created-2"]
