"""The instance folder's part of a backup: its keys and settings.

Kept: every regular file at the top of the folder — today `secret_key` (development), the ticket
signing key `ticket_signing_key.pem` and `config.py` — except what is not worth restoring:

- SQLite files: the database itself (backed up through SQLite, never by copying the file), the task
  queue (`tasks.sqlite3`: queued tasks are redone, the periodic jobs run again by themselves) and the
  request-limit counters (`ratelimits.sqlite3`), with their -wal, -shm, -journal and .writelock files;
- logs (`*.log`: `messages.log` of the development message sender), hidden temporary files, archives
  (`*.tar`) and what a restore set aside (`*.before-restore-*`, `config.py.from-backup`);
- folders: badge files (`badges/`, deleted after a day) and uploaded lists kept an hour for a second
  look (`households/`, `imports/`).

A file added later (another key) is kept without a change here."""

import hashlib
import io
import os
import re
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from fairapp.backup.errors import BackupError

NOT_KEPT = (
    "the task queue (tasks.sqlite3)",
    "the request-limit counters (ratelimits.sqlite3)",
    "badge files (badges/) and uploaded lists kept for an hour (households/, imports/)",
    "logs (*.log)",
)
_SKIPPED = re.compile(
    r"\.(sqlite3?|db)(-wal|-shm|-journal)?$|\.writelock$|\.log$|-wal$|-shm$|-journal$"
    r"|\.before-restore-|\.from-backup$|\.tar$"
)
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")
MAX_FILE_BYTES = 1024 * 1024
SETTINGS = "config.py"  # restored beside the current one when they differ (see restore_files)


def kept_files(instance: Path, database: Path | None) -> list[Path]:
    files = []
    for path in sorted(instance.iterdir()):
        if not path.is_file() or path.is_symlink() or path.name.startswith("."):
            continue
        if _SKIPPED.search(path.name) or path == database:
            continue
        if database is not None and path.name.startswith(database.name + "-"):
            continue
        if not _SAFE_NAME.fullmatch(path.name):
            continue
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BackupError(
                "instance_file_too_large",
                f"{path} is larger than {MAX_FILE_BYTES // 1024} KiB: not a key or a setting; "
                "move it out of the instance folder",
            )
        files.append(path)
    return files


def pack(files: list[Path], out: BinaryIO) -> dict[str, str]:
    """Write `files` as a tar stream to `out`; their names → SHA-256."""
    digests = {}
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as archive:
        for path in files:
            data = path.read_bytes()
            info = tarfile.TarInfo(path.name)
            info.size, info.mode, info.mtime = len(data), 0o600, int(path.stat().st_mtime)
            archive.addfile(info, io.BytesIO(data))
            digests[path.name] = hashlib.sha256(data).hexdigest()
    return digests


def unpack(source: BinaryIO, expected: dict[str, str]) -> dict[str, bytes]:
    """The files of a tar stream, each checked against the manifest's SHA-256."""
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=source, mode="r|") as archive:
        for member in archive:
            if not member.isfile() or not _SAFE_NAME.fullmatch(member.name) or member.size > MAX_FILE_BYTES:
                raise BackupError(
                    "archive_damaged", f"unexpected entry {member.name!r} among the instance files"
                )
            files[member.name] = archive.extractfile(member).read()
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    if digests != expected:
        raise BackupError("archive_damaged", "the instance files do not match the manifest")
    return files


@dataclass
class Restored:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)  # the instance's own, renamed
    beside: list[str] = field(default_factory=list)  # the archive's, written next to the instance's


def restore_files(instance: Path, files: dict[str, bytes]) -> Restored:
    """Write the archive's files into the instance folder, owner-only. A file already there and
    different is renamed `<name>.before-restore-<time>` first (nothing is lost) — except config.py:
    the settings in use stay, the archive's go to `config.py.from-backup` for comparison."""
    result = Restored()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name, data in sorted(files.items()):
        path = instance / name
        if path.exists() and path.read_bytes() == data:
            result.unchanged.append(name)
            continue
        if path.exists() and name == SETTINGS:
            path = instance / f"{SETTINGS}.from-backup"
            result.beside.append(path.name)
        elif path.exists():
            aside = instance / f"{name}.before-restore-{stamp}"
            os.replace(path, aside)
            result.set_aside.append(aside.name)
        _write_owner_only(path, data)
        result.written.append(path.name)
    return result


def _write_owner_only(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.restoring")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
