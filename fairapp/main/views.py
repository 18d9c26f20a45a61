"""Home page (public welcome or role dashboard) and the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from fairapp.auth.access import public
from fairapp.auth.views import safe_next
from fairapp.i18n import LOCALE_SESSION_KEY
from fairapp.main import nav

bp = Blueprint("main", __name__)
bp.record_once(lambda state: nav.register(state.app))


@bp.route("/")
@public
def home():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    cards = [entry for entry in nav.visible_entries(current_user.role, current_app.view_functions)
             if entry.endpoint != request.endpoint]
    return render_template("main/home.html", cards=cards,
                           role_name=nav.role_label(current_user.role))


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session[LOCALE_SESSION_KEY] = code
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))
