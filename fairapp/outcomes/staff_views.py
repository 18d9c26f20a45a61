"""Hires for organisers and admins (routes on the outcomes blueprint):

    GET       /manage/hires                       the hires of their wards (filters: ward, fair, status)
    GET, POST /manage/hires/new[?attendee_id=]    a hire learned by phone: find the person, then the form
                                                  (?employer_id=: the chosen employer's vacancies listed)
    GET       /manage/hires/<id>                  one hire: its follow-ups, their history, the answers
    GET, POST /manage/hires/<id>/edit             "Sửa": the hire's job corrected
    POST      /manage/hires/<id>/confirm          what the job seeker told of is so (follow-ups scheduled)
    POST      /manage/hires/<id>/dismiss          it is not so

Organisers act only in their wards (a hire of another ward is not found, 404); the person's phone
shows on the hire's page, whose read is audited."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.attendees.models import Attendee
from fairapp.audit.services import record_read
from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.fairs.services import to_local
from fairapp.outcomes import listing, services
from fairapp.outcomes.blueprint import bp
from fairapp.outcomes.forms import (
    HireFilterForm,
    PersonSearchForm,
    StaffHireForm,
    TapForm,
    chosen_id,
    text_or_none,
)
from fairapp.outcomes.hire_views import (
    edit_hire_form,
    employer_of,
    flash_recorded,
    job_fields,
    no_store,
    page_context,
    province_choices,
    save_hire,
    vacancy_choices,
)
from fairapp.outcomes.labels import ANSWERED_BY_LABELS, REASON_LABELS, SOURCE_LABELS
from fairapp.outcomes.models import HireSource, HireStatus, SelfReport
from fairapp.views import ActionForm, acting_user, flash_refusal, form_errors


def _with_all(choices) -> list[tuple[str, str]]:
    return [("", _("Tất cả")), *((str(value), label) for value, label in choices)]


def safe_back(default: str) -> str:
    """The page a one-tap form came from (a path of ours under /manage/), else `default`."""
    back = request.form.get("back", "")
    if back.startswith("/manage/") and "//" not in back and "\\" not in back and len(back) < 500:
        return back
    return default


@bp.route("/manage/hires")
@roles(*STAFF)
def staff_hires():
    user = acting_user()
    form = HireFilterForm(request.args)
    form.ward.choices = _with_all(listing.scope_wards(user))
    form.fair_id.choices = _with_all(
        (fair.id, f"{fair.title} ({to_local(fair.starts_at):%d/%m/%Y})")
        for fair in listing.fairs_with_hires(user)
    )
    filters = listing.HireFilter()
    if form.validate():
        filters = listing.HireFilter(
            ward_code=form.ward.data or None,
            fair_id=chosen_id(form.fair_id),
            status=HireStatus(form.status.data) if form.status.data else None,
        )
    page = listing.hires_page(user, filters, page=request.args.get("page", 1, type=int))
    kept = {field.name: field.data for field in form if field.data} if not form.errors else {}
    return no_store(
        render_template("outcomes/staff_hires.html", form=form, page=page, filters=kept, **page_context())
    )


def _person(user, attendee_id: int) -> Attendee:
    """The person, if in the organiser's reach (their wards, or their wards' fairs); 404 otherwise."""
    attendee = listing.person_in_reach(user, attendee_id)
    if attendee is None:
        raise NotFound()
    return attendee


@bp.route("/manage/hires/new", methods=["GET", "POST"])
@roles(*STAFF)
def staff_new_hire():
    user = acting_user()
    attendee_id = request.args.get("attendee_id", type=int)
    if attendee_id is None:
        search = PersonSearchForm(request.args)
        people = []
        if search.validate() and search.q.data:
            people = listing.find_people(user, search.q.data, by=user, origin=request_origin())
        return no_store(
            render_template(
                "outcomes/staff_find_person.html", search=search, people=people, searched=bool(search.q.data)
            )
        )
    attendee = _person(user, attendee_id)
    # "Chọn" beside the employer: the form again with its vacancies, what was typed kept (no JavaScript)
    form = StaffHireForm(request.args) if request.method == "GET" else StaffHireForm()
    if request.method == "POST" and "choose" in request.form:
        typed = {field.name: field.data for field in form if field.name != "csrf_token" and field.data}
        return redirect(url_for("outcomes.staff_new_hire", attendee_id=attendee.id, **typed), code=303)
    employers = listing.employer_choices()
    form.employer_id.choices = [("", _("— Không có tài khoản: nhập bên dưới —"))] + [
        (str(i), name) for i, name in employers
    ]
    chosen = form.employer_id.data
    if chosen and chosen in {str(i) for i, _name in employers}:
        form.vacancy_id.choices = vacancy_choices(int(chosen))
    else:
        del form["vacancy_id"]  # the employer's vacancies are listed once it is chosen
    form.fair_id.choices = [("", _("— Tự động (phiên mà gian hàng đã gặp người này) —"))] + [
        (str(fair.id), f"{fair.title} ({to_local(fair.starts_at):%d/%m/%Y})")
        for fair in listing.fairs_of(attendee.id)
    ]
    form.workplace_province_code.choices = province_choices()
    if form.validate_on_submit():
        hiring = services.Hiring(
            attendee_id=attendee.id,
            employer_id=chosen_id(form.employer_id),
            employer_tax_code=text_or_none(form.employer_tax_code),
            employer_name=text_or_none(form.employer_name),
            fair_id=chosen_id(form.fair_id),
            **job_fields(form),
        )
        try:
            recorded = services.record_hire(
                hiring, by=user, source=HireSource.ORGANISER, origin=request_origin()
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            flash_recorded(recorded)
            return redirect(url_for("outcomes.staff_hire", hire_id=recorded.hire.id), code=303)
    return no_store(render_template("outcomes/staff_hire_form.html", form=form, attendee=attendee))


def render_hire_page(user, hire, *, failed: dict | None = None, status: int = 200):
    """The hire's page; `failed`: a one-tap answer refused, shown again on its form (fairapp.outcomes
    .call_views)."""
    record_read(
        "hire.view",
        actor=user,
        target=hire,
        origin=request_origin(),
        details={"attendee_id": hire.attendee_id},
    )
    employer = employer_of(hire)
    reports = db.session.scalars(
        sa.select(SelfReport).where(SelfReport.hire_id == hire.id).order_by(SelfReport.created_at)
    ).all()
    html = render_template(
        "outcomes/staff_hire.html",
        hire=hire,
        attendee=hire.attendee,
        employer=employer,
        reports=reports,
        history=listing.history(hire),
        failed=failed,
        tap_form=TapForm(),
        action_form=ActionForm(),
        reason_labels=REASON_LABELS,
        source_labels=SOURCE_LABELS,
        answered_by_labels=ANSWERED_BY_LABELS,
        **page_context(),
    )
    return no_store(html), status


@bp.route("/manage/hires/<int:hire_id>")
@roles(*STAFF)
def staff_hire(hire_id: int):
    user = acting_user()
    return render_hire_page(user, services.get_hire(user, hire_id))


@bp.route("/manage/hires/<int:hire_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def staff_edit_hire(hire_id: int):
    user = acting_user()
    hire = services.get_hire(user, hire_id)
    form = edit_hire_form(hire)
    back = url_for("outcomes.staff_hire", hire_id=hire.id)
    if form.validate_on_submit() and save_hire(form, hire, by=user):
        return redirect(back, code=303)
    return no_store(
        render_template(
            "outcomes/hire_edit_form.html",
            form=form,
            hire=hire,
            person=hire.attendee.full_name,
            employer=employer_of(hire),
            back=back,
        )
    )


def settle_reports(hire, *, by) -> None:
    for report in db.session.scalars(
        sa.select(SelfReport).where(SelfReport.hire_id == hire.id, SelfReport.handled_at.is_(None))
    ):
        services.handle_self_report(report, by=by, origin=request_origin())


@bp.route("/manage/hires/<int:hire_id>/<any(confirm, dismiss):decision>", methods=["POST"])
@roles(*STAFF)
def staff_decide_hire(hire_id: int, decision: str):
    user = acting_user()
    hire = services.get_hire(user, hire_id)
    back = safe_back(url_for("outcomes.staff_hire", hire_id=hire.id))
    if not ActionForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại."), "danger")
        return redirect(back, code=303)
    try:
        if decision == "confirm":
            services.confirm_hire(hire, by=user, origin=request_origin())
        else:
            services.dismiss_hire(hire, by=user, origin=request_origin())
        settle_reports(hire, by=user)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(
            _(
                "Đã xác nhận việc làm của %(name)s; các lần theo dõi đã được lên lịch.",
                name=hire.attendee.full_name,
            )
            if decision == "confirm"
            else _("Đã ghi nhận: việc làm của %(name)s không đúng.", name=hire.attendee.full_name),
            "success",
        )
    return redirect(back, code=303)
