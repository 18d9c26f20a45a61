"""The `interviews` blueprint: the booth pages (fairapp.interviews.views, .list_views) and the job
seeker's consent page (.consent_views)."""

from flask import Blueprint

bp = Blueprint("interviews", __name__)
