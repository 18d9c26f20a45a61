"""Administrative-unit picker for forms."""

from flask import Blueprint

bp = Blueprint("geo", __name__)
