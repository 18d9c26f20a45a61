"""The booth records' pages: an employer's or school's candidates across fairs (filters, pages, .xlsx and
.csv exports), one record with its history and the form that updates it, and the organiser's view of a
fair's records (counts per booth, vacancy and priority group; every record; exports).

    GET       /booth/candidates                                 employers, schools
    GET       /booth/candidates/export.<xlsx|csv>               employers, schools (audited)
    GET, POST /booth/records/<id>                               the record's holder; staff of its fair
    GET       /manage/fairs/<id>/interviews                     admins, organisers of the fair's ward
    GET       /manage/fairs/<id>/interviews/export.<xlsx|csv>   the same (audited)

A holder sees people only through their cards (fairapp.interviews.card); another holder's record is
not found (404), as in the API."""

import io

from flask import Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from fairapp.attendees.forms import PRIORITY_CHOICES
from fairapp.attendees.models import PriorityGroup
from fairapp.auth.access import STAFF, roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.auth.sign_in_state import fresh_sign_in
from fairapp.errors import DomainError
from fairapp.fairs.services import get_fair_for, local_datetime, to_local
from fairapp.interviews import card as cards
from fairapp.interviews import exports, listing, overview, services
from fairapp.interviews.blueprint import bp
from fairapp.interviews.labels import OUTCOME_LABELS, SOURCE_LABELS, outcome_choices, outcome_label
from fairapp.interviews.models import EMPLOYER_OUTCOMES, SCHOOL_OUTCOMES, Outcome
from fairapp.interviews.record_forms import CandidateFilterForm, FairRecordFilterForm, RecordForm, chosen_id
from fairapp.views import acting_user, form_errors

HOLDERS = (Role.EMPLOYER, Role.SCHOOL)
PRIORITY_LABELS = dict(PRIORITY_CHOICES)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # people's data: not kept by browsers or proxies
    return response


def _download(result: exports.Export) -> Response:
    return _no_store(
        send_file(
            io.BytesIO(result.content),
            mimetype=result.mimetype,
            as_attachment=True,
            download_name=result.filename,
        )
    )


def _with_all(choices) -> list[tuple[str, str]]:
    return [("", _("Tất cả")), *((str(value), label) for value, label in choices)]


# --- The employer's or school's candidates -----------------------------------------------------------


def _candidate_filters(user) -> tuple[CandidateFilterForm, listing.RecordFilter]:
    employer = user.role == Role.EMPLOYER
    form = CandidateFilterForm(request.args)
    del form["programme_id" if employer else "vacancy_id"]
    subject = form.vacancy_id if employer else form.programme_id
    form.fair_id.choices = _with_all(
        (fair.id, f"{fair.title} ({to_local(fair.starts_at):%d/%m/%Y})")
        for fair in listing.holder_fairs(user)
    )
    subject.choices = _with_all(listing.holder_subjects(user))
    form.outcome.choices = _with_all(outcome_choices(employer))
    if not form.validate():
        return form, listing.RecordFilter()
    return form, listing.RecordFilter(
        fair_id=chosen_id(form.fair_id),
        vacancy_id=chosen_id(subject) if employer else None,
        programme_id=None if employer else chosen_id(subject),
        outcome=Outcome(form.outcome.data) if form.outcome.data else None,
        min_rating=chosen_id(form.min_rating),
        tag=(form.tag.data or "").strip() or None,
    )


def _kept(form) -> dict:
    """The filters as typed, for the pages' and exports' links."""
    return {field.name: field.data for field in form if field.data}


def _typed(form) -> dict:
    """The query's values of the form's own fields only (never url_for's _external, _scheme...)."""
    return {name: value for name, value in request.args.items() if name in form and value}


@bp.route("/booth/candidates")
@roles(*HOLDERS)
def candidates():
    user = acting_user()
    form, filters = _candidate_filters(user)
    page = listing.records_page(
        listing.holder_scope(user), filters, page=request.args.get("page", 1, type=int)
    )
    return _no_store(
        Response(
            render_template(
                "interviews/candidates.html",
                form=form,
                page=page,
                filters=_kept(form) if not form.errors else {},
                employer=user.role == Role.EMPLOYER,
                linked=bool(user.employer_id or user.school_id),
                outcome_label=outcome_label,
            )
        )
    )


@bp.route("/booth/candidates/export.<any(xlsx, csv):fmt>")
@roles(*HOLDERS)
@fresh_sign_in
def candidates_export(fmt: str):
    user = acting_user()
    form, filters = _candidate_filters(user)
    if form.errors:  # back to the list, which shows why
        return redirect(url_for("interviews.candidates", **_typed(form)))
    return _download(exports.export_holder_records(user, filters, fmt=fmt, origin=request_origin()))


# --- One record --------------------------------------------------------------------------------------


def _record_form(booth, interview) -> RecordForm:
    local_next = to_local(interview.next_step_at) if interview.next_step_at else None
    form = RecordForm(
        outcome=interview.outcome.value,
        vacancy_id=str(interview.vacancy_id or ""),
        programme_id=str(interview.programme_id or ""),
        rating=str(interview.rating or ""),
        notes=interview.notes or "",
        tags=", ".join(interview.tags or []),
        next_step_date=f"{local_next:%d/%m/%Y}" if local_next else "",
        next_step_time=f"{local_next:%H:%M}" if local_next else "",
        next_step_place=interview.next_step_place or "",
        intake_date=f"{interview.intake_date:%d/%m/%Y}" if interview.intake_date else "",
    )
    employer = booth.employer_id is not None
    for name in (
        ("programme_id", "intake_date")
        if employer
        else ("vacancy_id", "next_step_date", "next_step_time", "next_step_place")
    ):
        del form[name]
    form.outcome.choices = outcome_choices(employer)
    subject = form.vacancy_id if employer else form.programme_id
    subject.choices = [
        ("", _("— Không chọn —")),
        *((str(i), name) for i, name in listing.booth_subjects(booth)),
    ]
    return form


def _recording(form: RecordForm, employer: bool) -> services.Recording:
    if employer:
        date, time = form.next_step_date.day, form.next_step_time.moment
        return services.Recording(
            outcome=form.outcome.data,
            vacancy_id=chosen_id(form.vacancy_id),
            rating=form.rating_value(),
            notes=form.notes.data,
            tags=form.tag_list(),
            next_step_at=local_datetime(date, time) if date and time else None,
            next_step_place=form.next_step_place.data,
        )
    return services.Recording(
        outcome=form.outcome.data,
        programme_id=chosen_id(form.programme_id),
        rating=form.rating_value(),
        notes=form.notes.data,
        tags=form.tag_list(),
        intake_date=form.intake_date.day,
    )


@bp.route("/booth/records/<int:interview_id>", methods=["GET", "POST"])
@roles(Role.ADMIN, Role.ORGANISER, *HOLDERS)
def record_page(interview_id: int):
    user = acting_user()
    interview = services.get_interview(user, interview_id)
    booth = interview.booth
    employer = booth.employer_id is not None
    form = _record_form(booth, interview)
    if form.validate_on_submit():
        try:
            services.record(
                booth, interview.registration, _recording(form, employer), by=user, origin=request_origin()
            )
        except DomainError as error:
            form_errors(form, error, names={"next_step_at": "next_step_date"})
        else:
            flash(_("Đã lưu kết quả."), "success")
            return redirect(url_for("interviews.record_page", interview_id=interview.id))
    staff = user.role in STAFF
    return _no_store(
        Response(
            render_template(
                "interviews/record.html",
                interview=interview,
                booth=booth,
                holder=booth.employer or booth.school,
                card=cards.card(booth, interview.registration),
                staff_name=interview.registration.attendee.full_name if staff else None,
                subject=listing.subject_of(interview),
                history=listing.history(interview),
                form=form,
                employer=employer,
                outcome_label=outcome_label,
                source_labels=SOURCE_LABELS,
                back=url_for("interviews.fair_records", fair_id=booth.fair_id)
                if staff
                else url_for("interviews.candidates"),
            )
        )
    )


# --- The organiser's view of a fair ------------------------------------------------------------------


def _fair_filters(fair) -> tuple[FairRecordFilterForm, listing.RecordFilter]:
    form = FairRecordFilterForm(request.args)
    form.booth_id.choices = _with_all(
        (booth.id, f"{booth.label} · {name}" if booth.label else name)
        for booth, name in overview.booth_choices(fair)
    )
    form.outcome.choices = _with_all((o.value, OUTCOME_LABELS[o]) for o in Outcome)
    if not form.validate():
        return form, listing.RecordFilter()
    return form, listing.RecordFilter(
        booth_id=chosen_id(form.booth_id),
        outcome=Outcome(form.outcome.data) if form.outcome.data else None,
    )


@bp.route("/manage/fairs/<int:fair_id>/interviews")
@roles(*STAFF)
def fair_records(fair_id: int):
    fair = get_fair_for(acting_user(), fair_id)
    form, filters = _fair_filters(fair)
    page = listing.records_page(
        listing.fair_scope(fair), filters, page=request.args.get("page", 1, type=int), staff=True
    )
    return _no_store(
        Response(
            render_template(
                "interviews/fair_records.html",
                fair=fair,
                summary=overview.fair_overview(fair),
                form=form,
                page=page,
                filters=_kept(form) if not form.errors else {},
                employer_outcomes=EMPLOYER_OUTCOMES,
                school_outcomes=SCHOOL_OUTCOMES,
                outcomes=tuple(Outcome),
                outcome_labels=OUTCOME_LABELS,
                outcome_label=outcome_label,
                groups=tuple(PriorityGroup),
                priority_labels=PRIORITY_LABELS,
            )
        )
    )


@bp.route("/manage/fairs/<int:fair_id>/interviews/export.<any(xlsx, csv):fmt>")
@roles(*STAFF)
@fresh_sign_in
def fair_records_export(fair_id: int, fmt: str):
    user = acting_user()
    fair = get_fair_for(user, fair_id)
    form, filters = _fair_filters(fair)
    if form.errors:
        return redirect(url_for("interviews.fair_records", fair_id=fair.id, **_typed(form)))
    return _download(exports.export_fair_records(fair, filters, fmt=fmt, by=user, origin=request_origin()))
