"""Signed ticket payloads (format v1) and the deployment's Ed25519 key.

    F1.<fair id base36>.<registration id base36>.<nonce>.<signature>

Everything is upper case from 0-9, A-Z and "." so the QR code uses alphanumeric mode. The ids are
canonical base36 (no leading zero); the nonce is Registration.ticket_nonce (8 characters of base32,
A-Z2-7); the signature is Ed25519 over the ASCII bytes of everything before the last ".", in base32
upper case without padding (103 characters, the unused low bits zero). A payload of two 8-digit ids
is about 125 characters: QR version 6 at error correction M.

The private key lives in the instance folder as PKCS8 PEM, created on first use: written to a
private temporary file, then hard-linked into place, which fails if another worker got there first
(like O_EXCL, and nobody ever reads a half-written key); the loser reads the winner's key.

Every app server and worker of a deployment must hold the same key (their instance folders are copies).
An app server whose instance folder lacks the key while the database already holds tickets refuses to
start (check_key_at_start, SigningKeyMissing): with a key of its own, every ticket issued so far would
be "invalid" at its gates."""

import base64
import contextlib
import hashlib
import os
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from flask_babel import lazy_gettext as _l

from fairapp.config import ConfigError
from fairapp.errors import DomainError

VERSION = "F1"
KEY_FILENAME = "ticket_signing_key.pem"
ALGORITHM = "Ed25519"
NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
NONCE_LENGTH = 8
SIGNATURE_LENGTH = 103  # 64 bytes in base32 without padding
MAX_ID_DIGITS = 13  # base36 of 2**63 - 1
MAX_LENGTH = len(VERSION) + 2 * MAX_ID_DIGITS + NONCE_LENGTH + SIGNATURE_LENGTH + 4
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_PAYLOAD = re.compile(
    r"F1\.([1-9A-Z][0-9A-Z]{0,12})\.([1-9A-Z][0-9A-Z]{0,12})\.([A-Z2-7]{8})\.([A-Z2-7]{103})", re.ASCII
)


class InvalidTicket(DomainError):
    code = "invalid"
    status = 400
    message = _l("Vé không hợp lệ.")


@dataclass(frozen=True)
class TicketClaims:
    fair_id: int
    registration_id: int
    nonce: str


# -- encoding ---------------------------------------------------------------------------------


def base36(number: int) -> str:
    if number < 1:
        raise ValueError("ids start at 1")
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(DIGITS[rest])
    return "".join(reversed(digits))


def new_nonce() -> str:
    """A fresh random ticket nonce (8 characters of A-Z2-7, 40 bits)."""
    return "".join(secrets.choice(NONCE_ALPHABET) for _ in range(NONCE_LENGTH))


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def encode_payload(
    fair_id: int, registration_id: int, nonce: str, *, private_key: Ed25519PrivateKey | None = None
) -> str:
    """The signed payload for these claims (with the deployment key unless one is given)."""
    if len(nonce) != NONCE_LENGTH or any(c not in NONCE_ALPHABET for c in nonce):
        raise ValueError(f"nonce must be {NONCE_LENGTH} characters of A-Z2-7")
    body = f"{VERSION}.{base36(fair_id)}.{base36(registration_id)}.{nonce}"
    signature = (private_key or signing_key()).sign(body.encode("ascii"))
    return f"{body}.{_b32(signature)}"


def ticket_payload(registration) -> str:
    """The QR payload of a registration's current ticket."""
    return encode_payload(registration.fair_id, registration.id, registration.ticket_nonce)


# -- verification -----------------------------------------------------------------------------

VERIFIED_CACHE_SIZE = 65_536  # genuine payloads remembered per process and key (~20 MB at most)
_verified: dict[bytes, OrderedDict[str, TicketClaims]] = {}  # raw public key → payload → claims
_verified_lock = threading.Lock()


def verify(text, *, public_key: Ed25519PublicKey | None = None) -> TicketClaims:
    """The claims of a genuine payload. Raises InvalidTicket, and nothing else, for any input that
    is not exactly a payload this deployment's key signed, in canonical form. (A missing app
    context or an unreadable key file is no property of the input and still raises.)

    A payload that verified once is remembered (per process and public key, the least recently
    remembered forgotten first), so a ticket scanned again costs a dictionary lookup instead of an Ed25519
    verification. Only genuine payloads are remembered: forgeries cannot fill the cache."""
    public_key = public_key or verification_key()
    key = public_key.public_bytes_raw()
    known = _verified.get(key)
    if known is not None and isinstance(text, str) and (claims := known.get(text)) is not None:
        return claims
    try:
        claims = _verify(text, public_key)
    except InvalidTicket:
        raise
    except Exception:  # whatever the input, the caller sees only "invalid"
        raise InvalidTicket() from None
    with _verified_lock:
        if known is None:
            known = _verified.setdefault(key, OrderedDict())
        known[text] = claims
        if len(known) > VERIFIED_CACHE_SIZE:
            known.popitem(last=False)
    return claims


def _verify(text, public_key: Ed25519PublicKey) -> TicketClaims:
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        raise InvalidTicket()
    match = _PAYLOAD.fullmatch(text)
    if match is None:
        raise InvalidTicket()
    fair36, registration36, nonce, signature_text = match.groups()
    signature = base64.b32decode(signature_text + "=" * (-len(signature_text) % 8))
    if len(signature) != 64 or _b32(signature) != signature_text:  # the spare bits must be zero
        raise InvalidTicket()
    body = text[: -(SIGNATURE_LENGTH + 1)]
    try:
        public_key.verify(signature, body.encode("ascii"))
    except InvalidSignature:
        raise InvalidTicket() from None
    return TicketClaims(int(fair36, 36), int(registration36, 36), nonce)


# -- the key ----------------------------------------------------------------------------------

_keys: dict[str, Ed25519PrivateKey] = {}
_keys_lock = threading.Lock()


class SigningKeyMissing(ConfigError):
    """The instance folder has no signing key but tickets were issued: the key must be copied here."""


def key_path() -> Path:
    return Path(current_app.instance_path) / KEY_FILENAME


def signing_key() -> Ed25519PrivateKey:
    """The deployment's private key, created on first use, cached per process and key file (and per
    application, which spares finding the file's path on every call)."""
    key = current_app.extensions.get("ticket_signing_key")
    if key is None:
        key = current_app.extensions["ticket_signing_key"] = _signing_key_of(str(key_path()))
    return key


def check_key_at_start() -> None:
    """At an app server's start (fairapp.wsgi): the key, made now on a first start; SigningKeyMissing
    when the instance folder has none but the database holds registrations, so tickets signed by a key
    that is not here (a new key would make every one of them invalid on this server)."""
    from fairapp.attendees.models import Registration
    from fairapp.extensions import db

    path = key_path()
    may_hold_tickets = not path.exists() and sa.inspect(db.engine).has_table(Registration.__tablename__)
    if may_hold_tickets and db.session.scalar(sa.select(Registration.id).limit(1)) is not None:
        raise SigningKeyMissing(
            f"{path} is missing, but the database already holds tickets signed with a key. Copy "
            f"{KEY_FILENAME} from the instance folder of the server that made them: every app server "
            "and worker of a deployment needs the same one."
        )
    signing_key()


def _signing_key_of(path: str) -> Ed25519PrivateKey:
    key = _keys.get(path)
    if key is None:
        with _keys_lock:
            key = _keys.get(path)
            if key is None:
                key = _keys[path] = load_or_create_key(Path(path))
    return key


def verification_key() -> Ed25519PublicKey:
    """The deployment's public key, derived once per application (verify's cache is keyed by it)."""
    key = current_app.extensions.get("ticket_verification_key")
    if key is None:
        key = current_app.extensions["ticket_verification_key"] = signing_key().public_key()
    return key


def public_key_raw() -> bytes:
    return verification_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id() -> str:
    """First 8 hex digits of SHA-256 of the raw public key: names the key to scanners."""
    return hashlib.sha256(public_key_raw()).hexdigest()[:8]


def public_key_b64url() -> str:
    return base64.urlsafe_b64encode(public_key_raw()).decode("ascii").rstrip("=")


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """Read the PEM at `path`, or create it if there is none. Safe when several processes or threads
    race: exactly one key file is ever made, and every caller gets the key that is in it."""
    if not path.exists():
        _create_key_file(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} does not hold an Ed25519 private key")
    return key


def _create_key_file(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another worker's key is already in place
            os.link(temporary, path)  # atomic, and fails if the key exists: the first one wins
    finally:
        temporary.unlink(missing_ok=True)
