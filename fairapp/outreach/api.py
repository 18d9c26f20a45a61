"""Household lists in the API:

    POST /api/v1/households   admins, organisers (their wards) → 201 {id, created: true}; the same
                              ward and household code again updates it → 200 {id, created: false}

Body: {ward_code, household_code, category: poor | near_poor | escaped_poverty, year, head_name?,
village?, members: [{full_name, birth_year, gender?, citizen_id?, relation?, phone?}]} (1–50 members).
The members are checked by the rules of a list file (fairapp.outreach.listfile): a refusal is 400 with
`fields` named `members.<i>.<field>` (i from 0). The ward may be a pre-2025 code that became one of the
caller's wards. After saving, the people living in that ward are matched against the list again."""

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from fairapp.api.fields import BadRequest, bad, body, text
from fairapp.attendees import verification
from fairapp.attendees.validation import NAME_LENGTH
from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.fairs.services import local_day
from fairapp.households.services import save_household
from fairapp.modelbase import utcnow
from fairapp.outreach import listfile

blp = Blueprint("api_households", __name__, url_prefix="", description="Priority household lists")
MAX_MEMBERS = 50
CATEGORIES = ("poor", "near_poor", "escaped_poverty")


class MemberSchema(Schema):
    full_name = fields.Str(required=True, validate=validate.Length(max=NAME_LENGTH))
    birth_year = fields.Int(required=True)
    gender = fields.Str(validate=validate.OneOf(["male", "female"]))
    citizen_id = fields.Str(
        validate=validate.Length(max=20),
        metadata={"description": "12 digits; checked against the birth year and sex"},
    )
    relation = fields.Str(validate=validate.Length(max=50))
    phone = fields.Str(
        validate=validate.Length(max=30), metadata={"description": "A Vietnamese mobile number"}
    )


class HouseholdRequestSchema(Schema):
    ward_code = fields.Str(
        required=True,
        validate=validate.Length(max=10),
        metadata={"description": "Today's ward code, or a pre-2025 one"},
    )
    household_code = fields.Str(required=True, validate=validate.Length(max=50))
    category = fields.Str(required=True, validate=validate.OneOf(CATEGORIES))
    year = fields.Int(required=True, metadata={"description": "The year of the review that lists it"})
    head_name = fields.Str(validate=validate.Length(max=200))
    village = fields.Str(validate=validate.Length(max=100))
    members = fields.List(
        fields.Nested(MemberSchema), required=True, validate=validate.Length(1, MAX_MEMBERS)
    )


class HouseholdAnswerSchema(Schema):
    id = fields.Int(required=True)
    created = fields.Bool(required=True)
    ward_code = fields.Str(required=True)
    members = fields.Int(required=True, metadata={"description": "Members on the household's list"})


def _records(data: dict) -> list[dict]:
    code = text(data, "household_code", 50, required=True)
    category = data.get("category")
    if category not in CATEGORIES:
        raise bad(
            "category", _l("%(field)s: một trong %(values)s.", field="category", values=", ".join(CATEGORIES))
        )
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise bad("year", _l("%(field)s: bắt buộc, là năm có 4 chữ số.", field="year"))
    ward = text(data, "ward_code", 10, required=True)
    shared = {
        "household_code": code,
        "category": category,
        "ward_code": ward,
        "year": year,
        "head_name": text(data, "head_name", 200),
        "village": text(data, "village", 100),
    }
    members = data.get("members")
    if not isinstance(members, list) or not 1 <= len(members) <= MAX_MEMBERS:
        raise bad(
            "members", _l("%(field)s: danh sách từ 1 đến %(n)s thành viên.", field="members", n=MAX_MEMBERS)
        )
    records = []
    for index, member in enumerate(members):
        if not isinstance(member, dict):
            raise bad(f"members.{index}", _l("%(field)s: một đối tượng JSON.", field=f"members.{index}"))
        name = f"members.{index}"
        birth_year = member.get("birth_year")
        if not isinstance(birth_year, int) or isinstance(birth_year, bool):
            raise bad(
                f"{name}.birth_year",
                _l("%(field)s: bắt buộc, là năm có 4 chữ số.", field=f"{name}.birth_year"),
            )
        records.append(
            {
                **shared,
                "full_name": text(member, "full_name", NAME_LENGTH, required=True, field=f"{name}.full_name"),
                "birth": birth_year,
                "gender": {"male": "Nam", "female": "Nữ"}.get(member.get("gender"), member.get("gender")),
                "citizen_id": text(member, "citizen_id", 20, field=f"{name}.citizen_id"),
                "relation": text(member, "relation", 50, field=f"{name}.relation"),
                "phone": text(member, "phone", 30, field=f"{name}.phone"),
            }
        )
    return records


API_NAMES = {"birth": "birth_year", "household_code": "household_code", "ward_code": "ward_code"}


@blp.route("/households")
class Households(MethodView):
    @blp.doc(
        requestBody={"required": True, "content": {"application/json": {"schema": HouseholdRequestSchema}}},
        responses={
            "201": {
                "description": "A new household",
                "content": {"application/json": {"schema": HouseholdAnswerSchema}},
            },
            "200": {
                "description": "The household with that ward and code, updated",
                "content": {"application/json": {"schema": HouseholdAnswerSchema}},
            },
        },
    )
    @roles(Role.ADMIN, Role.ORGANISER)
    def post(self):
        """Create or update one household of the list (admins; organisers, of their wards)."""
        user = current_user._get_current_object()
        records = _records(body())
        today = local_day(utcnow())
        parsed = listfile.check_records(
            records, ward_codes=listfile.allowed_wards(user.ward_scope), year=records[0]["year"], today=today
        )
        if parsed.errors:
            raise BadRequest(fields=_fields(parsed))
        household, created = save_household(parsed.rows, by=user, origin=request_origin())
        verification.verify_ward([household.ward_code], day=today)
        answer = {
            "id": household.id,
            "created": created,
            "ward_code": household.ward_code,
            "members": sum(1 for member in household.members if member.active),
        }
        return answer, 201 if created else 200


def _fields(parsed: listfile.Parsed) -> dict:
    """The file report's (row, column, message) as API field names: members[i].<field>."""
    by_label = {str(column.header): column.key for column in listfile.COLUMNS}
    found = {}
    for error in parsed.errors:
        key = by_label.get(error.column, error.column or "members")
        key = API_NAMES.get(key, key)
        shared = key in ("household_code", "category", "ward_code", "year", "head_name", "village")
        name = key if shared or error.row is None else f"members.{error.row - 1}.{key}"
        found.setdefault(name, error.message)
    return found
