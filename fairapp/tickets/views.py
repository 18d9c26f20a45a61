"""The job seeker's ticket: the page at the personal link /t/<secret> (kept on the phone by a service
worker for offline use), its QR image, its PDF and its web app manifest.

The secret in the link is the only key to the ticket, so these answers are private (never cached
by shared caches), not indexed, and the page sends no Referer anywhere."""

from pathlib import Path

from flask import Response, current_app, render_template, url_for
from flask_babel import gettext as _

from fairapp.auth.access import public
from fairapp.links import absolute_url
from fairapp.messages import outbox
from fairapp.tickets import pdf, qr, services, signing
from fairapp.tickets.blueprint import bp

SERVICE_WORKER = Path("js") / "ticket-sw.js"


def ticket_url(registration, *, absolute: bool = False) -> str:
    """The link to the registration's ticket page (absolute: for what leaves the browser)."""
    if absolute:
        return absolute_url("tickets.show", secret=registration.ticket_secret)
    return url_for("tickets.show", secret=registration.ticket_secret)


def private(response: Response, *, max_age: int = 0) -> Response:
    """The answer holds the ticket's secret: kept by no shared cache, not indexed, no Referer."""
    response.cache_control.private = True
    response.cache_control.max_age = max_age
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _load(secret: str):
    """The registration of this link (404 otherwise)."""
    return services.get_by_secret(secret)


def ticket_context(registration) -> dict:
    payload = signing.ticket_payload(registration)
    return {
        "registration": registration,
        "fair": registration.fair,
        "attendee": registration.attendee,
        "payload": payload,
        "qr_data_uri": qr.ticket_qr_data_uri(payload),
        "booths": services.booths_to_visit(registration.fair_id),
    }


@bp.route("/<secret>")
@public
def show(secret: str):
    registration = _load(secret)
    html = render_template(
        "tickets/show.html",
        **ticket_context(registration),
        secret=secret,
        messages_stopped=outbox.is_opted_out(registration.attendee.phone),
    )
    return private(Response(html, mimetype="text/html"))


@bp.route("/<secret>/qr.png")
@public
def qr_png(secret: str):
    registration = _load(secret)
    return private(
        Response(qr.qr_png(signing.ticket_payload(registration), box_size=10), mimetype="image/png"),
        max_age=300,
    )


@bp.route("/<secret>/ticket.pdf")
@public
def pdf_ticket(secret: str):
    registration = _load(secret)
    response = Response(pdf.render_ticket(registration), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="ve-{registration.id}.pdf"'
    return private(response)


@bp.route("/<secret>/manifest.webmanifest")
@public
def manifest(secret: str):
    registration = _load(secret)
    start = url_for("tickets.show", secret=secret)
    body = {
        "name": _("Vé: %(fair)s", fair=registration.fair.title),
        "short_name": _("Vé QR"),
        "start_url": start,
        "scope": url_for("tickets.show", secret=secret),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5471",
        "lang": "vi",
        "icons": [
            {
                "src": url_for("tickets.qr_png", secret=secret),
                "sizes": "490x490",
                "type": "image/png",
                "purpose": "any",
            }
        ],
    }
    response = current_app.json.response(body)
    response.mimetype = "application/manifest+json"
    return private(response)


@bp.route("/sw.js")
@public
def service_worker():
    """The worker lives under /t/ so that its scope covers every ticket page and nothing else."""
    response = current_app.send_static_file(str(SERVICE_WORKER))
    response.mimetype = "text/javascript"
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    response.headers["Service-Worker-Allowed"] = "/t/"
    return response
