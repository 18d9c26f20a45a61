"""The request side of registering: one transaction that starts with the registration's lock and is
committed here (views commit; fairapp.attendees.services only flushes).

The field checks that need no lock run first (services.check_person). On SQLite the transaction then
takes its writer's turn (fairapp.database.write_turn: BEGIN IMMEDIATE, the waiting writers woken
at once instead of sleeping in SQLite's busy handler). A commit (WAL, synchronous=FULL) costs about
0.2 ms here, so one commit per registration is not the limit. PostgreSQL takes the plain path: the
fair's row lock and the unique keys settle races.

A citizen ID refused because another name holds it is audited in a transaction of its own (the
registration's is rolled back), and marked on `g` so that the limit on such refusals per address
counts it (`held_citizen_id_refused`)."""

import logging
import time

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import OperationalError

from fairapp.attendees import citizen_ids, services
from fairapp.attendees.validation import mobile
from fairapp.database import write_turn
from fairapp.db import utcnow
from fairapp.extensions import db, limiter

ATTEMPTS = 3
log = logging.getLogger(__name__)


# Plain data of a committed registration (see fairapp.attendees.services).
RegistrationRecord = services.RegistrationRecord
Outcome = services.Outcome


def commit_registration(fair_id: int, raw: dict, **kwargs) -> Outcome:
    """services.register, committed. DomainErrors (and anything else) roll back and propagate."""
    # The field checks first, outside the lock (they read no more than the ward table).
    kwargs["now"] = kwargs.get("now") or utcnow()
    kwargs["checked"] = services.check_person(
        raw, now=kwargs["now"], require_consent=kwargs.get("require_consent", True)
    )
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
        except citizen_ids.HeldUnderAnotherName as error:
            _record_clash(error, kwargs)
            raise
        except OperationalError as error:
            if attempt == ATTEMPTS or "locked" not in str(error.orig).lower():
                raise
            log.warning("registration for fair %s: database locked, attempt %s", fair_id, attempt)
        time.sleep(0.01 * attempt)
    raise AssertionError("unreachable")


def _record_clash(error: citizen_ids.HeldUnderAnotherName, kwargs: dict) -> None:
    try:
        citizen_ids.record_clash(error, by=kwargs.get("by"), origin=kwargs.get("origin", services.SYSTEM))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    g.citizen_id_refused = isinstance(error, citizen_ids.CitizenIdRefused)


def held_citizen_id_refused(_response=None) -> bool:
    """Whether this request's registration was refused because another name holds the citizen ID
    typed (for Flask-Limiter's deduct_when)."""
    return bool(g.get("citizen_id_refused"))


# --- Rate-limit keys ---------------------------------------------------------------------------------


def phone_key(prefix: str) -> str:
    """A rate-limit key for the phone number in the request (JSON body or form), normalised so that
    "+84 912 345 678" and "0912345678" count together."""
    raw = _typed("phone")
    raw = raw if isinstance(raw, str) else ""
    return f"{prefix}:{mobile(raw) or raw.strip()[:30]}"


def _typed(name: str):
    if request.is_json:
        body = request.get_json(silent=True)
        return body.get(name) if isinstance(body, dict) else None
    return request.form.get(name)


def citizen_id_key(prefix: str) -> str:
    """A rate-limit key for the citizen ID in the request (JSON body or form), its digits only, so that
    "019 195 001 234" and "019195001234" count together."""
    raw = _typed("citizen_id")
    raw = raw if isinstance(raw, str) else ""
    return f"{prefix}:{''.join(c for c in raw if c.isascii() and c.isdigit())[:20]}"


def has_citizen_id() -> bool:
    raw = _typed("citizen_id")
    return isinstance(raw, str) and bool(raw.strip())


def registration_limits(prefix: str, *, exempt_when=None, methods=None):
    """The public registration's rate limits (settings in fairapp.config): per address (generous:
    a commune may share one), per phone, per citizen ID typed, and per address again for citizen IDs
    refused because another name holds them (counted only then, and holding back only requests
    that carry a citizen ID). `exempt_when`: e.g. staff, who are not limited."""
    exempt = exempt_when or (lambda: False)

    def setting(name: str):
        return lambda: current_app.config[name]

    limits = [
        limiter.limit(setting("REGISTRATION_LIMIT_PER_ADDRESS"), methods=methods, exempt_when=exempt),
        limiter.limit(
            setting("REGISTRATION_LIMIT_PER_PHONE"),
            methods=methods,
            exempt_when=exempt,
            key_func=lambda: phone_key(f"{prefix}-phone"),
        ),
        limiter.limit(
            setting("REGISTRATION_LIMIT_PER_CITIZEN_ID"),
            methods=methods,
            exempt_when=lambda: exempt() or not has_citizen_id(),
            key_func=lambda: citizen_id_key(f"{prefix}-citizen-id"),
        ),
        limiter.limit(
            setting("CITIZEN_ID_REFUSALS_PER_ADDRESS"),
            methods=methods,
            exempt_when=lambda: exempt() or not has_citizen_id(),
            key_func=lambda: f"{prefix}-citizen-id-refused:{get_remote_address()}",
            deduct_when=held_citizen_id_refused,
        ),
    ]

    def decorate(view):
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorate
