"""Booth endpoints of the API, for employers and schools at their own booth, and organisers (fairs of
their wards) and admins helping them.

    POST /api/v1/fairs/{id}/booth-scans        a ticket scanned at a booth → the candidate card
    POST /api/v1/fairs/{id}/interviews         record (or update) → 201 {id} (200 for an update)
    GET  /api/v1/fairs/{id}/interviews         the records the caller may see, with their cards
    POST /api/v1/fairs/{id}/interviews/sync    a booth device's offline queue → {results}
    POST /api/v1/fairs/{id}/referrals          send a person on to another booth of the fair
    GET  /api/v1/fairs/{id}/booth-data         what the booth's page needs offline (no person)

The booth page sends these with its device token (fairapp.checkins.devices), as the gate scanner
does. An employer never gets a priority group, household code, citizen ID, phone or address: the
answers are built from cards (fairapp.interviews.card), which never read them."""

from datetime import date

from flask import g, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from fairapp.api.fields import BadRequest, bad, body, integer, moment, text
from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.booths.models import BoothStatus
from fairapp.checkins import devices
from fairapp.checkins.api import VerificationDataSchema
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.ids import is_id
from fairapp.interviews import card as cards
from fairapp.interviews import consent, listing, services
from fairapp.interviews.booth_data import booth_data
from fairapp.interviews.models import MAX_NOTES_LENGTH, MAX_REFERRAL_NOTE_LENGTH, Interview
from fairapp.links import absolute_url
from fairapp.tickets import qr
from fairapp.transactions import write_point

blp = Blueprint(
    "api_interviews", __name__, url_prefix="", description="At the booth: interviews, counselling"
)

BOOTH_USERS = (Role.ADMIN, Role.ORGANISER, Role.EMPLOYER, Role.SCHOOL)
MAX_SYNC_ITEMS = 200
MAX_PAYLOAD_LENGTH = 512
MAX_PLACE_LENGTH = 200
MAX_TAG_TEXT = 400


# --- Documentation schemas (the bodies are read by hand: a malformed request is 400, never 422) ---------


class InterviewRequestSchema(Schema):
    qr_payload = fields.Str(metadata={"description": "The ticket scanned at the booth (or attendee_id)"})
    attendee_id = fields.Int(
        metadata={"description": "Instead of a scan: a person the booth already recorded or was referred"}
    )
    employer_id = fields.Int(
        metadata={"description": "Staff only: whose booth (an employer's users: their own)"}
    )
    school_id = fields.Int(metadata={"description": "Staff only: whose booth (a school's users: their own)"})
    vacancy_id = fields.Int(metadata={"description": "One of the employer's vacancies offered at this fair"})
    programme_id = fields.Int(metadata={"description": "One of the school's programmes (required to enrol)"})
    outcome = fields.Str(
        required=True,
        validate=validate.OneOf(
            ["interviewed", "shortlisted", "offered", "not_suitable", "counselled", "enrolled"]
        ),
        metadata={
            "description": "Employers: interviewed, shortlisted, offered, not_suitable; schools: "
            "counselled, enrolled"
        },
    )
    rating = fields.Int(validate=validate.Range(1, 5))
    notes = fields.Str(validate=validate.Length(max=MAX_NOTES_LENGTH))
    tags = fields.List(fields.Str(validate=validate.Length(max=30)), validate=validate.Length(max=10))
    next_step_at = fields.DateTime(metadata={"description": "Appointment, ISO 8601 with offset"})
    next_step_place = fields.Str(validate=validate.Length(max=MAX_PLACE_LENGTH))
    intake_date = fields.Date(metadata={"description": "Schools: the intake's date"})
    scan_id = fields.Str(
        validate=validate.Length(max=services.MAX_SCAN_ID_LENGTH),
        metadata={
            "description": "Client id of this entry; sent again by the same account it is the same entry"
        },
    )


class CandidateSchema(Schema):
    """A person as the booth may see them (fairapp.interviews.card): never a phone, citizen ID,
    address, household or priority group."""

    registration_id = fields.Int(required=True)
    attendee_id = fields.Int(required=True)
    ticket_number = fields.Str(required=True)
    shared = fields.Bool(
        required=True, metadata={"description": "The person agreed to share their profile with this booth"}
    )
    checked_in = fields.Bool(required=True)
    name = fields.Str(
        required=True, metadata={"description": "Full name when shared, else the given name's initial"}
    )
    age = fields.Int(allow_none=True)
    gender = fields.Str(allow_none=True)
    gender_label = fields.Str(allow_none=True)
    ward = fields.Str(allow_none=True)
    education = fields.Str(allow_none=True)
    education_label = fields.Str(allow_none=True)
    qualification = fields.Str(allow_none=True)
    qualification_label = fields.Str(allow_none=True)
    desired_jobs = fields.Str(allow_none=True)
    wants_training = fields.Bool(allow_none=True)
    training_wish = fields.Str(allow_none=True)


class InterviewSchema(Schema):
    """A booth's record of a person (interview_json)."""

    id = fields.Int(required=True)
    fair_id = fields.Int(required=True)
    booth_id = fields.Int(required=True)
    employer_id = fields.Int(allow_none=True)
    school_id = fields.Int(allow_none=True)
    registration_id = fields.Int(required=True)
    attendee_id = fields.Int(required=True)
    vacancy_id = fields.Int(allow_none=True)
    programme_id = fields.Int(allow_none=True)
    outcome = fields.Str(required=True)
    rating = fields.Int(allow_none=True)
    notes = fields.Str(allow_none=True)
    tags = fields.List(fields.Str())
    next_step_at = fields.Str(allow_none=True, metadata={"description": "ISO 8601"})
    next_step_place = fields.Str(allow_none=True)
    intake_date = fields.Str(allow_none=True, metadata={"description": "YYYY-MM-DD"})
    not_checked_in = fields.Bool(
        metadata={"description": "Not admitted at the entrance when first seen here"}
    )
    created_at = fields.Str(metadata={"description": "ISO 8601"})
    updated_at = fields.Str(allow_none=True, metadata={"description": "ISO 8601"})
    repeated = fields.Bool(metadata={"description": "The scan_id was sent before: nothing changed"})
    candidate = fields.Nested(CandidateSchema, allow_none=True)


class InterviewListSchema(Schema):
    items = fields.List(fields.Nested(InterviewSchema), required=True)


class ReferrerSchema(Schema):
    booth_id = fields.Int(required=True)
    name = fields.Str(required=True)
    label = fields.Str(allow_none=True)
    note = fields.Str(allow_none=True)


class BoothScanSchema(Schema):
    booth_id = fields.Int(required=True)
    candidate = fields.Nested(CandidateSchema, required=True)
    interview = fields.Nested(
        InterviewSchema, allow_none=True, metadata={"description": "The booth's own record of the person"}
    )
    referred_by = fields.List(fields.Nested(ReferrerSchema), required=True)
    consent_url = fields.Str(metadata={"description": "Without consent: the link the person opens"})
    consent_qr = fields.Str(metadata={"description": "The same link as a QR image (data: URI)"})


class SyncErrorSchema(Schema):
    code = fields.Str(required=True)
    message = fields.Str(required=True)


class InterviewSyncResultSchema(Schema):
    scan_id = fields.Str(required=True)
    result = fields.Str(required=True, metadata={"description": "ok, repeated or refused"})
    id = fields.Int()
    error = fields.Nested(SyncErrorSchema, metadata={"description": "Why it was refused"})


class InterviewSyncSchema(Schema):
    results = fields.List(fields.Nested(InterviewSyncResultSchema), required=True)


class ReferralSchema(Schema):
    id = fields.Int(required=True)
    to_booth_id = fields.Int(required=True)


class BoothSummarySchema(Schema):
    id = fields.Int(required=True)
    kind = fields.Str(required=True, metadata={"description": "employer or school"})
    label = fields.Str(allow_none=True)
    name = fields.Str(required=True)
    employer_id = fields.Int(allow_none=True)
    school_id = fields.Int(allow_none=True)
    status = fields.Str(required=True)


class OfferedVacancySchema(Schema):
    id = fields.Int(required=True)
    title = fields.Str(required=True)


class ProgrammeSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)


class OutcomeChoiceSchema(Schema):
    value = fields.Str(required=True)
    label = fields.Str(required=True)


class OtherBoothSchema(Schema):
    id = fields.Int(required=True)
    label = fields.Str(allow_none=True)
    name = fields.Str(required=True)


class BoothDataSchema(VerificationDataSchema):
    booth = fields.Nested(BoothSummarySchema, required=True)
    vacancies = fields.List(fields.Nested(OfferedVacancySchema), required=True)
    programmes = fields.List(fields.Nested(ProgrammeSchema), required=True)
    outcomes = fields.List(fields.Nested(OutcomeChoiceSchema), required=True)
    booths = fields.List(fields.Nested(OtherBoothSchema), required=True)


def _query_parameter(name: str) -> dict:
    return {"in": "query", "name": name, "required": False, "schema": {"type": "integer", "minimum": 1}}


def _json(schema) -> dict:
    return {"application/json": {"schema": schema}}


def _user():
    return current_user._get_current_object()


def _optional_id(data: dict, name: str, field: str | None = None) -> int | None:
    if data.get(name) is None:
        return None
    return integer(data, name, field)


def _booth(fair, data: dict, prefix: str = ""):
    return services.booth_for(
        _user(),
        fair,
        employer_id=_optional_id(data, "employer_id", prefix + "employer_id"),
        school_id=_optional_id(data, "school_id", prefix + "school_id"),
    )


def _person(fair, booth, data: dict, prefix: str = ""):
    """The registration a request names: by the scanned ticket, or an attendee id the booth knows."""
    payload = data.get("qr_payload")
    if payload is not None:
        if not isinstance(payload, str) or len(payload) > MAX_PAYLOAD_LENGTH:
            raise bad(
                prefix + "qr_payload",
                _l(
                    "%(field)s: chuỗi ký tự, tối đa %(limit)s ký tự.",
                    field="qr_payload",
                    limit=MAX_PAYLOAD_LENGTH,
                ),
            )
        return services.registration_for_scan(fair, payload)
    if data.get("attendee_id") is None:
        raise bad(prefix + "qr_payload", _l("qr_payload hoặc attendee_id: bắt buộc một trong hai."))
    return services.registration_for_attendee(
        booth, integer(data, "attendee_id", prefix + "attendee_id"), by=_user()
    )


def _rating(data: dict, prefix: str) -> int | None:
    value = data.get("rating")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise bad(prefix + "rating", _l("%(field)s: số nguyên từ 1 đến 5.", field="rating"))
    return value


def _day(data: dict, name: str, prefix: str):
    value = data.get(name)
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise bad(prefix + name, _l("%(field)s: ngày dạng YYYY-MM-DD.", field=name)) from None


def _tags(data: dict, prefix: str) -> list[str]:
    value = data.get("tags")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise bad(prefix + "tags", _l("%(field)s: danh sách chuỗi ký tự.", field="tags"))
    return value


def read_recording(data: dict, prefix: str = "") -> services.Recording:
    """A recording's fields in the shapes documented; the rules are services.check's. An optional
    field left out keeps what the booth's record holds; sent as null, it is cleared."""
    outcome = text(data, "outcome", 20, required=True, field=prefix + "outcome")
    return services.Recording(
        outcome=outcome,
        vacancy_id=_optional_id(data, "vacancy_id", prefix + "vacancy_id"),
        programme_id=_optional_id(data, "programme_id", prefix + "programme_id"),
        rating=_rating(data, prefix),
        notes=text(data, "notes", MAX_NOTES_LENGTH, field=prefix + "notes"),
        tags=_tags(data, prefix),
        next_step_at=moment(data, "next_step_at", field=prefix + "next_step_at"),
        next_step_place=text(data, "next_step_place", MAX_PLACE_LENGTH, field=prefix + "next_step_place"),
        intake_date=_day(data, "intake_date", prefix),
        given=frozenset(name for name in services.OPTIONAL_FIELDS if name in data),
    )


def interview_json(interview: Interview, card: cards.Card | None) -> dict:
    return {
        "id": interview.id,
        "fair_id": interview.fair_id,
        "booth_id": interview.booth_id,
        "employer_id": interview.employer_id,
        "school_id": interview.school_id,
        "registration_id": interview.registration_id,
        "attendee_id": interview.attendee_id,
        "vacancy_id": interview.vacancy_id,
        "programme_id": interview.programme_id,
        "outcome": interview.outcome.value,
        "rating": interview.rating,
        "notes": interview.notes,
        "tags": list(interview.tags or []),
        "next_step_at": interview.next_step_at.isoformat() if interview.next_step_at else None,
        "next_step_place": interview.next_step_place,
        "intake_date": interview.intake_date.isoformat() if interview.intake_date else None,
        "not_checked_in": interview.not_checked_in,
        "created_at": interview.created_at.isoformat(),
        "updated_at": interview.updated_at.isoformat() if interview.updated_at else None,
        "candidate": card.labelled() if card is not None else None,
    }


@blp.route("/fairs/<int:fair_id>/booth-scans")
class BoothScans(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "The candidate card as the booth may see it",
                "content": {"application/json": {"schema": BoothScanSchema}},
            }
        }
    )
    @blp.alt_response(
        404, description="No such fair or booth for the caller (`not_found`, `booth_not_found`, …)"
    )
    @blp.alt_response(409, description="The booth is not confirmed (`booth_not_confirmed`)")
    @blp.alt_response(
        422,
        description="Not a ticket of this fair (`invalid`, `wrong_fair`, `revoked`), or a "
        "staff call naming no booth; the field is named",
    )
    @roles(*BOOTH_USERS)
    def post(self, fair_id: int):
        """A ticket scanned at the booth: the candidate card as the booth may see it, the booth's own
        record of the person, who referred them here, and — without consent to share — a consent link
        (and its QR) the person opens on their own phone. Records nothing."""
        data = body()
        fair = services.fair_for(_user(), fair_id)
        booth = _booth(fair, data)
        registration = _person(fair, booth, data)
        card = cards.card(booth, registration)
        own = listing.own_record(booth, registration.id)
        answer = {
            "booth_id": booth.id,
            "candidate": card.labelled(),
            "interview": interview_json(own, None) if own is not None else None,
            "referred_by": listing.referred_by(booth, registration.id),
        }
        if not card.shared:
            url = absolute_url(
                "interviews.consent_page", token=consent.consent_link_token(booth, registration)
            )
            answer["consent_url"] = url
            answer["consent_qr"] = qr.ticket_qr_data_uri(url, box_size=5)
        return answer


@blp.route("/fairs/<int:fair_id>/interviews")
class Interviews(MethodView):
    @blp.doc(
        requestBody={"required": True, "content": _json(InterviewRequestSchema)},
        responses={
            "201": {"description": "A new record", "content": _json(InterviewSchema)},
            "200": {
                "description": "The record updated, or the same entry again",
                "content": _json(InterviewSchema),
            },
        },
    )
    @blp.alt_response(404, description="No such fair, booth or person for the caller")
    @blp.alt_response(409, description="The booth is not confirmed, or the fair not open (`fair_not_open`)")
    @blp.alt_response(422, description="A value the rules refuse; the field is named")
    @roles(*BOOTH_USERS)
    def post(self, fair_id: int):
        """Record what the booth did with a person, or update its record (the history keeps every
        version). A scan_id sent again is the same entry: the same id, nothing changed."""
        data = body()
        booth = services.booth_at(
            _user(),
            fair_id,
            employer_id=_optional_id(data, "employer_id"),
            school_id=_optional_id(data, "school_id"),
        )
        registration = _person(booth.fair, booth, data)
        recording = read_recording(data)
        scan_id = text(data, "scan_id", services.MAX_SCAN_ID_LENGTH) or None
        card = cards.card(booth, registration)  # read before: recording changes nothing it shows
        done = services.record(
            booth,
            registration,
            recording,
            by=_user(),
            scan_id=scan_id,
            checked_in=card.checked_in,
            origin=request_origin(),
        )
        if g.get("device") is not None:
            devices.touch(g.device)
        answer = interview_json(done.interview, card)
        answer["repeated"] = done.repeated
        return answer, 201 if done.created else 200

    @blp.doc(
        responses={
            "200": {
                "description": "The records the caller may see",
                "content": {"application/json": {"schema": InterviewListSchema}},
            }
        }
    )
    @blp.alt_response(
        422, description="A staff call naming both an employer and a school; the field is named"
    )
    @blp.doc(parameters=[_query_parameter("employer_id"), _query_parameter("school_id")])
    @roles(*BOOTH_USERS)
    def get(self, fair_id: int):
        """The records of this fair the caller may see: an employer's or school's own booth's; staff
        every booth's (or one: employer_id / school_id)."""
        fair = services.fair_for(_user(), fair_id)
        user = _user()
        booth = None
        args = request.args
        if user.role in services.HOLDERS or args.get("employer_id") or args.get("school_id"):
            booth = services.booth_for(
                user,
                fair,
                employer_id=_query_id(args, "employer_id"),
                school_id=_query_id(args, "school_id"),
                confirmed=False,
            )
        rows = listing.interviews_of_fair(fair, booth=booth)
        found = listing.cards_of(rows)  # each card as the record's own booth may see it
        return {"items": [interview_json(row, found[row.id]) for row in rows]}


def _query_id(args, name: str) -> int | None:
    value = args.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or not is_id(int(value)):
        raise bad(name, _l("%(field)s: bắt buộc, là số nguyên dương.", field=name))
    return int(value)


@blp.route("/fairs/<int:fair_id>/interviews/sync")
class InterviewSync(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "One result per record, in order",
                "content": {"application/json": {"schema": InterviewSyncSchema}},
            }
        }
    )
    @blp.alt_response(403, description="The device is another account's (`device_not_yours`)")
    @roles(*BOOTH_USERS)
    def post(self, fair_id: int):
        """Upload records made offline at a booth: {device_id, sent_at?, interviews: [{scan_id,
        qr_payload, outcome, …, recorded_at}]} → {results: [{scan_id, result, id?, error?}]}. Each
        item is recorded on its own: one refused (its error's code) does not stop the others; replaying
        a batch changes nothing."""
        data = body()
        public_id = text(data, "device_id", devices.MAX_PUBLIC_ID_LENGTH, required=True)
        items = data.get("interviews")
        if not isinstance(items, list) or len(items) > MAX_SYNC_ITEMS:
            raise bad(
                "interviews",
                _l(
                    "%(field)s: danh sách, tối đa %(limit)s lượt ghi.",
                    field="interviews",
                    limit=MAX_SYNC_ITEMS,
                ),
            )
        device = g.get("device") or devices.find_device(public_id)
        if device is None or device.public_id != public_id:
            raise devices.DeviceUnknown()
        if device.revoked_at is not None:
            raise devices.DeviceRevoked()
        if device.user_id != current_user.id:
            raise devices.DeviceNotYours()
        fair = services.fair_for(_user(), fair_id)
        # The writer's turn before the first item's savepoint: taken inside one (SQLite: COMMIT, then
        # BEGIN IMMEDIATE) it would end the savepoint under the item.
        write_point()
        results = [self._one(fair, item, index) for index, item in enumerate(items)]
        devices.touch(device)
        return {"results": results}

    @staticmethod
    def _one(fair, item, index: int) -> dict:
        prefix = f"interviews.{index}."
        scan_id = item.get("scan_id") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(scan_id, str) or not scan_id:
            raise bad(
                f"interviews.{index}.scan_id", _l("%(field)s: bắt buộc, là chuỗi ký tự.", field="scan_id")
            )
        try:
            with db.session.begin_nested():
                booth = _booth(fair, item, prefix)
                registration = _person(fair, booth, item, prefix)
                recording = read_recording(item, prefix)
                done = services.record(
                    booth,
                    registration,
                    recording,
                    by=_user(),
                    scan_id=text(
                        item, "scan_id", services.MAX_SCAN_ID_LENGTH, required=True, field=prefix + "scan_id"
                    ),
                    source=services.OFFLINE,
                    device_time=moment(item, "recorded_at", field=prefix + "recorded_at"),
                    origin=request_origin(),
                )
        except BadRequest:
            raise
        except DomainError as error:
            return {
                "scan_id": scan_id,
                "result": "refused",
                "error": {"code": error.code, "message": str(error.message)},
            }
        return {"scan_id": scan_id, "result": "repeated" if done.repeated else "ok", "id": done.interview.id}


@blp.route("/fairs/<int:fair_id>/referrals")
class Referrals(MethodView):
    @blp.doc(
        responses={
            "201": {
                "description": "The referral",
                "content": {"application/json": {"schema": ReferralSchema}},
            }
        }
    )
    @blp.alt_response(409, description="The booth is not confirmed (`booth_not_confirmed`)")
    @blp.alt_response(422, description="A referral the rules refuse (`referral_refused`), or not a ticket")
    @roles(*BOOTH_USERS)
    def post(self, fair_id: int):
        """Refer a person the booth met to another booth of the fair: {qr_payload or attendee_id,
        employer_id or school_id (staff), to_booth_id, note?} → 201 {id}."""
        data = body()
        fair = services.fair_for(_user(), fair_id)
        booth = _booth(fair, data)
        registration = _person(fair, booth, data)
        referral = services.refer(
            booth,
            registration,
            integer(data, "to_booth_id"),
            note=text(data, "note", MAX_REFERRAL_NOTE_LENGTH),
            by=_user(),
            origin=request_origin(),
        )
        return {"id": referral.id, "to_booth_id": referral.to_booth_id}, 201


@blp.route("/fairs/<int:fair_id>/booth-data")
class BoothData(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "What the booth page keeps to work offline",
                "content": {"application/json": {"schema": BoothDataSchema}},
            }
        }
    )
    @blp.alt_response(422, description="A staff call naming no booth, or both an employer and a school")
    @blp.doc(
        parameters=[
            _query_parameter("booth_id"),
            _query_parameter("employer_id"),
            _query_parameter("school_id"),
        ]
    )
    @roles(*BOOTH_USERS)
    def get(self, fair_id: int):
        """What a booth's scanner page keeps to work offline: the fair, the signing key and the
        revocation list (to verify tickets), the booth, its vacancies offered here or its programmes,
        the outcomes it may record and the other confirmed booths (for referrals). No registration
        and no person. The booth: ?booth_id=, or (staff) ?employer_id= / ?school_id=, or an
        employer's or school's own."""
        user = _user()
        fair = services.fair_for(user, fair_id)
        booth_id = _query_id(request.args, "booth_id")
        if booth_id is not None:
            booth = services.get_booth(user, booth_id)
            if booth.fair_id != fair.id or booth.status == BoothStatus.CANCELLED:
                raise services.BoothNotFound()
        else:
            booth = services.booth_for(
                user,
                fair,
                employer_id=_query_id(request.args, "employer_id"),
                school_id=_query_id(request.args, "school_id"),
                confirmed=False,
            )
        return booth_data(booth), 200, {"Cache-Control": "no-store, private"}
