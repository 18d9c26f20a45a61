"""Public pages about fairs, for residents without an account: the list of upcoming fairs, a fair's
page with its share card, calendar files, the poster and the loudspeaker announcement.

They read only (a fair's status is the one in effect, derived on reading). A ward the visitor picks on
a list is remembered in a cookie (WARD_COOKIE), and the home page lists that ward's fairs first."""

from urllib.parse import urlsplit

from flask import Response, current_app, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from fairapp.auth.access import public
from fairapp.fairs import poster
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair
from fairapp.i18n import date_vn, time_vn
from fairapp.links import absolute_url, base_url
from fairapp.modelbase import utcnow
from fairapp.public import calendar, card, services
from fairapp.public.blueprint import bp

# Posters and announcements are for the ward's residents: always in Vietnamese.
DOCUMENT_LOCALE = "vi"
WARD_COOKIE = "ward"
WARD_COOKIE_AGE = 365 * 24 * 3600


# --- The visitor's ward ----------------------------------------------------------------------------


def picked_ward(known: dict[str, str]) -> tuple[str | None, bool]:
    """The ward the visitor picked (the `ward` query parameter), else the one remembered in the
    cookie; only a ward among `known`. Second: whether the query parameter was given at all."""
    given = "ward" in request.args
    code = request.args.get("ward") if given else request.cookies.get(WARD_COOKIE)
    return (code if code in known else None), given


def remember_ward(response: Response, code: str | None) -> Response:
    """Keep the visitor's pick for their next visit (no account, nothing stored on our side);
    picking "all wards" forgets it."""
    if code:
        response.set_cookie(
            WARD_COOKIE,
            code,
            max_age=WARD_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    else:
        response.delete_cookie(WARD_COOKIE)
    return response


# --- Absolute links --------------------------------------------------------------------------------


def links(fair: Fair) -> calendar.FairLinks:
    return calendar.FairLinks(
        page=absolute_url("public.fair", fair_id=fair.id),
        registration=absolute_url("public.register", fair_id=fair.id),
    )


def _load(fair_id: int) -> Fair:
    """A public fair (404 for drafts and unknown ids)."""
    return fair_services.get_public_fair(fair_id)


# --- Pages -----------------------------------------------------------------------------------------


@bp.route("/fairs")
@public
def index():
    fairs = services.upcoming_fairs()
    wards = services.wards_of(fairs)
    ward_code = request.args.get("ward") or None
    if ward_code not in dict(wards):
        ward_code = None
    shown = [fair for fair in fairs if ward_code in (None, fair.ward_code)]
    response = make_response(
        render_template("public/index.html", fairs=shown, wards=wards, ward_code=ward_code)
    )
    if "ward" in request.args and (ward_code or not request.args["ward"]):  # a pick, or "all wards"
        remember_ward(response, ward_code)
    return response


@bp.route("/fairs/<int:fair_id>")
@public
def fair(fair_id: int):
    fair = _load(fair_id)
    people = services.participants(fair, search=request.args.get("q"))
    when = f"{date_vn(fair.starts_at)}, {time_vn(fair.starts_at)}–{time_vn(fair.ends_at)}"
    share = {
        "title": fair.title,
        "description": " · ".join(part for part in (when, fair.venue_name, fair.ward.name) if part),
        "url": absolute_url("public.fair", fair_id=fair.id),
        "image": absolute_url("public.card_image", fair_id=fair.id),
    }
    return render_template(
        "public/fair.html",
        fair=fair,
        people=people,
        share=share,
        now=utcnow(),
        directions=getattr(fair, "directions", None),
    )


@bp.route("/fairs/<int:fair_id>/card.png")
@public
def card_image(fair_id: int):
    fair = _load(fair_id)
    png = card.render_card(
        kicker=_("Phiên giao dịch việc làm lưu động"),
        title=fair.title,
        when=_(
            "%(date)s · %(start)s–%(end)s",
            date=date_vn(fair.starts_at),
            start=time_vn(fair.starts_at),
            end=time_vn(fair.ends_at),
        ),
        where=fair.venue_name or "",
        ward=f"{fair.ward.name}, {fair.ward.province.name}",
    )
    response = Response(png, mimetype="image/png")
    response.cache_control.public = True
    response.cache_control.max_age = 600
    return response


@bp.route("/fairs/<int:fair_id>/announcement")
@public
def announcement(fair_id: int):
    fair = _load(fair_id)
    with force_locale(DOCUMENT_LOCALE):
        text = poster.announcement_text(fair, services.participants(fair).counts)
    return render_template("public/announcement.html", fair=fair, text=text)


# --- Files -----------------------------------------------------------------------------------------


@bp.route("/fairs/<int:fair_id>/poster.pdf", endpoint="poster")
@public
def poster_pdf(fair_id: int):
    fair = _load(fair_id)
    with force_locale(DOCUMENT_LOCALE):
        pdf = poster.render_poster(
            fair, services.participants(fair).counts, registration_url=links(fair).registration
        )
    return _file(pdf, "application/pdf", f"ap-phich-phien-{fair.id}.pdf", inline=True)


@bp.route("/fairs/<int:fair_id>.ics")
@public
def fair_ics(fair_id: int):
    fair = _load(fair_id)
    body = calendar.calendar_file([(fair, links(fair))], host=_host(), name=fair.title)
    return _file(body, "text/calendar; charset=utf-8", f"phien-giao-dich-{fair.id}.ics")


@bp.route("/fairs/calendar.ics")
@public
def calendar_feed():
    fairs = services.calendar_fairs()
    body = calendar.calendar_file(
        [(fair, links(fair)) for fair in fairs], host=_host(), name=_("Phiên giao dịch việc làm lưu động")
    )
    return _file(body, "text/calendar; charset=utf-8", "lich-phien-giao-dich.ics", inline=True)


def _host() -> str:
    return urlsplit(base_url()).hostname or "localhost"


def _file(body: bytes, content_type: str, filename: str, *, inline: bool = False) -> Response:
    response = Response(body, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
