"""GET /api/v1/admin-units: the current wards and communes of a province (reference data)."""

from flask import current_app
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from fairapp.auth.access import public
from fairapp.geo import services

blp = Blueprint("api_geo", __name__, url_prefix="", description="Administrative units")


class AdminUnitQuerySchema(Schema):
    province = fields.Int(
        load_default=lambda: current_app.config["HOME_PROVINCE_CODE"],
        validate=validate.Range(min=1, max=999, error=_l("Mã tỉnh/thành phố không hợp lệ.")),
        error_messages={"invalid": _l("Mã tỉnh/thành phố phải là một số.")},
        metadata={"description": "Province code (e.g. 19 for Thái Nguyên); default: the home province"},
    )
    q = fields.Str(
        validate=validate.Length(
            max=services.QUERY_MAX_LENGTH, error=_l("Từ khóa tìm kiếm dài quá {max} ký tự.")
        ),
        metadata={"description": "Only units whose name holds every word (diacritics optional)"},
    )


class AdminUnitSchema(Schema):
    code = fields.Str(required=True, metadata={"description": "Five-digit official code, e.g. 05528"})
    name = fields.Str(required=True, metadata={"description": "e.g. Phường Bách Quang"})
    short_name = fields.Str(metadata={"description": "Name without its kind, e.g. Bách Quang"})
    kind = fields.Str(required=True, metadata={"description": "phuong, xa or dac_khu"})
    province_code = fields.Int(required=True)


class AdminUnitListSchema(Schema):
    items = fields.List(fields.Nested(AdminUnitSchema), required=True)


@blp.route("/admin-units")
class AdminUnits(MethodView):
    @blp.arguments(AdminUnitQuerySchema, location="query")
    @blp.response(200, AdminUnitListSchema)
    @blp.alt_response(404, description="No province with this code (error code `not_found`)")
    @blp.doc(security=[])
    @public
    def get(self, args):
        """All current wards and communes of a province, not paginated.

        Since 1 July 2025 units have two levels: provinces and their wards/communes."""
        return {"items": services.units_of_province(args["province"], args.get("q"))}
