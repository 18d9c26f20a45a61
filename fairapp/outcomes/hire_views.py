"""The employer's hires (routes on the outcomes blueprint):

    GET, POST /booth/hires/new?interview_id=   "Ghi nhận tuyển dụng" of a person its booth recorded
    GET       /booth/hires                     its hires and how their follow-ups went
    GET, POST /booth/hires/<id>/edit           "Sửa": the job of one of its hires corrected

An employer sees people only as its booth's card shows them (fairapp.interviews.card): never their
phone, priority group, citizen ID or address; another employer's hire or record is not found (404).
What a job seeker told of themselves and staff have not confirmed is not shown."""

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.geo.models import Province
from fairapp.interviews import card as cards
from fairapp.interviews import services as interviews
from fairapp.outcomes import listing, services
from fairapp.outcomes.blueprint import bp
from fairapp.outcomes.forms import HireForm, chosen_id, text_or_none, yes_no
from fairapp.outcomes.labels import (
    CONTRACT_LABELS,
    OUTCOME_LABELS,
    STATUS_LABELS,
    milestone_label,
    outcome_label,
)
from fairapp.outcomes.models import ContractType, HireSource, HireStatus
from fairapp.partners.models import Employer, Vacancy
from fairapp.views import acting_user, form_errors


def no_store(response) -> Response:
    response = response if isinstance(response, Response) else Response(response)
    response.headers["Cache-Control"] = "no-store"  # people's data: not kept by browsers or proxies
    return response


def province_choices() -> list[tuple[str, str]]:
    return [("", _("— Không chọn —"))] + [
        (str(code), name)
        for code, name in db.session.execute(sa.select(Province.code, Province.name).order_by(Province.name))
    ]


def vacancy_choices(employer_id: int) -> list[tuple[str, str]]:
    return [("", _("— Không chọn —"))] + [
        (str(i), title)
        for i, title in db.session.execute(
            sa.select(Vacancy.id, Vacancy.title)
            .where(Vacancy.employer_id == employer_id)
            .order_by(Vacancy.title)
        )
    ]


def job_fields(form: HireForm) -> dict:
    """The job's fields of a validated hire form, as services.Hiring takes them."""
    return {
        "start_date": form.start_date.day,
        "vacancy_id": chosen_id(form.vacancy_id) if "vacancy_id" in form else None,
        "position": text_or_none(form.position),
        "monthly_salary": form.monthly_salary.amount,
        "contract_type": ContractType(form.contract_type.data) if form.contract_type.data else None,
        "social_insurance": yes_no(form.social_insurance),
        "workplace_ward_code": form.workplace_ward_code.data or None,
        "workplace_province_code": chosen_id(form.workplace_province_code),
    }


def employer_of(hire) -> str:
    if hire.employer_id is not None:
        return db.session.get(Employer, hire.employer_id).name
    return hire.employer_name or hire.employer_tax_code or ""


def job_data(hire) -> dict:
    """The hire's job as its form shows it (what services.HireChanges takes, as typed)."""
    salary = hire.monthly_salary
    return {
        "start_date": f"{hire.start_date:%d/%m/%Y}",
        "vacancy_id": str(hire.vacancy_id or ""),
        "position": hire.position or "",
        "monthly_salary": f"{salary:,}".replace(",", ".") if salary is not None else "",
        "contract_type": hire.contract_type.value if hire.contract_type else "",
        "social_insurance": {True: "yes", False: "no"}.get(hire.social_insurance, ""),
        "workplace_ward_code": hire.workplace_ward_code or "",
        "workplace_province_code": str(hire.workplace_province_code or ""),
    }


def edit_hire_form(hire) -> HireForm:
    """The job's form of a recorded hire: its values on the first view, what was typed after."""
    form = HireForm(data=job_data(hire) if request.method == "GET" else None)
    if hire.employer_id is None:
        del form["vacancy_id"]  # an employer without an account has no vacancies
    else:
        form.vacancy_id.choices = vacancy_choices(hire.employer_id)
    form.workplace_province_code.choices = province_choices()
    return form


def save_hire(form: HireForm, hire, *, by) -> bool:
    """Correct the hire from its validated form: True when saved (messages flashed), False when
    refused (the reasons on the form, the request rolled back)."""
    changes = services.HireChanges(**job_fields(form))
    try:
        updated = services.update_hire(hire, changes, by=by, origin=request_origin())
    except DomainError as error:
        form_errors(form, error)
        return False
    if not updated.changed:
        flash(_("Không có gì thay đổi."), "info")
        return True
    flash(_("Đã lưu thay đổi của việc làm."), "success")
    if "start_date" in updated.changed and updated.hire.follow_ups:
        flash(_("Các lần theo dõi đã được xếp lại theo ngày bắt đầu mới."), "info")
    for warning in updated.warnings.values():
        flash(warning, "warning")
    return True


def flash_recorded(recorded: services.RecordedHire) -> None:
    if recorded.created:
        flash(_("Đã ghi nhận tuyển dụng. Các lần theo dõi sau 1, 3 và 6 tháng đã được lên lịch."), "success")
    else:
        flash(_("Việc làm này đã được ghi nhận trước đó (cùng người, doanh nghiệp và ngày bắt đầu)."), "info")
    for warning in recorded.warnings.values():
        flash(warning, "warning")


def page_context() -> dict:
    return {
        "contract_labels": CONTRACT_LABELS,
        "status_labels": STATUS_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "milestone_label": milestone_label,
        "outcome_label": outcome_label,
    }


@bp.route("/booth/hires/new", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def employer_new_hire():
    user = acting_user()
    interview_id = request.args.get("interview_id", type=int)
    if interview_id is None:
        flash(_("Chọn người lao động trong danh sách ứng viên, rồi bấm “Ghi nhận tuyển dụng”."), "info")
        return redirect(url_for("interviews.candidates"))
    interview = interviews.get_interview(user, interview_id)
    booth = interview.booth
    if booth.employer_id is None or booth.employer_id != user.employer_id:
        raise NotFound()
    form = HireForm()
    if request.method == "GET" and not form.start_date.data:
        form.vacancy_id.data = str(interview.vacancy_id or "")
    form.vacancy_id.choices = vacancy_choices(user.employer_id)
    form.workplace_province_code.choices = province_choices()
    if form.validate_on_submit():
        hiring = services.Hiring(
            attendee_id=interview.attendee_id,
            employer_id=user.employer_id,
            interview_id=interview.id,
            fair_id=interview.fair_id,
            **job_fields(form),
        )
        try:
            recorded = services.record_hire(
                hiring, by=user, source=HireSource.EMPLOYER, origin=request_origin()
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            flash_recorded(recorded)
            return redirect(url_for("outcomes.employer_hires"), code=303)
    return no_store(
        render_template(
            "outcomes/employer_hire_form.html",
            form=form,
            interview=interview,
            card=cards.card(booth, interview.registration),
            holder=booth.employer,
        )
    )


@bp.route("/booth/hires/<int:hire_id>/edit", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def employer_edit_hire(hire_id: int):
    user = acting_user()
    hire = services.get_hire(user, hire_id)
    if hire.status != HireStatus.CONFIRMED:  # what a job seeker told of, the employer never sees
        raise NotFound()
    form = edit_hire_form(hire)
    if form.validate_on_submit() and save_hire(form, hire, by=user):
        return redirect(url_for("outcomes.employer_hires"), code=303)
    return no_store(
        render_template(
            "outcomes/hire_edit_form.html",
            form=form,
            hire=hire,
            person=listing.card_name(hire),
            employer=employer_of(hire),
            back=url_for("outcomes.employer_hires"),
        )
    )


@bp.route("/booth/hires")
@roles(Role.EMPLOYER)
def employer_hires():
    user = acting_user()
    page = listing.hires_page(user, listing.HireFilter(), page=request.args.get("page", 1, type=int))
    return no_store(
        render_template(
            "outcomes/employer_hires.html",
            page=page,
            linked=user.employer_id is not None,
            **page_context(),
        )
    )
