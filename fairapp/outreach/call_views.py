"""The outreach call list and its one-tap answers and invitations (routes on the outreach blueprint):

    GET  /manage/households/outreach?ward=                 the ward's call list (fairapp.outreach.call_list)
    POST /manage/households/outreach/<member_id>/answer    will come / has a job / not looking / moved /
                                                           unreachable (called again in OUTREACH_RETRY_DAYS)
    POST /manage/households/outreach/<member_id>/invite    the next fair's invitation to one member
    POST /manage/households/outreach/invite                ... to every member of a section (ward, section)

Admins any ward, organisers their wards (another ward: 403); employers and every other role never.
Each tap is a small form with its CSRF token (no JavaScript), answered by a redirect back to the list
(303) with a message. A refused tap (an unknown outcome, nothing to invite to, no phone) shows the
list again with the message and a 4xx status. The list shows names and phones: its read is audited,
as every answer and invitation is."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.audit.services import record_read
from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError, ValidationError
from fairapp.fairs.services import local_day
from fairapp.geo.services import get_ward
from fairapp.messages.models import MessageStatus
from fairapp.modelbase import utcnow
from fairapp.outcomes.hire_views import no_store
from fairapp.outcomes.staff_views import safe_back
from fairapp.outreach import call_list, calls, labour
from fairapp.outreach.blueprint import bp
from fairapp.outreach.models import ContactOutcome
from fairapp.transactions import rollback_request
from fairapp.views import ActionForm, acting_user

PAGED = (*call_list.SECTIONS, "missing")


def _recorded_message(outcome: ContactOutcome, name: str, retry_on: date | None) -> str:
    if outcome == ContactOutcome.WILL_COME:
        return _("Đã ghi: %(name)s sẽ đến phiên.", name=name)
    if outcome == ContactOutcome.HAS_JOB:
        return _("Đã ghi: %(name)s đã có việc làm.", name=name)
    if outcome == ContactOutcome.NOT_LOOKING:
        return _("Đã ghi: %(name)s chưa có nhu cầu tìm việc.", name=name)
    if outcome == ContactOutcome.MOVED:
        return _("Đã ghi: %(name)s đã chuyển đi nơi khác.", name=name)
    return _(
        "Đã ghi: chưa liên lạc được %(name)s; gọi lại ngày %(day)s.", name=name, day=f"{retry_on:%d/%m/%Y}"
    )


def _ward(user, code: str | None = None) -> str | None:
    """The ward asked for (403 outside the account's wards, or unknown), else an organiser's first."""
    code = (code if code is not None else request.values.get("ward") or "").strip()[:10]
    if code:
        if not user.ward_scope.allows(code) or get_ward(code) is None:
            abort(403)
        return code
    if not user.ward_scope.everywhere:
        wards = call_list.ward_choices(user)
        return wards[0][0] if wards else None
    return None


def _pages() -> dict[str, int]:
    pages = {}
    for name in PAGED:
        value = request.values.get(f"p_{name}", "")
        if value.isdigit() and 0 < len(value) <= 6:
            pages[name] = int(value)
    return pages


def _next_fair(ward_code: str):
    return call_list.next_fair(get_ward(ward_code), utcnow())


def render_call_list(user, *, ward: str | None = None, failed: dict | None = None, status: int = 200):
    ward = _ward(user, ward)
    pages = _pages()
    today = local_day(utcnow())
    coming = _next_fair(ward) if ward else None
    fair = coming.fair if coming else None
    sections = None
    if ward:
        sections = call_list.call_list(ward, fair, today=today, pages=pages)
        missing = labour.missing_for_ward(ward)
        sections["missing"] = call_list.page_of_list("missing", missing, pages.get("missing", 1))
        record_read(
            "outreach.call_list",
            actor=user,
            origin=request_origin(),
            details={
                "ward_code": ward,
                "fair_id": fair.id if fair else None,
                **{name: len(section.items) for name, section in sections.items()},
            },
        )
    kept = {"ward": ward, **{f"p_{name}": page for name, page in pages.items()}} if ward else {}
    html = render_template(
        "outreach/call_list.html",
        ward=ward,
        ward_name=get_ward(ward).name if ward else None,
        wards=call_list.ward_choices(user),
        coming=coming,
        fair=fair,
        sections=sections,
        today=today,
        kept=kept,
        back=url_for("outreach.call_list", **kept),
        failed=failed,
        action_form=ActionForm(),
        outcomes=ContactOutcome,
    )
    return no_store(html), status


def _refused(user, ward_code: str, error: DomainError, member_id: int | None = None):
    """Show the list again with the refusal (403 and 404 propagate: the error pages say them)."""
    if error.status in (403, 404):
        raise error
    rollback_request()
    failed = {"member_id": member_id, "message": str(error.message)}
    return render_call_list(user, ward=ward_code, failed=failed, status=error.status)


def _form_ok(user, ward_code: str, member_id: int | None = None):
    if ActionForm().validate_on_submit():
        return None
    message = _("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại.")
    return _refused(user, ward_code, ValidationError(message, code="csrf_failed"), member_id)


@bp.route("/manage/households/outreach", endpoint="call_list")
@roles(*STAFF)
def call_list_page():
    return render_call_list(acting_user())


@bp.route("/manage/households/outreach/<int:member_id>/answer", methods=["POST"])
@roles(*STAFF)
def answer(member_id: int):
    user = acting_user()
    member = calls.get_member(user, member_id)
    ward_code = member.household.ward_code
    if refused := _form_ok(user, ward_code, member.id):
        return refused
    back = safe_back(url_for("outreach.call_list", ward=ward_code))
    today = local_day(utcnow())
    try:
        outcome = calls.parse_outcome(request.form.get("outcome"))
        coming = _next_fair(ward_code)
        contact = calls.record_answer(
            member,
            outcome,
            fair=coming.fair if coming else None,
            by=user,
            today=today,
            origin=request_origin(),
        )
    except DomainError as error:
        return _refused(user, ward_code, error, member.id)
    flash(_recorded_message(outcome, member.full_name, contact.retry_on), "success")
    return redirect(back, code=303)


@bp.route("/manage/households/outreach/<int:member_id>/invite", methods=["POST"])
@roles(*STAFF)
def invite(member_id: int):
    user = acting_user()
    member = calls.get_member(user, member_id)
    ward_code = member.household.ward_code
    if refused := _form_ok(user, ward_code, member.id):
        return refused
    back = safe_back(url_for("outreach.call_list", ward=ward_code))
    coming = _next_fair(ward_code)
    try:
        message = calls.invite(
            call_list.member_contact(member.id),
            coming.fair if coming else None,
            by=user,
            origin=request_origin(),
        )
    except DomainError as error:
        return _refused(user, ward_code, error, member.id)
    if message is None:
        flash(_("%(name)s đã được mời dự phiên này trước đó: không gửi lại.", name=member.full_name), "info")
    elif message.status == MessageStatus.SKIPPED:
        flash(
            _(
                "Không gửi được lời mời cho %(name)s: số điện thoại đã từ chối nhận tin hoặc không phải "
                "số di động.",
                name=member.full_name,
            ),
            "warning",
        )
    else:
        flash(_("Đã xếp lời mời dự phiên gửi cho %(name)s.", name=member.full_name), "success")
    return redirect(back, code=303)


@bp.route("/manage/households/outreach/invite", methods=["POST"])
@roles(*STAFF)
def invite_all():
    user = acting_user()
    ward_code = _ward(user)
    if ward_code is None:
        abort(400)
    if refused := _form_ok(user, ward_code):
        return refused
    back = safe_back(url_for("outreach.call_list", ward=ward_code))
    section = request.form.get("section", "")
    today = local_day(utcnow())
    coming = _next_fair(ward_code)
    fair = coming.fair if coming else None
    try:
        if section not in call_list.INVITED_SECTIONS:
            raise ValidationError(_("Mục: chọn một mục của danh sách."), code="unknown_section")
        rows = call_list.section_rows(ward_code, fair, today, section) if fair else []
        invited = calls.invite_all(
            rows, fair, by=user, ward_code=ward_code, section=section, origin=request_origin()
        )
    except DomainError as error:
        return _refused(user, ward_code, error)
    flash(
        _(
            "Đã xếp %(queued)s lời mời; %(before)s người đã được mời trước đó (không gửi lại); "
            "%(no_phone)s người chưa có số điện thoại.",
            queued=invited.queued,
            before=invited.before,
            no_phone=invited.no_phone,
        ),
        "success",
    )
    return redirect(back, code=303)
