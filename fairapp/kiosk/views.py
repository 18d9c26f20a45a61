"""The kiosk: the tablet's screen with the rotating QR (staff), and the page a job seeker's phone opens
from it (public).

    /manage/fairs/<id>/kiosk                 the screen; static/js/kiosk.js polls token.json
    /manage/fairs/<id>/kiosk/token.json      {open, token, url, qr_url, refresh_in}
    /manage/fairs/<id>/kiosk/qr/<token>.png  the QR of the landing URL (current or previous token only)
    /k/<id>/<token>                          landing: saved ticket, or phone + year of birth (POST)
    /k/<id>/<token>/ticket                   POST: check in with the ticket saved on the phone

A POST needs the landing page's visit pass, which admits one person (fairapp.kiosk.services)."""

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fairapp.attendees.limits import phone_key
from fairapp.attendees.validation import clean_birth_year, clean_phone
from fairapp.auth.access import public, roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import NotFound
from fairapp.extensions import db, limiter
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair, FairStatus
from fairapp.kiosk import services
from fairapp.kiosk.forms import PhoneForm, SavedTicketForm
from fairapp.links import base_url
from fairapp.modelbase import utcnow
from fairapp.tickets import qr
from fairapp.transactions import commit_request

bp = Blueprint("kiosk", __name__)

KIOSK_ROLES = (Role.ADMIN, Role.ORGANISER, Role.GATE)
QR_BOX_SIZE = 12
# Overridable in the configuration; a commune hall may share one address, so the per-address
# limit is generous and the per-phone one strict.
LIMITS = {"KIOSK_LIMIT_PER_ADDRESS": "60 per minute", "KIOSK_LIMIT_PER_PHONE": "5 per 10 minutes"}
REFUSAL_STATES = {
    "kiosk_token_expired": "expired",
    "fair_not_open": "closed",
    "not_registered": "not_registered",
    "ambiguous": "ambiguous",
    "kiosk_visit_used": "visit_used",
}


def _limit(name: str):
    return lambda: current_app.config.get(name) or LIMITS[name]


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- The tablet ------------------------------------------------------------------------------------


def _screen_state(fair: Fair) -> dict:
    now = utcnow()
    try:
        token = services.current_token(fair, now=now)
    except services.KioskClosed:
        return {
            "open": False,
            "status": fair.status.value,
            "message": _("Phiên giao dịch chưa mở hoặc đã kết thúc: không thể tự điểm danh."),
        }
    return {
        "open": True,
        "status": fair.status.value,
        "token": token,
        "url": base_url() + url_for("kiosk.landing", fair_id=fair.id, token=token),
        "qr_url": url_for("kiosk.qr_png", fair_id=fair.id, token=token),
        "refresh_in": services.seconds_left(now),
    }


@bp.route("/manage/fairs/<int:fair_id>/kiosk")
@roles(*KIOSK_ROLES)
def screen(fair_id: int):
    fair = fair_services.get_fair_for(current_user, fair_id)
    state = _screen_state(fair)
    return _no_store(Response(render_template("kiosk/screen.html", fair=fair, state=state)))


@bp.route("/manage/fairs/<int:fair_id>/kiosk/token.json")
@roles(*KIOSK_ROLES)
def token_json(fair_id: int):
    fair = fair_services.get_fair_for(current_user, fair_id)
    state = _screen_state(fair)
    return _no_store(jsonify(state))


@bp.route("/manage/fairs/<int:fair_id>/kiosk/qr/<token>.png")
@roles(*KIOSK_ROLES)
def qr_png(fair_id: int, token: str):
    fair = fair_services.get_fair_for(current_user, fair_id)
    if not services.token_matches(fair.id, token):
        raise NotFound()  # only the fair's own current tokens are drawn, never arbitrary text
    url = base_url() + url_for("kiosk.landing", fair_id=fair.id, token=token)
    response = Response(qr.qr_png(url, box_size=QR_BOX_SIZE), mimetype="image/png")
    response.cache_control.private = True
    response.cache_control.max_age = services.WINDOW_SECONDS * 2
    return response


# --- The job seeker's phone ------------------------------------------------------------------------


def _public_fair(fair_id: int) -> Fair:
    fair = db.session.get(Fair, fair_id)
    if fair is None or fair.status == FairStatus.DRAFT:
        raise NotFound()
    return fair


def _result(fair: Fair, state: str, *, name: str | None = None, status: int = 200) -> Response:
    commit_request()  # a refusal too: the scan, check-in and audit rows, or the audited lookup, stand
    html = render_template("kiosk/result.html", fair=fair, state=state, name=name)
    return _no_store(Response(html, status=status, mimetype="text/html"))


def _refusal(fair: Fair, error) -> Response:
    return _result(fair, REFUSAL_STATES.get(error.code, "closed"), status=error.status)


def _checked_in(fair: Fair, registration, visit: services.VisitPass) -> Response:
    try:
        outcome = services.check_in(registration, visit, origin=request_origin())
    except services.VisitUsed as error:
        return _refusal(fair, error)
    if outcome.result == "fair_not_open":
        return _result(fair, "closed", status=409)
    state = "ok" if outcome.result == "ok" else "already_checked_in"
    return _result(fair, state, name=outcome.name)


@bp.route("/k/<int:fair_id>/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("KIOSK_LIMIT_PER_ADDRESS"), methods=["POST"])
@limiter.limit(_limit("KIOSK_LIMIT_PER_PHONE"), methods=["POST"], key_func=lambda: phone_key("kiosk-phone"))
@public
def landing(fair_id: int, token: str):
    fair = _public_fair(fair_id)
    now = utcnow()
    form = PhoneForm()
    ticket_form = SavedTicketForm(formdata=None)
    status = 200
    try:
        # On a POST the token may have moved on: the page's visit pass carries the form (nothing else does).
        if request.method == "GET":
            services.check_entry(fair, token, now=now)
        else:
            visit = services.check_visit(fair, request.form.get("visit"), now=now)
    except (services.KioskTokenExpired, services.KioskClosed) as error:
        return _refusal(fair, error)
    if request.method == "GET":
        form.visit.data = services.visit_pass(fair.id, now=now)
    elif not form.validate_on_submit():  # only the CSRF token is checked here
        status = 400
    else:
        person, errors = _clean(form, fair)
        if errors:
            for name, message in errors.items():
                form[name].errors = [message]
            status = 422
        else:
            try:
                registration = services.find_by_phone(fair, *person, origin=request_origin())
            except (services.NotRegistered, services.Ambiguous) as error:
                return _refusal(fair, error)
            return _checked_in(fair, registration, visit)
    ticket_form.visit.data = form.visit.data
    html = render_template("kiosk/landing.html", fair=fair, form=form, ticket_form=ticket_form, token=token)
    return _no_store(Response(html, status=status, mimetype="text/html"))


def _clean(form: PhoneForm, fair: Fair) -> tuple[tuple[str, int] | None, dict]:
    errors = {}
    phone = year = None
    try:
        phone = clean_phone(form.phone.data)
    except ValueError as error:
        errors["phone"] = f"{form.phone.label.text}: {error.args[0]}"
    try:
        year = clean_birth_year(form.birth_year.data, fair_services.local_day(fair.starts_at))
    except ValueError as error:
        errors["birth_year"] = f"{form.birth_year.label.text}: {error.args[0]}"
    return (None if errors else (phone, year)), errors


@bp.route("/k/<int:fair_id>/<token>/ticket", methods=["POST"])
@public
def saved_ticket(fair_id: int, token: str):
    fair = _public_fair(fair_id)
    form = SavedTicketForm()
    if not form.validate_on_submit():
        return _result(fair, "form_expired", status=400)
    try:
        visit = services.check_visit(fair, form.visit.data)
        registration = services.find_by_ticket(fair, form.secret.data)
    except (services.KioskTokenExpired, services.KioskClosed, services.NotRegistered) as error:
        return _refusal(fair, error)
    return _checked_in(fair, registration, visit)
