"""API meta endpoints: who am I (checks a token)."""

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from fairapp.auth.access import signed_in

blp = Blueprint("api_meta", __name__, url_prefix="", description="Account behind the token")


class MeSchema(Schema):
    id = fields.Int(required=True)
    full_name = fields.Str(required=True)
    role = fields.Str(required=True)
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    ward_codes = fields.List(fields.Str())


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    @signed_in
    def get(self):
        """The account the request is authenticated as."""
        user = current_user
        return {
            "id": user.id,
            "full_name": user.full_name,
            "role": user.role.value,
            "email": user.email,
            "phone": user.phone,
            "ward_codes": sorted(user.ward_codes),
        }
