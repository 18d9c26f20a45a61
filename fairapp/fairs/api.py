"""Fair endpoints of the API: create, list, read, and the status actions.

Same rules as the pages (fairapp.fairs.services); times are ISO 8601 with an offset in and out
(answers use Vietnam's +07:00). A clash with another fair answers 409 with the clashes listed,
unless the request says "force": true."""

from flask import Response, jsonify
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from fairapp.auth.access import STAFF, roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import json_error
from fairapp.fairs import services
from fairapp.fairs.models import FairStatus
from fairapp.ids import bounded_int

blp = Blueprint("api_fairs", __name__, url_prefix="/fairs", description="Job fairs")

READERS = (Role.ADMIN, Role.ORGANISER, Role.GATE)
# Service field names → the API's own names
FIELD_NAMES = {"venue_name": "venue"}


def _required(name):
    message = _l("%(field)s: bắt buộc.", field=name)
    return {"required": message, "null": message}


def _when(name):
    return fields.AwareDateTime(
        required=True,
        format="iso",
        error_messages={
            **_required(name),
            "invalid": _l(
                "%(field)s: cần ngày giờ ISO 8601 có múi giờ, ví dụ 2026-03-07T07:30:00+07:00.", field=name
            ),
            "invalid_awareness": _l("%(field)s: cần ghi rõ múi giờ, ví dụ +07:00.", field=name),
        },
    )


def _text(name, length, *, error_messages=None, **kwargs):
    messages = {"invalid": _l("%(field)s: phải là chuỗi ký tự.", field=name), **(error_messages or {})}
    return fields.Str(
        validate=validate.Length(max=length, error=_l("%(field)s: dài tối đa {max} ký tự.", field=name)),
        error_messages=messages,
        **kwargs,
    )


class FairCreateSchema(Schema):
    title = _text("title", 200, required=True, error_messages=_required("title"))
    ward_code = _text(
        "ward_code",
        10,
        required=True,
        error_messages=_required("ward_code"),
        metadata={"description": "Five-digit ward or commune code, e.g. 05528"},
    )
    venue = _text(
        "venue",
        200,
        allow_none=True,
        load_default=None,
        metadata={"description": "Venue name; required before publishing"},
    )
    venue_address = _text("venue_address", 300, allow_none=True, load_default=None)
    directions = _text("directions", 2000, allow_none=True, load_default=None)
    description = _text("description", 5000, allow_none=True, load_default=None)
    contact_name = _text("contact_name", 200, allow_none=True, load_default=None)
    contact_phone = _text("contact_phone", 20, allow_none=True, load_default=None)
    starts_at = _when("starts_at")
    ends_at = _when("ends_at")
    capacity = bounded_int(
        allow_none=True,
        load_default=None,
        strict=True,
        error_messages={"invalid": _l("capacity: phải là số nguyên.")},
        metadata={"description": "Positive; null for no limit"},
    )
    force = fields.Bool(load_default=False, metadata={"description": "Save despite clashes"})


class CancelSchema(Schema):
    reason = _text("reason", 1000, required=True, error_messages=_required("reason"))


class FairQuerySchema(Schema):
    ward_code = _text("ward_code", 10)
    status = fields.Str(
        validate=validate.OneOf([s.value for s in FairStatus], error=_l("status: một trong {choices}."))
    )


class FairSchema(Schema):
    id = fields.Int(required=True)
    status = fields.Str(required=True, metadata={"description": "draft, published, open, closed, cancelled"})
    title = fields.Str(required=True)
    ward_code = fields.Str(required=True)
    ward_name = fields.Str()
    venue = fields.Str(allow_none=True)
    venue_address = fields.Str(allow_none=True)
    directions = fields.Str(allow_none=True)
    starts_at = fields.AwareDateTime(format="iso")
    ends_at = fields.AwareDateTime(format="iso")
    capacity = fields.Int(allow_none=True)
    description = fields.Str(allow_none=True)
    contact_name = fields.Str(allow_none=True)
    contact_phone = fields.Str(allow_none=True)
    cancel_reason = fields.Str(allow_none=True)
    series_id = fields.Int(allow_none=True)


class FairStatusSchema(Schema):
    id = fields.Int(required=True)
    status = fields.Str(required=True)


class FairListSchema(Schema):
    items = fields.List(fields.Nested(FairSchema), required=True)


def _out(fair) -> dict:
    return {
        "id": fair.id,
        "status": fair.status.value,
        "title": fair.title,
        "ward_code": fair.ward_code,
        "ward_name": fair.ward.name if fair.ward else None,
        "venue": fair.venue_name,
        "venue_address": fair.venue_address,
        "directions": fair.directions,
        "starts_at": services.to_local(fair.starts_at),
        "ends_at": services.to_local(fair.ends_at),
        "capacity": fair.capacity,
        "description": fair.description,
        "contact_name": fair.contact_name,
        "contact_phone": fair.contact_phone,
        "cancel_reason": fair.cancel_reason,
        "series_id": fair.series_id,
    }


def _conflict_answer(error: services.FairConflict) -> Response:
    """A finished response, so flask-smorest does not pass it through the success schema."""
    body, status = json_error(409, error.code, error.message)
    body["error"]["conflicts"] = [
        {
            **c,
            "starts_at": services.to_local(c["starts_at"]).isoformat(),
            "ends_at": services.to_local(c["ends_at"]).isoformat(),
        }
        for c in error.conflicts
    ]
    response = jsonify(body)
    response.status_code = status
    return response


def _renamed(error: services.DomainError) -> services.DomainError:
    error.fields = {FIELD_NAMES.get(name, name): message for name, message in error.fields.items()}
    return error


@blp.route("")
class Fairs(MethodView):
    @blp.arguments(FairQuerySchema, location="query")
    @blp.response(200, FairListSchema)
    @roles(*READERS)
    def get(self, args):
        """Fairs the caller may see (organisers: their wards), soonest first."""
        filters = services.FairFilter(
            ward_code=args.get("ward_code") or None,
            status=FairStatus(args["status"]) if args.get("status") else None,
        )
        fairs = services.list_fairs(current_user, filters)
        return {"items": [_out(fair) for fair in fairs]}

    @blp.arguments(FairCreateSchema)
    @blp.response(201, FairSchema)
    @blp.alt_response(409, description="Clashes with other fairs (code `conflict`, list in `conflicts`)")
    @blp.alt_response(403, description="Ward outside the organiser's (code `ward_not_allowed`)")
    @roles(*STAFF)
    def post(self, args):
        """Create a draft fair. Errors: end_before_start, start_in_past, capacity_not_positive,
        unknown_ward, title_required (422), ward_not_allowed (403), conflict (409)."""
        venue = args.pop("venue")
        try:
            fair = services.create_fair(by=current_user, venue_name=venue, origin=request_origin(), **args)
        except services.FairConflict as error:
            return _conflict_answer(error)
        except services.DomainError as error:
            raise _renamed(error) from None
        return _out(fair)


@blp.route("/<int:fair_id>")
class FairItem(MethodView):
    @blp.response(200, FairSchema)
    @roles(*READERS)
    def get(self, fair_id):
        """One fair (organisers: only in their wards)."""
        return _out(services.get_fair_for(current_user, fair_id))


def _action(name: str, service, *, with_reason: bool = False):
    def post(self, *args, fair_id):
        body = args[0] if args else {}
        fair = services.get_fair_for(current_user, fair_id)
        extra = {"reason": body["reason"]} if with_reason else {}
        try:
            fair = service(fair, by=current_user, origin=request_origin(), **extra)
        except services.FairConflict as error:
            return _conflict_answer(error)
        except services.DomainError as error:
            raise _renamed(error) from None
        return {"id": fair.id, "status": fair.status.value}

    post.__name__ = "post"
    post.__doc__ = {
        "publish": "draft → published (needs a venue: venue_required).",
        "open": "published → open by hand (it also opens by itself at its start).",
        "close": "open → closed by hand (it also closes by itself at its end).",
        "cancel": "draft, published or open → cancelled, with a reason.",
    }[name] + " Errors: invalid_transition, fair_read_only (409), ward_not_allowed (403)."
    decorated = roles(*STAFF)(post)
    decorated = blp.alt_response(409, description="invalid_transition or fair_read_only")(decorated)
    decorated = blp.response(200, FairStatusSchema)(decorated)
    if with_reason:
        decorated = blp.arguments(CancelSchema)(decorated)
    view = type(f"Fair{name.title()}", (MethodView,), {"post": decorated})
    blp.route(f"/<int:fair_id>/{name}")(view)


_action("publish", services.publish_fair)
_action("open", services.open_fair)
_action("close", services.close_fair)
_action("cancel", services.cancel_fair, with_reason=True)
