"""Online registration for job seekers, without an account, on the `public` blueprint:

/fairs/<id>/register              the form (GET) and registering (POST) → the ticket page, or,
                                  for a person already registered, a page that says so and
                                  nothing more (no ticket: "Lost your ticket?" or the desk)"""

from flask import current_app, redirect, render_template, request

from fairapp.attendees import consent, services
from fairapp.attendees.forms import RegistrationForm
from fairapp.attendees.limits import count_refusal, registration_limits
from fairapp.attendees.models import Channel
from fairapp.attendees.validation import RegistrationInvalid
from fairapp.auth.access import public
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair
from fairapp.public.blueprint import bp
from fairapp.tickets.views import ticket_url
from fairapp.views import form_errors


def _load_fair(fair_id: int) -> Fair:
    """A public fair. Drafts are not public: 404 here, as on the fair's own page (the API answers 409
    fair_not_published); closed and cancelled fairs get a clear refusal on the page."""
    return fair_services.get_public_fair(fair_id)


@bp.route("/fairs/<int:fair_id>/register", methods=["GET", "POST"])
@registration_limits("register", methods=["POST"])
@public
def register(fair_id: int):
    fair = _load_fair(fair_id)
    refusal = services.refusal(fair)
    form = RegistrationForm()
    status = 200
    if refusal is None and request.method == "POST":
        form.validate()
        if form.csrf_token.errors:
            status = 400
        else:
            try:
                outcome = services.register(
                    fair.id, form.raw(), channel=Channel.ONLINE, origin=request_origin()
                )
            except RegistrationInvalid as error:
                count_refusal(error)
                form_errors(form, error)
                status = 422
            except DomainError as error:
                if error.status == 404:
                    raise
                refusal, status = error, error.status
            else:
                if outcome.registration is None:  # already registered: no ticket here
                    return _already_registered(fair, outcome.phone_hint)
                return redirect(ticket_url(outcome.registration), code=303)
    elif refusal is not None:
        status = refusal.status
    return render_template(
        "registration/register.html",
        fair=fair,
        form=form,
        refusal=refusal,
        consent_personal=consent.personal_data(),
        consent_share=consent.share_with_employers(),
    ), status


def _already_registered(fair: Fair, phone_hint: str):
    response = current_app.make_response(
        render_template("registration/already_registered.html", fair=fair, phone_hint=phone_hint)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
