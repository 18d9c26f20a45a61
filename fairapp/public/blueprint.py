"""The `public` blueprint: the routes of fairapp.public.views, .register_views and .lost_ticket_views."""

from flask import Blueprint

bp = Blueprint("public", __name__)
