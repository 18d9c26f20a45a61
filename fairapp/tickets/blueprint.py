"""The `tickets` blueprint (/t/<secret>...): the routes of fairapp.tickets.views, .details_views,
.changes_views and .rights_views."""

from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/t")
