"""The booth's scanner pages, under /scan/ so that the scanner's service worker (scope /scan/) keeps them
for a reload without a network:

    /scan/booths             an employer's or school's booths at today's and coming fairs
    /scan/booth/<booth_id>   one booth's scanner: scan a ticket, see the candidate card, record the
                             interview or counselling, refer to another booth; offline too

The page (static/js/booth.js) talks to the booth API (fairapp.interviews.api) with its scanner device's
token, as the gate scanner does. Who may open a booth's page: its own employer's or school's accounts,
organisers of the fair's ward and admins; anyone else's booth is not found (404)."""

from datetime import time

from flask import Response, render_template
from flask_babel import gettext as _

from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.booths import services as booth_services
from fairapp.booths.models import BoothStatus
from fairapp.fairs.models import FairStatus
from fairapp.fairs.services import local_datetime, local_day
from fairapp.interviews import card as cards
from fairapp.interviews import matching, services
from fairapp.interviews.blueprint import bp
from fairapp.interviews.booth_data import (
    EMPLOYER,
    holder_name,
    kind_of,
    outcomes_of,
    programmes_of,
    vacancies_of,
)
from fairapp.modelbase import utcnow
from fairapp.views import acting_user

BOOTH_PAGE_ROLES = (Role.ADMIN, Role.ORGANISER, Role.EMPLOYER, Role.SCHOOL)
RECORDING = (FairStatus.OPEN, FairStatus.CLOSED)  # services.record's rule
MAX_SUGGESTED = 10  # people who may fit, not yet seen, on the booth's page


def _no_store(response: Response) -> Response:
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


@bp.route("/scan/booths")
@roles(Role.EMPLOYER, Role.SCHOOL)
def booth_chooser():
    """The account's booths at fairs of today or later, soonest first; the confirmed ones link to
    their scanner page."""
    since = local_datetime(local_day(utcnow()), time(0))
    booths = [
        booth
        for booth in booth_services.booths_of(acting_user())
        if booth.status != BoothStatus.CANCELLED
        and booth.fair.status != FairStatus.CANCELLED
        and booth.fair.ends_at > since
    ]
    booths.sort(key=lambda booth: (booth.fair.starts_at, booth.id))
    return render_template("interviews/choose.html", booths=booths)


@bp.route("/scan/booth/<int:booth_id>")
@roles(*BOOTH_PAGE_ROLES)
def booth_page(booth_id: int):
    booth = services.get_booth(acting_user(), booth_id)
    if booth.status == BoothStatus.CANCELLED:
        raise services.BoothNotFound()
    fair = booth.fair
    kind = kind_of(booth)
    html = render_template(
        "interviews/booth.html",
        booth=booth,
        fair=fair,
        kind=kind,
        holder_field="employer_id" if kind == EMPLOYER else "school_id",
        holder_id=booth.employer_id or booth.school_id,
        name=holder_name(booth),
        outcomes=outcomes_of(booth),
        vacancies=vacancies_of(booth),
        programmes=programmes_of(booth),
        targets=[
            {"id": other.id, "label": other.label, "name": holder_name(other)}
            for other in services.referral_targets(booth)
        ],
        referrals=_referrals(booth),
        suggested=matching.candidates_for_booth(booth, limit=MAX_SUGGESTED),
        confirmed=booth.status == BoothStatus.CONFIRMED,
        recording=fair.status in RECORDING,
        page_title=_("Gian hàng %(name)s", name=holder_name(booth)),
    )
    return _no_store(Response(html, mimetype="text/html"))


def _referrals(booth) -> list[dict]:
    """Who other booths sent to this one and have not been recorded here yet: the card as this booth
    may see it, the referring booth and its note."""
    waiting = [r for r in services.referrals_to(booth) if not services.knows_record(booth, r.registration_id)]
    found = cards.cards(booth, [r.registration_id for r in waiting])
    return [
        {
            "card": found[r.registration_id],
            "from": holder_name(r.from_booth),
            "label": r.from_booth.label,
            "note": r.note,
        }
        for r in waiting
        if r.registration_id in found
    ]
