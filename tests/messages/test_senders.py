"""The SMS (eSMS-style) and Zalo ZNS senders against a real HTTP server on 127.0.0.1: what they send,
and how each kind of answer ends (sent, retried with the same key, failed at once)."""

import json
import threading
import time
from types import SimpleNamespace

import pytest
from werkzeug import Response

from fairapp.messages import outbox, senders
from fairapp.messages.fake_gateway import FakeGateway
from fairapp.messages.models import MessageKind, MessageStatus
from tests.messages.conftest import NOON, messages, queue_committed

MESSAGE = SimpleNamespace(
    key="registration:7",
    kind=MessageKind.REGISTRATION,
    phone="0912345678",
    text="Bạn đã đăng ký phiên ngày 12/07/2025. Vé: https://x.vn/t/A",
    params={"date": "12/07/2025", "link": "https://x.vn/t/A"},
)
SMS_OK = {"CodeResult": "100", "SMSID": "sms-1"}


def sms_sender(httpserver, **settings):
    return senders.SmsHttpSender(
        {
            "url": httpserver.url_for("/sms"),
            "api_key": "K",
            "secret_key": "S",
            "brand_name": "VIECLAM",
            "timeout": 0.5,
            "ascii": True,
            **settings,
        }
    )


def zns_sender(httpserver, **settings):
    return senders.ZaloZnsSender(
        {
            "url": httpserver.url_for("/message/template"),
            "access_token": "T",
            "templates": {"registration": "231456"},
            "timeout": 0.5,
            **settings,
        }
    )


def test_sms_sends_the_key_as_request_id_and_folds_to_ascii(httpserver):
    httpserver.expect_oneshot_request("/sms", method="POST").respond_with_json(SMS_OK)
    assert sms_sender(httpserver).send(MESSAGE) == "sms-1"
    body = json.loads(httpserver.log[0][0].get_data())
    assert body == {
        "ApiKey": "K",
        "SecretKey": "S",
        "Phone": "0912345678",
        "Content": "Ban da dang ky phien ngay 12/07/2025. Ve: https://x.vn/t/A",
        "Brandname": "VIECLAM",
        "SmsType": "2",
        "IsUnicode": "0",
        "Sandbox": "0",
        "RequestId": "registration:7",
    }


def test_sms_in_unicode_when_ascii_is_off(httpserver):
    httpserver.expect_oneshot_request("/sms").respond_with_json(SMS_OK)
    sms_sender(httpserver, ascii=False, sandbox=True).send(MESSAGE)
    body = json.loads(httpserver.log[0][0].get_data())
    assert body["Content"] == MESSAGE.text and body["IsUnicode"] == "1" and body["Sandbox"] == "1"


def test_zns_sends_the_template_with_the_international_phone(httpserver):
    httpserver.expect_oneshot_request("/message/template", method="POST").respond_with_json(
        {"error": 0, "message": "Success", "data": {"msg_id": "z-9", "sent_time": "1", "quota": {}}}
    )
    assert zns_sender(httpserver).send(MESSAGE) == "z-9"
    body = json.loads(httpserver.log[0][0].get_data())
    assert body == {
        "phone": "84912345678",
        "template_id": "231456",
        "template_data": MESSAGE.params,
        "tracking_id": "registration:7",
    }


def test_zns_sends_the_access_token_header():
    # A WSGI server drops header names with "_" (werkzeug, hence pytest_httpserver); http.server keeps them.
    gateway = FakeGateway().start()
    try:
        senders.ZaloZnsSender(
            {"url": gateway.zns_url, "access_token": "T", "templates": {"registration": "1"}, "timeout": 2}
        ).send(MESSAGE)
    finally:
        gateway.stop()
    assert gateway.last_headers["access_token"] == "T"


def test_zns_without_a_template_for_the_kind_is_refused(httpserver):
    with pytest.raises(senders.PermanentFailure):
        zns_sender(httpserver, templates={}).send(MESSAGE)
    assert httpserver.log == []


def slow_handler(answered: threading.Event):
    """A handler that answers only once the test has seen its timeout (the server is shared)."""

    def slow(request):
        answered.wait(3)
        return Response("{}", content_type="application/json")

    return slow


@pytest.mark.parametrize("make", [sms_sender, zns_sender])
def test_no_answer_in_time_is_temporary(httpserver, make):
    answered = threading.Event()
    httpserver.expect_request("/sms").respond_with_handler(slow_handler(answered))
    httpserver.expect_request("/message/template").respond_with_handler(slow_handler(answered))
    started = time.monotonic()
    try:
        with pytest.raises(senders.TemporaryFailure, match="timeout|timed out"):
            make(httpserver).send(MESSAGE)
        assert time.monotonic() - started < 1.2
    finally:
        answered.set()


@pytest.mark.parametrize("status", [500, 502, 503, 408, 429])
@pytest.mark.parametrize("make", [sms_sender, zns_sender])
def test_5xx_408_429_are_temporary(httpserver, make, status):
    httpserver.expect_request("/sms").respond_with_data("busy", status=status)
    httpserver.expect_request("/message/template").respond_with_data("busy", status=status)
    with pytest.raises(senders.TemporaryFailure, match=f"HTTP {status}"):
        make(httpserver).send(MESSAGE)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
@pytest.mark.parametrize("make", [sms_sender, zns_sender])
def test_other_4xx_are_permanent(httpserver, make, status):
    httpserver.expect_request("/sms").respond_with_data("no", status=status)
    httpserver.expect_request("/message/template").respond_with_data("no", status=status)
    with pytest.raises(senders.PermanentFailure, match=f"HTTP {status}"):
        make(httpserver).send(MESSAGE)


def test_provider_refusal_codes(httpserver):
    httpserver.expect_request("/sms").respond_with_json(
        {"CodeResult": "104", "ErrorMessage": "Brandname sai"}
    )
    with pytest.raises(senders.PermanentFailure, match="CodeResult 104"):
        sms_sender(httpserver).send(MESSAGE)
    httpserver.clear()
    httpserver.expect_request("/sms").respond_with_json(
        {"CodeResult": "99", "ErrorMessage": "Lỗi không xác định"}
    )
    with pytest.raises(senders.TemporaryFailure):
        sms_sender(httpserver, retry_codes=("99",)).send(MESSAGE)
    httpserver.expect_request("/message/template").respond_with_json(
        {"error": -108, "message": "Phone invalid"}
    )
    with pytest.raises(senders.PermanentFailure, match="ZNS error -108"):
        zns_sender(httpserver).send(MESSAGE)


def test_an_answer_that_is_not_json_is_temporary(httpserver):
    httpserver.expect_request("/sms").respond_with_data("<html>proxy</html>", status=200)
    with pytest.raises(senders.TemporaryFailure, match="not JSON"):
        sms_sender(httpserver).send(MESSAGE)


def test_nobody_listening_is_temporary():
    sender = senders.SmsHttpSender({"url": "http://127.0.0.1:9/sms", "timeout": 0.5})
    with pytest.raises(senders.TemporaryFailure, match="connection"):
        sender.send(MESSAGE)


# --- Through the outbox -------------------------------------------------------------------------------


def _through(app, httpserver, sender="sms_http"):
    app.config.update(
        MESSAGE_SENDER=sender,
        SMS_GATEWAY={**app.config["SMS_GATEWAY"], "url": httpserver.url_for("/sms"), "timeout": 0.5},
        ZALO_ZNS={
            **app.config["ZALO_ZNS"],
            "url": httpserver.url_for("/message/template"),
            "timeout": 0.5,
            "templates": {"registration": "231456"},
        },
    )


@pytest.mark.parametrize(
    "sender, path, ok",
    [
        ("sms_http", "/sms", SMS_OK),
        ("zalo_zns", "/message/template", {"error": 0, "data": {"msg_id": "sms-1"}}),
    ],
)
def test_a_5xx_then_success_is_retried_and_sent_once(app, db, httpserver, sender, path, ok):
    _through(app, httpserver, sender)
    queue_committed("registration:7")
    httpserver.expect_ordered_request(path).respond_with_data("oops", status=503)
    httpserver.expect_ordered_request(path).respond_with_json(ok)
    assert outbox.send_due(now=NOON)["retried"] == 1
    [message] = messages(db)
    assert message.status == MessageStatus.QUEUED and message.last_error.startswith("temporary: HTTP 503")
    assert outbox.send_due(now=NOON)["sent"] == 0  # not due before its backoff
    assert outbox.send_due(now=message.next_attempt_at)["sent"] == 1
    [message] = messages(db)
    assert (message.status, message.provider_id, message.attempts, message.sender) == (
        MessageStatus.SENT,
        "sms-1",
        2,
        sender,
    )
    keys = [
        json.loads(request.get_data()).get("RequestId") or json.loads(request.get_data()).get("tracking_id")
        for request, _answer in httpserver.log
    ]
    assert keys == ["registration:7", "registration:7"]  # the same idempotency key both times


def test_a_timeout_is_retried(app, db, httpserver):
    _through(app, httpserver)
    queue_committed("k")
    answered = threading.Event()
    httpserver.expect_request("/sms").respond_with_handler(slow_handler(answered))
    try:
        assert outbox.send_due(now=NOON)["retried"] == 1
    finally:
        answered.set()
    assert messages(db)[0].last_error.startswith("temporary: timeout")


def test_a_4xx_fails_at_once(app, db, httpserver):
    _through(app, httpserver)
    queue_committed("k")
    httpserver.expect_request("/sms").respond_with_data("bad", status=400)
    assert outbox.send_due(now=NOON)["failed"] == 1
    [message] = messages(db)
    assert message.status == MessageStatus.FAILED and message.last_error.startswith("refused: HTTP 400")
    assert outbox.send_due(now=NOON.replace(year=2026))["sent"] == 0


def test_temporary_failures_end_failed_after_the_last_attempt(app, db, httpserver):
    _through(app, httpserver)
    app.config["MESSAGE_MAX_ATTEMPTS"] = 3
    queue_committed("k")
    httpserver.expect_request("/sms").respond_with_data("down", status=500)
    results = []
    for _ in range(3):
        message = messages(db)[0]
        results.append(outbox.send_due(now=message.next_attempt_at))
    assert [r["retried"] for r in results] == [1, 1, 0] and results[-1]["failed"] == 1
    [message] = messages(db)
    assert message.status == MessageStatus.FAILED and message.attempts == 3
    assert len(httpserver.log) == 3
