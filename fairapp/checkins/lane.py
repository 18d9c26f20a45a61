"""The entrance's fast lane: POST /api/v1/checkins made with a bearer token, answered before Flask's
per-request machinery.

At 7:30 a gate admits people as fast as phones can scan, and a server holds many gates. Flask's request
cycle (context, session, URL matching, every before/after hook, the rate limiter) costs more than the
check-in itself, so this WSGI middleware answers the common case directly, with the very same code as
the view, on a fairapp.fastsql.RawUnit instead of the ORM Session: the body is read by `read_scan`, the
account by `token_principal`, the device by `principal_device`, the fair by `fair_gate`, and the scan
is `check_in_answer` inside `run_committed` (fairapp.checkins.api). The answer carries the security
headers every response carries.

Anything else goes on to Flask, untouched: another path or method, a session cookie (the scanner page:
CSRF and sign-out rules), a body that is not the documented shape, a token that is unknown or whose last
use is due to be written, a role or device refused, a fair not found or not the account's: the view
then answers it in full (translated errors, 401/403/404, the device sign-out). Nothing is written before a
hand-over: every refusal happens in the read phase, and the unit's transaction is rolled back.

The body is parsed by fairapp.jsonbody.loads, as every JSON body is (too deep: handed over, and the view
answers 400 invalid_json). A database that cannot be used right now (fairapp.database.is_unavailable)
is answered here, 503 database_unavailable as the views answer it: handing over would only try the
database a second time. Any other error is logged and handed over, so the view answers it (never a
bare 500 from the server without the security headers).

    app.wsgi_app = CheckInLane(app, app.wsgi_app)    (fairapp.create_app, inside ProxyFix)"""

import io
import json
import logging
from contextlib import contextmanager

from flask import Flask
from flask.globals import _cv_app

from fairapp import errors, fastsql, jsonbody
from fairapp.audit.services import Origin
from fairapp.auth.principal import token_principal, token_use_due
from fairapp.checkins import api, services
from fairapp.checkins.transaction import run_committed
from fairapp.database import is_unavailable
from fairapp.db import utcnow
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.security import response_headers

PATH = "/api/v1/checkins"
log = logging.getLogger(__name__)
MAX_BODY = 4096  # a scan is about 200 bytes; anything larger is the view's to refuse


class _HandOver(Exception):
    """This request is the view's to answer."""


class CheckInLane:
    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.roles = frozenset(role.value for role in api.SCANNERS)

    def __call__(self, environ, start_response):
        if (
            environ.get("PATH_INFO") != PATH
            or environ.get("REQUEST_METHOD") != "POST"
            or "HTTP_COOKIE" in environ
            or not self.app.config["CHECKIN_LANE"]
        ):
            return self.wsgi_app(environ, start_response)
        scheme, _, secret = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret:
            return self.wsgi_app(environ, start_response)
        body = _read_body(environ)
        if body is None:
            return self.wsgi_app(environ, start_response)
        try:
            answer = self._answer(environ, secret, body)
        except _HandOver:
            return self.wsgi_app(environ, start_response)
        except Exception as error:  # rolled back, nothing written
            if is_unavailable(error):  # answered here: the view would only try the database again
                return self._unavailable(environ, start_response, error)
            log.exception("check-in lane: handed over after an error")
            return self.wsgi_app(environ, start_response)  # the view answers (its error pages)
        return _respond(environ, start_response, "200 OK", answer)

    def _answer(self, environ, secret: str, body: bytes) -> dict:
        try:
            data = jsonbody.loads(body)
        except (ValueError, jsonbody.InvalidJSON):  # not JSON, or nested too deep: the view's 400
            raise _HandOver() from None
        if not isinstance(data, dict):
            raise _HandOver()
        with self._app_context(), fastsql.raw_unit(db.engine):
            try:
                scan = api.read_scan(data)
                principal = token_principal(secret)
                if (
                    principal is None
                    or principal.role.value not in self.roles
                    or token_use_due(principal, utcnow())
                ):
                    raise _HandOver()
                fair = services.fair_gate(principal, scan.fair_id)
                # a refused device is the view's to answer (it signs a revoked one out)
                device = api.principal_device(principal, environ.get("HTTP_X_DEVICE_ID"))
            except (DomainError, _HandOver, fastsql.NeedsSession):
                raise _HandOver() from None  # nothing written; the unit rolls back as it closes
            origin = Origin(ip=environ.get("REMOTE_ADDR"), user_agent=environ.get("HTTP_USER_AGENT"))
            return run_committed(
                lambda: api.check_in_answer(scan, fair, principal, device, origin), relax_refusals=True
            )

    def _unavailable(self, environ, start_response, error: Exception):
        """503 database_unavailable, as fairapp.errors answers it (in the request's language)."""
        log.error(
            "check-in lane: database unavailable: %s",
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
        )
        with self.app.request_context(environ):  # for the language only: nothing here reads the database
            body, status, headers = errors.database_unavailable()
        return _respond(environ, start_response, "503 SERVICE UNAVAILABLE", body, headers.items())

    def _app_context(self):
        """A new application context, unless one of this app is current, as Flask's request context
        does (a test's). The unit then works on its own connection beside that context's Session, so
        the Session's transaction is ended first, what it holds committed for the unit to see, and
        ended again after (the fair is read on it), so that its next read sees what the unit
        committed, as with a request served by Flask."""
        current = _cv_app.get(None)
        if current is None or current.app is not self.app:
            return self.app.app_context()
        db.session.commit()
        return _session_ended_after()


@contextmanager
def _session_ended_after():
    try:
        yield
    finally:
        db.session.rollback()


def _respond(environ, start_response, status: str, body: dict, headers=()) -> list[bytes]:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    start_response(
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            *headers,
            *response_headers(environ.get("wsgi.url_scheme") == "https"),
        ],
    )
    return [payload]


def _read_body(environ) -> bytes | None:
    """The request body, if it is JSON of a plausible size; None to leave it to the view. What was
    read is put back as wsgi.input, so the view reads the same bytes after a hand-over."""
    if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body if len(body) == length else None


def install(app: Flask) -> None:
    app.wsgi_app = CheckInLane(app, app.wsgi_app)
