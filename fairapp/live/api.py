"""GET /api/v1/fairs/{id}/stats: the fair's numbers for admins, organisers (fairs of their wards) and
gate staff — the entrance's and the booths', in total and by priority group (counts only)."""

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.fairs import services as fair_services
from fairapp.live import services

blp = Blueprint("api_live", __name__, url_prefix="", description="A fair's numbers")


def _counts(name: str, *extra) -> type[Schema]:
    """A schema of the counts (services.STAT_KEYS), each a number of people."""
    counts = {key: fields.Int(required=True) for key in services.STAT_KEYS}
    return Schema.from_dict({**counts, **dict(extra)}, name=name)


StatsByGroupSchema = _counts("FairStatsCounts")
FairStatsSchema = _counts(
    "FairStats",
    ("fair_id", fields.Int(required=True)),
    ("status", fields.Str(required=True)),
    (
        "by_priority_group",
        fields.Dict(
            keys=fields.Str(),
            values=fields.Nested(StatsByGroupSchema),
            required=True,
            metadata={"description": "none, poor, near_poor, escaped_poverty → the same counts"},
        ),
    ),
)


@blp.route("/fairs/<int:fair_id>/stats")
class FairStats(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "The fair's numbers",
                "content": {"application/json": {"schema": FairStatsSchema}},
            }
        }
    )
    @roles(Role.ADMIN, Role.ORGANISER, Role.GATE)
    def get(self, fair_id: int):
        """Registered, checked in, interviewed, shortlisted, offered, counselled, enrolled, hired and
        sustained; the same by priority group. A person counts once per indicator."""
        fair = fair_services.get_fair_for(current_user, fair_id)
        return {"fair_id": fair.id, "status": fair.status.value, **services.fair_stats(fair)}
