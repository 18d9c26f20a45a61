"""SQLite: a consistent copy of the live database, and putting a copy in its place.

The copy uses SQLite's online backup API (sqlite3.Connection.backup) in one step: one read transaction
over the source, so in WAL mode the application keeps writing meanwhile and the copy is the database as
it was at one instant, including what was committed to the WAL and not yet checkpointed (which copying
the file would miss)."""

import contextlib
import os
import sqlite3
from pathlib import Path

from fairapp.backup.errors import BackupError
from fairapp.backup.tables import Contents, read_contents


def database_path(url) -> Path:
    """The file behind an SQLite URL; in-memory databases cannot be backed up or restored."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:") or url.query.get("uri"):
        raise BackupError(
            "sqlite_not_a_file", "only an SQLite database in a file can be backed up or restored"
        )
    return Path(database).resolve()


def _contents(path: Path) -> Contents:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return read_contents(lambda sql: connection.execute(sql).fetchall(), "sqlite")


def copy_live(source: Path, target: Path, busy_timeout_ms: int) -> Contents:
    """Copy the database at `source` (which the application may be writing) to the new file `target`
    (owner-only), check the copy's integrity, and read what it holds."""
    if not source.is_file():
        raise BackupError("database_missing", f"no database at {source}")
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    live = sqlite3.connect(source, timeout=busy_timeout_ms / 1000)
    with contextlib.closing(live), contextlib.closing(sqlite3.connect(target)) as copy:
        live.backup(copy)  # pages=-1: all in one step, one snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no WAL beside it
    check_integrity(target)
    return _contents(target)


def check_integrity(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        try:
            result = connection.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as error:
            raise BackupError(
                "database_damaged", f"the database copy is not a valid SQLite file: {error}"
            ) from None
    if result != [("ok",)]:
        raise BackupError("database_damaged", f"the database copy fails SQLite's check: {result[:3]}")


def contents_of(path: Path) -> Contents:
    check_integrity(path)
    return _contents(path)


def put_in_place(copy: Path, database: Path) -> None:
    """Make the restored `copy` (on the same file system) the database at `database`. The application
    must be stopped. An old WAL and shared-memory file would be replayed into the new database:
    they go first; then one rename replaces the file atomically."""
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.chmod(copy, 0o600)
    os.replace(copy, database)
