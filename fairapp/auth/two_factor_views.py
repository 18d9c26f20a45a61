"""Two-factor sign-in in one's own account: enrol (QR code and the secret as text, confirmed with a
code), see how many recovery codes are left, make new ones, switch it off (where the role allows).
The secret is shown only while enrolling and the recovery codes only in the answer that made them;
those pages are never stored by the browser (no-store).

    GET  /account/two-factor/                   the state; while enrolling, the QR code and the form
    POST /account/two-factor/                   the code that confirms enrolment → the recovery codes
    POST /account/two-factor/start              a new secret (replaces one not yet confirmed)
    POST /account/two-factor/recovery-codes     new recovery codes (fresh sign-in)
    POST /account/two-factor/disable            switch off (fresh sign-in; not for required roles)"""

import base64
import io

import qrcode
from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from qrcode.image.pil import PilImage
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from fairapp.auth import two_factor
from fairapp.auth.access import signed_in
from fairapp.auth.session import request_origin
from fairapp.auth.sign_in_state import fresh_sign_in, mark_signed_in
from fairapp.errors import DomainError
from fairapp.transactions import commit_request
from fairapp.views import ActionForm, acting_user, flash_refusal

bp = Blueprint("two_factor", __name__, url_prefix="/account/two-factor")


class EnrolForm(FlaskForm):
    code = StringField(
        "",
        validators=[DataRequired(message=""), Length(max=20)],
    )


def _private(html: str, status: int = 200) -> Response:
    response = Response(html, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _qr_data_uri(text: str) -> str:
    """The otpauth address as a PNG data URI: inline, so the secret never sits at an address of its own
    (the page's CSP allows data: images)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(image_factory=PilImage).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _setup_page(form: EnrolForm, status: int = 200) -> Response:
    user = acting_user()
    enabled = two_factor.is_enabled(user)
    secret = None if enabled else two_factor.pending_secret(user)
    context = {
        "form": form,
        "action_form": ActionForm(),
        "enabled": enabled,
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user) if enabled else None,
        "secret": two_factor.grouped(secret) if secret else None,
        "qr": _qr_data_uri(two_factor.provisioning_uri(user, secret)) if secret else None,
        "account": user.login_name,
    }
    return _private(render_template("account/two_factor.html", **context), status)


def _codes_page(codes: list[str], *, enrolled: bool) -> Response:
    return _private(render_template("account/recovery_codes.html", codes=codes, enrolled=enrolled))


@bp.route("/", methods=["GET", "POST"])
@signed_in
def setup():
    form = EnrolForm()
    form.code.label.text = _("Mã 6 chữ số trong ứng dụng xác thực")
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(acting_user(), form.code.data, origin=request_origin())
        except DomainError as error:
            commit_request()  # answered as a form error: the failed attempt's audit entry stands
            form.code.errors = [str(error.message)]
            return _setup_page(form, status=422)
        mark_signed_in(second_factor=True)  # this session has now shown a code: the gate opens
        return _codes_page(codes, enrolled=True)
    if form.is_submitted() and not form.errors.get("csrf_token"):
        form.code.errors = [_("Vui lòng nhập mã 6 chữ số.")]
    return _setup_page(form, status=422 if form.errors else 200)


@bp.route("/start", methods=["POST"])
@signed_in
@fresh_sign_in
def start():
    form = ActionForm()
    if form.validate_on_submit():
        try:
            two_factor.start_enrolment(acting_user(), origin=request_origin())
        except DomainError as error:
            flash_refusal(error)
    return redirect(url_for("two_factor.setup"))


@bp.route("/recovery-codes", methods=["POST"])
@signed_in
@fresh_sign_in
def regenerate():
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("two_factor.setup"))
    try:
        codes = two_factor.regenerate_recovery_codes(acting_user(), origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("two_factor.setup"))
    return _codes_page(codes, enrolled=False)


@bp.route("/disable", methods=["POST"])
@signed_in
@fresh_sign_in
def disable():
    form = ActionForm()
    if form.validate_on_submit():
        user = acting_user()
        try:
            two_factor.disable(user, by=user, origin=request_origin())
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(_("Đã tắt xác thực hai bước."), "success")
    return redirect(url_for("two_factor.setup"))
