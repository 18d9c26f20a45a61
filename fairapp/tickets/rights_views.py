"""The job seeker's privacy rights through their ticket link (routes on the tickets blueprint):

    POST /t/<secret>/rights/share-consent/withdraw   stop sharing with employers (every registration)
    POST /t/<secret>/rights/erase                    the confirmation page: what erasing will do
    POST /t/<secret>/rights/erase/confirm            erase at once, or record a request for the desk

The link is the only key, as for the ticket itself; each form carries a CSRF token. The answers are
private like the ticket page's (fairapp.tickets.views.private)."""

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from fairapp.auth.access import public
from fairapp.auth.session import request_origin
from fairapp.privacy import services as privacy
from fairapp.tickets import services
from fairapp.tickets.blueprint import bp
from fairapp.tickets.views import private


def _page(template: str, **context) -> Response:
    return private(Response(render_template(template, **context), mimetype="text/html"))


@bp.route("/<secret>/rights/share-consent/withdraw", methods=["POST"])
@public
def withdraw_share_consent(secret: str):
    registration = services.get_by_secret(secret)
    changed = privacy.withdraw_share_consent(registration, origin=request_origin())
    if changed:
        flash(
            _(
                "Bạn đã rút lại đồng ý chia sẻ hồ sơ với doanh nghiệp. Doanh nghiệp không còn xem "
                "được thông tin của bạn ở mọi phiên bạn đã đăng ký."
            ),
            "success",
        )
    else:
        flash(_("Hồ sơ của bạn không được chia sẻ với doanh nghiệp ở phiên nào."), "info")
    return redirect(url_for("tickets.show", secret=secret))


@bp.route("/<secret>/rights/erase", methods=["POST"])
@public
def ask_erasure(secret: str):
    """First step: say what will happen (erased at once, or a request to confirm at the desk)."""
    registration = services.get_by_secret(secret)
    pending = privacy.pending_request_of(registration.attendee)
    return _page(
        "tickets/erase_confirm.html",
        registration=registration,
        fair=registration.fair,
        secret=secret,
        at_once=privacy.erasable_at_once(registration),
        pending=pending,
    )


@bp.route("/<secret>/rights/erase/confirm", methods=["POST"])
@public
def confirm_erasure(secret: str):
    """Second step: erase, or record the request."""
    registration = services.get_by_secret(secret)
    fair = registration.fair
    asked = privacy.ask_erasure(registration, origin=request_origin())
    return _page(
        "tickets/erasure_result.html", fair=fair, asked=asked, secret=None if asked.erased else secret
    )
