"""Job suggestions on pages (fairapp.interviews.matching), on the interviews blueprint:

    GET /manage/fairs/<id>/matches      the organisers' outreach list: every job seeker of the fair with
                                        their top booths, people of priority groups first (admins;
                                        organisers of the fair's ward, 403 for other wards)

and, for other areas' templates (registered by fairapp.templating, so that those areas never import
this one): the booths a job seeker should visit, on the ticket page and at the walk-in desk."""

from flask import render_template, request

from fairapp.attendees.models import Registration
from fairapp.audit import services as audit
from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.extensions import db
from fairapp.interviews import matching
from fairapp.interviews.blueprint import bp
from fairapp.registrations.services import PRIORITY_LABELS, fair_for_staff
from fairapp.views import acting_user

TICKET_BOOTHS = 5
WALK_IN_BOOTHS = 5
OUTREACH_TOP = 3


def _shown(suggestion: matching.Suggestion, *, to_staff: bool = False) -> dict:
    """What a page shows of a suggestion: plain data, the reason already in the current language,
    addressed to the job seeker (their ticket) or, for staff, about them."""
    return {
        "booth_id": suggestion.booth_id,
        "label": suggestion.booth_label,
        "holder": suggestion.holder,
        "kind": suggestion.kind,
        "title": suggestion.title,
        "reason": suggestion.booth_reason if to_staff else suggestion.reason,
        "underqualified": suggestion.underqualified,
    }


@bp.route("/manage/fairs/<int:fair_id>/matches")
@roles(*STAFF)
def matches(fair_id: int):
    user = acting_user()
    fair = fair_for_staff(user, fair_id)
    page = matching.outreach(
        fair,
        page=request.args.get("page", 1, type=int),
        per_page=matching.OUTREACH_PER_PAGE,
        top=OUTREACH_TOP,
    )
    if page.items:  # names, phones and priority groups on screen: the viewing is audited
        audit.record_read(
            "matches.view",
            actor=user,
            target=fair,
            origin=request_origin(),
            details={"page": page.page, "registration_ids": [row.registration_id for row in page.items]},
        )
    rows = [
        {
            "registration_id": row.registration_id,
            "full_name": row.full_name,
            "phone": row.phone,
            "birth_year": row.birth_year,
            "priority_group": row.priority_group.value,
            "priority_label": PRIORITY_LABELS.get(row.priority_group, ""),
            "checked_in": row.checked_in,
            "suggestions": [_shown(s, to_staff=True) for s in row.suggestions],
        }
        for row in page.items
    ]
    html = render_template("interviews/matches.html", fair=fair, page=page, rows=rows, tab="matches")
    return html, 200, {"Cache-Control": "no-store"}


# --- For other pages' templates (fairapp.templating) -----------------------------------------------


def ticket_suggestions(registration: Registration) -> list[dict]:
    """The booths the ticket holder should visit (gian hàng nên ghé), best first, with the reason."""
    return [_shown(s) for s in matching.booths_for(registration, TICKET_BOOTHS)]


def walk_in_suggestions(registration_id: int) -> list[dict]:
    """The same, for the person just registered at the walk-in desk (told to them by the staff)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        return []
    return [_shown(s, to_staff=True) for s in matching.booths_for(registration, WALK_IN_BOOTHS)]
