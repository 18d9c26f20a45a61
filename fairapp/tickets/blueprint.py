"""The `tickets` blueprint (/t/<secret>...): the routes of fairapp.tickets.views, .details, .changes
and .rights."""

from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/t")
