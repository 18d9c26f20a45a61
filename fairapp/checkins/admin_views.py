"""The organiser's list of scanner devices with a revoke button (/manage/devices). A revoked device's
next request is refused (401 device_revoked) on every app server."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.checkins import devices, services
from fairapp.errors import DomainError
from fairapp.extensions import db

bp = Blueprint("checkin_admin", __name__, url_prefix="/manage/devices")
STAFF = (Role.ADMIN, Role.ORGANISER)


@bp.app_context_processor
def _helpers():
    return {"checked_in_count": services.checked_in_count}


class RevokeForm(FlaskForm):
    """No fields: the CSRF token alone."""


@bp.route("/")
@roles(*STAFF)
def index():
    rows = devices.devices_for(current_user._get_current_object())
    db.session.commit()
    return render_template("checkins/devices.html", rows=rows, form=RevokeForm())


@bp.route("/<int:device_id>/revoke", methods=["POST"])
@roles(*STAFF)
def revoke(device_id: int):
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "danger")
        return redirect(url_for("checkin_admin.index"))
    try:
        device = devices.revoke_device(
            device_id, by=current_user._get_current_object(), origin=request_origin()
        )
        name = device.name or device.public_id[:8]
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            raise
        flash(str(error.message), "danger")
        return redirect(url_for("checkin_admin.index"))
    db.session.commit()
    flash(
        _("Đã thu hồi thiết bị %(name)s. Thiết bị sẽ bị từ chối ở lần gửi tiếp theo.", name=name), "success"
    )
    return redirect(url_for("checkin_admin.index"))
