"""POST /api/v1/messages/delivery/<sender>: the gateway's delivery reports, behind a shared secret."""

import pytest

from fairapp.messages import outbox
from fairapp.messages.models import MessageStatus
from tests.messages.conftest import NOON, messages, queue_committed

URL = "/api/v1/messages/delivery/sms_http"
SECRET = {"X-Delivery-Secret": "gateway-secret"}


@pytest.fixture()
def sent(app, db, gateway):
    app.config["MESSAGE_DELIVERY_SECRET"] = "gateway-secret"
    queue_committed("k")
    outbox.send_due(now=NOON)
    return messages(db)[0]


def test_a_delivery_report_marks_the_message(client, db, sent):
    answer = client.post(URL, json={"provider_id": sent.provider_id, "status": "delivered"}, headers=SECRET)
    assert answer.status_code == 200 and answer.get_json() == {"recorded": True}
    [message] = messages(db)
    assert message.status == MessageStatus.DELIVERED and message.delivered_at is not None
    again = client.post(URL, json={"provider_id": sent.provider_id, "status": "failed"}, headers=SECRET)
    assert again.status_code == 200 and messages(db)[0].status == MessageStatus.DELIVERED


def test_an_undelivered_report_fails_the_message(client, db, sent):
    answer = client.post(
        URL,
        json={"provider_id": sent.provider_id, "status": "undelivered", "at": "2025-07-10T12:01:00+07:00"},
        headers=SECRET,
    )
    assert answer.status_code == 200
    [message] = messages(db)
    assert message.status == MessageStatus.FAILED and message.last_error == "delivery report: undelivered"


def test_an_unknown_message_is_404(client, sent):
    answer = client.post(URL, json={"provider_id": "nope", "status": "delivered"}, headers=SECRET)
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "message_not_found"
    other = client.post(
        "/api/v1/messages/delivery/zalo_zns",
        json={"provider_id": sent.provider_id, "status": "delivered"},
        headers=SECRET,
    )
    assert other.status_code == 404


@pytest.mark.parametrize("headers", [{}, {"X-Delivery-Secret": "wrong"}, {"X-Delivery-Secret": ""}])
def test_without_the_secret_is_401(client, db, sent, headers):
    answer = client.post(URL, json={"provider_id": sent.provider_id, "status": "delivered"}, headers=headers)
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "unauthorized"
    assert messages(db)[0].status == MessageStatus.SENT


def test_refused_when_no_secret_is_configured(app, client, sent):
    app.config["MESSAGE_DELIVERY_SECRET"] = None
    answer = client.post(URL, json={"provider_id": sent.provider_id, "status": "delivered"}, headers=SECRET)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "delivery_reports_off"


def test_an_unknown_sender_is_404(client, sent):
    answer = client.post("/api/v1/messages/delivery/pigeon", json={}, headers=SECRET)
    assert answer.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"provider_id": "m1"},
        {"provider_id": "m1", "status": "read"},
        {"provider_id": "", "status": "delivered"},
        {"provider_id": "m\x001", "status": "delivered"},
        {"provider_id": "m" * 101, "status": "delivered"},
        {"provider_id": 12, "status": "delivered"},
        {"provider_id": ["m1"], "status": "delivered"},
        {"provider_id": "m1", "status": "delivered", "at": "yesterday"},
        {"provider_id": "m1", "status": "delivered", "at": "2025-07-10T12:00:00"},
        [],
        "delivered",
    ],
)
def test_bad_input_is_4xx_never_500(client, sent, body):
    answer = client.post(URL, json=body, headers=SECRET)
    assert 400 <= answer.status_code < 500, answer.get_data(as_text=True)


def test_a_body_that_is_not_json_is_4xx(client, sent):
    answer = client.post(URL, data=b"\xff{", headers={**SECRET, "Content-Type": "application/json"})
    assert 400 <= answer.status_code < 500
