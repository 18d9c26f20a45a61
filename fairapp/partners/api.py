"""Employer, vacancy, school and booth endpoints of the API.

Bodies are read loosely (numbers may be strings, unknown keys are ignored) and checked by the same
services as the pages, which answer 422 with a message per field. Tenancy: an employer token sees
only its own employer (another's id answers 404); a school token on employer routes gets 403."""

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from fairapp.auth.access import STAFF, roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.booths import services as booth_services
from fairapp.errors import NotFound
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair
from fairapp.ids import Id
from fairapp.partners import services
from fairapp.partners.models import EducationLevel, Employer, PartnerStatus, VacancyStatus
from fairapp.views import acting_user

blp = Blueprint("api_partners", __name__, description="Employers, vacancies, schools and booths")


class Loose(Schema):
    class Meta:
        unknown = EXCLUDE


def _any(description: str, **kwargs):
    return fields.Raw(allow_none=True, metadata={"description": description}, **kwargs)


def _text(name: str, length: int, **kwargs):
    """A string of at most `length` characters: the column's length and the services' limit (an
    email's 254, a phone's 20 as typed; a ward code's 10, spaces around it included)."""
    kwargs.setdefault("allow_none", True)
    return fields.Str(
        validate=validate.Length(max=length, error=_l("%(field)s: dài tối đa {max} ký tự.", field=name)),
        **kwargs,
    )


def _choice(*values: str, **kwargs):
    """A string from a fixed list, read (and refused) by the services: documented as an enum."""
    metadata = {"enum": list(values), **kwargs.pop("metadata", {})}
    return fields.Str(allow_none=True, metadata=metadata, **kwargs)


class EmployerIn(Loose):
    name = _text("name", 200, required=True, allow_none=False)
    tax_code = _any("10 digits with the check digit, optional -NNN branch", required=True)
    industry = _text("industry", 100)
    phone = _text("phone", 20)
    email = _text("email", 254)
    address = _text("address", 300)
    ward_code = _text("ward_code", 10)
    contact_name = _text("contact_name", 200)


class EmployerOut(Schema):
    id = fields.Int()
    status = fields.Str()
    name = fields.Str()
    tax_code = fields.Str()
    industry = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    email = fields.Str(allow_none=True)
    address = fields.Str(allow_none=True)
    ward_code = fields.Str(allow_none=True)
    contact_name = fields.Str(allow_none=True)
    reject_reason = fields.Str(allow_none=True)


class EmployerQuery(Loose):
    status = fields.Str(metadata={"enum": [s.value for s in PartnerStatus]})
    q = _text("q", 100, allow_none=False)


class VacancyIn(Loose):
    title = _text("title", 200, required=True, allow_none=False)
    quantity = _any("Positive integer", required=True)
    salary_min = _any("VND a month; leave both out for 'thoả thuận'")
    salary_max = _any("VND a month")
    occupation = _text("occupation", 200)
    work_place = _text("work_place", 300)
    education = _choice(*(level.value for level in EducationLevel))
    experience_years = _any("Years")
    age_min = _any("15–70")
    age_max = _any("15–70")
    working_hours = _text("working_hours", 200)
    benefits = _text("benefits", 5000)
    requirements = _text("requirements", 5000)
    deadline = _any("YYYY-MM-DD or dd/mm/yyyy, not in the past")
    status = _choice(*(status.value for status in VacancyStatus))
    fair_ids = fields.List(Id(), allow_none=True, metadata={"description": "Published fairs to offer it at"})


class VacancyOut(Schema):
    id = fields.Int()
    employer_id = fields.Int()
    title = fields.Str()
    quantity = fields.Int()
    salary_min = fields.Int(allow_none=True)
    salary_max = fields.Int(allow_none=True)
    status = fields.Str()
    deadline = fields.Date(allow_none=True)
    fair_ids = fields.List(fields.Int())


class SchoolIn(Loose):
    name = _text("name", 200, required=True, allow_none=False)
    phone = _text("phone", 20)
    email = _text("email", 254)
    address = _text("address", 300)
    ward_code = _text("ward_code", 10)
    contact_name = _text("contact_name", 200)


class SchoolOut(Schema):
    id = fields.Int()
    status = fields.Str()
    name = fields.Str()


class BoothIn(Loose):
    employer_id = Id(allow_none=True)
    school_id = Id(allow_none=True)
    label = _text("label", 50)


class BoothOut(Schema):
    id = fields.Int()
    fair_id = fields.Int()
    employer_id = fields.Int(allow_none=True)
    school_id = fields.Int(allow_none=True)
    label = fields.Str(allow_none=True)
    status = fields.Str()


def _list_of(schema):
    return type(f"{schema.__name__}List", (Schema,), {"items": fields.List(fields.Nested(schema))})


def _employer(e: Employer) -> dict:
    return {
        **{
            k: getattr(e, k)
            for k in (
                "id",
                "name",
                "tax_code",
                "industry",
                "phone",
                "email",
                "address",
                "ward_code",
                "contact_name",
                "reject_reason",
            )
        },
        "status": e.status.value,
    }


def _vacancy(v) -> dict:
    return {
        "id": v.id,
        "employer_id": v.employer_id,
        "title": v.title,
        "quantity": v.quantity,
        "salary_min": v.salary_min,
        "salary_max": v.salary_max,
        "status": v.status.value,
        "deadline": v.deadline,
        "fair_ids": booth_services.offered_fair_ids(v),
    }


def _booth(b) -> dict:
    return {
        "id": b.id,
        "fair_id": b.fair_id,
        "employer_id": b.employer_id,
        "school_id": b.school_id,
        "label": b.label,
        "status": b.status.value,
    }


@blp.route("/employers")
class Employers(MethodView):
    @blp.arguments(EmployerQuery, location="query")
    @blp.response(200, _list_of(EmployerOut))
    @roles(*STAFF, Role.EMPLOYER)
    def get(self, args):
        """Employers (staff: all, filtered by status and q; an employer account: its own)."""
        if current_user.role == Role.EMPLOYER:
            own = db.session.get(Employer, current_user.employer_id) if current_user.employer_id else None
            return {"items": [_employer(own)] if own else []}
        status = args.get("status")
        if status not in (None, *(s.value for s in PartnerStatus)):
            status = None
        return {"items": [_employer(e) for e in services.list_employers(status=status, q=args.get("q"))]}

    @blp.arguments(EmployerIn)
    @blp.response(201, EmployerOut)
    @blp.alt_response(409, description="employer_exists")
    @roles(*STAFF)
    def post(self, args):
        """Create an employer, approved at once. Errors: invalid_tax_code, validation_error (422),
        employer_exists (409)."""
        return _employer(services.create_employer(args, by=acting_user(), origin=request_origin()))


@blp.route("/employers/<int:employer_id>")
class EmployerItem(MethodView):
    @blp.response(200, EmployerOut)
    @roles(*STAFF, Role.EMPLOYER)
    def get(self, employer_id):
        """One employer (an employer account: only its own, else 404)."""
        return _employer(services.get_employer_for(acting_user(), employer_id))


@blp.route("/employers/<int:employer_id>/vacancies")
class Vacancies(MethodView):
    @blp.response(200, _list_of(VacancyOut))
    @roles(*STAFF, Role.EMPLOYER)
    def get(self, employer_id):
        """The employer's vacancies."""
        employer = services.get_employer_for(acting_user(), employer_id)
        return {"items": [_vacancy(v) for v in employer.vacancies]}

    @blp.arguments(VacancyIn)
    @blp.response(201, VacancyOut)
    @blp.alt_response(
        409, description="A fair in fair_ids that is not published or is over (`fair_not_open`)"
    )
    @roles(*STAFF, Role.EMPLOYER)
    def post(self, args, employer_id):
        """Add a vacancy. Errors: quantity_not_positive, salary_range, deadline_in_past, age_range,
        validation_error (422), not_approved (403), not_found (404), fair_not_open (409)."""
        user = acting_user()
        employer = services.get_employer_for(user, employer_id)
        vacancy = services.create_vacancy(employer, args, by=user, origin=request_origin())
        booth_services.set_offers(vacancy, args.get("fair_ids") or [], by=user, origin=request_origin())
        return _vacancy(vacancy)


@blp.route("/schools")
class Schools(MethodView):
    @blp.arguments(SchoolIn)
    @blp.response(201, SchoolOut)
    @roles(*STAFF)
    def post(self, args):
        """Create a school, approved at once. Errors: validation_error (422)."""
        school = services.create_school(args, by=acting_user(), origin=request_origin())
        return {"id": school.id, "status": school.status.value, "name": school.name}


@blp.route("/schools/<int:school_id>")
class SchoolItem(MethodView):
    @blp.response(200, SchoolOut)
    @roles(*STAFF, Role.SCHOOL)
    def get(self, school_id):
        """One school (a school account: only its own, else 404)."""
        school = services.get_school_for(acting_user(), school_id)
        return {"id": school.id, "status": school.status.value, "name": school.name}


def _fair_for(user, fair_id: int) -> Fair:
    if user.role in STAFF:
        return fair_services.get_fair_for(user, fair_id)
    fair = db.session.get(Fair, fair_id)
    if fair is None or fair.status not in fair_services.PUBLIC_STATUSES:
        raise NotFound()
    return fair


@blp.route("/fairs/<int:fair_id>/booths")
class Booths(MethodView):
    @blp.response(200, _list_of(BoothOut))
    @roles(*STAFF)
    def get(self, fair_id):
        """The fair's booths, every status."""
        fair = fair_services.get_fair_for(acting_user(), fair_id)
        return {"items": [_booth(b) for b in booth_services.booths_of_fair(fair)]}

    @blp.arguments(BoothIn)
    @blp.response(201, BoothOut)
    @blp.alt_response(
        409, description="`fair_not_open`, `booth_exists`, `booth_limit_reached` or `label_taken`"
    )
    @roles(*STAFF, Role.EMPLOYER, Role.SCHOOL)
    def post(self, args, fair_id):
        """Staff place an employer or school (confirmed at once, with `label`); an employer or school
        account applies for its own booth. Errors: fair_not_open, booth_exists, booth_limit_reached,
        label_taken (409), not_approved (403), not_found (404)."""
        user = acting_user()
        fair = _fair_for(user, fair_id)
        return _booth(
            booth_services.create_booth(
                fair,
                by=user,
                employer_id=args.get("employer_id"),
                school_id=args.get("school_id"),
                label=args.get("label"),
                origin=request_origin(),
            )
        )
