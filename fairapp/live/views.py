"""The organisers' live view of a fair.

    /manage/fairs/<id>/live        the page (its load is audited: it shows phone numbers)
    /manage/fairs/<id>/live.json   the figures static/js/live.js polls every few seconds

Phone numbers of the priority households not yet arrived are in the JSON only when the request
carries the `view` pass of an audited page load by the same account for the same fair, so every
sight of them traces back to one audit entry."""

from datetime import datetime

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair
from fairapp.live import services
from fairapp.modelbase import utcnow
from fairapp.registrations.services import PRIORITY_LABELS
from fairapp.views import acting_user

bp = Blueprint("live", __name__, url_prefix="/manage")

POLL_SECONDS = 4
VIEW_PASS_SECONDS = 12 * 60 * 60
RESULT_LABELS = {
    "invalid": _l("Vé giả hoặc không đọc được"),
    "wrong_fair": _l("Vé của phiên khác"),
    "revoked": _l("Vé đã bị thu hồi (đã cấp lại)"),
    "already_checked_in": _l("Vé đã điểm danh trước đó"),
    "ok": _l("Đã điểm danh"),
    "fair_not_open": _l("Phiên chưa mở"),
}
FLAG_LABELS = {
    "offline_duplicate": _l("Trùng lặp: vé được nhận ở hai thiết bị khi mất mạng"),
    "clock_skew": _l("Đồng hồ thiết bị lệch nhiều"),
}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="fairapp.live-contacts")


def _view_pass(fair: Fair, user) -> str:
    return _serializer().dumps([fair.id, user.id])


def _may_see_contacts(fair: Fair, user) -> bool:
    try:
        claims = _serializer().loads(request.args.get("view", ""), max_age=VIEW_PASS_SECONDS)
    except BadSignature:
        return False
    return claims == [fair.id, user.id]


def _clock(moment: datetime) -> str:
    return format_time(moment, "HH:mm:ss")


def _problem(problem: services.Problem) -> dict:
    what = [str(RESULT_LABELS.get(problem.result, problem.result))]
    for flag in problem.flags:
        label = str(FLAG_LABELS.get(flag, flag))
        if flag == "clock_skew" and problem.skew_seconds is not None:
            label += " " + _("(%(minutes)s phút)", minutes=round(problem.skew_seconds / 60))
        what.append(label)
    return {
        "id": problem.scan_id,
        "time": _clock(problem.server_time),
        "result": problem.result,
        "flags": list(problem.flags),
        "what": " · ".join(what),
        "name": problem.full_name or "",
        "where": " · ".join(part for part in (problem.gate, problem.device_name) if part)
        or (_("Tự điểm danh") if problem.source == "kiosk" else ""),
    }


def _booth_rows(stats: dict) -> list[dict]:
    """The booths' funnel per priority group, in the page's group order, with its label."""
    return [
        {
            "group": group.value,
            "label": str(PRIORITY_LABELS[group]),
            **{key: stats["by_priority_group"][group.value][key] for key in services.outcome_keys},
        }
        for group in services.GROUP_ORDER
    ]


def live_payload(fair: Fair, *, contacts: bool) -> dict:
    figures = services.figures(fair)
    waiting = services.priority_waiting(fair)
    stats = services.fair_stats(fair)
    body = {
        "fair_id": fair.id,
        "status": fair.status.value,
        "updated_at": _clock(utcnow()),
        "registered": figures.registered,
        "checked_in": figures.checked_in,
        "by_priority_group": [
            {
                "group": group.value,
                "label": str(PRIORITY_LABELS[group]),
                "registered": tally.registered,
                "checked_in": tally.checked_in,
            }
            for group, tally in figures.by_priority_group.items()
        ],
        "by_ward": [
            {"code": w.code, "name": w.name, "registered": w.registered, "checked_in": w.checked_in}
            for w in figures.by_ward
        ],
        "booths": {key: stats[key] for key in services.outcome_keys},
        "booths_by_priority_group": _booth_rows(stats),
        "priority_waiting_count": len(waiting),
        "problems": [_problem(problem) for problem in services.scan_problems(fair)],
    }
    if contacts:
        body["priority_waiting"] = [
            {
                "registration_id": w.registration_id,
                "name": w.full_name,
                "phone": w.phone,
                "group": w.priority_group.value,
                "group_label": str(PRIORITY_LABELS[w.priority_group]),
                "ward": w.ward_name,
            }
            for w in waiting
        ]
    return body


@bp.route("/fairs/<int:fair_id>/live")
@roles(*STAFF)
def view(fair_id: int):
    user = acting_user()
    fair = fair_services.get_fair_for(user, fair_id)
    data = live_payload(fair, contacts=True)
    services.record_contacts_view(fair, by=user, shown=len(data["priority_waiting"]), origin=request_origin())
    response = current_app.make_response(
        render_template(
            "live/view.html",
            fair=fair,
            data=data,
            view_pass=_view_pass(fair, user),
            poll_ms=POLL_SECONDS * 1000,
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/fairs/<int:fair_id>/live.json")
@roles(*STAFF)
def data(fair_id: int):
    user = acting_user()
    fair = fair_services.get_fair_for(user, fair_id)
    body = live_payload(fair, contacts=_may_see_contacts(fair, user))
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response
