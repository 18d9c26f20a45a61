"""What the session says about its sign-in, and the rules built on it:

- `safe_next`: where a sign-in may send the browser afterwards (a path on this site only);
- when the sign-in (password, and code when enrolled) or the last "confirm it's you" happened, and
  whether a second factor was used; `fresh_sign_in`, the decorator of the views that export personal
  data or change permissions: older than FRESH_SIGN_IN_MINUTES, the browser is sent to confirm it is
  still its owner, then back (a GET to itself; a POST to the form it came from: nothing is replayed);
- the pending second step between the password and the code (SECOND_STEP_MINUTES);
- the enrolment gate: an account whose role requires two-factor sign-in and that has not enrolled
  may only enrol, change the language or sign out.

Requests with a bearer token (API tokens, scanner devices) have no session and are none of this's
business: their tokens are issued and revoked by admins."""

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from fairapp.auth import two_factor
from fairapp.errors import DomainError

SIGNED_IN_AT = "fairapp_signed_in_at"
SECOND_FACTOR = "fairapp_second_factor"
SECOND_STEP = "fairapp_second_step"
FRESH_ATTRIBUTE = "_fairapp_fresh_sign_in"

# What an account that must enrol may still reach: the enrolment pages, the language, signing out.
ENROLMENT_OPEN = frozenset(
    {
        "static",
        "auth.login",
        "auth.logout",
        "main.set_language",
        "auth.confirm",
        "two_factor.setup",
        "two_factor.start",
    }
)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


# ---------------------------------------------------------------- the signed-in session


def mark_signed_in(*, second_factor: bool) -> None:
    """The session has just proved who it is (a sign-in or a confirmation)."""
    session[SIGNED_IN_AT] = int(time.time())
    session[SECOND_FACTOR] = bool(second_factor or session.get(SECOND_FACTOR))


def is_fresh() -> bool:
    signed_in_at = session.get(SIGNED_IN_AT)
    limit = current_app.config["FRESH_SIGN_IN_MINUTES"] * 60
    return isinstance(signed_in_at, int) and 0 <= time.time() - signed_in_at <= limit


def _back_here() -> str:
    """Where to come back after confirming: this page for a GET; for a form sent, the page it was sent
    from (when that is on this site), never the POST itself."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host:
        path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        if safe_next(path):
            return path
    return url_for("main.home")


def fresh_sign_in(view: Callable) -> Callable:
    """The view needs a sign-in (or a confirmation) made within FRESH_SIGN_IN_MINUTES. Put it under the
    access decorator (@roles, @signed_in), so that who may use the view is decided first."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("authenticated_by_token") or is_fresh():
            return view(*args, **kwargs)
        return redirect(url_for("auth.confirm", next=_back_here()))

    setattr(wrapper, FRESH_ATTRIBUTE, True)  # kept by the access decorators above it (functools.wraps)
    return wrapper


# ---------------------------------------------------------------- the second step


def start_second_step(user, next_target: str | None) -> None:
    """Between the password and the code: the session is not signed in, it only remembers whose
    password was right, when, and where to go afterwards."""
    session[SECOND_STEP] = {
        "user": user.id,
        "version": user.session_version,
        "at": int(time.time()),
        "next": safe_next(next_target),
    }


def pending_second_step() -> dict | None:
    """The pending second step, or None (none, or older than SECOND_STEP_MINUTES: dropped)."""
    pending = session.get(SECOND_STEP)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > current_app.config["SECOND_STEP_MINUTES"] * 60:
        session.pop(SECOND_STEP, None)
        return None
    return pending


# ---------------------------------------------------------------- the enrolment gate


class TwoFactorRequired(DomainError):
    code = "two_factor_required"
    status = 403
    message = _l("Vai trò của bạn bắt buộc xác thực hai bước: hãy bật nó trong trang tài khoản trước.")


def init_app(app: Flask) -> None:
    app.before_request(_enrolment_gate)


def _enrolment_gate():
    if request.endpoint in ENROLMENT_OPEN or request.endpoint is None:
        return None
    roles = current_app.config["TWO_FACTOR_REQUIRED_ROLES"]
    if not roles or session.get(SECOND_FACTOR) or request.headers.get("Authorization"):
        return None
    if not current_user.is_authenticated or current_user.role.value not in roles:
        return None
    if two_factor.is_enabled(current_user):
        # Enrolled since this session signed in (another browser): it signs in again, with a code.
        logout_user()
        session.clear()
        return redirect(url_for("auth.login", next=safe_next(request.full_path.rstrip("?"))))
    if request.path.startswith("/api/"):
        raise TwoFactorRequired()
    return redirect(url_for("two_factor.setup"))
