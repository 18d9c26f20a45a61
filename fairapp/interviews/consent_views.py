"""A job seeker's consent to one booth, on their own phone (public; fairapp.interviews.consent):

    GET/POST /consent/<token>                                 the page the QR a booth shows opens; it
                                                              agrees with the ticket that phone holds
    POST     /t/<secret>/booth-consents/<booth_id>/withdraw   withdraw it from the ticket page (the
                                                              link's secret is the key: 404 otherwise)

and, for the ticket page's template (fairapp.templating): the booths the person shares with."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.attendees import consent as consent_texts
from fairapp.auth.access import public
from fairapp.auth.session import request_origin
from fairapp.extensions import limiter
from fairapp.interviews import consent
from fairapp.interviews.blueprint import bp
from fairapp.tickets import services as tickets
from fairapp.transactions import rollback_request
from fairapp.views import ActionForm

MAX_TICKET_TEXT = 300


def ticket_secret(text: str | None) -> str:
    """The secret of a ticket link as pasted (the whole link or its last part)."""
    text = (text or "").strip()[:MAX_TICKET_TEXT]
    return text.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0].split("#", 1)[0]


@bp.route("/consent/<token>", methods=["GET", "POST"])
@public
@limiter.limit("30 per minute", methods=["POST"])
def consent_page(token: str):
    booth, registration_id = consent.read_consent_link(token)
    holder = booth.employer or booth.school
    form = ActionForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            registration = tickets.get_by_secret(ticket_secret(request.form.get("ticket")))
        except tickets.TicketNotFound:
            registration = None
        if registration is None or registration.id != registration_id:
            rollback_request()
            error = str(consent.NotYourTicket.message)
        else:
            consent.give(booth, registration, origin=request_origin())
            flash(_("Đã đồng ý chia sẻ hồ sơ với %(name)s.", name=holder.name), "success")
            return redirect(url_for("tickets.show", secret=registration.ticket_secret))
    response = render_template(
        "interviews/consent.html",
        booth=booth,
        holder=holder,
        fair=booth.fair,
        form=form,
        error=error,
        text=consent_texts.share_with_booth(),
    )
    return response, 403 if error else 200


@bp.route("/t/<secret>/booth-consents/<int:booth_id>/withdraw", methods=["POST"])
@public
def withdraw_booth_consent(secret: str, booth_id: int):
    registration = tickets.get_by_secret(secret)
    if not ActionForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại."), "danger")
    else:
        consent.withdraw(registration, booth_id, origin=request_origin())
        flash(_("Đã rút lại đồng ý. Gian hàng này không còn xem được hồ sơ của bạn."), "success")
    return redirect(url_for("tickets.show", secret=secret), code=303)


# --- For the ticket page's template (fairapp.templating) -------------------------------------------


def ticket_booth_consents(registration) -> list[dict]:
    """The booths the ticket holder agreed to share their profile with, still in force."""
    return [
        {
            "booth_id": given.booth_id,
            "label": given.booth.label,
            "name": (given.booth.employer or given.booth.school).name,
            "given_at": given.given_at,
        }
        for given in consent.given_to(registration)
    ]
