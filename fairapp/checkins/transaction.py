"""The request side of a check-in: one short write transaction, committed here (views commit; the
service only flushes).

    run_committed(work)   run `work`, commit, retry when SQLite was locked
    write_point()         called by the service right before its first write

Reads first, then a short write. `work` starts in an ordinary (deferred) transaction and does its reads
there: the token, the device, the fair, the payload's signature, the registration. When the service is
about to write it calls write_point(), which on SQLite takes this writer's turn
(fairapp.database.write_turn: the read snapshot ends in place and BEGIN IMMEDIATE follows on the
same connection), so the write lock is held only for the INSERTs and the commit, and waiting writers
wake at once instead of polling in SQLite's busy handler.

Whatever the reads decided is re-checked by the database: the INSERTs are ON CONFLICT DO NOTHING on the
UNIQUE registration_id (one check-in) and scan_id (one scan), so a ticket admitted between the read and
the write is answered already_checked_in, and a scanned ticket's check-in is inserted only if its nonce
is still current and not revoked. On PostgreSQL write_point() takes no lock: the UNIQUE constraints
decide races.

`work` may run on the ORM Session or on a fairapp.fastsql.RawUnit (the check-in lane): commit and
rollback go to whichever is open."""

import contextvars
import logging
import time
from collections.abc import Callable
from contextlib import ExitStack

from sqlalchemy.exc import OperationalError

from fairapp import fastsql
from fairapp.database import WRITE_TURN, write_turn
from fairapp.extensions import db

ATTEMPTS = 4
log = logging.getLogger(__name__)


class _Turn:
    def __init__(self, stack: ExitStack, relax_refusals: bool):
        self.stack = stack
        self.relax_refusals = relax_refusals
        self.durable: bool | None = None  # None until the turn is taken


_turn: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("checkin_turn", default=None)


def write_point(*, durable: bool = True) -> None:
    """Called by the check-in service right before it writes: inside run_committed, takes the write
    turn once (see the module's documentation); elsewhere (a test calling the service directly, a
    caller with its own transaction) it does nothing. `durable=False`: this write is only the record
    of a refused scan, which run_committed(relax_refusals=True) may commit with synchronous=NORMAL
    (fairapp.database.write_turn says what that risks)."""
    turn = _turn.get()
    if turn is None:
        return
    durable = durable or not turn.relax_refusals
    if turn.durable is None:
        if not fastsql.info().get(WRITE_TURN):
            owner = fastsql.current_unit() or db.session()
            turn.stack.enter_context(write_turn(owner, durable=durable))
        turn.durable = durable
    elif durable and not turn.durable:
        raise RuntimeError("a durable write after a relaxed one in the same transaction")


def run_committed[T](work: Callable[[], T], *, relax_refusals: bool = False) -> T:
    """Run `work` (reads, then write_point(), then writes) and commit; retry when SQLite was locked
    (a retry reloads whatever `work` touches, since the rollback expired it). Anything raised rolls
    back and propagates. Without a write_point() call, `work` runs in one ordinary transaction.
    `relax_refusals`: for one scan, whose first write decides (a check-in, or a refusal's record)."""
    for attempt in range(1, ATTEMPTS + 1):
        with ExitStack() as stack:  # leaving it ends the write turn, after the commit or rollback
            token = _turn.set(_Turn(stack, relax_refusals))
            try:
                result = work()
                fastsql.commit()
                return result
            except OperationalError as error:
                fastsql.rollback()
                if attempt == ATTEMPTS or "locked" not in str(error.orig).lower():
                    raise
                log.warning("check-in: database locked, attempt %s", attempt)
            except BaseException:
                fastsql.rollback()
                raise
            finally:
                _turn.reset(token)
        time.sleep(0.005 * attempt)
    raise AssertionError("unreachable")
