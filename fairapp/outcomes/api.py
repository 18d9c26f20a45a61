"""Hire and follow-up endpoints of the API, for employers (their own company's hires, of people their
booths saw), organisers (people of their wards, or who came to their wards' fairs) and admins.

    POST /api/v1/hires                     record a hire → 201 {id, follow_ups_due, warnings}; the same
                                           hire again (person, employer, start date) → 200, same id
    GET  /api/v1/hires                     the hires the caller may see, a page at a time
    GET  /api/v1/hires/{id}                one hire with its follow-ups
    POST /api/v1/hires/{id}/follow-ups     what a follow-up found → 201 {id, month, outcome, sustainable}
    GET  /api/v1/follow-ups                staff: open follow-ups due (the call list, for integrations)

An employer may record follow-ups of its own hires too (it knows first whether the person still works
there); staff record them for every hire in their scope. An employer never gets a priority group,
citizen ID, phone or address, and gets the person's name only where the person agreed to share it with
the booth that saw them (fairapp.interviews.card); otherwise the initial of the given name.

Bodies and query strings are read by hand (fairapp.api.fields): a request that is not the documented
shape is 400 naming the field; a rule of the domain broken is 422 (403 `not_interviewed`) with the
service's code and the field."""

from datetime import date

import sqlalchemy as sa
from flask import request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from fairapp.api.fields import bad, body, integer, text
from fairapp.attendees.models import Attendee
from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.booths.models import Booth
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.ids import MAX_ID, Id
from fairapp.interviews import card as cards
from fairapp.interviews.models import Interview
from fairapp.modelbase import utcnow
from fairapp.outcomes import services
from fairapp.outcomes.models import (
    EMPLOYED_OUTCOMES,
    MAX_EMPLOYER_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_POSITION_LENGTH,
    ContractType,
    FollowUp,
    FollowUpOutcome,
    Hire,
    HireSource,
    HireStatus,
    LeaveReason,
)

blp = Blueprint("api_outcomes", __name__, url_prefix="", description="Hires and their follow-ups")

HIRERS = (Role.ADMIN, Role.ORGANISER, Role.EMPLOYER)
STAFF = (Role.ADMIN, Role.ORGANISER)
PAGE_SIZE = 50
MAX_PAGE = 10_000
MAX_TAX_CODE_LENGTH = 20  # ten digits, a branch suffix, and the spaces or dots people type
WARD_CODE_LENGTH = 5
MAX_RETRY_DAYS = 60
MAX_MONTH = 120


# --- Documentation schemas (the bodies are read by hand: a malformed request is 400) ------------------


def _up_to(length: int, **kwargs):
    return fields.Str(validate=validate.Length(max=length), allow_none=True, **kwargs)


def _one_of(values, **kwargs):
    return fields.Str(validate=validate.OneOf([value.value for value in values]), allow_none=True, **kwargs)


class HireRequestSchema(Schema):
    attendee_id = Id(required=True, metadata={"description": "The person hired"})
    employer_id = Id(
        allow_none=True,
        metadata={"description": "The employer's account (an employer's users: their own, or left out)"},
    )
    employer_name = _up_to(
        MAX_EMPLOYER_NAME_LENGTH, metadata={"description": "Staff: an employer without an account"}
    )
    tax_code = _up_to(
        MAX_TAX_CODE_LENGTH,
        metadata={
            "description": "Staff: an employer without an account; found among the employers, it is linked"
        },
    )
    vacancy_id = Id(allow_none=True)
    fair_id = Id(
        allow_none=True, metadata={"description": "Where the hire came from (default: the booth record's)"}
    )
    interview_id = Id(
        allow_none=True,
        metadata={"description": "The booth record (default: the employer's latest record of the person)"},
    )
    start_date = fields.Date(required=True, metadata={"description": "First working day, YYYY-MM-DD"})
    position = _up_to(MAX_POSITION_LENGTH)
    monthly_salary = fields.Int(
        allow_none=True,
        validate=validate.Range(0, services.MAX_SALARY),
        metadata={"description": "đồng; under the regional minimum wage it is saved with a warning"},
    )
    contract_type = _one_of(ContractType)
    social_insurance = fields.Bool(allow_none=True)
    workplace_ward_code = _up_to(WARD_CODE_LENGTH)
    workplace_province_code = fields.Int(allow_none=True)


class HireAnswerSchema(Schema):
    id = fields.Int(required=True)
    created = fields.Bool(metadata={"description": "False: the same hire was recorded before"})
    status = fields.Str()
    fair_id = fields.Int(allow_none=True)
    interview_id = fields.Int(allow_none=True)
    follow_ups_due = fields.List(fields.Date())
    warnings = fields.Dict(keys=fields.Str(), values=fields.Str())


class FollowUpRequestSchema(Schema):
    checked_on = fields.Date(required=True, metadata={"description": "The day of the call, YYYY-MM-DD"})
    still_employed = fields.Bool(
        metadata={"description": "true (with new_employer: changed employer) or false (left; reason)"}
    )
    outcome = _one_of(FollowUpOutcome, metadata={"description": "Instead of still_employed"})
    new_employer = _up_to(MAX_EMPLOYER_NAME_LENGTH)
    reason = _one_of(LeaveReason, metadata={"description": "Why the person left: required then"})
    month = fields.Int(
        allow_none=True,
        metadata={"description": "The milestone answered (default: the earliest open one due)"},
    )
    retry_in_days = fields.Int(
        allow_none=True,
        validate=validate.Range(1, MAX_RETRY_DAYS),
        metadata={"description": "Unreachable: call again after this many days"},
    )
    note = _up_to(MAX_NOTE_LENGTH)


class FollowUpAnswerSchema(Schema):
    id = fields.Int(required=True)
    hire_id = fields.Int()
    month = fields.Int()
    outcome = fields.Str()
    sustainable = fields.Bool(
        allow_none=True, metadata={"description": "The hire's sustainable-job decision; null: undecided"}
    )
    retry_on = fields.Date(allow_none=True)


class FollowUpSchema(Schema):
    """One follow-up milestone of a hire (follow_up_json)."""

    id = fields.Int(required=True)
    hire_id = fields.Int(required=True)
    month = fields.Int(required=True, metadata={"description": "1, 3 or 6"})
    due_on = fields.Str(required=True, metadata={"description": "YYYY-MM-DD"})
    outcome = fields.Str(allow_none=True)
    checked_on = fields.Str(allow_none=True)
    reason = fields.Str(allow_none=True)
    new_employer = fields.Str(allow_none=True)
    retry_on = fields.Str(allow_none=True)
    attempts = fields.Int()
    answered_by = fields.Str(allow_none=True)
    note = fields.Str(allow_none=True, metadata={"description": "Staff only"})


class HireSchema(Schema):
    """A hire as the caller may see it (hire_json)."""

    id = fields.Int(required=True)
    attendee_id = fields.Int(required=True)
    person_name = fields.Str(allow_none=True)
    fair_id = fields.Int(allow_none=True)
    interview_id = fields.Int(allow_none=True)
    employer_id = fields.Int(allow_none=True)
    employer_name = fields.Str(allow_none=True)
    employer_tax_code = fields.Str(allow_none=True)
    vacancy_id = fields.Int(allow_none=True)
    position = fields.Str(allow_none=True)
    start_date = fields.Str(required=True, metadata={"description": "YYYY-MM-DD"})
    monthly_salary = fields.Int(allow_none=True)
    contract_type = fields.Str(allow_none=True)
    social_insurance = fields.Bool(allow_none=True)
    workplace_ward_code = fields.Str(allow_none=True)
    workplace_province_code = fields.Str(allow_none=True)
    status = fields.Str(required=True)
    source = fields.Str(required=True)
    sustainable = fields.Bool(allow_none=True)
    decided_at = fields.Str(allow_none=True)
    created_at = fields.Str(allow_none=True)
    ward_code = fields.Str(allow_none=True, metadata={"description": "Staff only: the person's ward"})
    follow_ups = fields.List(fields.Nested(FollowUpSchema), metadata={"description": "GET /hires/{id}"})


class HireListSchema(Schema):
    items = fields.List(fields.Nested(HireSchema), required=True)
    next_page = fields.Int()


class DueFollowUpSchema(FollowUpSchema):
    attendee_id = fields.Int(required=True)
    ward_code = fields.Str(allow_none=True)
    person_name = fields.Str(allow_none=True)


class DueFollowUpListSchema(Schema):
    items = fields.List(fields.Nested(DueFollowUpSchema), required=True)
    next_page = fields.Int()


def _json(schema) -> dict:
    return {"application/json": {"schema": schema}}


def _query(name: str, description: str, **schema) -> dict:
    return {"in": "query", "name": name, "required": False, "description": description, "schema": schema}


_PAGE = _query("page", "1, 2, …: next_page in the answer names the next one", type="integer", minimum=1)
_WARD = _query("ward_code", "The person's ward", type="string", maxLength=WARD_CODE_LENGTH)


# --- Reading the request ---------------------------------------------------------------------------------


def _user():
    return current_user._get_current_object()


def _optional_id(data: dict, name: str) -> int | None:
    return None if data.get(name) is None else integer(data, name)


def _day(data: dict, name: str, *, required: bool = False) -> date | None:
    value = data.get(name)
    if value is None and not required:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise bad(name, _l("%(field)s: ngày dạng YYYY-MM-DD.", field=name)) from None


def _whole(data: dict, name: str, low: int, high: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise bad(name, _l("%(field)s: số nguyên từ %(low)s đến %(high)s.", field=name, low=low, high=high))
    return value


def _choice(data: dict, name: str, kind):
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or value not in {member.value for member in kind}:
        raise bad(
            name,
            _l(
                "%(field)s: một trong %(values)s.",
                field=name,
                values=", ".join(member.value for member in kind),
            ),
        )
    return kind(value)


def _flag(data: dict, name: str) -> bool | None:
    value = data.get(name)
    if value is not None and not isinstance(value, bool):
        raise bad(name, _l("%(field)s: true hoặc false.", field=name))
    return value


def read_hiring(data: dict) -> services.Hiring:
    """A POST /hires body in the documented shapes; the rules are services.record_hire's."""
    salary = data.get("monthly_salary")
    if salary is not None and (not isinstance(salary, int) or isinstance(salary, bool)):
        raise bad("monthly_salary", _l("%(field)s: số nguyên (đồng).", field="monthly_salary"))
    province = data.get("workplace_province_code")
    if province is not None and (not isinstance(province, int) or isinstance(province, bool)):
        raise bad("workplace_province_code", _l("%(field)s: số nguyên.", field="workplace_province_code"))
    if isinstance(province, int) and not 0 < province <= MAX_ID:
        raise bad("workplace_province_code", _l("%(field)s: số nguyên.", field="workplace_province_code"))
    return services.Hiring(
        attendee_id=integer(data, "attendee_id"),
        start_date=_day(data, "start_date", required=True),
        employer_id=_optional_id(data, "employer_id"),
        employer_name=text(data, "employer_name", MAX_EMPLOYER_NAME_LENGTH),
        employer_tax_code=text(data, "tax_code", MAX_TAX_CODE_LENGTH) or None,
        vacancy_id=_optional_id(data, "vacancy_id"),
        fair_id=_optional_id(data, "fair_id"),
        interview_id=_optional_id(data, "interview_id"),
        position=text(data, "position", MAX_POSITION_LENGTH),
        monthly_salary=salary,
        contract_type=_choice(data, "contract_type", ContractType),
        social_insurance=_flag(data, "social_insurance"),
        workplace_ward_code=text(data, "workplace_ward_code", WARD_CODE_LENGTH),
        workplace_province_code=province,
    )


def read_answer(data: dict) -> services.Answer:
    """A POST /hires/{id}/follow-ups body: still_employed (true, with new_employer when the person
    changed employer; false: left) or outcome, which must agree when both are sent."""
    still = _flag(data, "still_employed")
    outcome = _choice(data, "outcome", FollowUpOutcome)
    new_employer = text(data, "new_employer", MAX_EMPLOYER_NAME_LENGTH)
    if outcome is None:
        if still is None:
            raise bad("still_employed", _l("%(field)s: bắt buộc (hoặc outcome).", field="still_employed"))
        if not still:
            outcome = FollowUpOutcome.LEFT
        elif new_employer and new_employer.strip():
            outcome = FollowUpOutcome.CHANGED_EMPLOYER
        else:
            outcome = FollowUpOutcome.STILL_EMPLOYED
    elif (
        still is not None
        and outcome != FollowUpOutcome.UNREACHABLE  # nobody answered: still_employed tells nothing
        and still != (outcome in EMPLOYED_OUTCOMES)
    ):
        raise bad("outcome", _l("%(field)s: không khớp với still_employed.", field="outcome"))
    if outcome == FollowUpOutcome.CHANGED_EMPLOYER and not (new_employer and new_employer.strip()):
        raise bad("new_employer", _l("%(field)s: bắt buộc khi đã chuyển chỗ làm.", field="new_employer"))
    return services.Answer(
        checked_on=_day(data, "checked_on", required=True),
        outcome=outcome,
        month=_whole(data, "month", 1, MAX_MONTH),
        reason=_choice(data, "reason", LeaveReason),
        note=text(data, "note", MAX_NOTE_LENGTH),
        new_employer_name=new_employer,
        retry_in_days=_whole(data, "retry_in_days", 1, MAX_RETRY_DAYS),
    )


def _query_id(name: str) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise bad(name, _l("%(field)s: số nguyên dương.", field=name))
    return int(value)


def _query_day(name: str) -> date | None:
    value = request.args.get(name)
    return None if value in (None, "") else _day({name: value}, name)


def _query_page() -> int:
    value = request.args.get("page")
    if value in (None, ""):
        return 1
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise bad("page", _l("%(field)s: số nguyên từ 1 đến %(limit)s.", field="page", limit=MAX_PAGE))
    return int(value)


def _query_ward() -> str | None:
    value = request.args.get("ward_code")
    if value in (None, ""):
        return None
    return text({"ward_code": value}, "ward_code", WARD_CODE_LENGTH)


# --- Answers ---------------------------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _names(user, hires: list[Hire]) -> dict[int, str]:
    """The person's name as the caller may see it, by hire id: staff the full name; an employer the
    name where the person shares it with the booth that saw them, else the initial."""
    if user.role in STAFF:
        return {hire.id: hire.attendee.full_name for hire in hires}
    names = {hire.id: cards.initial(hire.attendee.full_name) for hire in hires}
    records = {
        interview.id: interview
        for interview in db.session.scalars(
            sa.select(Interview).where(Interview.id.in_({h.interview_id for h in hires if h.interview_id}))
        )
    }
    by_booth: dict[int, list[Hire]] = {}
    for hire in hires:
        if hire.interview_id in records:
            by_booth.setdefault(records[hire.interview_id].booth_id, []).append(hire)
    for booth_id, booth_hires in by_booth.items():
        seen = cards.cards(
            db.session.get(Booth, booth_id), [records[h.interview_id].registration_id for h in booth_hires]
        )
        for hire in booth_hires:
            card = seen.get(records[hire.interview_id].registration_id)
            if card is not None:
                names[hire.id] = card.name
    return names


def hire_json(hire: Hire, name: str, *, staff: bool) -> dict:
    answer = {
        "id": hire.id,
        "attendee_id": hire.attendee_id,
        "person_name": name,
        "fair_id": hire.fair_id,
        "interview_id": hire.interview_id,
        "employer_id": hire.employer_id,
        "employer_name": hire.employer_name,
        "employer_tax_code": hire.employer_tax_code,
        "vacancy_id": hire.vacancy_id,
        "position": hire.position,
        "start_date": hire.start_date.isoformat(),
        "monthly_salary": hire.monthly_salary,
        "contract_type": hire.contract_type.value if hire.contract_type else None,
        "social_insurance": hire.social_insurance,
        "workplace_ward_code": hire.workplace_ward_code,
        "workplace_province_code": hire.workplace_province_code,
        "status": hire.status.value,
        "source": hire.source.value,
        "sustainable": hire.sustainable,
        "decided_at": _iso(hire.decided_at),
        "created_at": _iso(hire.created_at),
    }
    if staff:  # an employer is not told where the person lives
        answer["ward_code"] = hire.ward_code
    return answer


def follow_up_json(follow_up: FollowUp, *, staff: bool) -> dict:
    answer = {
        "id": follow_up.id,
        "hire_id": follow_up.hire_id,
        "month": follow_up.month,
        "due_on": follow_up.due_on.isoformat(),
        "outcome": follow_up.outcome.value if follow_up.outcome else None,
        "checked_on": _iso(follow_up.checked_on),
        "reason": follow_up.reason.value if follow_up.reason else None,
        "new_employer": follow_up.new_employer_name,
        "retry_on": _iso(follow_up.retry_on),
        "attempts": follow_up.attempts,
        "answered_by": follow_up.answered_by,
    }
    if staff:  # staff's notes of a call are not the employer's to read
        answer["note"] = follow_up.note
    return answer


# --- Routes ----------------------------------------------------------------------------------------------


@blp.route("/hires")
class Hires(MethodView):
    @blp.doc(
        requestBody={"required": True, "content": _json(HireRequestSchema)},
        responses={
            "201": {
                "description": "A new hire, its follow-ups scheduled",
                "content": _json(HireAnswerSchema),
            },
            "200": {"description": "The same hire, recorded before", "content": _json(HireAnswerSchema)},
        },
    )
    @blp.alt_response(
        403, description="An employer's hire of a person its booth never saw (`not_interviewed`)"
    )
    @blp.alt_response(
        422,
        description="A hire the rules refuse (`hire_refused`, `attendee_not_found`, …); the field is named",
    )
    @roles(*HIRERS)
    def post(self):
        """Record a hire: an employer, of a person its booth saw (403 `not_interviewed` otherwise);
        staff, of a person of their wards, also for an employer without an account (tax_code or
        employer_name). The hire is attributed to the booth record (interview_id, else the employer's
        latest record of the person) and its fair. The same person, employer and start date again is the
        same hire: 200, the same id, nothing changed."""
        user = _user()
        hiring = read_hiring(body())
        source = HireSource.EMPLOYER if user.role == Role.EMPLOYER else HireSource.ORGANISER
        done = services.record_hire(hiring, by=user, source=source, origin=request_origin())
        hire = done.hire
        answer = {
            "id": hire.id,
            "created": done.created,
            "status": hire.status.value,
            "fair_id": hire.fair_id,
            "interview_id": hire.interview_id,
            "follow_ups_due": [day.isoformat() for day in done.follow_ups_due],
            "warnings": done.warnings,
        }
        return answer, 201 if done.created else 200

    @blp.doc(
        parameters=[
            _query("fair_id", "Hires attributed to this fair", type="integer", minimum=1),
            _WARD,
            _query(
                "status",
                "confirmed, to_confirm or dismissed",
                type="string",
                enum=[s.value for s in HireStatus],
            ),
            _query("employer_id", "Staff: this employer's hires", type="integer", minimum=1),
            _query("date_from", "Started on or after", type="string", format="date"),
            _query("date_to", "Started on or before", type="string", format="date"),
            _PAGE,
        ]
    )
    @blp.doc(
        responses={
            "200": {
                "description": "The hires, a page of them",
                "content": {"application/json": {"schema": HireListSchema}},
            }
        }
    )
    @roles(*HIRERS)
    def get(self):
        """The hires the caller may see, latest start first, PAGE_SIZE (50) a page: {items, next_page?}.
        An employer: its own company's; staff: people of their wards and hires from their wards'
        fairs."""
        user = _user()
        query = sa.select(Hire).where(services.scope_clause(user))
        if (fair_id := _query_id("fair_id")) is not None:
            query = query.where(Hire.fair_id == fair_id)
        if (ward_code := _query_ward()) is not None:
            query = query.where(Hire.ward_code == ward_code)
        status = request.args.get("status")
        if status not in (None, ""):
            query = query.where(Hire.status == _choice({"status": status}, "status", HireStatus))
        if (employer_id := _query_id("employer_id")) is not None:
            query = query.where(Hire.employer_id == employer_id)
        if (date_from := _query_day("date_from")) is not None:
            query = query.where(Hire.start_date >= date_from)
        if (date_to := _query_day("date_to")) is not None:
            query = query.where(Hire.start_date <= date_to)
        page = _query_page()
        rows = db.session.scalars(
            query.order_by(Hire.start_date.desc(), Hire.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        ).all()
        hires = rows[:PAGE_SIZE]
        names = _names(user, hires)
        staff = user.role in STAFF
        answer = {"items": [hire_json(hire, names[hire.id], staff=staff) for hire in hires]}
        if len(rows) > PAGE_SIZE:
            answer["next_page"] = page + 1
        return answer


@blp.route("/hires/<int:hire_id>")
class OneHire(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "The hire and its follow-ups",
                "content": {"application/json": {"schema": HireSchema}},
            }
        }
    )
    @roles(*HIRERS)
    def get(self, hire_id: int):
        """One hire the caller may see (404 otherwise), with its follow-ups."""
        user = _user()
        hire = services.get_hire(user, hire_id)
        staff = user.role in STAFF
        answer = hire_json(hire, _names(user, [hire])[hire.id], staff=staff)
        answer["follow_ups"] = [follow_up_json(f, staff=staff) for f in hire.follow_ups]
        return answer


@blp.route("/hires/<int:hire_id>/follow-ups")
class FollowUps(MethodView):
    @blp.doc(
        requestBody={"required": True, "content": _json(FollowUpRequestSchema)},
        responses={"201": {"description": "Recorded", "content": _json(FollowUpAnswerSchema)}},
    )
    @blp.alt_response(
        422,
        description="An answer the rules refuse (`follow_up_refused`, `before_start`, …); the field is named",
    )
    @roles(*HIRERS)
    def post(self, hire_id: int):
        """Record what a follow-up found, for a hire the caller may act on (an employer: its own).
        still_employed true: still employed (changed_employer with new_employer); false: left (reason
        required; the later milestones close). outcome "unreachable" keeps the milestone open until
        retry_on. An answer to a milestone already answered replaces it. The follow-up at 6 months
        decides whether the job is sustainable, kept on the hire."""
        user = _user()
        data = body()
        hire = services.get_hire(user, hire_id)
        answer = read_answer(data)
        follow_up = services.record_follow_up(
            hire, answer, by=user, answered_by="api", origin=request_origin()
        )
        return {
            "id": follow_up.id,
            "hire_id": hire.id,
            "month": follow_up.month,
            "outcome": answer.outcome.value,
            "sustainable": hire.sustainable,
            "retry_on": _iso(follow_up.retry_on),
        }, 201


@blp.route("/follow-ups")
class DueFollowUps(MethodView):
    @blp.doc(
        parameters=[
            _WARD,
            _query(
                "due_before",
                "Due (or to call again) on or before this day; default today",
                type="string",
                format="date",
            ),
            _PAGE,
        ]
    )
    @blp.doc(
        responses={
            "200": {
                "description": "The follow-ups to call, a page of them",
                "content": {"application/json": {"schema": DueFollowUpListSchema}},
            }
        }
    )
    @roles(*STAFF)
    def get(self):
        """Open follow-ups of confirmed hires in the caller's scope that fall due (or are to be called
        again) by due_before, earliest first: {items: [{id, hire_id, month, due_on, retry_on, attempts,
        attendee_id, person_name, ward_code}], next_page?}."""
        user = _user()
        due_before = _query_day("due_before") or local_day(utcnow())
        query = (
            sa.select(FollowUp, Hire.attendee_id, Hire.ward_code, Attendee.full_name)
            .join(Hire, Hire.id == FollowUp.hire_id)
            .join(Attendee, Attendee.id == Hire.attendee_id)
            .where(
                services.scope_clause(user),
                Hire.status == HireStatus.CONFIRMED,
                FollowUp.outcome.is_(None),
                FollowUp.due_on <= due_before,
                sa.or_(FollowUp.retry_on.is_(None), FollowUp.retry_on <= due_before),
            )
        )
        if (ward_code := _query_ward()) is not None:
            query = query.where(Hire.ward_code == ward_code)
        page = _query_page()
        rows = db.session.execute(
            query.order_by(FollowUp.due_on, FollowUp.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
        ).all()
        items = [
            {
                **follow_up_json(follow_up, staff=True),
                "attendee_id": attendee_id,
                "ward_code": ward_code,
                "person_name": name,
            }
            for follow_up, attendee_id, ward_code, name in rows[:PAGE_SIZE]
        ]
        answer = {"items": items}
        if len(rows) > PAGE_SIZE:
            answer["next_page"] = page + 1
        return answer
