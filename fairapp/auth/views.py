"""Sign-in (the password, then the code when the account has two-factor sign-in), "confirm it's you"
before sensitive actions, and sign-out."""

import math
from datetime import timedelta

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

from fairapp.auth import second_step as codes
from fairapp.auth import services, throttle, two_factor
from fairapp.auth.access import public, signed_in
from fairapp.auth.forms import CodeForm, ConfirmForm, LoginForm
from fairapp.auth.models import User
from fairapp.auth.session import end_reading, request_origin
from fairapp.auth.sign_in_state import (
    SECOND_STEP,
    mark_signed_in,
    pending_second_step,
    safe_next,
    start_second_step,
)
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.i18n import LOCALE_SESSION_KEY
from fairapp.transactions import commit_request
from fairapp.views import acting_user

bp = Blueprint("auth", __name__)


__all__ = ["bp", "safe_next"]  # safe_next: fairapp.auth.sign_in_state, imported from here too


def _wait_text(seconds: int) -> str:
    """ "45 giây", "3 phút": whole minutes rounded up past a minute, so the wait is never understated."""
    if seconds > 60:
        return format_timedelta(timedelta(minutes=math.ceil(seconds / 60)), threshold=1.1)
    return format_timedelta(timedelta(seconds=seconds), threshold=1.1)


def _delayed(error: throttle.SignInDelayed, template: str, **context):
    """A refused attempt answers 429 with how long to wait; the turn it may have claimed stands."""
    commit_request()
    seconds = max(1, math.ceil(error.wait.total_seconds()))
    flash(
        _(
            "Có quá nhiều lần đăng nhập không thành công. Vui lòng chờ %(wait)s rồi thử lại.",
            wait=_wait_text(seconds),
        ),
        "danger",
    )
    return render_template(template, **context), 429, {"Retry-After": str(seconds)}


def _fresh_session() -> None:
    """No fixation: a new session at each step of a sign-in (the language chosen is kept)."""
    locale = session.get(LOCALE_SESSION_KEY)
    session.clear()
    if locale:
        session[LOCALE_SESSION_KEY] = locale


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign-in. Only failures are limited (fairapp.auth.throttle, in the database): a refused attempt
    answers 429 with how long to wait, never whether the account exists. An account with two-factor
    sign-in is not signed in yet after its password: the second step (/login/code) follows."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            check = services.check_sign_in(form.login.data, form.password.data, origin=request_origin())
            user = check.user
            needs_code = (
                check.password_ok and user is not None and user.active and two_factor.is_enabled(user)
            )
            step = services.PASSWORD_STEP if needs_code else services.COMPLETE
            end_reading()  # the writes below start their own transaction, after the password check
            user = services.settle_sign_in(check, step=step)
        except throttle.SignInDelayed as error:
            return _delayed(error, "auth/login.html", form=form)
        except DomainError as error:
            flash(str(error.message), "danger")  # answered 200: the failure's audit entry and counts stand
        else:
            _fresh_session()
            if needs_code:
                start_second_step(user, request.args.get("next"))
                return redirect(url_for("auth.second_step"))
            login_user(user)
            mark_signed_in(second_factor=False)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_step():
    """The second step: a code from the authenticator app or a recovery code, within
    SECOND_STEP_MINUTES of the password. Wrong codes count as failed sign-ins of the account."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    pending = pending_second_step()
    user = db.session.get(User, pending["user"]) if pending else None
    if user is None or not user.active or user.session_version != pending["version"]:
        session.pop(SECOND_STEP, None)
        flash(_("Bước nhập mã xác thực đã hết hạn. Vui lòng đăng nhập lại."), "warning")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            check = codes.check_code(user, origin=request_origin())
            end_reading()
            method = codes.settle_code(check, form.code.data)
        except throttle.SignInDelayed as error:
            return _delayed(error, "auth/second_step.html", form=form)
        except DomainError as error:
            form.code.errors = [str(error.message)]  # answered 200: the failure's audit and counts stand
        else:
            _fresh_session()
            login_user(user)
            mark_signed_in(second_factor=True)
            if method == "recovery_code":
                flash(
                    _(
                        "Bạn vừa dùng một mã khôi phục (mỗi mã chỉ dùng được một lần); còn %(n)d mã.",
                        n=two_factor.recovery_codes_left(user),
                    ),
                    "warning",
                )
            return redirect(pending["next"] or url_for("main.home"))
    return render_template("auth/second_step.html", form=form)


@bp.route("/confirm", methods=["GET", "POST"])
@signed_in
def confirm():
    """Confirm it's you: the password, and a code when enrolled. Exports of personal data and
    permission changes ask for it when the sign-in is older than FRESH_SIGN_IN_MINUTES
    (fairapp.auth.sign_in_state.fresh_sign_in); then back to `next`."""
    user = acting_user()
    target = safe_next(request.args.get("next")) or url_for("main.home")
    enrolled = two_factor.is_enabled(user)
    form = ConfirmForm()
    context = {"form": form, "enrolled": enrolled}
    if form.validate_on_submit():
        if enrolled and not (form.code.data or "").strip():
            form.code.errors = [_("Vui lòng nhập mã xác thực.")]
            return render_template("auth/confirm.html", **context)
        origin = request_origin()
        try:
            check = services.check_sign_in(user.login_name, form.password.data, origin=origin)
            end_reading()
            services.settle_sign_in(check, step=services.CONFIRM)
            if enrolled:  # the password's check already took the attempt's turn
                code_check = codes.CodeCheck(
                    check.rules, check.keys, user, check.known_address, [], origin, check.now
                )
                codes.settle_code(code_check, form.code.data, purpose=codes.CONFIRM)
            else:
                codes.reauthenticated(user, origin=origin)
        except throttle.SignInDelayed as error:
            return _delayed(error, "auth/confirm.html", **context)
        except services.InvalidLogin:
            form.password.errors = [_("Mật khẩu không đúng.")]
        except DomainError as error:
            form.code.errors = [str(error.message)]
        else:
            mark_signed_in(second_factor=enrolled)
            return redirect(target)
    return render_template("auth/confirm.html", **context)


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
