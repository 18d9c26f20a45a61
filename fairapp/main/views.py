"""Home page and the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from fairapp.auth.access import public
from fairapp.auth.views import safe_next
from fairapp.i18n import LOCALE_SESSION_KEY

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    return render_template("main/home.html", user=current_user)


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session[LOCALE_SESSION_KEY] = code
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))
