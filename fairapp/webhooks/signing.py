"""Signing secrets and signatures, after the Standard Webhooks scheme (standardwebhooks.com), so that
a receiver can verify with an existing library:

    webhook-id         the event's id, the same on every attempt and replay (the receiver's dedup key)
    webhook-timestamp  the attempt's time, integer seconds since the epoch
    webhook-signature  "v1,<base64 HMAC-SHA256 of '<id>.<timestamp>.<body>'>", the key being the bytes
                       the secret's base64 part decodes to; after a rotation, for a day, two
                       signatures separated by a space (the new secret's first)

Secrets are "whsec_" + base64 of 32 random bytes. They are stored encrypted (Fernet, with a key
derived by HKDF from WEBHOOK_SECRET_KEY, by default the app's SECRET_KEY): a copied database alone
does not sign. Changing SECRET_KEY without setting WEBHOOK_SECRET_KEY to the old one makes the
stored secrets unreadable: rotate every subscription's secret then."""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PREFIX = "whsec_"
SECRET_BYTES = 32


class UnreadableSecret(Exception):
    """The stored secret was encrypted with another key (SECRET_KEY changed)."""


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The "v1,<base64>" signature of one attempt's body."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{event_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


def headers(secrets_: list[str], event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with each of `secrets_` (the current one first)."""
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(secret, event_id, timestamp, body) for secret in secrets_),
    }


def _material() -> bytes:
    config = current_app.config
    material = config.get("WEBHOOK_SECRET_KEY") or config["SECRET_KEY"]
    return material.encode() if isinstance(material, str) else material


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"fairapp webhook secrets").derive(
        _material()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode("ascii")


def decrypt(stored: str) -> str:
    try:
        return _fernet().decrypt(stored.encode("ascii")).decode()
    except InvalidToken:
        raise UnreadableSecret() from None


def person_ref(subscription_id: int, attendee_id: int) -> str:
    """A pseudonym for a person, stable for one subscription and different for each: a receiver can
    count a person once without learning who it is, and two receivers cannot join their data on it."""
    key = hmac.new(_material(), b"fairapp webhook person refs", hashlib.sha256).digest()
    return hmac.new(key, f"{subscription_id}:{attendee_id}".encode(), hashlib.sha256).hexdigest()[:24]
