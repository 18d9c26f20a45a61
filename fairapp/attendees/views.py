"""Staff pages for registering job seekers at the venue (walk-ins): a short form, filled by hand or by
scanning the QR on the chip citizen ID card with the phone's camera (static/js/walk-in.js).

After a registration the page shows its ticket link above a fresh form, to the account that just made
it, in this browser, for WALK_IN_TICKET_SECONDS (default DONE_SECONDS): the registration is kept in the
signed session with the time, and `?done=<id>` alone (another registration, another account, later)
shows nothing."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from fairapp.attendees import consent, services
from fairapp.attendees.forms import WalkInForm
from fairapp.attendees.models import Channel, Registration
from fairapp.attendees.validation import RegistrationInvalid
from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.ids import id_arg
from fairapp.modelbase import utcnow
from fairapp.tickets.views import ticket_url
from fairapp.views import acting_user, form_errors

bp = Blueprint("attendees", __name__, url_prefix="/manage")
WALK_IN_ROLES = (Role.ADMIN, Role.ORGANISER, Role.GATE)
DONE_KEY = "walk_in_done"
DONE_SECONDS = 5 * 60


@bp.route("/fairs/<int:fair_id>/walk-in", methods=["GET", "POST"])
@roles(*WALK_IN_ROLES)
def walk_in(fair_id: int):
    user = acting_user()
    fair = fair_services.get_fair_for(user, fair_id)
    form = WalkInForm()
    refusal, status = None, 200
    if fair.status not in services.REGISTRABLE:
        refusal = services.RegistrationClosed(fair.status)
        status = refusal.status
    elif request.method == "POST":
        form.validate()
        if form.csrf_token.errors:
            status = 400
        else:
            try:
                outcome = services.register(
                    fair.id, form.raw(), channel=Channel.WALK_IN, by=user, origin=request_origin()
                )
            except RegistrationInvalid as error:
                form_errors(form, error)
                status = 422
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                refusal, status = error, error.status
            else:
                if request.args.get("from") == "scanner":  # back to the scanner, checked in
                    from fairapp.checkins.views import after_walk_in

                    return after_walk_in(fair, outcome.registration.id, user)
                session[DONE_KEY] = {
                    "fair": fair.id,
                    "registration": outcome.registration.id,
                    "user": user.id,
                    "at": int(utcnow().timestamp()),
                }
                return redirect(
                    url_for(
                        "attendees.walk_in",
                        fair_id=fair.id,
                        done=outcome.registration.id,
                        again="0" if outcome.created else "1",
                    ),
                    code=303,
                )
    done = _done(fair.id, user)
    return render_template(
        "registration/walk_in.html",
        fair=fair,
        form=form,
        refusal=refusal,
        done=done,
        again=request.args.get("again") == "1",
        consent_personal=consent.personal_data(),
        registered=services.registered_count(fair.id),
    ), status


def _done(fair_id: int, user) -> dict | None:
    """The registration just made (shown above a fresh form with its ticket link): only the one this
    session's account registered at this fair, within the last WALK_IN_TICKET_SECONDS."""
    registration_id = request.args.get("done", type=id_arg)
    made = session.get(DONE_KEY)
    if registration_id is None or not isinstance(made, dict):
        return None
    if (made.get("registration"), made.get("fair"), made.get("user")) != (registration_id, fair_id, user.id):
        return None
    seconds = current_app.config.get("WALK_IN_TICKET_SECONDS", DONE_SECONDS)
    if not isinstance(made.get("at"), int) or not 0 <= int(utcnow().timestamp()) - made["at"] <= seconds:
        return None
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.fair_id != fair_id:
        return None
    return {
        "registration_id": registration.id,
        "name": registration.attendee.full_name,
        "url": ticket_url(registration),
        "channel": registration.channel.value,
    }
