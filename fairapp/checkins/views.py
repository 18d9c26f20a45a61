"""The gate staff's scanner pages under /scan/: a chooser of today's fairs, the scanner page of one fair
(camera, keyboard-scanner box, offline queue: static/js/scanner.js), its service worker and web app
manifest, and two small JSON routes the page uses when a ticket is lost: search by name or phone,
and a manual check-in of the registration found.

The scanner registers itself as a device (POST /api/v1/devices, with the session cookie and the CSRF
token from the page's <meta>), then talks to the check-in API (/api/v1/checkins, /checkins/sync,
/fairs/<id>/scanner-data) with the device's token alone (Authorization: Bearer, no cookie); search and
manual check-in are page requests (session cookie and CSRF token)."""

import contextlib
from datetime import time, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.attendees.models import Attendee, PriorityGroup, Registration
from fairapp.auth.access import public, roles
from fairapp.auth.models import Role
from fairapp.checkins import services
from fairapp.checkins.models import CheckIn
from fairapp.errors import DomainError, json_error
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import FairStatus
from fairapp.ids import id_arg, is_id
from fairapp.modelbase import utcnow
from fairapp.text import fold
from fairapp.transactions import afterwards
from fairapp.views import acting_user

bp = Blueprint("checkins", __name__, url_prefix="/scan")

SCANNER_ROLES = (Role.ADMIN, Role.ORGANISER, Role.GATE)
SERVICE_WORKER = Path("js") / "scanner-sw.js"
SCANNABLE = (FairStatus.PUBLISHED, FairStatus.OPEN)
SEARCH_LIMIT = 20
SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 100


def _fair(fair_id: int):
    """The fair if this user may scan for it (NotFound / WardNotAllowed otherwise), status fresh."""
    return fair_services.get_fair_for(acting_user(), fair_id)


def _no_store(response: Response) -> Response:
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


# --- Pages -----------------------------------------------------------------------------------------


@bp.route("/")
@roles(*SCANNER_ROLES)
def scanner():
    """Today's published or open fairs this user may scan for (Vietnamese day), and any fair begun
    yesterday that is still running (an evening fair after midnight)."""
    now = utcnow()
    today = fair_services.local_day(now)
    fairs = fair_services.list_fairs(
        acting_user(), fair_services.FairFilter(date_from=today - timedelta(days=1), date_to=today)
    )
    start_of_today = fair_services.local_datetime(today, time(0))
    fairs = [
        fair
        for fair in fairs
        if fair.status in SCANNABLE and (fair.starts_at >= start_of_today or fair.ends_at > now)
    ]
    return render_template("checkins/choose.html", fairs=fairs, today=today)


@bp.route("/<int:fair_id>")
@roles(*SCANNER_ROLES)
def fair_scanner(fair_id: int):
    fair = _fair(fair_id)
    walked_in = _walked_in(fair.id)
    walk_in_url = url_for("attendees.walk_in", fair_id=fair.id, **{"from": "scanner"})
    html = render_template(
        "checkins/scanner.html",
        fair=fair,
        walked_in=walked_in,
        walk_in_url=walk_in_url,
        scannable=fair.status in SCANNABLE,
    )
    return _no_store(Response(html, mimetype="text/html"))


def _walked_in(fair_id: int) -> dict | None:
    """The walk-in just registered from the scanner (?walk_in=<registration id>) and whether the
    check-in that followed it went through."""
    registration_id = request.args.get("walk_in", type=id_arg)
    registration = db.session.get(Registration, registration_id) if registration_id else None
    if registration is None or registration.fair_id != fair_id:
        return None
    checked_in = db.session.scalar(sa.select(sa.exists().where(CheckIn.registration_id == registration.id)))
    return {
        "name": registration.attendee.full_name,
        "checked_in": bool(checked_in),
        "priority": registration.attendee.priority_group != PriorityGroup.NONE,
    }


# --- Installable: worker and manifest ---------------------------------------------------------------


@bp.route("/sw.js")
@public
def service_worker():
    """Served from /scan/ so that its scope covers the scanner pages and nothing else."""
    response = current_app.send_static_file(str(SERVICE_WORKER))
    response.mimetype = "text/javascript"
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    response.headers["Service-Worker-Allowed"] = "/scan/"
    return response


@bp.route("/manifest.webmanifest")
@public
def manifest():
    """The same for everyone (browsers fetch manifests without cookies): no fair, no person."""
    body = {
        "name": _("Quét vé — Việc làm lưu động"),
        "short_name": _("Quét vé"),
        "start_url": url_for("checkins.scanner"),
        "scope": url_for("checkins.scanner"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b5471",
        "lang": "vi",
        "icons": [
            {
                "src": url_for("static", filename="img/scanner-icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            }
        ],
    }
    response = current_app.json.response(body)
    response.mimetype = "application/manifest+json"
    response.cache_control.max_age = 3600
    return response


# --- Fallback for lost tickets: search and manual check-in ------------------------------------------


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@bp.route("/<int:fair_id>/search")
@roles(*SCANNER_ROLES)
def search(fair_id: int):
    """{"items": [{registration_id, name, priority, checked_in}]} for a name (accents optional) or
    at least 4 digits of a phone number. Never the phone, citizen ID or household details."""
    fair = _fair(fair_id)
    query = (request.args.get("q") or "").strip()
    if len(query) < SEARCH_MIN_LENGTH or len(query) > SEARCH_MAX_LENGTH:
        message = _(
            "Từ khoá tìm kiếm phải dài từ %(min)d đến %(max)d ký tự.",
            min=SEARCH_MIN_LENGTH,
            max=SEARCH_MAX_LENGTH,
        )
        return json_error(422, "validation_error", message, {"q": message})
    digits = _digits(query)
    statement = (
        sa.select(Registration.id, Attendee.full_name, Attendee.priority_group, CheckIn.id)
        .join(Attendee, Registration.attendee_id == Attendee.id)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.fair_id == fair.id)
    )
    if digits and len(digits) == len(query.replace(" ", "").replace(".", "")):
        if len(digits) < 4:
            message = _("Số điện thoại: hãy nhập ít nhất 4 chữ số.")
            return json_error(422, "validation_error", message, {"q": message})
        statement = statement.where(Attendee.phone.contains(digits, autoescape=True))
    else:
        statement = statement.where(Attendee.name_key.contains(fold(query), autoescape=True))
    rows = db.session.execute(statement.order_by(Attendee.name_key, Registration.id).limit(SEARCH_LIMIT))
    items = [
        {
            "registration_id": registration_id,
            "name": name,
            "priority": priority != PriorityGroup.NONE,
            "checked_in": check_in_id is not None,
        }
        for registration_id, name, priority, check_in_id in rows
    ]
    return _no_store(current_app.json.response({"items": items}))


@bp.route("/<int:fair_id>/manual", methods=["POST"])
@roles(*SCANNER_ROLES)
def manual(fair_id: int):
    """Check in a registration found by search: {registration_id} → {result, name, priority,
    checked_in_at}. The result codes are the check-in API's."""
    fair = _fair(fair_id)
    body = request.get_json(silent=True)
    registration_id = body.get("registration_id") if isinstance(body, dict) else None
    if not is_id(registration_id):
        message = _("Mã đăng ký (registration_id) phải là một số nguyên dương.")
        return json_error(422, "validation_error", message, {"registration_id": message})
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.fair_id != fair.id:
        return json_error(404, "not_found", _("Không tìm thấy đăng ký này trong phiên."))
    user = acting_user()
    try:
        answer = _answer(services.check_in_registration(registration, by=user, source="manual"))
    except DomainError as error:
        return json_error(error.status, error.code, error.message)
    return current_app.json.response(answer)


def _answer(outcome) -> dict:
    return {
        "result": outcome.result,
        "registration_id": outcome.registration_id,
        "name": outcome.name,
        "priority": outcome.priority,
        "checked_in_at": outcome.checked_in_at.isoformat() if outcome.checked_in_at else None,
    }


# --- Walk-in registered from the scanner ------------------------------------------------------------


def after_walk_in(fair, registration_id: int, user):
    """The walk-in view's answer to a registration made from the scanner (attendees.walk_in?from=scanner):
    back to the scanner, which shows the outcome, and the person checked in at once, in a transaction of
    its own once the registration is committed (fairapp.transactions.afterwards): a refusal leaves them
    registered all the same, and the scanner page says "not checked in"."""
    afterwards(lambda: _check_in_walk_in(registration_id, user))
    return redirect(url_for("checkins.fair_scanner", fair_id=fair.id, walk_in=registration_id), code=303)


def _check_in_walk_in(registration_id: int, user) -> None:
    if db.session.get(Registration, registration_id) is None:  # the registration was not committed
        return
    with contextlib.suppress(DomainError):
        services.check_in_registration(
            db.session.get(Registration, registration_id), by=user, source="walk_in"
        )
