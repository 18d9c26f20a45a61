"""Backing up a deployment — its database and its instance folder's keys and settings — into one
encrypted archive (fairapp.backup.archive), and restoring one into a fresh instance. The commands
(fairapp.backup.cli) call these inside an app context; the application may run during a backup and must
be stopped for a restore."""

import contextlib
import getpass
import gzip
import importlib.metadata
import os
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.engine import Engine

from fairapp.audit import services as audit
from fairapp.backup import archive, crypto, instance_files, postgres_dump, sqlite_copy
from fairapp.backup.errors import BackupError
from fairapp.backup.tables import Contents, read_contents
from fairapp.extensions import db
from fairapp.modelbase import utcnow
from fairapp.transactions import run_in_transaction

ENCODINGS = {"sqlite": "sqlite3+gzip", "postgresql": "pg_dump-custom"}


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: dict


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    contents: Contents
    files: instance_files.Restored
    upgrade_needed: bool  # the database's revision is older than this code's


# -- backup ------------------------------------------------------------------------------------


def create_backup(destination: Path, passphrase: str, *, now: datetime | None = None) -> BackupResult:
    """Write the archive to `destination` (a new file), or to a new `fairapp-backup-<UTC time>.tar`
    inside it when it is a folder. Never overwrites a file."""
    engine = db.engine
    kind = _kind(engine)
    now = now or utcnow()
    target = _archive_path(destination, now)
    kdf = crypto.new_kdf_parameters()
    keys = crypto.derive_keys(passphrase, kdf)
    # The database's plain copy waits in the private instance folder, never beside the archive (which
    # may be a mounted share); only encrypted data is written next to DEST.
    instance = Path(current_app.instance_path)
    with (
        tempfile.TemporaryDirectory(dir=instance, prefix=".backup-plain-") as plain,
        tempfile.TemporaryDirectory(dir=target.parent, prefix=".fairapp-backup-") as folder,
    ):
        work = Path(folder)
        contents, database_part = _database_part(engine, Path(plain), work, keys)
        database_file = sqlite_copy.database_path(engine.url) if kind == "sqlite" else None
        files = instance_files.kept_files(instance, database_file)
        digests, instance_part = _encrypted(
            work / archive.INSTANCE, keys, archive.INSTANCE, instance_files.pack, files
        )
        parts = {archive.DATABASE: database_part, archive.INSTANCE: instance_part}
        manifest = {
            "format": archive.FORMAT,
            "application": archive.APPLICATION,
            "version": _version(),
            "created_at": now.isoformat(),
            "database": {
                "kind": kind,
                "encoding": ENCODINGS[kind],
                "revision": contents.revision,
                "tables": contents.tables,
                "rows": contents.rows,
            },
            "instance_files": digests,
            "not_included": list(instance_files.NOT_KEPT),
            "parts": {
                name: {"size": size, "sha256": digest} for name, (_path, size, digest) in parts.items()
            },
            "encryption": {"cipher": crypto.CIPHER, "kdf": kdf, "passphrase_check": keys.passphrase_check()},
        }
        written = work / "archive.tar"
        archive.write(written, manifest, keys, {name: path for name, (path, _size, _digest) in parts.items()})
        _publish(written, target)
    size = target.stat().st_size
    details = {"file": target.name, "size": size, "revision": contents.revision, "rows": contents.rows}
    run_in_transaction(lambda: audit.append("backup.create", actor_label=_actor(), details=details))
    return BackupResult(target, size, manifest)


def _publish(written: Path, target: Path) -> None:
    """Give the finished archive its name, never over a file: a hard link fails if one appeared there
    meanwhile; where the file system has no hard links (some network shares), a rename after a look."""
    try:
        os.link(written, target)
    except FileExistsError:
        raise BackupError("destination_exists", f"{target} already exists; nothing was written") from None
    except OSError:
        if target.exists():
            raise BackupError("destination_exists", f"{target} already exists; nothing was written") from None
        os.replace(written, target)


def _kind(engine: Engine) -> str:
    if engine.dialect.name not in ENCODINGS:
        raise BackupError(
            "unsupported_database", f"cannot back up or restore a {engine.dialect.name} database"
        )
    return engine.dialect.name


def _archive_path(destination: Path, now: datetime) -> Path:
    destination = destination.expanduser().absolute()
    if destination.is_dir():
        return destination / f"fairapp-backup-{now:%Y%m%dT%H%M%SZ}.tar"
    if destination.exists():
        raise BackupError("destination_exists", f"{destination} already exists; nothing was written")
    if not destination.parent.is_dir():
        raise BackupError("destination_missing", f"no folder {destination.parent} to write the archive in")
    return destination


def _database_part(
    engine: Engine, plain: Path, work: Path, keys: crypto.Keys
) -> tuple[Contents, tuple[Path, int, str]]:
    """The database, copied (SQLite) or dumped (PostgreSQL) at one instant into the folder `plain`,
    then encrypted into `work`."""
    if engine.dialect.name == "sqlite":
        copy = plain / "database.sqlite3"
        source = sqlite_copy.database_path(engine.url)
        contents = sqlite_copy.copy_live(source, copy, current_app.config["SQLITE_BUSY_TIMEOUT_MS"])

        def compress(path: Path, out) -> None:
            with (
                gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as packed,
                path.open("rb") as file,
            ):
                shutil.copyfileobj(file, packed, crypto.CHUNK)

        _none, part = _encrypted(work / archive.DATABASE, keys, archive.DATABASE, compress, copy)
    else:
        copy = plain / "database.dump"
        contents = postgres_dump.dump(engine, copy)

        def plain(path: Path, out) -> None:
            with path.open("rb") as file:
                shutil.copyfileobj(file, out, crypto.CHUNK)

        _none, part = _encrypted(work / archive.DATABASE, keys, archive.DATABASE, plain, copy)
    copy.unlink()
    return contents, part


def _encrypted(target: Path, keys: crypto.Keys, name: str, fill, source):
    """fill(source, writer) writes the plaintext; → (what fill returned, (target, size, sha256))."""
    with target.open("xb") as out:
        writer = crypto.EncryptingWriter(out, keys.encryption, name)
        returned = fill(source, writer)
        digest = writer.finish()
    return returned, (target, writer.size, digest)


def _version() -> str:
    try:
        return importlib.metadata.version("fairapp")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _actor() -> str:
    with contextlib.suppress(Exception):  # no name for this uid (a container): the label is enough
        return f"cli:{getpass.getuser()}"[:254]
    return "cli"


# -- restore -----------------------------------------------------------------------------------


def restore_backup(path: Path, passphrase: str, *, force: bool = False) -> RestoreResult:
    """Restore the archive at `path` into the configured database and the instance folder. Checked
    first, nothing changed when one fails: the archive (passphrase, manifest, checksums), the kind of
    database, the revision (newer than this code: refused), the target (holding data: refused unless
    `force`). The database is replaced as a whole (SQLite: one rename; PostgreSQL: pg_restore in one
    transaction), then the instance files are written."""
    opened = archive.open_checked(path, passphrase)
    try:
        manifest = opened.manifest
        engine = db.engine
        kind = _kind(engine)
        if manifest["database"]["kind"] != kind:
            raise BackupError(
                "database_kind_mismatch",
                f"the archive holds a {manifest['database']['kind']} database and the configured one is "
                f"{kind}; nothing was changed",
            )
        upgrade_needed = _check_revision(manifest["database"]["revision"])
        _refuse_data(engine, force)
        files = _instance_files(opened)
        if kind == "sqlite":
            contents = _restore_sqlite(opened, engine)
        else:
            contents = _restore_postgresql(opened, engine)
        restored = instance_files.restore_files(Path(current_app.instance_path), files)
    finally:
        opened.close()
    details = {
        "file": path.name,
        "created_at": manifest["created_at"],
        "revision": manifest["database"]["revision"],
        "rows": manifest["database"]["rows"],
        "forced": force,
    }
    run_in_transaction(lambda: audit.append("backup.restore", actor_label=_actor(), details=details))
    return RestoreResult(manifest, contents, restored, upgrade_needed)


def _check_revision(revision: str | None) -> bool:
    """Whether the archive's schema is older than the code's (a `db upgrade` is due); refuses one the
    code does not know (made by newer code)."""
    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    heads = set(script.get_heads())
    archived = set(revision.split(",")) if revision else set()
    if archived == heads:
        return False
    unknown = archived - {script_revision.revision for script_revision in script.walk_revisions()}
    if unknown:
        raise BackupError(
            "archive_newer",
            f"the archive's database is at revision {revision}, which this version of fairapp does not "
            f"know (a newer version made it; this one is at {', '.join(sorted(heads))}): restore it with "
            "that version or a later one; nothing was changed",
        )
    return True


def _refuse_data(engine: Engine, force: bool) -> None:
    with engine.connect() as connection:
        target = read_contents(lambda sql: connection.exec_driver_sql(sql).all(), engine.dialect.name)
    engine.dispose()
    if target.has_own_data() and not force:
        tables = sum(1 for count in target.tables.values() if count)
        raise BackupError(
            "target_not_empty",
            f"the database {engine.url.render_as_string(hide_password=True)} already holds data "
            f"({target.rows} rows in {tables} tables); restore into a fresh database, or give --force to "
            "replace it; nothing was changed",
        )


def _instance_files(opened: archive.Opened) -> dict[str, bytes]:
    source, size = opened.part(archive.INSTANCE)
    reader = crypto.DecryptingReader(source, size, opened.keys.encryption, archive.INSTANCE)
    files = instance_files.unpack(reader, opened.manifest["instance_files"])
    _finish(reader)
    return files


def _finish(reader: crypto.DecryptingReader) -> None:
    try:
        reader.finish()
    except crypto.WrongKey:
        raise BackupError(
            "archive_damaged", "the archive fails its authentication; nothing was changed"
        ) from None


def _restore_sqlite(opened: archive.Opened, engine: Engine) -> Contents:
    database = sqlite_copy.database_path(engine.url)
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=database.parent, prefix=".fairapp-restore-") as folder:
        copy, contents = _checked_sqlite(opened, Path(folder))
        db.session.remove()
        engine.dispose()
        sqlite_copy.put_in_place(copy, database)
    engine.dispose()
    return contents


def _checked_sqlite(opened: archive.Opened, folder: Path) -> tuple[Path, Contents]:
    """The archive's SQLite database, decrypted into `folder` and checked: its integrity, its counts."""
    copy = folder / "database.sqlite3"
    source, size = opened.part(archive.DATABASE)
    reader = crypto.DecryptingReader(source, size, opened.keys.encryption, archive.DATABASE)
    try:
        with gzip.GzipFile(fileobj=reader, mode="rb") as packed, copy.open("xb") as out:
            shutil.copyfileobj(packed, out, crypto.CHUNK)
    except (OSError, EOFError, zlib.error, crypto.WrongKey):
        raise BackupError(
            "archive_damaged", "the archive's database cannot be read; nothing was changed"
        ) from None
    _finish(reader)
    contents = sqlite_copy.contents_of(copy)
    _check_counts(opened.manifest, contents)
    return copy, contents


def _restore_postgresql(opened: archive.Opened, engine: Engine) -> Contents:
    with tempfile.TemporaryDirectory(dir=current_app.instance_path, prefix=".restore-plain-") as folder:
        dump = _decrypted_dump(opened, Path(folder))
        db.session.remove()
        postgres_dump.restore(engine, dump)
    contents = postgres_dump.contents(engine)
    _check_counts(opened.manifest, contents)
    return contents


def _decrypted_dump(opened: archive.Opened, folder: Path) -> Path:
    dump = folder / "database.dump"
    source, size = opened.part(archive.DATABASE)
    reader = crypto.DecryptingReader(source, size, opened.keys.encryption, archive.DATABASE)
    with dump.open("xb") as out:
        shutil.copyfileobj(reader, out, crypto.CHUNK)
    _finish(reader)
    return dump


# -- check -------------------------------------------------------------------------------------


def check_archive(path: Path, passphrase: str) -> dict:
    """Everything a restore checks of the archive itself, changing nothing: the passphrase, the
    manifest's signature, the checksums, each part decrypted and authenticated, the instance files
    against the manifest, and the database inside (SQLite: its integrity and every table's row count;
    PostgreSQL: pg_restore reads the dump's table of contents). The manifest."""
    opened = archive.open_checked(path, passphrase)
    try:
        _instance_files(opened)
        with tempfile.TemporaryDirectory(dir=current_app.instance_path, prefix=".check-plain-") as folder:
            if opened.manifest["database"]["kind"] == "sqlite":
                _checked_sqlite(opened, Path(folder))
            else:
                postgres_dump.check(
                    _decrypted_dump(opened, Path(folder)), opened.manifest["database"]["tables"]
                )
    finally:
        opened.close()
    return opened.manifest


def _check_counts(manifest: dict, contents: Contents) -> None:
    expected = manifest["database"]["tables"]
    found = {name: contents.tables.get(name) for name in expected}
    if found != expected:
        differ = sorted(name for name in expected if found[name] != expected[name])
        raise BackupError(
            "restore_mismatch",
            f"the restored database does not hold what the archive lists (tables {', '.join(differ[:10])})",
        )
