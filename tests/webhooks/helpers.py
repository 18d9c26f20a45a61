"""Shared steps of the webhook tests."""

import base64
import hashlib
import hmac

import sqlalchemy as sa

from fairapp.extensions import db
from fairapp.webhooks.models import Delivery


def deliveries() -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Delivery).order_by(Delivery.id)))


def expected_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """Standard Webhooks, computed here from the spec, not with the app's code."""
    key = base64.b64decode(secret.split("_", 1)[1])
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
