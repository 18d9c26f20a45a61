"""The archive file: an uncompressed tar (`tar tf` lists it) of four members, in this order:

    manifest.json   what the archive holds, readable without the passphrase: format, application and
                    version, created_at, the database's kind, Alembic revision, tables and row counts,
                    the instance files' names and SHA-256, each stored part's size and SHA-256, and the
                    key derivation's parameters
    manifest.hmac   HMAC-SHA256 of manifest.json under the passphrase's key: a manifest changed by
                    anyone without the passphrase is refused
    database.enc    the database (SQLite: the file, gzipped; PostgreSQL: pg_dump's custom format)
    instance.enc    the instance folder's keys and settings (a tar)

The two parts are encrypted with AES-256-GCM (fairapp.backup.crypto). Reading checks, in this order
and before anything is decrypted or changed: the members, the passphrase, the manifest's HMAC, each
part's size and SHA-256; decrypting then checks each part's GCM tag."""

import io
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from fairapp.backup import crypto
from fairapp.backup.errors import BackupError

FORMAT = 1
APPLICATION = "fairapp"
MANIFEST, SIGNATURE = "manifest.json", "manifest.hmac"
DATABASE, INSTANCE = "database.enc", "instance.enc"
MEMBERS = (MANIFEST, SIGNATURE, DATABASE, INSTANCE)
MAX_MANIFEST_BYTES = 1024 * 1024


def write(target: Path, manifest: dict, keys: crypto.Keys, parts: dict[str, Path]) -> None:
    """Write the archive to the new file `target` (owner-only). `manifest["parts"]` must already
    describe `parts`."""
    body = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")
    signature = keys.sign(body).encode("ascii")
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        with tarfile.open(fileobj=file, mode="w", format=tarfile.PAX_FORMAT) as archive:
            for name, data in ((MANIFEST, body), (SIGNATURE, signature)):
                archive.addfile(_info(name, len(data)), io.BytesIO(data))
            for name in (DATABASE, INSTANCE):
                with parts[name].open("rb") as part:
                    archive.addfile(_info(name, parts[name].stat().st_size), part)
        file.flush()
        os.fsync(file.fileno())


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode = size, 0o600
    return info


@dataclass
class Opened:
    """An archive whose passphrase, manifest and checksums were checked."""

    tar: tarfile.TarFile
    manifest: dict
    keys: crypto.Keys

    def part(self, name: str):
        """(file object positioned at the part, its size)."""
        member = self.tar.getmember(name)
        return self.tar.extractfile(member), member.size

    def close(self) -> None:
        self.tar.close()


def read_manifest(path: Path) -> tuple[tarfile.TarFile, dict, bytes, str]:
    try:
        tar = tarfile.open(path, mode="r:")  # noqa: SIM115 (closed by the caller, through Opened)
    except (tarfile.TarError, OSError) as error:
        raise BackupError("not_an_archive", f"{path} is not a fairapp backup archive ({error})") from None
    try:
        members = {member.name: member for member in tar.getmembers()}
        if sorted(members) != sorted(MEMBERS) or not all(m.isfile() for m in members.values()):
            raise BackupError(
                "not_an_archive", f"{path} is not a fairapp backup archive (unexpected members)"
            )
        if members[MANIFEST].size > MAX_MANIFEST_BYTES:
            raise BackupError("not_an_archive", f"{path}: the manifest is too large")
        body = tar.extractfile(members[MANIFEST]).read()
        signature = tar.extractfile(members[SIGNATURE]).read(200).decode("ascii", "replace")
        try:
            manifest = json.loads(body)
        except ValueError:
            raise BackupError("archive_damaged", f"{path}: the manifest is not valid JSON") from None
        if not isinstance(manifest, dict) or manifest.get("application") != APPLICATION:
            raise BackupError("not_an_archive", f"{path} is not a fairapp backup archive")
        if manifest.get("format") != FORMAT:
            raise BackupError(
                "unknown_format",
                f"{path} is in archive format {manifest.get('format')!r}; this version reads {FORMAT}",
            )
    except BaseException:
        tar.close()
        raise
    return tar, manifest, body, signature


def open_checked(path: Path, passphrase: str) -> Opened:
    """Open the archive and check, before anything is decrypted: the passphrase, the manifest's
    HMAC, the size and SHA-256 of each part. Raises BackupError with a code naming what failed."""
    tar, manifest, body, signature = read_manifest(path)
    try:
        encryption = manifest.get("encryption") or {}
        try:
            keys = crypto.derive_keys(passphrase, encryption.get("kdf") or {})
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(
                "archive_damaged", f"{path}: unusable key derivation in the manifest ({error})"
            ) from None
        if keys.passphrase_check() != encryption.get("passphrase_check"):
            raise BackupError("wrong_passphrase", "wrong passphrase for this archive; nothing was changed")
        if not keys.verify(body, signature):
            raise BackupError(
                "archive_tampered",
                "the archive's manifest was changed after it was written; nothing was changed",
            )
        for name in (DATABASE, INSTANCE):
            expected = (manifest.get("parts") or {}).get(name) or {}
            member = tar.getmember(name)
            if member.size != expected.get("size") or crypto.sha256_of(
                tar.extractfile(member), member.size
            ) != expected.get("sha256"):
                raise BackupError(
                    "checksum_mismatch",
                    f"{name} does not match its checksum: the archive is damaged or was changed; "
                    "nothing was changed",
                )
    except BaseException:
        tar.close()
        raise
    return Opened(tar, manifest, keys)
