"""POST /api/v1/fairs/{id}/registrations: a job seeker registered for a fair.

Without a token: online registration (published or open fair with room). A new registration answers
201 with its ticket. The same person again for the same fair answers 200 `{"already_registered":
true, "phone_hint": "…678"}` and nothing else: no ticket, no personal data, nothing stored changes
(what differs from the record is kept as a pending change for staff or the person to confirm). A
citizen ID held under another name is a 422 on citizen_id with one message that does not say so.
Limits: per address (generous), per phone, per citizen ID, and per address for refused citizen IDs.

With a staff token (admin, organiser of the fair's ward, gate): a staff registration, or a walk-in
with "channel": "walk_in"; capacity is not enforced; the person's record is brought up to date,
audited with before and after; the same person again answers 200 with the same registration and its
ticket; a citizen ID held under another name is a 409 citizen_id_conflict, settled at the desk.
Bad input: 422 with a translated message per field."""

from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from fairapp.attendees import services
from fairapp.attendees.limits import count_refusal, registration_limits
from fairapp.attendees.models import (
    Attendee,
    Channel,
    EducationLevel,
    Gender,
    PriorityGroup,
    PriorityStatus,
    Qualification,
    Situation,
)
from fairapp.attendees.validation import NAME_LENGTH, TEXT_LIMITS
from fairapp.auth.access import public
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.fairs.models import Fair
from fairapp.fairs.services import WardNotAllowed, may_see
from fairapp.ids import Id
from fairapp.tickets.signing import ticket_payload
from fairapp.tickets.views import ticket_url
from fairapp.views import acting_user

blp = Blueprint(
    "api_registrations", __name__, url_prefix="/fairs", description="Registering job seekers for a fair"
)
STAFF_ROLES = (Role.ADMIN, Role.ORGANISER, Role.GATE)


def _required(name):
    message = _l("%(field)s: bắt buộc.", field=name)
    return {"required": message, "null": message}


def _text(name, length, **kwargs):
    return fields.Str(
        validate=validate.Length(max=length, error=_l("%(field)s: dài tối đa {max} ký tự.", field=name)),
        error_messages={
            "invalid": _l("%(field)s: phải là chuỗi ký tự.", field=name),
            **kwargs.pop("error_messages", {}),
        },
        **kwargs,
    )


class RegistrationSchema(Schema):
    full_name = _text("full_name", NAME_LENGTH, required=True, error_messages=_required("full_name"))
    phone = _text(
        "phone",
        30,
        required=True,
        error_messages=_required("phone"),
        metadata={"description": "Vietnamese mobile, any common spelling (0912345678, +84 912…)"},
    )
    birth_year = fields.Int(
        required=True,
        error_messages={**_required("birth_year"), "invalid": _l("birth_year: phải là số nguyên.")},
    )
    birth_date = _text(
        "birth_date", 10, allow_none=True, metadata={"description": "YYYY-MM-DD (or dd/mm/yyyy), optional"}
    )
    gender = fields.Str(
        required=True,
        error_messages=_required("gender"),
        metadata={"description": "male or female", "enum": [g.value for g in Gender]},
    )
    ward_code = _text("ward_code", 10, required=True, error_messages=_required("ward_code"))
    priority_group = fields.Str(
        load_default="none",
        metadata={
            "description": "none, poor, near_poor, escaped_poverty",
            "enum": [p.value for p in PriorityGroup],
        },
    )
    household_code = _text("household_code", TEXT_LIMITS["household_code"], allow_none=True)
    citizen_id = _text(
        "citizen_id",
        20,
        allow_none=True,
        metadata={"description": "12 digits, optional; must agree with birth year and sex"},
    )
    education_level = fields.Str(allow_none=True, metadata={"enum": [e.value for e in EducationLevel]})
    qualification = fields.Str(allow_none=True, metadata={"enum": [q.value for q in Qualification]})
    situation = fields.Str(allow_none=True, metadata={"enum": [s.value for s in Situation]})
    address = _text("address", TEXT_LIMITS["address"], allow_none=True)
    desired_jobs = _text("desired_jobs", TEXT_LIMITS["desired_jobs"], allow_none=True)
    desired_vacancy_ids = fields.List(
        Id(), allow_none=True, metadata={"description": "ids of vacancies offered at this fair"}
    )
    wants_training = fields.Bool(load_default=False)
    training_wish = _text("training_wish", TEXT_LIMITS["training_wish"], allow_none=True)
    consent_personal_data = fields.Bool(required=True, error_messages=_required("consent_personal_data"))
    consent_share_with_employers = fields.Bool(load_default=False)
    channel = fields.Str(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(["staff", "walk_in"], error=_l("channel: staff hoặc walk_in.")),
        metadata={"description": "staff tokens only: staff (default) or walk_in"},
    )


class TicketSchema(Schema):
    qr_payload = fields.Str(required=True)
    url = fields.Str(required=True, metadata={"description": "The personal ticket page"})


class RegistrationOutSchema(Schema):
    registration_id = fields.Int(required=True)
    attendee_id = fields.Int(required=True)
    fair_id = fields.Int()
    channel = fields.Str()
    created = fields.Bool(metadata={"description": "false: the person was already registered"})
    ticket = fields.Nested(TicketSchema, required=True)
    already_registered = fields.Bool(metadata={"description": "true: the same person again (staff)"})
    priority_status = fields.Str(
        validate=validate.OneOf([status.value for status in PriorityStatus]),
        metadata={
            "description": "Staff only: verified (on the ward's household list, same group), self_declared "
            "(not found) or conflict (the list gives another group: to settle at the desk)"
        },
    )


class AlreadyRegisteredSchema(Schema):
    already_registered = fields.Bool(required=True, metadata={"description": "always true"})
    phone_hint = fields.Str(
        required=True, metadata={"description": "The last three digits of the phone on file, e.g. \u2026678"}
    )


def _staff():
    """The signed-in staff member (token or scanner session), or None for the public."""
    if current_user.is_authenticated and current_user.role in STAFF_ROLES:
        return acting_user()
    return None


DESCRIPTION = """Register a job seeker for the fair.

**Without a token** (online, public): a new registration answers 201 with its ticket. The same person
again for the same fair answers 200 `{"already_registered": true, "phone_hint": "…678"}`: no ticket,
no personal data, nothing stored changes (differences from the record wait for staff or the person
to confirm them); the ticket is found again through "Lost your ticket?" or at the desk. A citizen ID
held under another name is refused as a 422 on `citizen_id` that does not say why. Limits: per
address (at least 600 a minute), per phone, per citizen ID.

**With a staff token** (admin, organiser of the fair's ward, gate): `channel` staff (default) or
walk_in, capacity not enforced, the record brought up to date (audited); the same person again
answers 200 with the same registration and its ticket; a citizen ID held under another name is a
409 `citizen_id_conflict`, to settle at the registration desk."""


@blp.route("/<int:fair_id>/registrations", methods=["POST"])
@registration_limits("api-register", exempt_when=lambda: _staff() is not None)
@blp.arguments(RegistrationSchema())  # an instance: not built again for every request
@blp.response(201, RegistrationOutSchema, description="Registered: the new registration and its ticket")
@blp.alt_response(
    200,
    schema=AlreadyRegisteredSchema,
    description="Already registered. Without a token: this, and nothing more. With a "
    "staff token: the same registration and its ticket, as for 201",
)
@blp.alt_response(
    403, description="A staff token for a fair outside the organiser's wards (`ward_not_allowed`)"
)
@blp.alt_response(404, description="No such fair, or not open for registration (`not_found`)")
@blp.alt_response(
    409,
    description="The fair takes no registrations now (`fair_closed`, `fair_full`, …); with a staff token, a "
    "citizen ID held under another name (`citizen_id_conflict`)",
)
@blp.alt_response(
    429, description="Too many registrations from this address, phone or citizen ID (`rate_limited`)"
)
@blp.doc(security=[{}, {"bearer": []}], description=DESCRIPTION)  # anyone; a staff token registers as staff
@public
def create_registration(payload: dict, fair_id: int):
    """Register a job seeker."""
    from fairapp.extensions import db

    staff = _staff()
    channel = Channel.ONLINE
    if staff is not None:
        fair = db.session.get(Fair, fair_id)
        if fair is not None and not may_see(staff, fair):
            raise WardNotAllowed()
        channel = Channel(payload.get("channel") or "staff")
    payload.pop("channel", None)
    try:
        outcome = services.register(fair_id, payload, channel=channel, by=staff, origin=request_origin())
    except DomainError as error:
        count_refusal(error)
        raise
    registration = outcome.registration
    if registration is None:  # the public, already registered: no ticket, nothing about the person
        return jsonify(
            AlreadyRegisteredSchema().dump({"already_registered": True, "phone_hint": outcome.phone_hint})
        ), 200
    body = {
        "registration_id": registration.id,
        "attendee_id": registration.attendee_id,
        "fair_id": registration.fair_id,
        "channel": registration.channel.value,
        "created": outcome.created,
        "ticket": {
            "qr_payload": ticket_payload(registration),
            "url": ticket_url(registration, absolute=True),
        },
    }
    if not outcome.created:
        body["already_registered"] = True
    if staff is not None:  # whether the household list holds the person: for staff only (never a probe)
        attendee = db.session.get(Attendee, registration.attendee_id)
        body["priority_status"] = attendee.priority_status.value
    return body, 201 if outcome.created else 200
