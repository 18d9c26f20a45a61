"""Helpers for the message tests: fixed local moments, a message queued and committed, a fake gateway
on 127.0.0.1 (fairapp.messages.fake_gateway) with the app's sender pointed at it."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from fairapp.fairs.services import LOCAL_TZ
from fairapp.messages import outbox
from fairapp.messages.fake_gateway import FakeGateway
from fairapp.messages.models import Message, MessageKind
from fairapp.transactions import run_in_transaction

PHONE = "0912345678"


def local(*args) -> datetime:
    """A local (Asia/Ho_Chi_Minh) moment, as UTC: local(2025, 7, 10, 12) is noon there."""
    return datetime(*args, tzinfo=LOCAL_TZ).astimezone(UTC)


NOON = local(2025, 7, 10, 12)


def queue_committed(key: str, *, phone: str | None = PHONE, now: datetime = NOON, text="Xin chào", **params):
    """outbox.queue in a transaction of its own, committed: the message's id, or None."""

    def work():
        message = outbox.queue(
            MessageKind.REGISTRATION, key=key, phone=phone, text=text, params=params, now=now
        )
        return None if message is None else message.id

    return run_in_transaction(work)


def messages(db) -> list[Message]:
    db.session.rollback()
    return db.session.scalars(sa.select(Message).order_by(Message.id)).all()


@pytest.fixture()
def gateway(app):
    """A FakeGateway started, the app sending SMS through it (short timeout, one claim at a time)."""
    fake = FakeGateway().start()
    app.config.update(
        MESSAGE_SENDER="sms_http",
        SMS_GATEWAY={**app.config["SMS_GATEWAY"], "url": fake.sms_url, "timeout": 2},
    )
    yield fake
    fake.stop()
