"""The request side of registering: one transaction that starts with the registration's lock and is
committed here (views commit; fairapp.attendees.services only flushes).

The field checks that need no lock run first (services.check_person). On SQLite the transaction is
then BEGIN IMMEDIATE, and the writers that register take turns on a lock that wakes the next one at once
(a thread lock within the process, an flock on a file beside the database between processes) instead of
on SQLite's busy handler, which sleeps in growing steps and left workers idle and requests slow. A plain
commit (WAL, synchronous=FULL) costs about 0.25 ms here, so one commit per registration is not the
limit. PostgreSQL takes the plain path: the fair's row lock and the unique keys settle races.

REGISTRATION_GROUP_COMMIT (off; SQLite only) still selects the older per-process group commit: one
committer thread runs every queued registration in its own SAVEPOINT and commits once. It was slower
than the plain path because that single thread also ran every registration's checks and queries."""

import fcntl
import logging
import os
import queue
import threading
import time
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext

from flask import Flask, current_app, request
from sqlalchemy.exc import OperationalError

from fairapp.attendees import services
from fairapp.attendees.validation import mobile
from fairapp.db import utcnow
from fairapp.extensions import db

ATTEMPTS = 3
IDLE_EXIT_S = 2.0  # the committer thread ends when idle; the next registration starts another
log = logging.getLogger(__name__)


# Plain data of a committed registration (see fairapp.attendees.services).
RegistrationRecord = services.RegistrationRecord
Outcome = services.Outcome
# SQLite has one writer at a time. Registering writers take turns on a lock that wakes the next one at
# once — a thread lock within the process, an flock on a file beside the database between processes —
# instead of on SQLite's busy handler, which sleeps in steps of up to 100 ms (slow requests, idle CPU).
_process_lock = threading.Lock()
_lock_files: dict[tuple[int, str], int] = {}


@contextmanager
def _sqlite_writer_turn(database: str | None):
    with _process_lock:
        if not database or database == ":memory:" or database.startswith("file:"):
            yield
            return
        key = (os.getpid(), database)  # a descriptor inherited over fork would share its lock
        descriptor = _lock_files.get(key)
        if descriptor is None:
            if len(_lock_files) >= 8:  # databases come and go in tests: keep a few descriptors open
                for old_key in list(_lock_files):
                    if old_key[0] == key[0]:  # only this process's (no other thread holds a lock now)
                        os.close(_lock_files.pop(old_key))
                    else:
                        _lock_files.pop(old_key)  # inherited over fork: the parent's to close
            descriptor = _lock_files[key] = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)


def commit_registration(fair_id: int, raw: dict, **kwargs) -> Outcome:
    """services.register, committed. DomainErrors (and anything else) roll back and propagate."""
    if kwargs.get("by") is None and current_app.config.get("REGISTRATION_GROUP_COMMIT") \
            and db.session.get_bind().dialect.name == "sqlite":
        db.session.commit()  # no snapshot of this request's may outlive the committer's commit
        return _committer(current_app._get_current_object()).submit(fair_id, raw, kwargs)
    engine = db.session.get_bind()
    sqlite = engine.dialect.name == "sqlite"
    # The field checks first, outside the lock (they read no more than the ward table).
    kwargs["now"] = kwargs.get("now") or utcnow()
    kwargs["checked"] = services.check_person(raw, now=kwargs["now"],
                                              require_consent=kwargs.get("require_consent", True))
    for attempt in range(1, ATTEMPTS + 1):
        # End whatever this request has read so far: the registration's lock must come first.
        db.session.commit()
        try:
            with _sqlite_writer_turn(engine.url.database) if sqlite else nullcontext():
                try:
                    if sqlite:  # BEGIN IMMEDIATE: the write lock first (fairapp.database honours it)
                        db.session.connection(execution_options={"sqlite_begin_immediate": True})
                    outcome = services.register(fair_id, raw, **kwargs)
                    db.session.commit()
                    return outcome
                except BaseException:
                    db.session.rollback()
                    raise
        except OperationalError as error:
            if attempt == ATTEMPTS or not _locked(error):
                raise
            log.warning("registration for fair %s: database locked, attempt %s", fair_id, attempt)
        time.sleep(0.01 * attempt)
    raise AssertionError("unreachable")


def _locked(error: OperationalError) -> bool:
    return "locked" in str(error.orig).lower()


# --- Group commit (SQLite) ---------------------------------------------------------------------------

class GroupCommitter:
    """One per application and process; see the module docstring."""

    def __init__(self, app: Flask):
        self.app = app
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def submit(self, fair_id: int, raw: dict, kwargs: dict) -> Outcome:
        future: Future = Future()
        self.queue.put((fair_id, raw, kwargs, future))
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="registration-committer", daemon=True)
                self.thread.start()
        return future.result()

    def _run(self) -> None:
        with self.app.app_context():
            try:
                while True:
                    try:
                        first = self.queue.get(timeout=IDLE_EXIT_S)
                    except queue.Empty:
                        with self.lock:
                            if self.queue.empty():
                                self.thread = None
                                return
                        continue
                    batch = [first]
                    while True:
                        try:
                            batch.append(self.queue.get_nowait())
                        except queue.Empty:
                            break
                    self._commit_batch(batch)
            finally:
                db.session.remove()

    def _commit_batch(self, batch: list) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            results = []
            try:
                for fair_id, raw, kwargs, _future in batch:
                    results.append(self._one(fair_id, raw, kwargs))
                db.session.commit()
            except Exception as error:  # the whole batch failed (lock timeout, lost connection)
                db.session.rollback()
                if isinstance(error, OperationalError) and _locked(error) and attempt < ATTEMPTS:
                    time.sleep(0.01 * attempt)
                    continue
                for *_args, future in batch:
                    future.set_exception(error)
                return
            for (*_args, future), (outcome, error) in zip(batch, results, strict=True):
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(outcome)
            return

    @staticmethod
    def _one(fair_id: int, raw: dict, kwargs: dict):
        savepoint = db.session.begin_nested()
        try:
            outcome = services.register(fair_id, raw, **kwargs)
        except OperationalError:
            savepoint.rollback()
            raise  # the database, not this registration: the batch is retried
        except Exception as error:
            savepoint.rollback()
            return None, error
        savepoint.commit()
        return outcome, None


_committers_lock = threading.Lock()


def _committer(app: Flask) -> GroupCommitter:
    committer = app.extensions.get("registration_committer")
    if committer is None:
        with _committers_lock:
            committer = app.extensions.setdefault("registration_committer", GroupCommitter(app))
    return committer


# --- Rate-limit keys ---------------------------------------------------------------------------------

def phone_key(prefix: str) -> str:
    """A rate-limit key for the phone number in the request (JSON body or form), normalised so that
    "+84 912 345 678" and "0912345678" count together."""
    raw = None
    if request.is_json:
        body = request.get_json(silent=True)
        raw = body.get("phone") if isinstance(body, dict) else None
    else:
        raw = request.form.get("phone")
    raw = raw if isinstance(raw, str) else ""
    return f"{prefix}:{mobile(raw) or raw.strip()[:30]}"
