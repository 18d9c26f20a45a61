"""The database connection (the models' base is fairapp.modelbase, the `db` object fairapp.extensions).
Engine set-up: options (every engine pings a pooled connection before using it), SQLite pragmas and
owner-only files for the embedded default, one clear line (never a traceback) when the database cannot
be reached, which errors mean "unavailable, try again" (`is_unavailable`) and which "the disk is full"
(`is_storage_full`), and SQLite's one writer taking turns (`write_turn`)."""

import contextlib
import errno
import fcntl
import functools
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import Engine, make_url


def engine_options(app: Flask) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS for this app: the configured ones, plus pool_pre_ping for a database
    server (a connection the server dropped, after a restart say, is replaced before a request uses
    it; an SQLite file has no server to drop it, so no ping) and SQLite's busy timeout. A copy: the
    default dict is shared by every app built in this process."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    options.setdefault("pool_pre_ping", not sqlite)  # also when a deployment gives options of its own
    if sqlite:
        options.setdefault("connect_args", {"timeout": app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000})
    return options


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, synchronous=FULL, foreign keys and a busy timeout on every SQLite connection; the database
    file created owner-only (0600) when the first connection creates it."""

    @sa.event.listens_for(engine, "do_connect")
    def _owner_only(_dialect, _record, cargs, cparams):
        create_owner_only(cargs[0] if cargs else cparams.get("database"), uri=cparams.get("uri", False))

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's BEGIN (below) start transactions, not the driver's implicit handling.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @sa.event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection, record):
        # A write turn may have lowered the durability of its own commit (write_turn); every
        # other use of the connection gets synchronous=FULL again.
        if record is not None and record.info.pop(LOWERED_SYNC, False):
            dbapi_connection.execute("PRAGMA synchronous=FULL")

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # BEGIN IMMEDIATE would serialise readers too; plain BEGIN plus busy_timeout is enough
        # because writes are short and conditional. The hot writers (check-ins, registrations) take
        # the write lock first with write_turn() below. Sent on the driver's connection: it needs
        # no statement machinery (no events, no result), and every request begins a transaction.
        connection.connection.driver_connection.execute("BEGIN")


def create_owner_only(database: str | None, *, uri: bool = False) -> None:
    """Create an SQLite database file with mode 0600 unless it exists: sqlite3 would create it with
    the process's umask (usually readable by everyone), and SQLite gives the WAL and shared-memory
    files the database file's mode. Nothing for an in-memory database or a URI filename."""
    if not database or database == ":memory:" or uri or database.startswith("file:"):
        return
    # There already; or it cannot be created here, which sqlite3's own open then reports.
    with contextlib.suppress(FileExistsError, FileNotFoundError, NotADirectoryError, PermissionError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


# --- SQLite's one writer, in turn ----------------------------------------------------------------------
#
# SQLite has one writer at a time. A writer that merely waits in SQLite's busy handler sleeps in growing
# steps (up to 100 ms) and wakes late: the CPU idles and the tail latency explodes. The hot writers
# instead take turns on a lock that wakes the next one the moment it is released: a thread lock within
# the process and an flock on `<database>.writelock` between processes. Inside its turn a writer holds
# BEGIN IMMEDIATE, so its reads and writes see the latest commit and nothing can fail half-way with
# "database is locked". Writers that do not take turns (admin pages, the CLI) still meet the busy
# timeout, as before.

WRITE_TURN = "write_turn"  # in the owner's info while it holds its turn
LOWERED_SYNC = "sqlite_synchronous_normal"  # in a pooled connection's info: restore FULL at check-in
_turn_lock = threading.Lock()
_lock_files: dict[tuple[int, str], int] = {}  # (pid, database) → descriptor; a forked child opens its own


def _lock_descriptor(database: str | None) -> int | None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    key = (os.getpid(), database)
    descriptor = _lock_files.get(key)
    if descriptor is None:
        if len(_lock_files) >= 8:  # databases come and go in tests: keep a few descriptors open
            for old in list(_lock_files):
                if old[0] == key[0]:  # this process's own (no thread holds a turn: we hold _turn_lock)
                    os.close(_lock_files.pop(old))
                else:
                    _lock_files.pop(old)  # inherited over fork: the parent's to close
        descriptor = _lock_files[key] = os.open(f"{database}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
    return descriptor


@contextmanager
def write_turn(session, *, durable: bool = True) -> Iterator[None]:
    """Wait for this writer's turn, then hold SQLite's write lock (BEGIN IMMEDIATE) on the session's
    connection until the block ends; the caller commits or rolls back inside the block. What the
    session read before is kept as loaded (its read snapshot ends in place: COMMIT, then BEGIN
    IMMEDIATE on the same connection, without a trip through the pool), so it must not have written
    anything yet. Other databases: nothing to do, their row locks
    and unique keys settle races.

    `durable=False` commits this turn with synchronous=NORMAL: still safe when a worker is killed (the
    commit is in the WAL file), lost only if the machine loses power before the next FULL commit or
    checkpoint syncs the WAL (on PostgreSQL: synchronous_commit off for the transaction). The check-in
    service asks for it for records of refused scans only (a ticket scanned again, a forged one),
    never for a check-in."""
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        if not durable and engine.dialect.name == "postgresql":
            # PostgreSQL's counterpart of synchronous=NORMAL, for this transaction only: the commit
            # does not wait for the WAL flush (lost only if the server itself crashes before its WAL
            # writer flushes).
            session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
        yield
        return
    with _turn_lock:
        descriptor = _lock_descriptor(engine.url.database)
        if descriptor is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            pooled = session.connection().connection
            driver = pooled.driver_connection
            driver.execute("COMMIT")
            if not durable:
                driver.execute("PRAGMA synchronous=NORMAL")  # FULL again when the pool takes it back
                pooled.info[LOWERED_SYNC] = True
            driver.execute("BEGIN IMMEDIATE")
            session.info[WRITE_TURN] = True
            yield
        finally:
            session.info.pop(WRITE_TURN, None)
            if descriptor is not None:
                fcntl.flock(descriptor, fcntl.LOCK_UN)


def safe_url(url) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


class DatabaseUnreachable(click.ClickException):
    """No connection to the database could be opened. A ClickException, so that every CLI
    command (`flask db upgrade`, `users create`, `seed-demo`...) prints the one line and exits 1."""

    def __init__(self, url, reason: str):
        self.url = safe_url(url)
        super().__init__(f"Cannot reach the database at {self.url}: {reason}")


def _reason(error: BaseException, url) -> str:
    """The driver's first line, with the password scrubbed in case a driver echoes it."""
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).strip().splitlines() if line.strip()]
    reason = lines[0] if lines else type(original).__name__
    password = make_url(url).password
    return reason.replace(password, "***") if password else reason


def guard_connect_errors(engine: Engine) -> None:
    """Turn a failure to open a connection into DatabaseUnreachable, wherever it happens.

    Errors on an open connection (a bad statement, a lost server) keep their SQLAlchemy type so
    that the pool's reconnect logic and the callers' own handling still see them."""

    @sa.event.listens_for(engine, "handle_error")
    def _on_error(context):
        if (
            context.connection is None
            and not context.is_pre_ping
            and isinstance(context.original_exception, context.dialect.loaded_dbapi.OperationalError)
        ):
            raise DatabaseUnreachable(engine.url, _reason(context.original_exception, engine.url))


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be used right now (unreachable, restarting, a lost
    connection, locked or timed out), not that a statement was wrong: the request may succeed when
    tried again, and is answered 503 `database_unavailable`. Raw DB-API errors count too (a driver's
    error raised outside SQLAlchemy's wrapping)."""
    if isinstance(
        error,
        DatabaseUnreachable
        | sa.exc.OperationalError
        | sa.exc.InterfaceError
        | sa.exc.DisconnectionError
        | sa.exc.TimeoutError,
    ):
        return True
    if isinstance(error, sa.exc.DBAPIError):
        return bool(error.connection_invalidated)
    return isinstance(error, _driver_errors())


SQLITE_FULL = 13  # the primary result code; extended codes keep it in their low byte
POSTGRES_DISK_FULL = "53100"
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_storage_full(error: BaseException) -> bool:
    """Whether `error` says the disk is full: SQLite's SQLITE_FULL ("database or disk is full"),
    PostgreSQL's disk_full (53100), or a file that could not be written (ENOSPC, a quota). Nothing
    was saved by the statement that failed, and the transaction is rolled back; what was committed
    before stays. Checked before is_unavailable(), which counts these as unavailable too."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, sqlite3.Error):
        return (getattr(original, "sqlite_errorcode", 0) or 0) & 0xFF == SQLITE_FULL
    if getattr(original, "sqlstate", None) == POSTGRES_DISK_FULL:
        return True
    return isinstance(original, OSError) and original.errno in NO_SPACE


@functools.cache
def _driver_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [sqlite3.OperationalError, sqlite3.InterfaceError]
    try:
        import psycopg
    except ImportError:  # a deployment on SQLite alone
        pass
    else:
        errors += [psycopg.OperationalError, psycopg.InterfaceError]
    return tuple(errors)


def check_reachable(engine: Engine) -> None:
    """Open one connection; raise DatabaseUnreachable with one line if that is impossible."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as error:
        raise DatabaseUnreachable(engine.url, _reason(error, engine.url)) from None
