"""Flask-Login wiring, the one place a request is authenticated: a session cookie (pages), an account's
API token, or a scanner device's token (fairapp.checkins.devices), both as `Authorization: Bearer`.
A device token makes the request its user's and names the device (g.device); a revoked device is
refused with 401 device_revoked."""

import logging

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy.exc import OperationalError

from fairapp.audit.services import Origin
from fairapp.auth import services, sign_in_state
from fairapp.checkins import devices
from fairapp.extensions import db
from fairapp.modelbase import utcnow

log = logging.getLogger(__name__)


def request_origin() -> Origin:
    return Origin(ip=request.remote_addr, user_agent=request.headers.get("User-Agent"))


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def init_app(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    sign_in_state.init_app(app)  # an account that must enrol in two-factor sign-in does that first

    @login_manager.user_loader
    def _load(session_id: str):
        if bearer_secret() is not None:
            return None  # a request with a token is that token's, whatever cookie comes with it
        return services.load_session_user(session_id)

    @login_manager.request_loader
    def _load_from_token(_request):
        secret = bearer_secret()
        if secret is None:
            return None
        if devices.is_device_token(secret):
            return _device_user(secret)
        found = services.token_user(secret)
        g.authenticated_by_token = found is not None
        if found is None:
            return None
        user, token_id, last_used_at = found
        now = utcnow()
        if services.token_touch_due(last_used_at, now):
            touch_token_use(user, token_id, last_used_at, now)
        return user


def _device_user(secret: str):
    found = devices.device_for_token(secret)
    g.authenticated_by_token = found is not None
    if found is None:
        return None
    device, user = found
    if device.revoked_at is not None:
        raise devices.DeviceRevoked()
    g.device = device
    return user


def touch_token_use(user, token_id: int, last_used_at, now) -> None:
    """The token's last use, at the request's edge, in a short transaction of its own: the read above
    is ended first (without expiring the user), so on SQLite the UPDATE takes the write lock with the
    busy timeout instead of failing on an old snapshot. Best effort: never a 500 for a timestamp."""
    session = db.session()
    try:
        end_reading()
        services.touch_token(user, token_id, last_used_at, now=now, origin=request_origin())
        session.commit()
    except OperationalError as error:
        session.rollback()
        log.warning("token use not recorded: %s", error.orig)


def end_reading() -> None:
    """End the request's transaction (it has only read) without expiring what it loaded, so that the
    writes that follow start a transaction of their own. On SQLite a write after reads in one
    transaction fails at once ("database is locked") if another connection wrote in between; a write
    that comes first waits for its turn (busy timeout)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
