"""GET /api/v1/wards/{code}/coverage?year=: the coverage of a ward's priority households
(fairapp.outreach.coverage), counts of people only. Admins, and organisers of that ward (another
ward: 403 `ward_not_allowed`); every other role 403; an unknown ward 404. Each read is audited
("outreach.coverage"): the numbers come from the household lists.

    ?year=    2000–2100, default this year (Vietnam's)

→ {ward_code, year, members_working_age, reached, registered, checked_in, hired, sustained,
   coverage_pct}"""

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from fairapp.audit.services import record_read
from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import Forbidden, NotFound
from fairapp.fairs.services import local_day
from fairapp.geo.services import get_ward
from fairapp.modelbase import utcnow
from fairapp.outreach.coverage import coverage
from fairapp.reports.period import FIRST_YEAR, LAST_YEAR

blp = Blueprint("api_coverage", __name__, url_prefix="", description="Coverage of priority households")


class CoverageQuery(Schema):
    year = fields.Int(
        validate=validate.Range(min=FIRST_YEAR, max=LAST_YEAR),
        metadata={"description": "The year (default: this year)"},
    )


class CoverageSchema(Schema):
    ward_code = fields.Str(required=True)
    year = fields.Int(required=True)
    members_working_age = fields.Int(
        required=True,
        metadata={
            "description": "Members of working age of the ward's poor, near-poor and newly escaped "
            "households on the list (on 31/12, or today for this year)"
        },
    )
    reached = fields.Int(
        required=True,
        metadata={
            "description": "Of them, registered for a fair (or hired) in the year, or whose latest call "
            "of the year recorded their need"
        },
    )
    registered = fields.Int(required=True, metadata={"description": "Registered for a fair of the year"})
    checked_in = fields.Int(required=True, metadata={"description": "Attended (checked in) a fair"})
    hired = fields.Int(required=True, metadata={"description": "Got a job"})
    sustained = fields.Int(required=True, metadata={"description": "Sustainable job"})
    coverage_pct = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "reached / members_working_age × 100, one decimal; null: no members"},
    )


@blp.route("/wards/<code>/coverage")
class WardCoverage(MethodView):
    @blp.arguments(CoverageQuery, location="query")
    @blp.response(200, CoverageSchema)
    @blp.alt_response(403, description="Not an admin, nor an organiser of the ward (`ward_not_allowed`)")
    @blp.alt_response(404, description="No ward with this code")
    @roles(Role.ADMIN, Role.ORGANISER)
    def get(self, args, code: str):
        """How many of the ward's priority-household workers the year's outreach reached, and how far
        they went (registered, attended, hired, sustained), counted by the reports' rule; a member
        who went to a fair in another ward counts for their own ward."""
        ward = get_ward(code)
        if ward is None:
            raise NotFound(_l("Không có phường, xã với mã này."), code="unknown_ward")
        user = current_user._get_current_object()
        if not user.ward_scope.allows(ward.code):
            raise Forbidden(_l("Bạn không được xem số liệu của phường, xã này."), code="ward_not_allowed")
        today = local_day(utcnow())
        year = args.get("year") or today.year
        found = coverage(ward.code, year, today=today)
        record_read(
            "outreach.coverage",
            actor=user,
            origin=request_origin(),
            details={"ward_code": ward.code, "year": year},
        )
        return {"ward_code": ward.code, "year": year, **found.as_dict()}
