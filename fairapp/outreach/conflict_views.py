"""Priority-status conflicts, settled at the desk (admins; organisers of the person's ward):

    GET  /manage/households/conflicts?ward=            people whose declared group the list contradicts
    POST /manage/households/conflicts/<attendee_id>    keep=list (take the list's group) or
                                                       keep=declared (keep what the person declared)

Reading the list is audited (it names people and their households' poverty status); each decision is
audited by fairapp.attendees.verification.settle."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.attendees import verification
from fairapp.attendees.forms import PRIORITY_CHOICES
from fairapp.attendees.models import Attendee
from fairapp.audit.services import record_read
from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.modelbase import utcnow
from fairapp.outcomes.hire_views import no_store
from fairapp.outreach.blueprint import bp
from fairapp.outreach.import_views import scope_ward_choices
from fairapp.views import ActionForm, acting_user

GROUP_LABELS = dict(PRIORITY_CHOICES)


@bp.route("/manage/households/conflicts")
@roles(*STAFF)
def conflicts():
    return _render(acting_user())


def _render(user, status: int = 200):
    ward = (request.args.get("ward") or "").strip()[:10]
    if ward and not user.ward_scope.allows(ward):
        abort(403)
    scope = user.ward_scope

    def clause(column):
        return (column == ward) if ward else scope.clause(column)

    today = local_day(utcnow())
    rows = []
    for attendee in verification.conflicts(clause):
        member = attendee.household_member  # a conflict is always with the member a lookup found
        listed = verification.member_group(member, day=today) if member else None
        rows.append((attendee, listed, member.household if member else None))
    record_read(
        "priority.conflicts",
        actor=user,
        origin=request_origin(),
        details={"ward_code": ward or None, "people": len(rows)},
    )
    html = render_template(
        "outreach/conflicts.html",
        rows=rows,
        ward=ward,
        wards=scope_ward_choices(user),
        labels=GROUP_LABELS,
        form=ActionForm(),
    )
    return no_store(html), status


@bp.route("/manage/households/conflicts/<int:attendee_id>", methods=["POST"])
@roles(*STAFF)
def settle_conflict(attendee_id: int):
    user = acting_user()
    attendee = db.session.get(Attendee, attendee_id)
    if attendee is None or not user.ward_scope.allows(attendee.ward_code):
        raise NotFound()
    keep = request.form.get("keep")
    back = url_for(".conflicts", ward=request.form.get("ward") or None)
    if not ActionForm().validate_on_submit() or keep not in ("list", "declared"):
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại."), "danger")
        return redirect(back, code=303)
    try:
        verification.settle(
            attendee,
            keep_declared=keep == "declared",
            by=user,
            origin=request_origin(),
            day=local_day(utcnow()),
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "warning")
        return redirect(back, code=303)
    if keep == "list":
        flash(_("Đã ghi: %(name)s theo danh sách của phường, xã.", name=attendee.full_name), "success")
    else:
        flash(_("Đã ghi: %(name)s giữ nhóm ưu tiên như đã khai.", name=attendee.full_name), "success")
    return redirect(back, code=303)
