"""The request side of a check-in: one short write transaction, committed here (views commit; the
service only flushes).

Every scan writes (at least its Scan row), so the transaction asks for the write lock first. On SQLite
that is BEGIN IMMEDIATE (fairapp.database honours the `sqlite_begin_immediate` option): a plain BEGIN
would take a read snapshot at the first SELECT and then fail at once with "database is locked" when
another process committed in between. Within one process a lock keeps the request threads from
queueing on SQLite's sleeping busy handler; between processes the busy timeout does. Whatever the
request read before (the token, the device) is committed first, so no old snapshot is held.
On PostgreSQL the transaction is an ordinary one: the UNIQUE constraints decide races."""

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import OperationalError

from fairapp.extensions import db

ATTEMPTS = 4
log = logging.getLogger(__name__)
_process_lock = threading.Lock()


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


def run_committed[T](work: Callable[[], T]) -> T:
    """Run `work` in its own write transaction and commit it; retry when SQLite was locked (a retry
    reloads whatever `work` touches, since the rollback expired it). Anything raised rolls back and
    propagates."""
    sqlite = _sqlite()
    for attempt in range(1, ATTEMPTS + 1):
        end_reads()
        lock = _process_lock if sqlite else None
        if lock:
            lock.acquire()
        try:
            db.session.connection(execution_options={"sqlite_begin_immediate": True} if sqlite else None)
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
            if lock:
                lock.release()
        time.sleep(0.005 * attempt)
    raise AssertionError("unreachable")
