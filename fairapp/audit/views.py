"""The audit log, read-only, for admins."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
