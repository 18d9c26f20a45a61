"""The `partners` blueprint: the routes of fairapp.partners.views and .moderation_views."""

from flask import Blueprint

bp = Blueprint("partners", __name__)
