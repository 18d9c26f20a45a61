"""What job seekers answer for themselves (public routes on the outcomes blueprint):

    POST      /t/<secret>/job   "Bạn đã có việc làm chưa?" on the ticket page: got a job (employer,
                                start date) / still looking / went to training (services.self_report)
    GET, POST /job/<token>      the follow-up message's one-tap link: "Công việc tại … thế nào?"
                                (services.record_follow_up, answered by the job seeker)

The ticket's secret, or the signed token, is the only key: a wrong, forged or expired one is 404.
The answer page shows nothing of the person but their given name. Both are rate-limited like the
other public token routes, and private like the ticket page (no shared cache, no index, no Referer).

`ticket_job(registration, form=None)` gives the ticket page's card what it shows (fairapp.templating:
the tickets area sits below this one and does not import it)."""

import secrets

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.auth.access import public
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db, limiter
from fairapp.fairs.services import local_day
from fairapp.interviews.card import initial
from fairapp.modelbase import utcnow
from fairapp.outcomes import answer_links, services
from fairapp.outcomes.blueprint import bp
from fairapp.outcomes.forms import AnswerForm, SelfReportForm, text_or_none
from fairapp.outcomes.labels import ANSWER_LABELS, OUTCOME_LABELS, REASON_LABELS
from fairapp.outcomes.models import FollowUpOutcome, HireStatus, JobAnswer, SelfReport
from fairapp.partners.models import Employer
from fairapp.tickets import services as tickets
from fairapp.tickets.views import private, ticket_context
from fairapp.views import form_errors

LIMIT_PER_TICKET = "20 per hour"
LIMIT_PER_ADDRESS = "30 per minute"


# --- The ticket page's card -------------------------------------------------------------------------------


def ticket_job(registration, form: SelfReportForm | None = None) -> dict:
    """The card's form (a new one-time key on every render) and what the person answered last."""
    if form is None:
        form = SelfReportForm(formdata=None)
    if not form.client_key.data:
        form.client_key.data = secrets.token_urlsafe(16)
    last = db.session.scalar(
        sa.select(SelfReport)
        .where(SelfReport.attendee_id == registration.attendee_id)
        .order_by(SelfReport.created_at.desc(), SelfReport.id.desc())
        .limit(1)
    )
    return {"form": form, "last": last, "labels": ANSWER_LABELS, "today": f"{local_day(utcnow()):%d/%m/%Y}"}


@bp.route("/t/<secret>/job", methods=["POST"])
@limiter.limit(LIMIT_PER_TICKET, key_func=lambda: "ticket-job:" + request.path)
@limiter.limit(LIMIT_PER_ADDRESS)
@public
def self_report(secret: str):
    registration = tickets.get_by_secret(secret)
    form = SelfReportForm()
    if not form.validate_on_submit() and form.csrf_token.errors:
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại."), "danger")
        return redirect(url_for("tickets.show", secret=secret, _anchor="job"), code=303)
    if not form.errors:
        try:
            answer = JobAnswer(form.answer.data)
        except ValueError:
            form.form_errors.append(_("Vui lòng chọn một câu trả lời."))
        else:
            try:
                services.self_report(
                    registration,
                    answer,
                    client_key=form.client_key.data or "",
                    employer_name=text_or_none(form.employer_name) if answer == JobAnswer.EMPLOYED else None,
                    start_date=form.start_date.day if answer == JobAnswer.EMPLOYED else None,
                )
            except DomainError as error:
                form_errors(form, error)
            else:
                flash(_("Cảm ơn bạn đã trả lời. Cán bộ phường/xã sẽ liên hệ nếu cần."), "success")
                return redirect(url_for("tickets.show", secret=secret, _anchor="job"), code=303)
    html = render_template("tickets/show.html", **ticket_context(registration), secret=secret, job_form=form)
    return private(Response(html, status=422, mimetype="text/html"))


# --- The follow-up message's link -------------------------------------------------------------------------


def _answer_page(follow_up, form: AnswerForm, *, status: int = 200) -> Response:
    hire = follow_up.hire
    employer = hire.employer_name or hire.employer_tax_code or ""
    if hire.employer_id is not None:
        employer = db.session.get(Employer, hire.employer_id).name
    words = (hire.attendee.full_name or "").split()
    html = render_template(
        "outcomes/answer.html",
        follow_up=follow_up,
        given_name=words[-1] if words else initial(""),
        employer=employer,
        form=form,
        outcome_labels=OUTCOME_LABELS,
        reason_labels=REASON_LABELS,
        outcomes=FollowUpOutcome,
    )
    return private(Response(html, status=status, mimetype="text/html"))


@bp.route("/job/<token>", methods=["GET", "POST"])
@limiter.limit(LIMIT_PER_ADDRESS, methods=["POST"])
@public
def answer(token: str):
    follow_up = answer_links.follow_up_for(token)
    hire = follow_up.hire
    if hire.status != HireStatus.CONFIRMED or hire.attendee.erased_at is not None:
        raise NotFound()
    form = AnswerForm()
    status = 200
    if request.method == "POST" and follow_up.outcome is None:
        if form.validate_on_submit():
            outcome = FollowUpOutcome(form.outcome.data)
            try:
                services.record_follow_up(
                    hire,
                    services.Answer(
                        checked_on=local_day(utcnow()),
                        outcome=outcome,
                        month=follow_up.month,
                        reason=form.leave_reason() if outcome == FollowUpOutcome.LEFT else None,
                        new_employer_name=form.new_employer_name.data
                        if outcome == FollowUpOutcome.CHANGED_EMPLOYER
                        else None,
                    ),
                    by=None,
                    answered_by="job_seeker",
                )
            except DomainError as error:
                form_errors(form, error)
                status = 422
            else:
                return redirect(url_for("outcomes.answer", token=token), code=303)
        else:
            status = 422
    return _answer_page(follow_up, form, status=status)
