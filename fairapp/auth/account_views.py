"""One's own account: the profile page and changing one's own password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from fairapp.auth import services
from fairapp.auth.access import signed_in
from fairapp.auth.admin_forms import ROLE_LABELS, PasswordChangeForm
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.partners.models import Employer, School
from fairapp.views import acting_user, form_errors

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/")
@signed_in
def profile():
    user = current_user
    employer = db.session.get(Employer, user.employer_id) if user.employer_id else None
    school = db.session.get(School, user.school_id) if user.school_id else None
    return render_template(
        "account/profile.html",
        user=user,
        role_label=ROLE_LABELS[user.role],
        wards=sorted(user.wards, key=lambda w: w.search_name),
        employer=employer,
        school=school,
    )


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = acting_user()
        try:
            services.change_own_password(
                user, form.current_password.data, form.new_password.data, origin=request_origin()
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            login_user(user)  # this browser carries the new session version; the others are out
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."), "success")
            return redirect(url_for("account.profile"))
    return render_template("account/password.html", form=form)
