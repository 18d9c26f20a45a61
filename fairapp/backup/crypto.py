"""The archive's cryptography: a passphrase stretched by scrypt into two keys, parts encrypted with
AES-256-GCM as streams (a database may be larger than memory), and an HMAC over the manifest.

    scrypt(passphrase, salt, n, r, p) → 64 bytes: the first 32 encrypt the parts, the last 32
                                        authenticate the manifest (HMAC-SHA256)
    an encrypted part                 → 12-byte random nonce ‖ ciphertext ‖ 16-byte GCM tag, with the
                                        part's name as associated data (parts cannot be swapped)

Decryption releases plaintext before the tag is checked (GCM as a stream): callers write it to a
private temporary file and use it only once `finish()` has verified the tag."""

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

CIPHER = "AES-256-GCM"
KDF = "scrypt"
# scrypt's cost: 128 MiB of memory and about 0.4 s on a small server, once per backup or restore
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SCRYPT_MAX_N = 2**20  # an archive asking for more is refused rather than run out of memory
NONCE_BYTES, TAG_BYTES = 12, 16
CHUNK = 1024 * 1024
_CHECK = b"fairapp-backup passphrase check"


class WrongKey(Exception):
    """The data was not encrypted with this key, or was changed since."""


@dataclass(frozen=True)
class Keys:
    encryption: bytes
    authentication: bytes

    def passphrase_check(self) -> str:
        """A value that tells a wrong passphrase apart from a tampered manifest."""
        return hmac.new(self.authentication, _CHECK, hashlib.sha256).hexdigest()

    def sign(self, data: bytes) -> str:
        return hmac.new(self.authentication, data, hashlib.sha256).hexdigest()

    def verify(self, data: bytes, signature: str) -> bool:
        return hmac.compare_digest(self.sign(data), signature.strip())


def new_kdf_parameters() -> dict:
    return {"name": KDF, "salt": secrets.token_hex(16), "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}


def derive_keys(passphrase: str, parameters: dict) -> Keys:
    """The keys for `passphrase` under the archive's KDF parameters (ValueError if they are not ours
    or would cost too much)."""
    if parameters.get("name") != KDF:
        raise ValueError(f"unknown key derivation {parameters.get('name')!r}")
    n, r, p = (int(parameters[k]) for k in ("n", "r", "p"))
    if not (2 <= n <= SCRYPT_MAX_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        raise ValueError("scrypt parameters out of range")
    material = Scrypt(salt=bytes.fromhex(parameters["salt"]), length=64, n=n, r=r, p=p).derive(
        passphrase.encode("utf-8")
    )
    return Keys(material[:32], material[32:])


class EncryptingWriter:
    """A writable file: what is written goes encrypted to `out`. `finish()` appends the tag.
    `digest` is the SHA-256 of everything written to `out` (nonce, ciphertext, tag)."""

    def __init__(self, out: BinaryIO, key: bytes, part: str):
        nonce = os.urandom(NONCE_BYTES)
        self._encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
        self._encryptor.authenticate_additional_data(part.encode("ascii"))
        self._out = out
        self._hash = hashlib.sha256()
        self.size = 0
        self._emit(nonce)

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._hash.update(data)
        self.size += len(data)

    def write(self, data) -> int:
        self._emit(self._encryptor.update(bytes(data)))
        return len(data)

    def flush(self) -> None:
        self._out.flush()

    def finish(self) -> str:
        self._emit(self._encryptor.finalize())
        self._emit(self._encryptor.tag)
        self._out.flush()
        return self._hash.hexdigest()


class DecryptingReader:
    """A readable file over an encrypted part of `size` bytes read from `source`. Read it to the end,
    then call `finish()`, which raises WrongKey unless the tag verifies."""

    def __init__(self, source: BinaryIO, size: int, key: bytes, part: str):
        if size < NONCE_BYTES + TAG_BYTES:
            raise WrongKey("part too short")
        self._source = source
        self._left = size - NONCE_BYTES - TAG_BYTES  # ciphertext bytes still to read
        nonce = source.read(NONCE_BYTES)
        self._decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).decryptor()
        self._decryptor.authenticate_additional_data(part.encode("ascii"))
        self._finished = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        data = self._source.read(wanted)
        if not data:
            raise WrongKey("part truncated")
        self._left -= len(data)
        return self._decryptor.update(data)

    def finish(self) -> None:
        while self.read(CHUNK):
            pass
        if self._finished:
            return
        tag = self._source.read(TAG_BYTES)
        try:
            self._decryptor.finalize_with_tag(tag)
        except (InvalidTag, ValueError):
            raise WrongKey("authentication tag mismatch") from None
        self._finished = True


def sha256_of(source: BinaryIO, size: int) -> str:
    """SHA-256 of the next `size` bytes of `source`."""
    digest = hashlib.sha256()
    while size > 0:
        data = source.read(min(CHUNK, size))
        if not data:
            break
        digest.update(data)
        size -= len(data)
    return digest.hexdigest()
