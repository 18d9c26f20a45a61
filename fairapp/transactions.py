"""One transaction per request, per CLI command and per background job, by one mechanism.

    run_in_transaction(work, *, writes)   run `work`, then commit or roll back; retried when SQLite
                                          was locked. Every request goes through it (FairApp below).
    rollback_request()                    a view that shows a refusal (a form's errors) says so: the
                                          request's changes are rolled back although it answers 200
    commit_request()                      the reverse: a view answering an error status whose writes
                                          stand (the record of a refused scan, a sign-in's turn)
    afterwards(action)                    work kept whatever becomes of the request's transaction (the
                                          audit entry of a refused attempt, or of a read): run in a
                                          transaction of its own once the request's has ended
    after_commit(action)                  work outside the database that must only follow a commit
                                          (enqueueing a background task for a row just written): run
                                          once the unit committed, outside any unit; dropped on rollback
    write_point(durable=True)             a service says it is about to write (SQLite: the writer's turn)

Services flush, never commit. A request commits when it may write (not GET, HEAD or OPTIONS), its view
answered below 400 (or called commit_request()) and did not call rollback_request(); otherwise it
rolls back, so a GET never commits: the one thing a GET may leave is the audit entry of what it
showed, asked for afterwards (fairapp.audit.services.record_read). An exception rolls back and
propagates (the error handlers answer it). A SQLite "database is locked" rolls back and runs the
view again, from the start: what that attempt asked to run afterwards is dropped, the new attempt
asks again (so a view must do nothing outside the database that a second run would repeat wrongly).
Units do not nest.

SQLite has one writer at a time. A service calls write_point() right before its first write; inside
a unit this takes the writer's turn once (fairapp.database.write_turn: the read snapshot ends in
place and BEGIN IMMEDIATE follows on the same connection), so the write lock is held only for the
writes and the commit, and the next writer is woken at once. What the reads decided is re-checked by
the database (unique keys, conditional statements). Other databases: nothing to take; row locks and
unique keys settle races.

`write_point(durable=False)`: this transaction writes only records whose loss on a power cut is
acceptable (a refused scan): the turn commits with synchronous=NORMAL. A transaction that may write
both kinds (an offline device's batch) calls write_point() before its first write."""

import contextvars
import copy
import inspect
import logging
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cached_property

from flask import Flask, g, request, session
from sqlalchemy.exc import OperationalError

from fairapp.database import WRITE_TURN, write_turn
from fairapp.extensions import db

ATTEMPTS = 4
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
log = logging.getLogger(__name__)


@dataclass
class _Unit:
    stack: ExitStack
    durable: bool | None = None  # None until the writer's turn is taken
    afterwards: list[Callable[[], None]] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)


_unit: contextvars.ContextVar[_Unit | None] = contextvars.ContextVar("transaction_unit", default=None)


def write_point(*, durable: bool = True) -> None:
    """Called by a service right before it writes. Inside a unit: takes the writer's turn once (see the
    module's documentation); elsewhere (a test calling a service directly) it does nothing."""
    unit = _unit.get()
    if unit is None:
        return
    session = db.session()
    if unit.durable is None:
        if not session.info.get(WRITE_TURN):
            unit.stack.enter_context(write_turn(session, durable=durable))
        unit.durable = durable
    elif durable and not unit.durable:  # SQLite cannot change a transaction's durability half-way
        raise RuntimeError("a durable write after a relaxed one in the same transaction")


def rollback_request() -> None:
    """The view answers a refusal: roll back whatever the request flushed, whatever its status."""
    g.rollback_request = True


def commit_request() -> None:
    """The view answers an error status, but what the request wrote stands (a writing request only)."""
    g.commit_request = True


def in_unit() -> bool:
    """Whether the caller runs inside run_in_transaction (a request, a CLI command, a job)."""
    return _unit.get() is not None


def afterwards(action: Callable[[], None]) -> None:
    """Run `action` in a transaction of its own (committed) once the current one has ended, committed
    or rolled back."""
    unit = _unit.get()
    if unit is None:
        raise RuntimeError("afterwards() outside a transaction unit")
    unit.afterwards.append(action)


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` once the current transaction has committed, outside any transaction (it may run
    its own, or a task enqueued in immediate mode may); dropped if the transaction rolls back, and
    for an attempt run again after a lock (the new attempt asks again). An action that raises is
    logged, not raised: what was committed stands."""
    unit = _unit.get()
    if unit is None:
        raise RuntimeError("after_commit() outside a transaction unit")
    unit.after_commit.append(action)


def run_in_transaction[T](
    work: Callable[[], T], *, writes: bool = True, keep: Callable[[T], bool] = lambda _result: True
) -> T:
    """Run `work`; commit if `writes` and keep(result), else roll back. Anything raised rolls back and
    propagates. SQLite locked: rolled back and run again (up to ATTEMPTS times), so `work` must start
    from its inputs, not from objects of an earlier attempt."""
    if _unit.get() is not None:
        raise RuntimeError("run_in_transaction() inside a transaction unit")
    for attempt in range(1, ATTEMPTS + 1):
        unit = _Unit(ExitStack())
        token = _unit.set(unit)
        retry = committed = False
        try:
            with unit.stack:  # leaving it ends the writer's turn, after the commit or rollback
                result = work()
                if writes and keep(result):
                    db.session.commit()
                    committed = True
                else:
                    db.session.rollback()
            return result
        except OperationalError as error:
            db.session.rollback()
            if attempt == ATTEMPTS or "locked" not in str(error.orig).lower():
                raise
            log.warning("database locked, attempt %s", attempt)
            retry = True
        except BaseException:
            db.session.rollback()
            raise
        finally:
            _unit.reset(token)
            for action in [] if retry else unit.afterwards:
                run_in_transaction(action)
            for action in unit.after_commit if committed else []:
                _run_after_commit(action)
        time.sleep(0.005 * attempt)
    raise AssertionError("unreachable")


def _run_after_commit(action: Callable[[], None]) -> None:
    try:
        action()
    except Exception:
        log.exception("an action after commit failed (the transaction stays committed)")


class FairApp(Flask):
    """Flask, with every view run in one transaction (run_in_transaction): committed when the request
    may write and its answer is a success, rolled back otherwise."""

    def ensure_sync(self, func):
        """Flask's, with the answer to "is it a coroutine function?" kept per function (Flask asks it
        for every hook and view on every request). Keyed by the function itself, not by a bound
        method, which is new on every request."""
        key = getattr(func, "__func__", func)
        coroutine = self._coroutine_functions.get(key)
        if coroutine is None:
            coroutine = self._coroutine_functions[key] = inspect.iscoroutinefunction(func)
        return self.async_to_sync(func) if coroutine else func

    @cached_property
    def _coroutine_functions(self) -> dict:
        return {}

    def dispatch_request(self):
        sent = _session_as_sent()
        attempts = 0

        def view():
            nonlocal attempts
            attempts += 1
            g.pop("rollback_request", None)  # each attempt decides afresh
            g.pop("commit_request", None)
            if attempts > 1:  # run again after a lock: from the session as sent, no message flashed twice
                session.clear()
                session.update(copy.deepcopy(sent))
            return self.make_response(super(FairApp, self).dispatch_request())

        def keep(response) -> bool:
            if g.get("rollback_request", False):
                return False
            return response.status_code < 400 or g.get("commit_request", False)

        return run_in_transaction(view, writes=request.method not in SAFE_METHODS, keep=keep)


def _session_as_sent() -> dict:
    """A copy of the session as the browser sent it, read without marking it accessed (which would add
    "Vary: Cookie" to every answer)."""
    accessed = getattr(session, "accessed", None)
    sent = copy.deepcopy(dict(session))
    if accessed is not None:
        session.accessed = accessed
    return sent
