"""Plan targets, the budget and fairs' costs in the API:

    GET /api/v1/plans/{year}          admins, organisers → {year, areas: [{ward_code, ward_name,
                                      targets: {indicator: int | null}}]}: the caller's areas
                                      (fairapp.plans.services.targets_for: the whole area, ward_code
                                      null, for admins only)
    GET /api/v1/budgets/{year}        admins → the year's budget_summary and its entries
    GET /api/v1/fairs/{id}/costs      admins, organisers of the fair's ward → {fair_id, items, totals}

A year outside 2020–2100 is 404. Amounts are whole đồng."""

from flask import abort
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.fairs.services import get_fair_for
from fairapp.plans import budget, costs, services
from fairapp.plans.checks import MAX_YEAR, MIN_YEAR
from fairapp.plans.labels import WHOLE_AREA_LABEL
from fairapp.plans.models import BudgetEntry, BudgetKind, BudgetSource, CostItem, FairCost

blp = Blueprint("api_plans", __name__, url_prefix="", description="Plan targets, budget and fair costs")


# --- Documentation schemas ---------------------------------------------------------------------------


def _target(description: str):
    return fields.Int(allow_none=True, metadata={"description": f"{description}; null: no target set"})


class TargetsSchema(Schema):
    fairs = _target("Fairs to hold")
    job_seekers = _target("Job seekers to reach")
    priority_workers = _target("Workers of poor, near-poor and newly escaped households to connect")
    hires = _target("People to get a job")
    sustainable_jobs = _target("Sustainable jobs")
    trainees = _target("People to start vocational training")


class AreaSchema(Schema):
    ward_code = fields.Str(allow_none=True, metadata={"description": "null: the whole programme area"})
    ward_name = fields.Str()
    targets = fields.Nested(TargetsSchema)
    note = fields.Str(allow_none=True)


class PlansSchema(Schema):
    year = fields.Int()
    areas = fields.List(fields.Nested(AreaSchema))


class StagesSchema(Schema):
    allocated = fields.Int()
    committed = fields.Int()
    disbursed = fields.Int()


class WarningSchema(Schema):
    code = fields.Str(metadata={"description": "disbursed_over_allocated"})
    source = fields.Str()
    allocated = fields.Int()
    disbursed = fields.Int()
    message = fields.Str()


class EntrySchema(Schema):
    id = fields.Int()
    source = fields.Str(metadata={"enum": [s.value for s in BudgetSource]})
    kind = fields.Str(metadata={"enum": [k.value for k in BudgetKind]})
    amount = fields.Int(metadata={"description": "đồng"})
    entry_date = fields.Date()
    document_no = fields.Str(allow_none=True)
    note = fields.Str(allow_none=True)


class BudgetSchema(StagesSchema):
    year = fields.Int()
    by_source = fields.Dict(keys=fields.Str(), values=fields.Nested(StagesSchema))
    disbursement_rate = fields.Float(allow_none=True, metadata={"description": "%; null: nothing allocated"})
    warnings = fields.List(fields.Nested(WarningSchema))
    entries = fields.List(fields.Nested(EntrySchema))


class CostSchema(Schema):
    id = fields.Int()
    item = fields.Str(metadata={"enum": [i.value for i in CostItem]})
    amount = fields.Int(metadata={"description": "đồng"})
    document_no = fields.Str(allow_none=True)
    note = fields.Str(allow_none=True)
    created_at = fields.DateTime()


class FairCostsSchema(Schema):
    fair_id = fields.Int()
    items = fields.List(fields.Nested(CostSchema))
    totals = fields.Dict(
        keys=fields.Str(), values=fields.Int(), metadata={"description": "by item, and total"}
    )
    total = fields.Int()


def _json(schema) -> dict:
    return {"application/json": {"schema": schema}}


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    return year


# --- Answers -------------------------------------------------------------------------------------------


def entry_json(entry: BudgetEntry) -> dict:
    return {
        "id": entry.id,
        "source": entry.source.value,
        "kind": entry.kind.value,
        "amount": entry.amount,
        "entry_date": entry.entry_date.isoformat(),
        "document_no": entry.document_no,
        "note": entry.note,
    }


def cost_json(cost: FairCost) -> dict:
    return {
        "id": cost.id,
        "item": cost.item.value,
        "amount": cost.amount,
        "document_no": cost.document_no,
        "note": cost.note,
        "created_at": cost.created_at.isoformat(),
    }


# --- Routes --------------------------------------------------------------------------------------------


@blp.route("/plans/<int:year>")
class Plans(MethodView):
    @blp.doc(responses={"200": {"description": "The year's targets by area", "content": _json(PlansSchema)}})
    @roles(Role.ADMIN, Role.ORGANISER)
    def get(self, year: int):
        """The year's targets of the caller's areas: an organiser's wards (each listed, its targets null
        until set); for admins the whole area (ward_code null) and every ward with targets."""
        year = _year(year)
        scope = current_user.ward_scope
        found = services.targets_for(year, scope)
        notes = services.notes_for(year, scope)
        names = services.ward_names(found)
        areas = [
            {
                "ward_code": code,
                "ward_name": names.get(code, code) if code else str(WHOLE_AREA_LABEL),
                "targets": values,
                "note": notes.get(code),
            }
            for code, values in sorted(found.items(), key=lambda item: (item[0] is not None, item[0] or ""))
        ]
        return {"year": year, "areas": areas}


@blp.route("/budgets/<int:year>")
class Budget(MethodView):
    @blp.doc(responses={"200": {"description": "The year's budget", "content": _json(BudgetSchema)}})
    @roles(Role.ADMIN)
    def get(self, year: int):
        """The year's budget by source (central, province, city, other) and stage (allocated,
        committed, disbursed), the totals, the disbursement rate (% of allocated, one decimal), the
        warnings (disbursed beyond allocated for a source) and the entries. Admins only."""
        year = _year(year)
        return {
            **budget.budget_summary(year),
            "entries": [entry_json(e) for e in budget.budget_entries(year)],
        }


@blp.route("/fairs/<int:fair_id>/costs")
class FairCosts(MethodView):
    @blp.doc(responses={"200": {"description": "The fair's costs", "content": _json(FairCostsSchema)}})
    @roles(Role.ADMIN, Role.ORGANISER)
    def get(self, fair_id: int):
        """What the fair cost: each amount recorded, the totals by item (every item, 0 when none) and the
        total. Admins, and organisers of the fair's ward (403 `ward_not_allowed` otherwise)."""
        fair = get_fair_for(current_user._get_current_object(), fair_id)
        totals = costs.fair_costs([fair.id])[fair.id]
        return {
            "fair_id": fair.id,
            "items": [cost_json(cost) for cost in costs.costs_of(fair.id)],
            "totals": totals,
            "total": totals[costs.TOTAL],
        }
