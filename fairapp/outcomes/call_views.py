"""The call list and its one-tap answers (routes on the outcomes blueprint):

    GET  /manage/follow-ups?ward=                      the ward's call list (fairapp.outcomes.call_list)
    POST /manage/follow-ups/<id>/answer                still employed / changed employer (name) / left
                                                       (reason) / unreachable (retry in N days)
    POST /manage/self-reports/<id>/handled             a "still looking" or "training" answer dealt with

Organisers see their wards (another ward: 403), admins any. Each tap is a small form with its CSRF
token (no JavaScript): after it, back to the list at the same place with a message; a refused answer
shows the list again with the message next to the field, and what was typed kept. The list shows
phones: its read is audited."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.audit.services import record_read
from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.geo.services import get_ward
from fairapp.modelbase import utcnow
from fairapp.outcomes import call_list, listing, services
from fairapp.outcomes.blueprint import bp
from fairapp.outcomes.forms import TapForm
from fairapp.outcomes.hire_views import no_store, page_context
from fairapp.outcomes.labels import ANSWER_LABELS
from fairapp.outcomes.models import FollowUp, FollowUpOutcome, SelfReport
from fairapp.outcomes.staff_views import render_hire_page, safe_back
from fairapp.views import ActionForm, acting_user, form_errors


def _recorded_message(outcome: FollowUpOutcome, name: str, retry_on) -> str:
    if outcome == FollowUpOutcome.STILL_EMPLOYED:
        return _("Đã ghi: %(name)s vẫn đang làm.", name=name)
    if outcome == FollowUpOutcome.CHANGED_EMPLOYER:
        return _("Đã ghi: %(name)s đã chuyển chỗ làm.", name=name)
    if outcome == FollowUpOutcome.LEFT:
        return _("Đã ghi: %(name)s đã nghỉ việc.", name=name)
    return _(
        "Đã ghi: chưa liên lạc được %(name)s; gọi lại ngày %(day)s.", name=name, day=f"{retry_on:%d/%m/%Y}"
    )


def _ward(user) -> str | None:
    """The ward asked for (403 outside the account's wards), else an organiser's first ward."""
    code = (request.values.get("ward") or "").strip()[:10]
    if code:
        if not user.ward_scope.allows(code) or get_ward(code) is None:
            abort(403)
        return code
    wards = listing.scope_wards(user)
    if not user.ward_scope.everywhere and wards:
        return wards[0][0]
    return None


def _pages() -> dict[str, int]:
    pages = {}
    for name in call_list.SECTIONS:
        value = request.values.get(f"p_{name}", "")
        if value.isdigit() and 0 < len(value) <= 6:
            pages[name] = int(value)
    return pages


def render_call_list(user, *, failed: dict | None = None, status: int = 200):
    ward = _ward(user)
    pages = _pages()
    today = local_day(utcnow())
    sections = call_list.call_list(ward, today=today, pages=pages) if ward else None
    if sections is not None:
        record_read(
            "follow_ups.call_list",
            actor=user,
            origin=request_origin(),
            details={"ward_code": ward, **{name: len(section.items) for name, section in sections.items()}},
        )
    kept = {"ward": ward, **{f"p_{name}": page for name, page in pages.items()}} if ward else {}
    html = render_template(
        "outcomes/call_list.html",
        ward=ward,
        wards=listing.call_list_wards(user),
        sections=sections,
        today=today,
        kept=kept,
        back=url_for("outcomes.call_list_page", **kept),
        failed=failed,
        tap_form=TapForm(),
        action_form=ActionForm(),
        answer_labels=ANSWER_LABELS,
        **page_context(),
    )
    return no_store(html), status


@bp.route("/manage/follow-ups")
@roles(*STAFF)
def call_list_page():
    return render_call_list(acting_user())


@bp.route("/manage/follow-ups/<int:follow_up_id>/answer", methods=["POST"])
@roles(*STAFF)
def tap(follow_up_id: int):
    user = acting_user()
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound()
    hire = services.get_hire(user, follow_up.hire_id)
    back = safe_back(url_for("outcomes.staff_hire", hire_id=hire.id))
    form = TapForm()
    if form.validate_on_submit():
        outcome = FollowUpOutcome(form.outcome.data)
        answer = services.Answer(
            checked_on=local_day(utcnow()),
            outcome=outcome,
            month=form.month_value() or follow_up.month,
            reason=form.leave_reason() if outcome == FollowUpOutcome.LEFT else None,
            new_employer_name=form.new_employer_name.data
            if outcome == FollowUpOutcome.CHANGED_EMPLOYER
            else None,
            retry_in_days=form.retry_days() if outcome == FollowUpOutcome.UNREACHABLE else None,
        )
        try:
            recorded = services.record_follow_up(hire, answer, by=user, origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_recorded_message(outcome, hire.attendee.full_name, recorded.retry_on), "success")
            return redirect(back, code=303)
    failed = {"follow_up_id": follow_up.id, "form": form}
    if back.startswith(url_for("outcomes.call_list_page")):
        return render_call_list(user, failed=failed, status=422)
    return render_hire_page(user, hire, failed=failed, status=422)


@bp.route("/manage/self-reports/<int:report_id>/handled", methods=["POST"])
@roles(*STAFF)
def report_handled(report_id: int):
    user = acting_user()
    report = db.session.get(SelfReport, report_id)
    if report is None or not user.ward_scope.allows(report.ward_code):
        raise NotFound()
    back = safe_back(url_for("outcomes.call_list_page", ward=report.ward_code))
    if not ActionForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại."), "danger")
    else:
        services.handle_self_report(report, by=user, origin=request_origin())
        flash(_("Đã đánh dấu là đã xử lý."), "success")
    return redirect(back, code=303)
