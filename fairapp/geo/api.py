"""GET /api/v1/admin-units."""

from flask_smorest import Blueprint

blp = Blueprint("api_geo", __name__, url_prefix="", description="Administrative units")
