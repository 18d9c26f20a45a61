"""Staff pages for registering job seekers at the venue (walk-ins): a short form, filled by hand or by
scanning the QR on the chip citizen ID card with the phone's camera (static/js/walk-in.js)."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from fairapp.attendees import consent, services
from fairapp.attendees.forms import WalkInForm
from fairapp.attendees.models import Channel, Registration
from fairapp.attendees.transaction import commit_registration
from fairapp.attendees.validation import RegistrationInvalid
from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.ids import id_arg

bp = Blueprint("attendees", __name__, url_prefix="/manage")
WALK_IN_ROLES = (Role.ADMIN, Role.ORGANISER, Role.GATE)


@bp.route("/fairs/<int:fair_id>/walk-in", methods=["GET", "POST"])
@roles(*WALK_IN_ROLES)
def walk_in(fair_id: int):
    user = current_user._get_current_object()
    fair = fair_services.get_fair_for(user, fair_id)
    db.session.commit()
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
                outcome = commit_registration(fair.id, form.raw(), channel=Channel.WALK_IN, by=user,
                                              origin=request_origin())
            except RegistrationInvalid as error:
                form.show_errors(error.fields)
                status = 422
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                refusal, status = error, error.status
            else:
                if request.args.get("from") == "scanner":  # check in at once, back to the scanner
                    from fairapp.checkins.views import after_walk_in

                    return after_walk_in(fair, outcome.registration.id, user)
                return redirect(url_for("attendees.walk_in", fair_id=fair.id,
                                        done=outcome.registration.id,
                                        again="0" if outcome.created else "1"), code=303)
    done = _done(fair.id)
    return render_template("registration/walk_in.html", fair=fair, form=form, refusal=refusal,
                           done=done, again=request.args.get("again") == "1",
                           consent_personal=consent.personal_data(),
                           registered=services.registered_count(fair.id)), status


def _done(fair_id: int) -> dict | None:
    """The registration just made (shown above a fresh form), if the id belongs to this fair."""
    registration_id = request.args.get("done", type=id_arg)
    if registration_id is None:
        return None
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.fair_id != fair_id:
        return None
    from fairapp.public.registration import ticket_url

    return {"name": registration.attendee.full_name, "url": ticket_url(registration),
            "channel": registration.channel.value}
