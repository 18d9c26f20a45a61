"""The `public` blueprint: the routes of fairapp.public.views, .register_views and .lost_ticket."""

from flask import Blueprint

bp = Blueprint("public", __name__)
