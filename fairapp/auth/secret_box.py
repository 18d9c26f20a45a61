"""The key that keeps authenticator secrets encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256).

TWO_FACTOR_KEY (environment FAIRAPP_TWO_FACTOR_KEY) holds one Fernet key, or several separated by
commas: the first encrypts, every one decrypts (a key rotation). Unset, the key is the file
instance/two_factor_key, created owner-only on first use. A copy of the database alone reveals no
secret; losing the key means every account enrols again (`flask --app fairapp users reset-2fa`)."""

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

KEY_FILENAME = "two_factor_key"


def _keys() -> list[bytes]:
    """The keys, read once per application."""
    keys = current_app.extensions.get("two_factor_keys")
    if keys is None:
        configured = current_app.config.get("TWO_FACTOR_KEY")
        if configured:
            keys = [part.strip().encode() for part in configured.split(",") if part.strip()]
        else:
            keys = [_file_key(Path(current_app.instance_path) / KEY_FILENAME)]
        current_app.extensions["two_factor_keys"] = keys
    return keys


def _file_key(path: Path) -> bytes:
    """Read the key file, or create it; when workers race, the first file made wins."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(Fernet.generate_key())
                file.flush()
                os.fsync(file.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_bytes().strip()


def _box() -> MultiFernet:
    box = current_app.extensions.get("two_factor_box")
    if box is None:
        box = current_app.extensions["two_factor_box"] = MultiFernet([Fernet(key) for key in _keys()])
    return box


def encrypt(text: str) -> str:
    return _box().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str | None:
    """The text, or None when no key opens it (the key was lost or replaced)."""
    try:
        return _box().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None


def keyed_hash(purpose: str, text: str) -> str:
    """HMAC-SHA256 under a key derived from the first key: a stored recovery code is useless without
    the key, and a short code cannot be guessed from a copy of the database."""
    key = hmac.new(_keys()[0], b"fairapp.auth.two_factor." + purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
