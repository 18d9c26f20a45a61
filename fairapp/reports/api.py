"""GET /api/v1/reports/outcomes: the outcome indicators of a period, ward or fair, for admins (every
ward) and organisers (their wards; another ward is 403) — counts of people only, never a person.

    ?date_from=&date_to=    local fair days, both included (YYYY-MM-DD); either may be left out
    ?ward_code=             one ward of the caller's
    ?fair_id=               one fair (its hires only: hires without a fair are then left out)

→ {registered, checked_in, interviewed, shortlisted, offered, counselled, enrolled, hired,
   employed_1, employed_3, employed_6, sustained, by_priority_group: {group: the same keys},
   by_priority_status: {group: {verified | self_declared | conflict: the same keys}} (the priority
   groups only: whether the ward's household list confirmed the group), by_ward: {code: the same
   keys}, fairs: {fairs, fairs_held, employers, schools, vacancies, quota},
   filters: {date_from, date_to, ward_code, fair_id}}
A person counts once per indicator and group (fairapp.reports.indicators)."""

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from fairapp.attendees.models import PriorityGroup, PriorityStatus
from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.fairs import services as fair_services
from fairapp.reports.indicators import fair_facts, funnels, steps
from fairapp.reports.period import Filters

blp = Blueprint("api_reports", __name__, url_prefix="", description="Outcome reports (counts of people)")


def _query(name: str, description: str, **schema) -> dict:
    return {"in": "query", "name": name, "required": False, "description": description, "schema": schema}


_COUNTS = {
    "type": "object",
    "description": "People per step: registered, checked_in, interviewed, shortlisted, offered, counselled, "
    "enrolled, hired, employed_<month> (each follow-up month of the settings), sustained",
    "additionalProperties": {"type": "integer"},
}
_FIXED_STEPS = ("registered", "checked_in", "interviewed", "shortlisted", "hired", "sustained")
_DAY = {"type": "string", "format": "date", "nullable": True}
OUTCOMES_SCHEMA = {
    "type": "object",
    "required": [*_FIXED_STEPS, "by_priority_group", "by_priority_status", "by_ward", "fairs", "filters"],
    "properties": {
        **{step: {"type": "integer"} for step in _FIXED_STEPS},
        "by_priority_group": {"type": "object", "additionalProperties": _COUNTS},
        "by_priority_status": {
            "type": "object",
            "description": "Priority group → verified, self_declared, conflict → counts",
            "additionalProperties": {"type": "object", "additionalProperties": _COUNTS},
        },
        "by_ward": {"type": "object", "additionalProperties": _COUNTS},
        "fairs": {
            "type": "object",
            "properties": {
                name: {"type": "integer"}
                for name in ("fairs", "fairs_held", "employers", "schools", "vacancies", "quota")
            },
            "additionalProperties": False,
        },
        "filters": {
            "type": "object",
            "properties": {
                "date_from": _DAY,
                "date_to": _DAY,
                "ward_code": {"type": "string", "nullable": True},
                "fair_id": {"type": "integer", "nullable": True},
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": {"type": "integer", "description": "The other steps (see by_priority_group)"},
}


def outcomes(filters: Filters) -> dict:
    """The API's answer for these filters (also what the dashboard's JSON twin would say)."""
    both = ("priority_group", "priority_status")
    found = funnels(filters, (None, "priority_group", "ward", both))
    groups = found["priority_group"]
    return {
        **found[None],
        "by_priority_group": {group.value: groups.get(group.value, _zeros()) for group in PriorityGroup},
        "by_priority_status": {
            group.value: {
                status.value: found[both].get((group.value, status.value), _zeros())
                for status in PriorityStatus
            }
            for group in PriorityGroup
            if group != PriorityGroup.NONE
        },
        "by_ward": found["ward"],
        "fairs": fair_facts(filters),
        "filters": {
            "date_from": filters.date_from.isoformat() if filters.date_from else None,
            "date_to": filters.date_to.isoformat() if filters.date_to else None,
            "ward_code": filters.ward_code,
            "fair_id": filters.fair_id,
        },
    }


def _zeros() -> dict:
    return dict.fromkeys(steps(), 0)


@blp.route("/reports/outcomes")
class Outcomes(MethodView):
    @blp.doc(
        parameters=[
            _query("date_from", "Fairs starting on or after this local day", type="string", format="date"),
            _query("date_to", "Fairs starting on or before this local day", type="string", format="date"),
            _query(
                "ward_code", "One ward of the caller's", type="string", pattern="^[0-9]{1,10}$", maxLength=10
            ),
            _query("fair_id", "One fair", type="integer", minimum=1),
        ],
        responses={
            "200": {
                "description": "The indicators",
                "content": {"application/json": {"schema": OUTCOMES_SCHEMA}},
            },
            "403": {"description": "A ward or fair outside the caller's wards"},
            "404": {"description": "No such fair (`not_found`)"},
            "422": {"description": "A filter that is not the documented shape; the field is named"},
        },
    )
    @roles(Role.ADMIN, Role.ORGANISER)
    def get(self):
        """People per step of the funnel (registered → sustained), in total, by priority group and by
        ward where the fair was held; what took part (fairs, employers, schools, vacancies, quotas)."""
        user = current_user._get_current_object()
        filters = Filters.parse(request.args, user.ward_scope)
        if filters.fair_id is not None:
            fair_services.get_fair_for(user, filters.fair_id)
        return outcomes(filters)
