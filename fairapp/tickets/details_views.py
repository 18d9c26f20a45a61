"""The optional details a ticket holder adds after registering, on the tickets blueprint:

    /t/<secret>/details     "Bổ sung thông tin (không bắt buộc)": the wishes of this registration
                            and the person's fields still empty (fairapp.attendees.details)

Reached from the ticket page. Like the ticket, the page is private (the link's secret is the only key):
never stored by any cache, not indexed, no Referer."""

from flask import make_response, redirect, render_template, request, url_for

from fairapp.attendees import details, services
from fairapp.attendees.forms import DetailsForm
from fairapp.attendees.limits import citizen_id_key, has_citizen_id
from fairapp.attendees.validation import FIELD_LABELS, RegistrationInvalid
from fairapp.auth.access import public
from fairapp.auth.session import request_origin
from fairapp.extensions import limiter
from fairapp.tickets.blueprint import bp
from fairapp.tickets.services import get_by_secret
from fairapp.views import form_errors

# Enough to correct a form several times; few enough that a ticket cannot be used to try one citizen
# ID after another (a refused number is counted also on its own, whichever ticket sends it).
LIMIT_PER_TICKET = "20 per hour"
LIMIT_PER_CITIZEN_ID = "5 per hour"


@bp.route("/<secret>/details", methods=["GET", "POST"])
@limiter.limit(LIMIT_PER_TICKET, methods=["POST"], key_func=lambda: "ticket-details:" + request.path)
@limiter.limit(
    LIMIT_PER_CITIZEN_ID,
    methods=["POST"],
    key_func=lambda: citizen_id_key("ticket-details-cccd"),
    exempt_when=lambda: not has_citizen_id(),
)
@public
def details_page(secret: str):
    registration = get_by_secret(secret)
    form = DetailsForm() if request.method == "POST" else DetailsForm(data=_wishes(registration))
    vacancies = services.fair_vacancies(registration.fair_id)
    form.desired_vacancy_ids.choices = [(str(v.id), f"{v.title} — {v.employer}") for v in vacancies]
    status = 200
    if request.method == "POST":
        form.validate()
        if form.csrf_token.errors:
            status = 400
        else:
            try:
                added = details.add_details(registration, form.raw(), origin=request_origin())
            except RegistrationInvalid as error:
                form_errors(form, error)
                status = 422
            else:
                saved = "desk" if added.proposed else "1" if added.changed else "0"
                return redirect(url_for("tickets.details_page", secret=secret, saved=saved), code=303)
    attendee = registration.attendee
    open_fields = details.open_person_fields(registration)
    html = render_template(
        "tickets/details.html",
        registration=registration,
        fair=registration.fair,
        attendee=attendee,
        form=form,
        secret=secret,
        open_fields=open_fields,
        has_vacancies=bool(vacancies),
        programmes=services.fair_programmes(registration.fair_id),
        recorded=[
            FIELD_LABELS[name]
            for name in details.PERSON_FIELDS
            if name not in open_fields and getattr(attendee, name) is not None
        ],
        saved=request.args.get("saved"),
    )
    response = make_response(html, status)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _wishes(registration) -> dict:
    """The registration's wishes as the form shows them."""
    return {
        "desired_jobs": registration.desired_jobs,
        "training_wish": registration.training_wish,
        "desired_vacancy_ids": [str(i) for i in registration.desired_vacancy_ids or []],
        "wants_training": "yes" if registration.wants_training else "no",
    }
