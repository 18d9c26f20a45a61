"""Check-in endpoints of the API, for admins, organisers (fairs of their wards) and gate staff.

    POST /api/v1/checkins                 one scan → {result, checked_in_at?, attendee?, scan_id}
    POST /api/v1/checkins/sync            an offline device's queue → {results: [{scan_id, result}]}
    GET  /api/v1/fairs/{id}/scanner-data  what a scanner needs to verify offline
    POST /api/v1/devices                  register this browser as a scanner → 201 {device_id, token}
    POST /api/v1/devices/{id}/revoke      an organiser or admin revokes a device

A check-in's `result` is a fact about the scan, so every result answers 200; 400 only for a request that
is not the documented shape.

One path: the scanner page (its device token), an API client (an account's token, X-Device-Id naming
its device) and an offline device's upload all reach services.check_in, in the request's one
transaction (fairapp.transactions). A revoked device is refused with 401 `device_revoked` anywhere in
the application, whether its token or its X-Device-Id names it (checked against the database on
every such request)."""

from dataclasses import dataclass
from datetime import datetime

from flask import g, request, session
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from fairapp.api.fields import MAX_TIME_LENGTH
from fairapp.api.fields import bad as _bad
from fairapp.api.fields import body as _body
from fairapp.api.fields import integer as _int
from fairapp.api.fields import moment as _time
from fairapp.api.fields import text as _text
from fairapp.auth.access import roles, signed_in
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.checkins import devices, services
from fairapp.checkins.models import Device
from fairapp.checkins.scanner_data import scanner_data
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair
from fairapp.fairs.services import FairState
from fairapp.ids import Id
from fairapp.modelbase import utcnow
from fairapp.transactions import write_point

blp = Blueprint("api_checkins", __name__, url_prefix="", description="Check-in at the entrance, devices")

SCANNERS = (Role.ADMIN, Role.ORGANISER, Role.GATE)
MAX_SYNC_SCANS = 500
MAX_GATE_LENGTH = 50
MAX_DEVICE_NAME_LENGTH = 100


# --- Documentation schemas (the bodies are read by hand: a malformed request is 400, never 422) ---------


def _up_to(length: int, **kwargs):
    """A documented string of at most `length` characters (what _text and _time accept)."""
    return fields.Str(validate=validate.Length(max=length), **kwargs)


class CheckInRequestSchema(Schema):
    fair_id = Id(required=True)
    qr_payload = fields.Str(
        required=True,
        metadata={
            "description": "The scanned text, as read: any text (what is not a ticket answers `invalid`)"
        },
    )
    scan_id = _up_to(
        services.MAX_SCAN_ID_LENGTH,
        metadata={
            "description": "Client id of this scan; a repeat by the same account for the same fair gets "
            "the first answer, anyone else's is a scan of its own"
        },
    )
    gate = _up_to(MAX_GATE_LENGTH, metadata={"description": "Which entrance"})
    scanned_at = _up_to(MAX_TIME_LENGTH, metadata={"description": "Device time, ISO 8601 with offset"})


class AttendeeOutSchema(Schema):
    registration_id = fields.Int()
    name = fields.Str()
    priority = fields.Bool(metadata={"description": "A priority household (poor, near-poor, escaped)"})


class CheckInResponseSchema(Schema):
    result = fields.Str(
        required=True,
        metadata={"description": "ok, already_checked_in, invalid, wrong_fair, revoked or fair_not_open"},
    )
    scan_id = fields.Str()
    checked_in_at = fields.Str(metadata={"description": "ISO 8601, when admitted or first admitted"})
    attendee = fields.Nested(AttendeeOutSchema)
    flagged = fields.Bool()


class SyncScanSchema(Schema):
    scan_id = _up_to(services.MAX_SCAN_ID_LENGTH, required=True)
    fair_id = Id(required=True)
    qr_payload = fields.Str(required=True)
    scanned_at = _up_to(MAX_TIME_LENGTH, required=True)


class SyncRequestSchema(Schema):
    device_id = _up_to(
        devices.MAX_PUBLIC_ID_LENGTH, required=True, metadata={"description": "From POST /api/v1/devices"}
    )
    sent_at = _up_to(
        MAX_TIME_LENGTH, metadata={"description": "The device's clock at upload: measures its skew"}
    )
    scans = fields.List(fields.Nested(SyncScanSchema), required=True)


class SyncResultSchema(Schema):
    scan_id = fields.Str()
    result = fields.Str()


class SyncResponseSchema(Schema):
    results = fields.List(fields.Nested(SyncResultSchema))


class DeviceRequestSchema(Schema):
    name = _up_to(MAX_DEVICE_NAME_LENGTH, metadata={"description": "e.g. the phone's owner or model"})
    gate = _up_to(MAX_GATE_LENGTH)


class DeviceResponseSchema(Schema):
    device_id = fields.Str(required=True)
    token = fields.Str(
        required=True,
        metadata={
            "description": "The device's own credential, given once: send it as `Authorization: Bearer` "
            "(no cookie, no CSRF token) until the device is revoked"
        },
    )
    name = fields.Str(allow_none=True)
    gate = fields.Str(allow_none=True)


class ScannerFairSchema(Schema):
    id = fields.Int(required=True)
    title = fields.Str(required=True)
    status = fields.Str(required=True)
    starts_at = fields.Str(required=True, metadata={"description": "ISO 8601"})
    ends_at = fields.Str(required=True, metadata={"description": "ISO 8601"})


class SigningKeySchema(Schema):
    algorithm = fields.Str(required=True)
    key_id = fields.Str(required=True)
    public_key = fields.Str(required=True, metadata={"description": "Raw Ed25519 key, base64url"})
    payload_version = fields.Str(required=True)


class RevokedTicketSchema(Schema):
    registration_id = fields.Int(required=True)
    nonce = fields.Str(required=True)


class VerificationDataSchema(Schema):
    """What any scanner needs to verify a fair's tickets offline (fairapp.checkins.scanner_data)."""

    fair = fields.Nested(ScannerFairSchema, required=True)
    generated_at = fields.Str(required=True, metadata={"description": "ISO 8601"})
    key = fields.Nested(SigningKeySchema, required=True)
    public_key = fields.Str(required=True, metadata={"description": "The same as key.public_key"})
    key_id = fields.Str(required=True, metadata={"description": "The same as key.key_id"})
    revocations = fields.List(fields.Nested(RevokedTicketSchema), required=True)


class ScannerRegistrationSchema(Schema):
    registration_id = fields.Int(required=True)
    name = fields.Str(required=True)
    priority = fields.Bool(required=True, metadata={"description": "A priority household"})


class ScannerDataSchema(VerificationDataSchema):
    registrations = fields.List(fields.Nested(ScannerRegistrationSchema), required=True)
    checked_in = fields.List(fields.Int(), required=True, metadata={"description": "Registration ids"})


class RevokedDeviceSchema(Schema):
    id = fields.Int(required=True)
    device_id = fields.Str(required=True)
    revoked_at = fields.Str(required=True, metadata={"description": "ISO 8601"})


# --- The device rule, for every request -----------------------------------------------------------------


def refuse_revoked_devices():
    """Before every request (registered in create_app): a request naming a revoked device with
    X-Device-Id is refused, one indexed lookup; the device found is kept for request_device()."""
    public_id = request.headers.get(devices.HEADER)
    if not public_id:
        return
    device = devices.find_device(public_id)
    if device is not None and device.revoked_at is not None:
        _refuse_revoked()
    g.named_device = device


def _refuse_revoked():
    """Revoking a device signs it out: the session goes with the refusal, so the browser cannot simply
    register itself again without someone signing in anew."""
    logout_user()
    session.clear()
    raise devices.DeviceRevoked()


def request_device() -> Device | None:
    """The device this request comes from: the one whose token signed it in (fairapp.auth.session), else
    the one X-Device-Id names, which must be the signed-in user's; None when none is named."""
    device = g.get("device")
    if device is not None:
        return device
    if not request.headers.get(devices.HEADER):
        return None
    device = g.get("named_device")
    if device is None:
        raise devices.DeviceUnknown()
    if device.user_id != current_user.id:
        raise devices.DeviceNotYours()
    return device


def _fair(fair_id: int) -> Fair:
    """The fair, if the user may scan for it: NotFound, or WardNotAllowed for an organiser elsewhere."""
    return fair_services.get_fair_for(current_user, fair_id)


# --- Answers -------------------------------------------------------------------------------------------


def answer(outcome: services.ScanOutcome) -> dict:
    """The JSON for one scan."""
    body = {"result": outcome.result, "scan_id": outcome.scan_id, "flagged": outcome.flagged}
    if outcome.checked_in_at is not None:
        body["checked_in_at"] = outcome.checked_in_at.isoformat()
    if outcome.registration_id is not None and outcome.name is not None:
        body["attendee"] = {
            "registration_id": outcome.registration_id,
            "name": outcome.name,
            "priority": outcome.priority,
        }
    return body


# --- Routes --------------------------------------------------------------------------------------------


@blp.route("/checkins")
class CheckIns(MethodView):
    @blp.doc(
        requestBody={"required": True, "content": {"application/json": {"schema": CheckInRequestSchema}}},
        responses={
            "200": {
                "description": "The scan's result",
                "content": {"application/json": {"schema": CheckInResponseSchema}},
            },
            "404": {"description": "No such fair (`not_found`)"},
        },
    )
    @roles(*SCANNERS)
    def post(self):
        """Check in one scanned ticket. Every result answers 200; a scan_id repeated by the same account
        for the same fair gets the first answer."""
        scan = read_scan(_body())
        user = current_user._get_current_object()
        fair = services.fair_gate(user, scan.fair_id)
        return check_in_answer(scan, fair, user, request_device(), request_origin())


@dataclass(frozen=True)
class ScanRequest:
    """A POST /api/v1/checkins body, checked."""

    fair_id: int
    payload: str
    scan_id: str | None
    gate: str | None
    scanned_at: datetime | None


def read_scan(body: dict) -> ScanRequest:
    """The body's fields, or BadRequest naming the first one that is not as documented."""
    fair_id = _int(body, "fair_id")
    payload = body.get("qr_payload")
    if not isinstance(payload, str):
        raise _bad("qr_payload", _l("%(field)s: bắt buộc, là chuỗi ký tự.", field="qr_payload"))
    scan_id = _text(body, "scan_id", services.MAX_SCAN_ID_LENGTH)
    gate = _text(body, "gate", MAX_GATE_LENGTH)
    return ScanRequest(fair_id, payload, scan_id or None, gate or None, _time(body, "scanned_at"))


def check_in_answer(scan: ScanRequest, fair: FairState, user, device: Device | None, origin) -> dict:
    """The work of one check-in request: the scan, then the device's last use."""
    outcome = services.check_in(
        fair,
        scan.payload,
        by=user,
        device=device,
        scan_id=scan.scan_id,
        gate=scan.gate or getattr(device, "gate", None),
        scanned_at=scan.scanned_at,
        origin=origin,
    )
    if device is not None:
        devices.touch(device)
    return answer(outcome)


@blp.route("/checkins/sync")
class CheckInSync(MethodView):
    @blp.doc(
        requestBody={"required": True, "content": {"application/json": {"schema": SyncRequestSchema}}},
        responses={
            "200": {
                "description": "One result per scan, in order",
                "content": {"application/json": {"schema": SyncResponseSchema}},
            },
            "404": {"description": "A scan's fair does not exist (`not_found`)"},
        },
    )
    @roles(*SCANNERS)
    def post(self):
        """Upload scans made offline. Replaying a batch changes nothing (scan ids are kept)."""
        body = _body()
        public_id = _text(body, "device_id", devices.MAX_PUBLIC_ID_LENGTH, required=True)
        sent_at = _time(body, "sent_at")
        items = body.get("scans")
        if not isinstance(items, list) or len(items) > MAX_SYNC_SCANS:
            raise _bad(
                "scans",
                _l("%(field)s: danh sách, tối đa %(limit)s lượt quét.", field="scans", limit=MAX_SYNC_SCANS),
            )
        scans = [_sync_item(item, index) for index, item in enumerate(items)]
        device = g.get("device") or devices.find_device(public_id)
        if device is None or device.public_id != public_id:
            raise devices.DeviceUnknown()
        if device.revoked_at is not None:
            raise devices.DeviceRevoked()
        if device.user_id != current_user.id:
            raise devices.DeviceNotYours()
        user = current_user._get_current_object()
        fairs = {fair_id: services.fair_gate(user, fair_id) for fair_id in {s["fair_id"] for s in scans}}
        origin, now = request_origin(), utcnow()
        skew = (sent_at - now) if sent_at is not None else None
        write_point()  # a batch may admit: its transaction is durable from the start
        results = [
            {
                "scan_id": s["scan_id"],
                "result": services.check_in(
                    fairs[s["fair_id"]],
                    s["qr_payload"],
                    by=user,
                    device=device,
                    scan_id=s["scan_id"],
                    gate=device.gate,
                    scanned_at=s["scanned_at"],
                    source=services.OFFLINE,
                    now=now,
                    device_skew=skew,
                    origin=origin,
                ).result,
            }
            for s in scans
        ]
        devices.touch(device)  # after the scans: written in their write transaction
        return {"results": results}


def _sync_item(item, index: int) -> dict:
    field = f"scans.{index}"
    if not isinstance(item, dict):
        raise _bad(field, _l("%(field)s: phải là một đối tượng JSON.", field=field))
    payload = item.get("qr_payload")
    if not isinstance(payload, str):
        raise _bad(f"{field}.qr_payload", _l("%(field)s: bắt buộc, là chuỗi ký tự.", field="qr_payload"))
    return {
        "scan_id": _text(
            item, "scan_id", services.MAX_SCAN_ID_LENGTH, required=True, field=f"{field}.scan_id"
        ),
        "fair_id": _int(item, "fair_id", field=f"{field}.fair_id"),
        "qr_payload": payload,
        "scanned_at": _time(item, "scanned_at", required=True, field=f"{field}.scanned_at"),
    }


@blp.route("/fairs/<int:fair_id>/scanner-data")
class ScannerData(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "What a scanner keeps to verify offline",
                "content": {"application/json": {"schema": ScannerDataSchema}},
            }
        }
    )
    @roles(*SCANNERS)
    def get(self, fair_id: int):
        """Everything a scanner needs to verify this fair's tickets offline: the public key, the
        revocation list, the registrations (display name and a priority marker only) and who is in."""
        fair = _fair(fair_id)
        return scanner_data(fair)


@blp.route("/devices")
class Devices(MethodView):
    @blp.doc(
        requestBody={"content": {"application/json": {"schema": DeviceRequestSchema}}},
        responses={
            "201": {
                "description": "The new device",
                "content": {"application/json": {"schema": DeviceResponseSchema}},
            }
        },
    )
    @signed_in  # any account scans somewhere: gate staff at the entrance, employers at their booth
    def post(self):
        """Register this browser as a scanner of the signed-in user; keep device_id and send it as
        X-Device-Id (and in sync uploads)."""
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        name = _text(body, "name", MAX_DEVICE_NAME_LENGTH)
        gate = _text(body, "gate", MAX_GATE_LENGTH)
        device, token = devices.register_device(current_user, name=name, gate=gate, origin=request_origin())
        return {"device_id": device.public_id, "token": token, "name": device.name, "gate": device.gate}, 201


@blp.route("/devices/<int:device_id>/revoke")
class DeviceRevoke(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "The device, revoked",
                "content": {"application/json": {"schema": RevokedDeviceSchema}},
            }
        }
    )
    @roles(Role.ADMIN, Role.ORGANISER)
    def post(self, device_id: int):
        """Revoke a device: its next request is refused with 401 device_revoked."""
        device = devices.revoke_device(device_id, by=current_user, origin=request_origin())
        return {"id": device.id, "device_id": device.public_id, "revoked_at": device.revoked_at.isoformat()}
