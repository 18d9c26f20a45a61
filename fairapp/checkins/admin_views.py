"""The organiser's list of scanner devices with a revoke button (/manage/devices). A revoked device's
next request is refused (401 device_revoked) on every app server."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.checkins import devices
from fairapp.errors import DomainError
from fairapp.views import ActionForm, acting_user, flash_refusal

bp = Blueprint("checkin_admin", __name__, url_prefix="/manage/devices")


@bp.route("/")
@roles(*STAFF)
def index():
    rows = devices.devices_for(acting_user())
    return render_template("checkins/devices.html", rows=rows, form=ActionForm())


@bp.route("/<int:device_id>/revoke", methods=["POST"])
@roles(*STAFF)
def revoke(device_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "danger")
        return redirect(url_for("checkin_admin.index"))
    try:
        device = devices.revoke_device(device_id, by=acting_user(), origin=request_origin())
    except DomainError as error:
        if error.status == 404:
            raise
        flash_refusal(error)
        return redirect(url_for("checkin_admin.index"))
    name = device.name or device.public_id[:8]
    flash(
        _("Đã thu hồi thiết bị %(name)s. Thiết bị sẽ bị từ chối ở lần gửi tiếp theo.", name=name), "success"
    )
    return redirect(url_for("checkin_admin.index"))
