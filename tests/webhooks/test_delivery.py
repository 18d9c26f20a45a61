"""Delivery against a real local HTTP server: the Standard Webhooks signature, retries with backoff,
410 Gone, attempts running out, replay with the same event id, the address rules."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.checkins import services as checkins
from fairapp.modelbase import utcnow
from fairapp.webhooks import delivery, subscriptions, targets
from fairapp.webhooks.models import Attempt, DeliveryStatus, Subscription
from tests.webhooks.helpers import deliveries, expected_signature


@pytest.fixture()
def checked_in(db, make_fair, ticket, make_user):
    """checked_in() → a new person checked in at an open fair, committed."""
    gate = make_user("gate")
    fair = make_fair()

    def make(**person):
        registration, payload = ticket(fair, **person)
        outcome = checkins.check_in(fair, payload, by=gate, scan_id=f"s-{registration.id}")
        assert outcome.result == "ok"
        db.session.commit()
        return registration

    return make


def test_signature_and_headers_follow_standard_webhooks(db, subscribe, receiver, checked_in):
    _subscription, secret = subscribe()
    checked_in()
    [pending] = deliveries()
    assert pending.event_id == "checkin.created-1" and pending.status == DeliveryStatus.PENDING

    assert delivery.send_due() == {"delivered": 1, "retried": 0, "failed": 0}
    [request] = receiver.received
    headers = request.headers
    assert request.path == "/hooks/fairapp"
    assert headers["webhook-id"] == "checkin.created-1"
    assert abs(int(headers["webhook-timestamp"]) - utcnow().timestamp()) < 30
    assert headers["webhook-signature"] == expected_signature(
        secret, headers["webhook-id"], headers["webhook-timestamp"], request.body
    )
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"].startswith("fairapp")
    body = json.loads(request.body)
    assert body["type"] == "checkin.created"
    assert body["data"]["check_in_id"] == 1 and body["data"]["fair"]["ward_code"] == "05528"
    [sent] = deliveries()
    assert sent.status == DeliveryStatus.DELIVERED and sent.delivered_at and sent.last_status_code == 200


def test_a_tampered_body_does_not_verify(subscribe, receiver, checked_in):
    _subscription, secret = subscribe()
    checked_in()
    delivery.send_due()
    [request] = receiver.received
    tampered = request.body.replace(b'"check_in_id":1', b'"check_in_id":2')
    assert tampered != request.body
    headers = request.headers
    assert headers["webhook-signature"] != expected_signature(
        secret, headers["webhook-id"], headers["webhook-timestamp"], tampered
    )


def test_500_then_200_is_retried_after_the_backoff(db, subscribe, receiver, checked_in):
    receiver.statuses = [500, 200]
    subscribe()
    checked_in()
    now = utcnow()

    assert delivery.send_due(now=now) == {"delivered": 0, "retried": 1, "failed": 0}
    [waiting] = deliveries()
    assert waiting.status == DeliveryStatus.PENDING and waiting.attempts == 1
    assert waiting.last_status_code == 500 and waiting.last_error == "HTTP 500"
    # The first retry after 60 s, plus up to 25% jitter
    assert now + timedelta(seconds=60) <= waiting.next_attempt_at <= now + timedelta(seconds=76)

    assert delivery.send_due(now=now + timedelta(seconds=30)) == {"delivered": 0, "retried": 0, "failed": 0}
    assert len(receiver.received) == 1  # not due yet

    assert delivery.send_due(now=now + timedelta(seconds=80))["delivered"] == 1
    assert [r.headers["webhook-id"] for r in receiver.received] == ["checkin.created-1"] * 2
    assert receiver.received[0].body == receiver.received[1].body
    attempts = db.session.scalars(sa.select(Attempt).order_by(Attempt.id)).all()
    assert [(a.number, a.status_code) for a in attempts] == [(1, 500), (2, 200)]
    assert deliveries()[0].status == DeliveryStatus.DELIVERED


def test_backoff_grows_and_the_attempts_run_out(app, subscribe, receiver, checked_in):
    receiver.statuses = [503]
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 3
    subscribe()
    checked_in()
    now = utcnow()
    waits = []
    for _ in range(2):
        assert delivery.send_due(now=now)["retried"] == 1
        due = deliveries()[0].next_attempt_at
        waits.append((due - now).total_seconds())
        now = due
    assert 60 <= waits[0] <= 75 and 300 <= waits[1] <= 375
    assert delivery.send_due(now=now) == {"delivered": 0, "retried": 0, "failed": 1}
    assert deliveries()[0].status == DeliveryStatus.FAILED
    assert delivery.send_due(now=now + timedelta(days=2))["failed"] == 0  # failed stays failed
    assert len(receiver.received) == 3


def test_410_gone_fails_the_delivery_and_deactivates_the_subscription(db, subscribe, receiver, checked_in):
    receiver.statuses = [410]
    subscription, _secret = subscribe()
    checked_in()
    assert delivery.send_due()["failed"] == 1
    db.session.expire_all()
    subscription = db.session.get(Subscription, subscription.id)
    assert not subscription.active and subscription.disabled_reason == "gone"


def test_replay_sends_the_same_event_id_again(db, subscribe, receiver, checked_in, make_user):
    subscribe()
    checked_in()
    delivery.send_due()
    [sent] = deliveries()
    assert sent.status == DeliveryStatus.DELIVERED

    subscriptions.replay(sent, by=make_user("admin"))
    db.session.commit()
    [again] = deliveries()
    assert again.status == DeliveryStatus.PENDING and again.attempts == 0
    assert delivery.send_due()["delivered"] == 1
    assert [r.headers["webhook-id"] for r in receiver.received] == ["checkin.created-1"] * 2
    assert len(db.session.scalars(sa.select(Attempt)).all()) == 2


def test_a_delivery_being_posted_is_not_replayed(db, subscribe, checked_in, make_user):
    subscribe()
    checked_in()
    [pending] = deliveries()
    pending.status, pending.lease_until = DeliveryStatus.SENDING, utcnow() + timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(subscriptions.DeliveryInFlight):
        subscriptions.replay(pending, by=make_user("admin"))


def test_an_inactive_subscription_holds_its_deliveries(db, subscribe, receiver, checked_in, make_user):
    subscription, _secret = subscribe()
    checked_in()
    subscriptions.set_active(subscription, False, by=make_user("admin"))
    db.session.commit()
    assert delivery.send_due()["delivered"] == 0 and receiver.received == []
    subscriptions.set_active(subscription, True, by=make_user("admin"))
    db.session.commit()
    assert delivery.send_due()["delivered"] == 1


def test_two_workers_never_post_one_attempt_twice(db, subscribe, receiver, checked_in):
    subscribe()
    for _ in range(3):
        checked_in()
    now = utcnow()
    first = delivery._claim(10, now, now + timedelta(minutes=2))
    db.session.commit()
    second = delivery._claim(10, now, now + timedelta(minutes=2))
    db.session.commit()
    assert len(first) == 3 and second == []


def test_private_addresses_are_refused_unless_allowed(app, subscribe, receiver, checked_in):
    subscribe()
    app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = False
    checked_in()
    assert delivery.send_due()["retried"] == 1
    [waiting] = deliveries()
    assert waiting.last_error.startswith("blocked") and waiting.last_status_code is None
    assert receiver.received == []


def test_a_redirect_is_not_followed(subscribe, receiver, checked_in):
    receiver.statuses = [302]
    subscribe()
    checked_in()
    assert delivery.send_due()["retried"] == 1
    assert deliveries()[0].last_error == "redirect not followed" and len(receiver.received) == 1


@pytest.mark.parametrize(
    "url, problem",
    [
        ("https://portal.thainguyen.gov.vn/hooks", None),
        ("http://127.0.0.1:8080/x", None),
        ("http://localhost/x", None),
        ("http://portal.thainguyen.gov.vn/hooks", "scheme"),
        ("ftp://example.org/", "scheme"),
        ("https://user:pw@example.org/", "host"),
        ("https:///nohost", "host"),
        ("https://example.org:99999/", "host"),
    ],
)
def test_target_urls(url, problem):
    assert targets.url_problem(url) == problem


@pytest.mark.parametrize(
    "address, public",
    [
        ("8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fd00::1", False),
    ],
)
def test_which_addresses_are_public(address, public):
    assert targets._public(address) is public
