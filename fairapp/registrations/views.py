"""Organiser pages for a fair's registrations: the list (search, filters, masked citizen IDs; a search
for a phone or citizen ID audited), the audited detail, .xlsx/.csv exports, and the badge PDF made in
the background with a progress bar. The desk's privacy actions on the detail page live in
fairapp.registrations.rights_views. Admins everywhere; organisers only for fairs in their wards (403
otherwise)."""

import io

from flask import (
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from fairapp.auth.access import STAFF, roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.auth.sign_in_state import fresh_sign_in
from fairapp.errors import DomainError
from fairapp.privacy import services as privacy
from fairapp.registrations import jobs, rights_forms, services
from fairapp.registrations.blueprint import bp
from fairapp.registrations.forms import BadgeJobForm, RegistrationFilterForm
from fairapp.registrations.models import BadgeJobStatus
from fairapp.views import acting_user, flash_refusal

KEPT_ARGS = ("q", "ward_code", "priority_group", "checked_in")


def _filter_form(fair) -> tuple[RegistrationFilterForm, services.RegistrationFilter]:
    form = RegistrationFilterForm(request.args)
    form.ward_code.choices = [("", _("Tất cả"))] + services.ward_choices(fair)
    if not form.validate():
        return form, services.RegistrationFilter()
    return form, services.RegistrationFilter(
        query=(form.q.data or "").strip(),
        ward_code=form.ward_code.data or None,
        priority_group=form.priority(),
        checked_in=form.arrived(),
    )


def _kept_args() -> dict:
    return {key: value for key, value in request.args.items() if key in KEPT_ARGS and value}


# --- list, detail, export --------------------------------------------------------------------------


@bp.route("/<int:fair_id>/registrations")
@roles(*STAFF)
def index(fair_id: int):
    fair = services.fair_for_staff(acting_user(), fair_id)
    form, filters = _filter_form(fair)
    page = services.list_registrations(
        fair, filters, page=request.args.get("page", 1, type=int), by=acting_user(), origin=request_origin()
    )
    pending = len(privacy.pending_requests(acting_user(), fair_id=fair.id))
    response = Response(
        render_template(
            "registrations/index.html",
            fair=fair,
            form=form,
            page=page,
            filters=_kept_args(),
            is_admin=acting_user().role == Role.ADMIN,
            pending_erasures=pending,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:fair_id>/registrations/<int:registration_id>")
@roles(*STAFF)
def detail(fair_id: int, registration_id: int):
    fair = services.fair_for_staff(acting_user(), fair_id)
    return detail_page(fair, services.registration_of(fair, registration_id))


def detail_page(fair, registration, *, status: int = 200, **forms) -> Response:
    """The audited detail page with the desk's privacy forms (fairapp.registrations.rights_views); `forms`
    replaces those that came back with errors."""
    person = services.view_personal(registration, by=acting_user(), origin=request_origin())
    pending = privacy.pending_request_of(registration.attendee)
    forms = {**rights_forms.empty_forms(), **forms}
    response = Response(
        render_template("registrations/detail.html", fair=fair, person=person, pending=pending, **forms),
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"  # personal data: not kept by the browser
    return response


@bp.route("/<int:fair_id>/registrations/export.<any(xlsx, csv):fmt>")
@roles(*STAFF)
@fresh_sign_in
def export(fair_id: int, fmt: str):
    fair = services.fair_for_staff(acting_user(), fair_id)
    form, filters = _filter_form(fair)
    if form.errors:
        return render_template(
            "registrations/index.html",
            fair=fair,
            form=form,
            page=services.list_registrations(fair, services.RegistrationFilter()),
            filters={},
            is_admin=acting_user().role == Role.ADMIN,
        ), 422
    result = services.export_registrations(
        fair,
        filters,
        fmt=fmt,
        by=acting_user(),
        origin=request_origin(),
        full_citizen_ids=bool(form.full_ids.data),
    )
    response = send_file(
        io.BytesIO(result.content),
        mimetype=result.mimetype,
        as_attachment=True,
        download_name=result.filename,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# --- badges ----------------------------------------------------------------------------------------


@bp.route("/<int:fair_id>/badges")
@roles(*STAFF)
def badges(fair_id: int):
    fair = services.fair_for_staff(acting_user(), fair_id)
    registered = services.list_registrations(fair, services.RegistrationFilter(), per_page=1).total
    return render_template(
        "registrations/badges.html",
        fair=fair,
        form=BadgeJobForm(),
        jobs=jobs.recent_jobs(fair),
        registered=registered,
    )


@bp.route("/<int:fair_id>/badges", methods=["POST"])
@roles(*STAFF)
def start_badges(fair_id: int):
    fair = services.fair_for_staff(acting_user(), fair_id)
    form = BadgeJobForm()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "danger")
        return redirect(url_for("registrations.badges", fair_id=fair.id))
    try:
        job = jobs.start_job(fair, by=acting_user(), origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("registrations.badges", fair_id=fair.id))
    return redirect(url_for("registrations.badge_job", fair_id=fair.id, job_id=job.id))


@bp.route("/<int:fair_id>/badges/<int:job_id>")
@roles(*STAFF)
def badge_job(fair_id: int, job_id: int):
    fair = services.fair_for_staff(acting_user(), fair_id)
    job = jobs.job_of(fair, job_id)
    return render_template("registrations/badge_job.html", fair=fair, job=job, status=jobs.status_of(job))


@bp.route("/<int:fair_id>/badges/<int:job_id>/status")
@roles(*STAFF)
def badge_job_status(fair_id: int, job_id: int):
    fair = services.fair_for_staff(acting_user(), fair_id)
    job = jobs.job_of(fair, job_id)
    status = jobs.status_of(job)
    if status["status"] == BadgeJobStatus.DONE.value:
        status["download_url"] = url_for("registrations.download_badges", fair_id=fair.id, job_id=job.id)
    if status["error"]:
        status["error"] = (
            _("Công việc bị gián đoạn (máy chủ khởi động lại). Vui lòng tạo lại.")
            if status["error"] == jobs.INTERRUPTED
            else _("Không tạo được tệp thẻ. Vui lòng thử lại.")
        )
    response = jsonify(status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:fair_id>/badges/<int:job_id>/download")
@roles(*STAFF)
@fresh_sign_in
def download_badges(fair_id: int, job_id: int):
    fair = services.fair_for_staff(acting_user(), fair_id)
    job = jobs.job_of(fair, job_id)
    path = jobs.file_path(job)
    if job.status != BadgeJobStatus.DONE or path is None or not path.is_file():
        flash(_("Tệp thẻ không còn (tệp được xoá sau một ngày). Vui lòng tạo lại."), "warning")
        return redirect(url_for("registrations.badges", fair_id=fair.id))
    response = send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=f"the-phien-{fair.id}.pdf"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
