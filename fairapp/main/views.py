"""Home page (public welcome with the upcoming fairs, or role dashboard) and the language switch."""

from flask import Blueprint, current_app, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from fairapp.auth.access import public
from fairapp.auth.views import safe_next
from fairapp.i18n import LOCALE_SESSION_KEY
from fairapp.main import nav
from fairapp.public import services as public_services
from fairapp.public.views import picked_ward, remember_ward

bp = Blueprint("main", __name__)

HOME_FAIRS = 6  # the rest are one link away, on the list of upcoming fairs


@bp.route("/")
@public
def home():
    if not current_user.is_authenticated:
        return _welcome()
    cards = [entry for entry in nav.visible_entries(current_user.role) if entry.endpoint != request.endpoint]
    return render_template("main/home.html", cards=cards, role_name=nav.role_label(current_user.role))


def _welcome():
    """The upcoming fairs, soonest first, those of the visitor's ward (picked here or on the list of
    fairs, remembered in a cookie) before the others. Reads only."""
    fairs = public_services.upcoming_fairs()
    wards = public_services.wards_of(fairs)
    ward_code, picked = picked_ward(dict(wards))
    fairs = public_services.ward_first(fairs, ward_code)
    response = make_response(
        render_template(
            "main/welcome.html",
            fairs=fairs[:HOME_FAIRS],
            more=max(len(fairs) - HOME_FAIRS, 0),
            wards=wards,
            ward_code=ward_code,
        )
    )
    if picked and (ward_code or not request.args["ward"]):
        remember_ward(response, ward_code)
    return response


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session[LOCALE_SESSION_KEY] = code
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))
