"""The `plans` blueprint: plan targets (fairapp.plans.views), the budget (.budget_views) and a fair's
costs (.cost_views)."""

from flask import Blueprint

bp = Blueprint("plans", __name__)
