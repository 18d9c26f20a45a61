"""Flask-Login wiring: session users, bearer-token users for the API, and the CSRF rule for both."""

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from fairapp.audit.services import Origin
from fairapp.auth import services
from fairapp.extensions import db


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

    @login_manager.user_loader
    def _load(session_id: str):
        return services.load_session_user(session_id)

    @login_manager.request_loader
    def _load_from_token(_request):
        secret = bearer_secret()
        if secret is None:
            return None
        user = services.user_for_token(secret, origin=request_origin())
        g.authenticated_by_token = user is not None
        if db.session.dirty or db.session.new:
            db.session.commit()  # the token's last use, at the request's edge
        return user
