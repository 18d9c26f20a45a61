"""Sign-in and sign-out."""

import math
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from fairapp.auth import services, throttle
from fairapp.auth.access import public, signed_in
from fairapp.auth.forms import LoginForm
from fairapp.auth.session import end_reading, request_origin
from fairapp.errors import DomainError
from fairapp.i18n import LOCALE_SESSION_KEY
from fairapp.transactions import commit_request

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def _wait_text(seconds: int) -> str:
    """ "45 giây", "3 phút": whole minutes rounded up past a minute, so the wait is never understated."""
    if seconds > 60:
        return format_timedelta(timedelta(minutes=math.ceil(seconds / 60)), threshold=1.1)
    return format_timedelta(timedelta(seconds=seconds), threshold=1.1)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign-in. Only failures are limited (fairapp.auth.throttle, in the database): a refused attempt
    answers 429 with how long to wait, never whether the account exists."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            check = services.check_sign_in(form.login.data, form.password.data, origin=request_origin())
            end_reading()  # the writes below start their own transaction, after the password check
            user = services.settle_sign_in(check)
        except throttle.SignInDelayed as error:
            commit_request()  # the turn it may have claimed stands
            seconds = max(1, math.ceil(error.wait.total_seconds()))
            flash(
                _(
                    "Có quá nhiều lần đăng nhập không thành công. Vui lòng chờ %(wait)s rồi thử lại.",
                    wait=_wait_text(seconds),
                ),
                "danger",
            )
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(seconds)}
        except DomainError as error:
            flash(str(error.message), "danger")  # answered 200: the failure's audit entry and counts stand
        else:
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
    from fairapp.checkins import devices

    record("auth.logout", actor=current_user, target=current_user, origin=request_origin())
    devices.sign_out_device(request.form.get("device_id"), user=current_user, origin=request_origin())
    logout_user()
    locale = session.get(LOCALE_SESSION_KEY)
    session.clear()
    if locale:
        session[LOCALE_SESSION_KEY] = locale
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))
