"""The `outreach` blueprint, staff pages under /manage/households: the list imports
(fairapp.outreach.import_views), priority-status conflicts (.conflict_views), the outreach call list
and coverage (.call_views) and the labour-information export (.labour_views)."""

from flask import Blueprint

bp = Blueprint("outreach", __name__)
