"""Sign-in and sign-out."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from fairapp.auth import services
from fairapp.auth.access import public, signed_in
from fairapp.auth.forms import LoginForm
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.extensions import db, limiter
from fairapp.i18n import LOCALE_SESSION_KEY

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def _login_account_key() -> str:
    return "login-account:" + services.normalise_login(request.form.get("login", ""))[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_login_account_key)
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.login.data, form.password.data,
                                         origin=request_origin())
        except DomainError as error:
            db.session.commit()  # keep the failed-attempt audit entry
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            locale = session.get(LOCALE_SESSION_KEY)
            session.clear()  # no fixation: a fresh session at sign-in
            if locale:
                session[LOCALE_SESSION_KEY] = locale
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    from fairapp.audit.services import record

    record("auth.logout", actor=current_user, target=current_user, origin=request_origin())
    db.session.commit()
    logout_user()
    locale = session.get(LOCALE_SESSION_KEY)
    session.clear()
    if locale:
        session[LOCALE_SESSION_KEY] = locale
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))
