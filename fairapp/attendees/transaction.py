"""The request side of registering: one transaction that starts with the registration's lock and is
committed here (views commit; fairapp.attendees.services only flushes).

The field checks that need no lock run first (services.check_person). On SQLite the transaction then
takes its writer's turn (fairapp.database.write_turn: BEGIN IMMEDIATE, the waiting writers woken
at once instead of sleeping in SQLite's busy handler). A commit (WAL, synchronous=FULL) costs about
0.2 ms here, so one commit per registration is not the limit. PostgreSQL takes the plain path: the
fair's row lock and the unique keys settle races."""

import logging
import time

from flask import request
from sqlalchemy.exc import OperationalError

from fairapp.attendees import services
from fairapp.attendees.validation import mobile
from fairapp.database import write_turn
from fairapp.db import utcnow
from fairapp.extensions import db

ATTEMPTS = 3
log = logging.getLogger(__name__)


# Plain data of a committed registration (see fairapp.attendees.services).
RegistrationRecord = services.RegistrationRecord
Outcome = services.Outcome


def commit_registration(fair_id: int, raw: dict, **kwargs) -> Outcome:
    """services.register, committed. DomainErrors (and anything else) roll back and propagate."""
    # The field checks first, outside the lock (they read no more than the ward table).
    kwargs["now"] = kwargs.get("now") or utcnow()
    kwargs["checked"] = services.check_person(raw, now=kwargs["now"],
                                              require_consent=kwargs.get("require_consent", True))
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with write_turn(db.session):
                try:
                    outcome = services.register(fair_id, raw, **kwargs)
                    db.session.commit()
                    return outcome
                except BaseException:
                    db.session.rollback()
                    raise
        except OperationalError as error:
            if attempt == ATTEMPTS or "locked" not in str(error.orig).lower():
                raise
            log.warning("registration for fair %s: database locked, attempt %s", fair_id, attempt)
        time.sleep(0.01 * attempt)
    raise AssertionError("unreachable")


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
