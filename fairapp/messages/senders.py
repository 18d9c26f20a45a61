"""How a message leaves: a Sender takes one message and returns the provider's id for it, or raises

    TemporaryFailure   the outcome is unknown or may change (timeout, connection refused, 5xx, 408,
                       429, a garbled answer): try again later with the same idempotency key
    PermanentFailure   the provider refused it for good (another 4xx, a refusal code): never again

Chosen by MESSAGE_SENDER:
    console    the log (development, the default)
    file       JSON lines appended to instance/messages.log (development)
    sms_http   an eSMS-style JSON gateway for brand-name SMS (SMS_GATEWAY)
    zalo_zns   Zalo Notification Service template messages (ZALO_ZNS)

The message's `key` is sent as the provider's request id (SMS) or tracking id (ZNS): a message sent
again after a crash is deduplicated by the provider. Every HTTP call has a timeout. Senders are called
outside any database transaction, from several threads at once: they hold no per-message state."""

import json
import logging
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from flask import Flask

from fairapp.messages.texts import plain_ascii

log = logging.getLogger(__name__)
ANSWER_LIMIT = 64 * 1024  # bytes read of a provider's answer


class SendFailure(Exception):
    pass


class TemporaryFailure(SendFailure):
    pass


class PermanentFailure(SendFailure):
    pass


class OutgoingMessage(Protocol):
    key: str
    kind: str
    phone: str  # "0912345678"
    text: str
    params: dict[str, Any]


class Sender(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> str: ...


class ConsoleSender:
    name = "console"

    def send(self, message: OutgoingMessage) -> str:
        log.info("message %s to %s: %s", message.key, message.phone, message.text)
        return f"console:{message.key}"


class FileSender:
    """JSON lines, one a message, appended to a file (instance/messages.log)."""

    name = "file"

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def send(self, message: OutgoingMessage) -> str:
        line = json.dumps(
            {
                "at": datetime.now(UTC).isoformat(),
                "key": message.key,
                "kind": str(message.kind),
                "phone": message.phone,
                "text": message.text,
                "params": message.params,
            },
            ensure_ascii=False,
        )
        with self._lock, self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
        return f"file:{message.key}"


def post_json(url: str, body: dict, *, headers: dict | None = None, timeout: float) -> dict:
    """POST `body` as JSON and return the JSON answer. TemporaryFailure: no answer in time, no
    connection, 5xx, 408, 429, an answer that is not JSON; PermanentFailure: any other 4xx.
    ValueError for a URL that is not http(s) (a setting's mistake)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"gateway URL must be http(s): {url!r}")
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            raw = answer.read(ANSWER_LIMIT)
    except urllib.error.HTTPError as error:
        detail = f"HTTP {error.code}: {_excerpt(error.read(ANSWER_LIMIT))}"
        error.close()
        if error.code >= 500 or error.code in (408, 429):
            raise TemporaryFailure(detail) from None
        raise PermanentFailure(detail) from None
    except TimeoutError as error:
        raise TemporaryFailure(f"timeout after {timeout} s") from error
    except (urllib.error.URLError, OSError) as error:  # refused, reset, name not found
        raise TemporaryFailure(f"connection: {getattr(error, 'reason', error)}") from error
    try:
        answer = json.loads(raw)
    except ValueError:
        raise TemporaryFailure(f"answer is not JSON: {_excerpt(raw)}") from None
    if not isinstance(answer, dict):
        raise TemporaryFailure(f"unexpected answer: {_excerpt(raw)}")
    return answer


def _excerpt(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")[:200]


class SmsHttpSender:
    """eSMS-style brand-name SMS: POST {ApiKey, SecretKey, Phone, Content, Brandname, SmsType, IsUnicode,
    Sandbox, RequestId, CallbackUrl?} → {CodeResult: "100", SMSID} on success; any other CodeResult is
    a refusal (final, unless listed in retry_codes)."""

    name = "sms_http"

    def __init__(self, settings: dict):
        self.settings = settings
        self.retry_codes = {str(code) for code in settings.get("retry_codes", ())}

    def send(self, message: OutgoingMessage) -> str:
        s = self.settings
        ascii_only = bool(s.get("ascii", True))
        body = {
            "ApiKey": s.get("api_key", ""),
            "SecretKey": s.get("secret_key", ""),
            "Phone": message.phone,
            "Content": plain_ascii(message.text) if ascii_only else message.text,
            "Brandname": s.get("brand_name", ""),
            "SmsType": str(s.get("sms_type", "2")),
            "IsUnicode": "0" if ascii_only else "1",
            "Sandbox": "1" if s.get("sandbox") else "0",
            "RequestId": message.key,
        }
        if s.get("callback_url"):
            body["CallbackUrl"] = s["callback_url"]
        answer = post_json(s["url"], body, timeout=float(s.get("timeout", 10)))
        code = str(answer.get("CodeResult", ""))
        if code == "100" and answer.get("SMSID"):
            return str(answer["SMSID"])
        detail = f"CodeResult {code or '?'}: {str(answer.get('ErrorMessage') or '')[:200]}"
        raise (TemporaryFailure if code in self.retry_codes or not code else PermanentFailure)(detail)


class ZaloZnsSender:
    """Zalo ZNS: POST {phone: "84912345678", template_id, template_data, tracking_id} with the Official
    Account's access_token header → {error: 0, data: {msg_id}}; another error code is final unless
    listed in retry_errors. The template comes from ZALO_ZNS["templates"] by message kind: its keys are
    the MessageKind values ("registration", "fair_reminder", "appointment", "follow_up",
    "fair_invitation"), its data the message's params (fairapp.messages.texts)."""

    name = "zalo_zns"

    def __init__(self, settings: dict):
        self.settings = settings
        self.retry_errors = {int(code) for code in settings.get("retry_errors", ())}

    def send(self, message: OutgoingMessage) -> str:
        s = self.settings
        template_id = (s.get("templates") or {}).get(str(message.kind))
        if not template_id:
            raise PermanentFailure(f"no ZNS template for {message.kind}")
        body = {
            "phone": international(message.phone),
            "template_id": str(template_id),
            "template_data": dict(message.params),
            "tracking_id": message.key,
        }
        answer = post_json(
            s["url"],
            body,
            headers={"access_token": s.get("access_token", "")},
            timeout=float(s.get("timeout", 10)),
        )
        error = answer.get("error")
        data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
        if error == 0 and data.get("msg_id"):
            return str(data["msg_id"])
        detail = f"ZNS error {error}: {str(answer.get('message') or '')[:200]}"
        raise (TemporaryFailure if error in self.retry_errors or error is None else PermanentFailure)(detail)


def international(phone: str) -> str:
    """ "0912345678" → "84912345678" (ZNS wants the country code, no plus)."""
    return "84" + phone[1:] if phone.startswith("0") else phone.lstrip("+")


SENDERS = ("console", "file", "sms_http", "zalo_zns")


def configured(app: Flask) -> Sender:
    """The sender MESSAGE_SENDER names (ValueError for an unknown name)."""
    name = app.config.get("MESSAGE_SENDER") or "console"
    if name == "console":
        return ConsoleSender()
    if name == "file":
        return FileSender(Path(app.instance_path) / "messages.log")
    if name == "sms_http":
        return SmsHttpSender(app.config["SMS_GATEWAY"])
    if name == "zalo_zns":
        return ZaloZnsSender(app.config["ZALO_ZNS"])
    raise ValueError(f"MESSAGE_SENDER {name!r} is not one of {', '.join(SENDERS)}")
