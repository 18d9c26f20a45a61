"""The request side of a check-in: one short write transaction, committed here (views commit; the
service only flushes).

    run_committed(work)   run `work`, commit, retry when SQLite was locked
    write_point()         called by the service right before its first write

Reads first, then a short write. `work` starts in an ordinary (deferred) transaction and does its reads
there: the token, the device, the fair, the payload's signature, the registration. When the service is
about to write it calls write_point(), which commits those reads (without expiring the loaded objects)
and opens the write transaction. On SQLite that is BEGIN IMMEDIATE (fairapp.database honours the
`sqlite_begin_immediate` option) taken under two locks: a thread lock within the process and an
exclusive flock on a file next to the database between processes. Waiting writers sleep in the kernel
and wake the moment the lock is released, instead of polling in SQLite's busy handler (which sleeps
for growing intervals and makes the tail latency explode); and the write lock is held only for the
INSERTs and the commit. A plain BEGIN would take a read snapshot and then fail at once with "database
is locked" when another process committed in between.

Whatever the reads decided is re-checked by the database: the INSERTs are ON CONFLICT DO NOTHING on the
UNIQUE registration_id (one check-in) and scan_id (one scan), so a ticket admitted between the read and
the write is answered already_checked_in. On PostgreSQL the transaction is an ordinary one and
write_point() does nothing: the UNIQUE constraints decide races."""

import contextvars
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import OperationalError

from fairapp.extensions import db

ATTEMPTS = 4
log = logging.getLogger(__name__)
_process_lock = threading.Lock()
_lock_files: dict[tuple[int, str], int] = {}  # (pid, path) → file descriptor, reopened after a fork
_writer: contextvars.ContextVar["_Writer | None"] = contextvars.ContextVar("checkin_writer", default=None)


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def end_reads() -> None:
    """Commit what the request has read so far (the token, the device, the fair) without expiring
    the loaded objects: the write transaction uses them as they are, without reloading them."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _lock_file() -> int | None:
    """This process's descriptor of `<database>.writelock`, or None for an in-memory database."""
    database = db.session.get_bind().url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    key = (os.getpid(), database)
    descriptor = _lock_files.get(key)
    if descriptor is None:
        descriptor = _lock_files[key] = os.open(database + ".writelock", os.O_RDWR | os.O_CREAT, 0o600)
    return descriptor


class _Writer:
    """The write phase of one attempt: on SQLite the locks and BEGIN IMMEDIATE, taken at most once."""

    def __init__(self, sqlite: bool):
        self.sqlite = sqlite
        self.begun = False
        self.descriptor: int | None = None
        self.locked = False

    def begin(self) -> None:
        if self.begun:
            return
        self.begun = True
        if not self.sqlite:
            return
        end_reads()
        _process_lock.acquire()
        self.locked = True
        self.descriptor = _lock_file()
        if self.descriptor is not None:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX)
        db.session.connection(execution_options={"sqlite_begin_immediate": True})

    def release(self) -> None:
        if self.locked:
            if self.descriptor is not None:
                fcntl.flock(self.descriptor, fcntl.LOCK_UN)
            _process_lock.release()
            self.locked = False


def write_point() -> None:
    """Called by the check-in service right before it writes: inside run_committed, ends the reads
    and takes the write transaction (see the module's documentation); elsewhere (a test calling the
    service directly, a caller with its own transaction) it does nothing."""
    writer = _writer.get()
    if writer is not None:
        writer.begin()


def run_committed[T](work: Callable[[], T]) -> T:
    """Run `work` (reads, then write_point(), then writes) and commit; retry when SQLite was locked
    (a retry reloads whatever `work` touches, since the rollback expired it). Anything raised rolls
    back and propagates. Without a write_point() call, `work` runs in one ordinary transaction."""
    sqlite = _sqlite()
    for attempt in range(1, ATTEMPTS + 1):
        writer = _Writer(sqlite)
        token = _writer.set(writer)
        try:
            result = work()
            db.session.commit()
            return result
        except OperationalError as error:
            db.session.rollback()
            if attempt == ATTEMPTS or "locked" not in str(error.orig).lower():
                raise
            log.warning("check-in: database locked, attempt %s", attempt)
        except BaseException:
            db.session.rollback()
            raise
        finally:
            _writer.reset(token)
            writer.release()
        time.sleep(0.005 * attempt)
    raise AssertionError("unreachable")
