"""GET /api/v1/fairs/{id}/stats: the fair's numbers for admins, organisers (fairs of their wards) and
gate staff — the entrance's and the booths', in total and by priority group (counts only)."""

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.fairs import services as fair_services
from fairapp.live import services

blp = Blueprint("api_live", __name__, url_prefix="", description="A fair's numbers")


@blp.route("/fairs/<int:fair_id>/stats")
class FairStats(MethodView):
    @roles(Role.ADMIN, Role.ORGANISER, Role.GATE)
    def get(self, fair_id: int):
        """Registered, checked in, interviewed, shortlisted, offered, counselled, enrolled, hired and
        sustained; the same by priority group. A person counts once per indicator."""
        fair = fair_services.get_fair_for(current_user, fair_id)
        return {"fair_id": fair.id, "status": fair.status.value, **services.fair_stats(fair)}
