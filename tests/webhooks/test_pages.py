"""The admin pages: create (the secret shown once), edit, turn off and on, rotate the secret, send a
test event, the delivery log with its filters, one delivery with its attempts, replay; all audited."""

import json
import re

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.webhooks import delivery, signing
from fairapp.webhooks.models import DeliveryStatus, Subscription
from tests.conftest import csrf_token_from
from tests.webhooks.helpers import deliveries, expected_signature


def _csrf(client, url="/manage/webhooks") -> str:
    return csrf_token_from(client.get(url).get_data(as_text=True))


def _actions(db) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def _create(client, receiver, **overrides):
    data = {
        "name": "Cổng việc làm tỉnh",
        "url": receiver.url,
        "events": ["checkin.created", "hire.recorded"],
        "purpose": "job_portal",
        "csrf_token": _csrf(client, "/manage/webhooks/new"),
        **overrides,
    }
    return client.post("/manage/webhooks/new", data=data)


def test_create_shows_the_secret_once_and_stores_it_encrypted(db, client, auth, receiver, webhook_settings):
    auth.login("admin")
    response = _create(client, receiver)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r"data-secret>(whsec_[A-Za-z0-9+/=]+)<", response.get_data(as_text=True)).group(1)
    subscription = db.session.scalars(sa.select(Subscription)).one()
    assert (
        subscription.events == ["checkin.created", "hire.recorded"] and subscription.purpose == "job_portal"
    )
    assert (
        secret not in subscription.secret_encrypted
        and signing.decrypt(subscription.secret_encrypted) == secret
    )
    page = client.get("/manage/webhooks").get_data(as_text=True)
    assert "Cổng việc làm tỉnh" in page and secret not in page
    assert _actions(db)[-1] == "webhook.create"


def test_a_bad_url_is_refused_on_its_field(db, client, auth, receiver, webhook_settings):
    auth.login("admin")
    response = _create(client, receiver, url="http://portal.example.org/hooks", events=[])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "https://" in page and "chọn ít nhất một sự kiện" in page
    assert db.session.scalars(sa.select(Subscription)).all() == []


def test_edit_turn_off_and_on(db, client, auth, subscribe):
    auth.login("admin")
    subscription, _secret = subscribe()
    response = client.post(
        f"/manage/webhooks/{subscription.id}/edit",
        data={
            "name": "Cục Thống kê tỉnh",
            "url": subscription.url,
            "events": ["followup.recorded"],
            "purpose": "statistics",
            "csrf_token": _csrf(client, f"/manage/webhooks/{subscription.id}/edit"),
        },
    )
    assert response.status_code == 303
    for action in ("deactivate", "activate"):
        assert (
            client.post(
                f"/manage/webhooks/{subscription.id}/{action}", data={"csrf_token": _csrf(client)}
            ).status_code
            == 303
        )
    db.session.expire_all()
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.name == "Cục Thống kê tỉnh" and subscription.events == ["followup.recorded"]
    assert subscription.active
    assert _actions(db)[-3:] == ["webhook.update", "webhook.deactivate", "webhook.activate"]


def test_rotate_then_both_secrets_sign_for_a_day(db, client, auth, subscribe, receiver):
    auth.login("admin")
    subscription, old = subscribe()
    response = client.post(f"/manage/webhooks/{subscription.id}/rotate", data={"csrf_token": _csrf(client)})
    new = re.search(r"data-secret>(whsec_[^<]+)<", response.get_data(as_text=True)).group(1)
    assert new != old
    client.post(f"/manage/webhooks/{subscription.id}/test", data={"csrf_token": _csrf(client)})
    assert delivery.send_due()["delivered"] == 1
    [request] = receiver.received
    h = request.headers
    assert h["webhook-signature"].split(" ") == [
        expected_signature(new, h["webhook-id"], h["webhook-timestamp"], request.body),
        expected_signature(old, h["webhook-id"], h["webhook-timestamp"], request.body),
    ]
    assert json.loads(request.body)["type"] == "webhook.test"
    assert "webhook.rotate_secret" in _actions(db) and "webhook.test" in _actions(db)


def test_test_event_is_posted_at_once_when_set(app, db, client, auth, subscribe, receiver):
    auth.login("admin")
    subscription, _secret = subscribe()
    app.config["WEBHOOK_DELIVER_AT_ONCE"] = True  # a task, run at once in tests (huey's immediate mode)
    response = client.post(f"/manage/webhooks/{subscription.id}/test", data={"csrf_token": _csrf(client)})
    assert response.status_code == 303
    assert len(receiver.received) == 1 and deliveries()[0].status == DeliveryStatus.DELIVERED


def test_the_log_its_filters_one_delivery_and_replay(app, db, client, auth, subscribe, receiver):
    app.config["WEBHOOK_SEND_CONCURRENCY"] = 1  # posted in order: the first answered 500, the second 200
    admin = auth.login("admin")
    subscription, _secret = subscribe()
    receiver.statuses = [500, 200]
    for _ in range(2):
        client.post(f"/manage/webhooks/{subscription.id}/test", data={"csrf_token": _csrf(client)})
    delivery.send_due()
    first, second = deliveries()
    log = client.get("/manage/webhooks/deliveries?status=pending").get_data(as_text=True)
    assert f'data-delivery="{first.id}"' in log and f'data-delivery="{second.id}"' not in log
    log = client.get("/manage/webhooks/deliveries?event=webhook.test&status=delivered").get_data(as_text=True)
    assert f'data-delivery="{second.id}"' in log and f'data-delivery="{first.id}"' not in log
    assert client.get("/manage/webhooks/deliveries?status=nonsense").status_code == 200

    page = client.get(f"/manage/webhooks/deliveries/{first.id}")
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "HTTP 500" in text and first.event_id in text and text.count("data-attempt") == 1
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "webhook.delivery.view")
    ).one()
    assert entry.actor_id == admin.id

    response = client.post(
        f"/manage/webhooks/deliveries/{second.id}/replay", data={"csrf_token": _csrf(client)}
    )
    assert response.status_code == 303
    assert delivery.send_due()["delivered"] >= 1
    assert [r.headers["webhook-id"] for r in receiver.received].count(second.event_id) == 2
    assert "webhook.replay" in _actions(db)


def test_unknown_ids_are_404(client, auth):
    auth.login("admin")
    assert client.get("/manage/webhooks/99/edit").status_code == 404
    assert client.get("/manage/webhooks/deliveries/99").status_code == 404
    token = _csrf(client)
    assert client.post("/manage/webhooks/99/test", data={"csrf_token": token}).status_code == 404
    assert client.post("/manage/webhooks/deliveries/99/replay", data={"csrf_token": token}).status_code == 404


def test_an_inactive_subscription_refuses_a_test_event(db, client, auth, subscribe):
    auth.login("admin")
    subscription, _secret = subscribe()
    client.post(f"/manage/webhooks/{subscription.id}/deactivate", data={"csrf_token": _csrf(client)})
    response = client.post(
        f"/manage/webhooks/{subscription.id}/test", data={"csrf_token": _csrf(client)}, follow_redirects=True
    )
    assert "đang tắt" in response.get_data(as_text=True) and deliveries() == []
