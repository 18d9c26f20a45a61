"""The `registrations` blueprint (/manage/fairs/...): the routes of fairapp.registrations.views,
.desk_views and .rights_views."""

from flask import Blueprint

bp = Blueprint("registrations", __name__, url_prefix="/manage/fairs")
