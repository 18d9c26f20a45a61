"""The request side of registering: one transaction that starts with the registration's lock, commits,
and on SQLite retries the rare write-lock timeout. Used by the public form, the walk-in page and the
API (views commit; fairapp.attendees.services only flushes)."""

import logging
import time

from flask import request
from sqlalchemy.exc import OperationalError

from fairapp.attendees import services
from fairapp.attendees.services import Outcome
from fairapp.extensions import db
from fairapp.phones import normalise_mobile

ATTEMPTS = 3
log = logging.getLogger(__name__)


def commit_registration(fair_id: int, raw: dict, **kwargs) -> Outcome:
    """services.register in a fresh transaction, committed. DomainErrors roll back and propagate."""
    for attempt in range(1, ATTEMPTS + 1):
        # End whatever this request has read so far: the registration's lock must come first.
        db.session.commit()
        try:
            outcome = services.register(fair_id, raw, **kwargs)
            db.session.commit()
            return outcome
        except OperationalError as error:
            db.session.rollback()
            if attempt == ATTEMPTS or "locked" not in str(error.orig).lower():
                raise
            log.warning("registration for fair %s: database locked, attempt %s", fair_id, attempt)
            time.sleep(0.01 * attempt)
        except Exception:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")


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
    return f"{prefix}:{normalise_mobile(raw) or raw.strip()[:30]}"
