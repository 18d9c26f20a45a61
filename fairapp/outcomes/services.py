"""Hires and their follow-ups: the rules, one path per operation.

    record_hire(hiring, by=, source=)     a hire (the same hire again is the same one), its follow-ups
    update_hire(hire, changes, by=)       the job's fields corrected; a new start date reschedules the
                                          open follow-ups (none answered yet)
    confirm_hire / dismiss_hire           an organiser settles what a job seeker said
    record_follow_up(hire, answer, by=)   what a follow-up call (or the person) found; decides the
                                          sustainable-job question (fairapp.outcomes.rules)
    self_report(registration, ...)        "Bạn đã có việc làm chưa?" answered through the ticket link

Who may: an employer records hires of its own company, of people it saw at a booth; organisers and
admins record any hire of a person in their wards (by phone, also for an employer without an account).
Every refusal is a DomainError with a stable code naming the field."""

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from fairapp.attendees.models import Attendee, Registration
from fairapp.audit.services import SYSTEM, Origin
from fairapp.audit.services import record as audit
from fairapp.auth.models import Role
from fairapp.errors import DomainError, Forbidden, NotFound
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.fairs.services import local_day
from fairapp.geo.models import Province, Ward
from fairapp.interviews.models import Interview
from fairapp.modelbase import utcnow
from fairapp.outcomes import rules
from fairapp.outcomes.models import (
    MAX_EMPLOYER_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_POSITION_LENGTH,
    ContractType,
    FollowUp,
    FollowUpOutcome,
    Hire,
    HireSource,
    HireStatus,
    JobAnswer,
    LeaveReason,
    SelfReport,
)
from fairapp.partners.models import Employer, Vacancy
from fairapp.partners.taxcode import normalise_tax_code
from fairapp.text import clean_name, fold, has_control
from fairapp.transactions import write_point
from fairapp.webhooks import events as webhooks

STAFF = (Role.ADMIN, Role.ORGANISER)
MAX_SALARY = 1_000_000_000  # a monthly salary above a billion đồng is a typing mistake


class HireRefused(DomainError):
    code = "hire_refused"
    status = 422
    message = _l("Chưa ghi nhận được việc làm này.")


class NotInterviewed(Forbidden):
    code = "not_interviewed"
    message = _l("Doanh nghiệp chỉ ghi nhận tuyển dụng người đã gặp tại gian hàng của mình.")


class FollowUpRefused(DomainError):
    code = "follow_up_refused"
    status = 422
    message = _l("Chưa ghi nhận được lần theo dõi này.")


def _refuse(error: type[DomainError], code: str, field_name: str, message) -> DomainError:
    return error(code=code, fields={field_name: message})


# --- Who may see and act on a hire -------------------------------------------------------------------


def may_act_on(user, hire: Hire) -> bool:
    """Staff within their wards: the person's ward when hired, or a hire from a fair of their wards
    (they may record such a hire: _in_scope); an employer on its own hires."""
    if user.role in STAFF:
        if user.ward_scope.allows(hire.ward_code):
            return True
        fair = db.session.get(Fair, hire.fair_id) if hire.fair_id is not None else None
        return fair is not None and user.ward_scope.allows(fair.ward_code)
    return (
        user.role == Role.EMPLOYER and user.employer_id is not None and hire.employer_id == user.employer_id
    )


def get_hire(user, hire_id: int) -> Hire:
    """The hire, if `user` may act on it (404 otherwise, the same as one that does not exist)."""
    hire = db.session.get(Hire, hire_id)
    if hire is None or not may_act_on(user, hire):
        raise NotFound()
    return hire


def scope_clause(user) -> sa.ColumnElement[bool]:
    """The hires `user` may see, as a condition for lists."""
    if user.role in STAFF:
        if user.ward_scope.everywhere or user.ward_scope.empty:
            return user.ward_scope.clause(Hire.ward_code)
        fairs_in_scope = sa.select(Fair.id).where(user.ward_scope.clause(Fair.ward_code))
        return sa.or_(user.ward_scope.clause(Hire.ward_code), Hire.fair_id.in_(fairs_in_scope))
    if user.role == Role.EMPLOYER and user.employer_id is not None:
        return Hire.employer_id == user.employer_id
    return sa.false()


# --- Recording a hire ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hiring:
    """A hire as told: by an employer's form or the API, or by an organiser from a phone call."""

    attendee_id: int
    start_date: date
    employer_id: int | None = None
    employer_name: str | None = None
    employer_tax_code: str | None = None
    vacancy_id: int | None = None
    fair_id: int | None = None
    interview_id: int | None = None
    position: str | None = None
    monthly_salary: int | None = None
    contract_type: ContractType | None = None
    social_insurance: bool | None = None
    workplace_ward_code: str | None = None
    workplace_province_code: int | None = None


@dataclass
class RecordedHire:
    hire: Hire
    created: bool
    warnings: dict[str, str] = field(default_factory=dict)
    changed: dict[str, tuple] = field(default_factory=dict)  # update_hire: field → (old, new)

    @property
    def follow_ups_due(self) -> list[date]:
        return [follow_up.due_on for follow_up in self.hire.follow_ups]


def _text(value: str | None, field_name: str, limit: int, label) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or has_control(value):
        raise _refuse(
            HireRefused, "invalid_text", field_name, _l("%(field)s: chữ không hợp lệ.", field=label)
        )
    text = clean_name(value)
    if len(text) > limit:
        raise _refuse(
            HireRefused,
            "too_long",
            field_name,
            _l("%(field)s: tối đa %(limit)s ký tự.", field=label, limit=limit),
        )
    return text or None


def _person(user, attendee_id: int) -> Attendee:
    attendee = db.session.get(Attendee, attendee_id)
    if attendee is None or attendee.erased_at is not None:
        raise _refuse(HireRefused, "attendee_not_found", "attendee_id", _l("Người lao động: không tìm thấy."))
    if user is not None and user.role in STAFF and not _in_scope(user, attendee):
        raise _refuse(HireRefused, "attendee_not_found", "attendee_id", _l("Người lao động: không tìm thấy."))
    return attendee


def _in_scope(user, attendee: Attendee) -> bool:
    """Staff follow the people of their wards, and the people who came to their wards' fairs."""
    if user.ward_scope.allows(attendee.ward_code):
        return True
    return (
        db.session.scalar(
            sa.select(Registration.id)
            .join(Fair, Fair.id == Registration.fair_id)
            .where(Registration.attendee_id == attendee.id, user.ward_scope.clause(Fair.ward_code))
            .limit(1)
        )
        is not None
    )


def _employer(user, hiring: Hiring) -> Hiring:
    """The employer named: an employer account names its own company; staff an account, a tax code
    (found among the accounts when one has it) or a name."""
    if user is not None and user.role == Role.EMPLOYER:
        if user.employer_id is None:
            raise Forbidden()
        if hiring.employer_id not in (None, user.employer_id):
            raise _refuse(
                HireRefused,
                "not_your_employer",
                "employer_id",
                _l("Doanh nghiệp: chỉ ghi cho doanh nghiệp của bạn."),
            )
        return replace(hiring, employer_id=user.employer_id, employer_name=None, employer_tax_code=None)
    name = _text(hiring.employer_name, "employer_name", MAX_EMPLOYER_NAME_LENGTH, _l("Tên doanh nghiệp"))
    tax_code = normalise_tax_code(hiring.employer_tax_code) if hiring.employer_tax_code else None
    if hiring.employer_id is not None:
        if db.session.get(Employer, hiring.employer_id) is None:
            raise _refuse(
                HireRefused, "employer_not_found", "employer_id", _l("Doanh nghiệp: không tìm thấy.")
            )
        return replace(hiring, employer_name=None, employer_tax_code=None)
    if tax_code is not None:
        known = db.session.scalar(sa.select(Employer.id).where(Employer.tax_code == tax_code))
        if known is not None:
            return replace(hiring, employer_id=known, employer_name=None, employer_tax_code=None)
    if tax_code is None and name is None:
        raise _refuse(
            HireRefused,
            "employer_required",
            "employer_name",
            _l("Doanh nghiệp: chọn doanh nghiệp, hoặc nhập mã số thuế hay tên doanh nghiệp."),
        )
    return replace(hiring, employer_name=name, employer_tax_code=tax_code)


def employer_key(hiring: Hiring) -> str:
    if hiring.employer_id is not None:
        return f"id:{hiring.employer_id}"
    if hiring.employer_tax_code:
        return f"tax:{hiring.employer_tax_code}"
    return f"name:{fold(hiring.employer_name)}"[:220]


def _attribution(user, hiring: Hiring) -> Hiring:
    """The fair and the booth record the hire came from: as named, else the employer's latest record
    of the person. An employer account may only hire a person it saw at a booth."""
    interview = None
    if hiring.interview_id is not None:
        interview = db.session.get(Interview, hiring.interview_id)
        # Another person's record, a school's, or another employer's (an employer without an account
        # had no booth: no record can be its own)
        if (
            interview is None
            or interview.attendee_id != hiring.attendee_id
            or interview.employer_id is None
            or interview.employer_id != hiring.employer_id
        ):
            raise _refuse(
                HireRefused, "interview_not_found", "interview_id", _l("Lần phỏng vấn: không tìm thấy.")
            )
    elif hiring.employer_id is not None:
        query = sa.select(Interview).where(
            Interview.attendee_id == hiring.attendee_id, Interview.employer_id == hiring.employer_id
        )
        if hiring.fair_id is not None:
            query = query.where(Interview.fair_id == hiring.fair_id)
        interview = db.session.scalars(
            query.order_by(Interview.created_at.desc(), Interview.id.desc()).limit(1)
        ).first()
    if user is not None and user.role == Role.EMPLOYER and interview is None:
        raise NotInterviewed(fields={"attendee_id": NotInterviewed.message})
    if interview is not None:
        if hiring.fair_id not in (None, interview.fair_id):
            raise _refuse(
                HireRefused, "wrong_fair", "fair_id", _l("Phiên: không phải phiên của lần phỏng vấn.")
            )
        return replace(hiring, interview_id=interview.id, fair_id=interview.fair_id)
    if hiring.fair_id is not None and db.session.get(Fair, hiring.fair_id) is None:
        raise _refuse(HireRefused, "fair_not_found", "fair_id", _l("Phiên: không tìm thấy."))
    return hiring


def _job(hiring: Hiring, *, today: date) -> tuple[Hiring, dict[str, str]]:
    warnings: dict[str, str] = {}
    position = _text(hiring.position, "position", MAX_POSITION_LENGTH, _l("Vị trí công việc"))
    if hiring.vacancy_id is not None:
        vacancy = db.session.get(Vacancy, hiring.vacancy_id)
        if vacancy is None or vacancy.employer_id != hiring.employer_id:
            raise _refuse(
                HireRefused,
                "vacancy_not_found",
                "vacancy_id",
                _l("Vị trí tuyển dụng: không phải của doanh nghiệp này."),
            )
        position = position or vacancy.title
    if hiring.fair_id is not None:
        fair = db.session.get(Fair, hiring.fair_id)
        fair_day = local_day(fair.starts_at)
        if hiring.start_date < fair_day:
            raise _refuse(
                HireRefused,
                "start_before_fair",
                "start_date",
                _l(
                    "Ngày bắt đầu làm việc: không được trước ngày phiên (%(day)s).",
                    day=fair_day.strftime("%d/%m/%Y"),
                ),
            )
    latest = today + timedelta(days=current_app.config["HIRE_START_LATEST_DAYS"])
    if hiring.start_date > latest:
        raise _refuse(
            HireRefused,
            "start_too_late",
            "start_date",
            _l(
                "Ngày bắt đầu làm việc: không quá %(days)s ngày kể từ hôm nay.",
                days=current_app.config["HIRE_START_LATEST_DAYS"],
            ),
        )
    if hiring.start_date < date(2000, 1, 1):
        raise _refuse(
            HireRefused, "start_too_early", "start_date", _l("Ngày bắt đầu làm việc: không hợp lệ.")
        )
    salary = hiring.monthly_salary
    if salary is not None:
        if isinstance(salary, bool) or not isinstance(salary, int) or salary < 0:
            raise _refuse(
                HireRefused, "salary_negative", "monthly_salary", _l("Lương tháng: phải là số không âm.")
            )
        if salary > MAX_SALARY:
            raise _refuse(
                HireRefused,
                "salary_too_high",
                "monthly_salary",
                _l("Lương tháng: quá lớn, vui lòng kiểm tra lại."),
            )
        minimum = current_app.config["MINIMUM_MONTHLY_WAGE"]
        if salary < minimum:
            warnings["monthly_salary"] = str(
                _l(
                    "Lương tháng thấp hơn lương tối thiểu vùng (%(minimum)s đ).",
                    minimum=f"{minimum:,}".replace(",", "."),
                )
            )
    if hiring.workplace_ward_code is not None and db.session.get(Ward, hiring.workplace_ward_code) is None:
        raise _refuse(
            HireRefused,
            "ward_not_found",
            "workplace_ward_code",
            _l("Nơi làm việc: không tìm thấy phường, xã."),
        )
    province = hiring.workplace_province_code
    if province is not None and db.session.get(Province, province) is None:
        raise _refuse(
            HireRefused,
            "province_not_found",
            "workplace_province_code",
            _l("Nơi làm việc: không tìm thấy tỉnh, thành phố."),
        )
    if hiring.workplace_ward_code is not None and province is None:
        province = db.session.get(Ward, hiring.workplace_ward_code).province_code
    return replace(hiring, position=position, workplace_province_code=province), warnings


_HIRE_COLUMNS = (
    "attendee_id", "fair_id", "interview_id", "ward_code", "employer_id", "employer_name",
    "employer_tax_code", "employer_key", "vacancy_id", "position", "start_date", "monthly_salary",
    "contract_type", "social_insurance", "workplace_ward_code", "workplace_province_code", "status",
    "source", "created_by", "created_at",
)  # fmt: skip


def _insert_ignoring_clash(model, values: dict) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a row with the same
    unique key exists (a twin request won: no SAVEPOINT, no failed transaction)."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(model.id)
    return db.session.execute(statement).scalar()


def record_hire(
    hiring: Hiring,
    *,
    by,
    source: HireSource,
    status: HireStatus = HireStatus.CONFIRMED,
    now: datetime | None = None,
    origin: Origin = SYSTEM,
) -> RecordedHire:
    """Record a hire and schedule its follow-ups. The same hire (person, employer, start date) again is
    the same hire, unchanged (created=False). Raises HireRefused (codes: attendee_not_found,
    employer_required, employer_not_found, not_your_employer, invalid_tax_code, interview_not_found,
    wrong_fair, fair_not_found, vacancy_not_found, start_before_fair, start_too_late, start_too_early,
    salary_negative, salary_too_high, ward_not_found, province_not_found, too_long, invalid_text) or
    NotInterviewed (403: an employer account hiring a person it never saw at a booth). A salary under
    the regional minimum wage is recorded, with a warning."""
    now = now or utcnow()
    attendee = _person(by, hiring.attendee_id)
    hiring = _employer(by, hiring)
    hiring = _attribution(by, hiring)
    hiring, warnings = _job(hiring, today=local_day(now))
    write_point()
    values = {
        **{name: getattr(hiring, name) for name in _HIRE_COLUMNS if hasattr(hiring, name)},
        "ward_code": attendee.ward_code,
        "employer_key": employer_key(hiring),
        "status": status,
        "source": source,
        "created_by": getattr(by, "id", None),
        "created_at": now,
    }
    hire_id = _insert_ignoring_clash(Hire, values)
    created = hire_id is not None
    if not created:
        hire = db.session.scalars(
            sa.select(Hire).where(
                Hire.attendee_id == attendee.id,
                Hire.employer_key == values["employer_key"],
                Hire.start_date == hiring.start_date,
            )
        ).one()
        if status == HireStatus.CONFIRMED and hire.status != HireStatus.CONFIRMED:
            confirm_hire(hire, by=by, now=now, origin=origin)  # what the person said, now told by staff
        return RecordedHire(hire, created=False, warnings=warnings)
    hire = db.session.get(Hire, hire_id)
    if status == HireStatus.CONFIRMED:
        _schedule(hire)
        _supersede_reported(hire, by=by, now=now, origin=origin)
        _emit_hire(hire, now)
    audit(
        "hire.record",
        actor=by,
        target=hire,
        origin=origin,
        details={"fair_id": hire.fair_id, "interview_id": hire.interview_id, "source": source.value},
    )
    db.session.flush()
    db.session.refresh(hire, ["follow_ups"])
    return RecordedHire(hire, created=True, warnings=warnings)


def _emit_hire(hire: Hire, now: datetime) -> None:
    """hire.recorded, once per hire: when it is recorded confirmed, or when what the person said is
    confirmed. The salary, a person's pay, is not an event field."""
    webhooks.emit(
        webhooks.HIRE_RECORDED,
        f"{webhooks.HIRE_RECORDED}-{hire.id}",
        data={
            "hire_id": hire.id,
            "employer_id": hire.employer_id,
            "employer_name": hire.employer_name,
            "vacancy_id": hire.vacancy_id,
            "interview_id": hire.interview_id,
            "position": hire.position,
            "start_date": hire.start_date.isoformat(),
            "contract_type": hire.contract_type.value if hire.contract_type else None,
            "social_insurance": hire.social_insurance,
            "source": hire.source.value,
            "recorded_at": webhooks.iso(now),
        },
        at=now,
        fair_id=hire.fair_id,
        attendee_id=hire.attendee_id,
    )


def _employer_name(hire: Hire) -> str:
    if hire.employer_id is not None:
        return db.session.get(Employer, hire.employer_id).name
    return hire.employer_name or ""


def _supersede_reported(hire: Hire, *, by, now: datetime, origin: Origin) -> None:
    """A job the person told of (to confirm) at the employer now recorded by staff or the employer is
    this hire: the told one is dismissed and their answer points here, so the job counts once."""
    name = fold(_employer_name(hire))
    reported = db.session.scalars(
        sa.select(Hire).where(
            Hire.attendee_id == hire.attendee_id,
            Hire.status == HireStatus.TO_CONFIRM,
            Hire.id != hire.id,
        )
    ).all()
    for told in reported:
        if not name or fold(told.employer_name) != name:
            continue
        told.status, told.updated_by, told.updated_at = HireStatus.DISMISSED, getattr(by, "id", None), now
        db.session.execute(sa.update(SelfReport).where(SelfReport.hire_id == told.id).values(hire_id=hire.id))
        audit("hire.supersede", actor=by, target=told, origin=origin, details={"by_hire_id": hire.id})


def _schedule(hire: Hire) -> None:
    for month, due_on in rules.schedule(hire.start_date):
        _insert_ignoring_clash(
            FollowUp, {"hire_id": hire.id, "month": month, "due_on": due_on, "attempts": 0}
        )


def confirm_hire(hire: Hire, *, by, now: datetime | None = None, origin: Origin = SYSTEM) -> Hire:
    """An organiser confirms what the job seeker said (after a call): its follow-ups are scheduled."""
    now = now or utcnow()
    write_point()
    if hire.status != HireStatus.CONFIRMED:
        hire.status = HireStatus.CONFIRMED
        hire.updated_by, hire.updated_at = getattr(by, "id", None), now
        _schedule(hire)
        db.session.flush()
        db.session.refresh(hire, ["follow_ups"])
        audit("hire.confirm", actor=by, target=hire, origin=origin)
        _emit_hire(hire, now)
    db.session.flush()
    return hire


def dismiss_hire(hire: Hire, *, by, now: datetime | None = None, origin: Origin = SYSTEM) -> Hire:
    """An organiser found a job the person told of was not so: it counts nowhere."""
    now = now or utcnow()
    write_point()
    if hire.status == HireStatus.TO_CONFIRM:
        hire.status = HireStatus.DISMISSED
        hire.updated_by, hire.updated_at = getattr(by, "id", None), now
        audit("hire.dismiss", actor=by, target=hire, origin=origin)
    db.session.flush()
    return hire


# --- Correcting a hire -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HireChanges:
    """The job of a recorded hire as it should read: every field (None clears it). Start from
    HireChanges.of(hire) to change a few."""

    start_date: date
    vacancy_id: int | None = None
    position: str | None = None
    monthly_salary: int | None = None
    contract_type: ContractType | None = None
    social_insurance: bool | None = None
    workplace_ward_code: str | None = None
    workplace_province_code: int | None = None

    @classmethod
    def of(cls, hire: Hire) -> "HireChanges":
        return cls(**{name: getattr(hire, name) for name in JOB_FIELDS})


JOB_FIELDS = tuple(HireChanges.__dataclass_fields__)


def update_hire(
    hire: Hire, changes: HireChanges, *, by, now: datetime | None = None, origin: Origin = SYSTEM
) -> RecordedHire:
    """Correct the job of a recorded hire; who, which employer and which fair stay. The checks are
    record_hire's (HireRefused with the same codes, the low-salary warning), and also: start_date_locked
    (a follow-up is answered: the start date stays), duplicate_hire (the person already has a hire at
    this employer from that day). A new start date reschedules the follow-ups; a new social-insurance
    answer decides the sustainable-job question again. Nothing changed: nothing written
    (`changed` empty). NotFound when `by` may not act on the hire. A twin correction racing past the
    duplicate check is stopped by the hires' unique key (the IntegrityError rolls the request back)."""
    now = now or utcnow()
    if by is not None and not may_act_on(by, hire):
        raise NotFound()
    hiring = Hiring(
        attendee_id=hire.attendee_id,
        employer_id=hire.employer_id,
        employer_name=hire.employer_name,
        employer_tax_code=hire.employer_tax_code,
        fair_id=hire.fair_id,
        interview_id=hire.interview_id,
        **{name: getattr(changes, name) for name in JOB_FIELDS},
    )
    hiring, warnings = _job(hiring, today=local_day(now))
    write_point()
    # A follow-up answered meanwhile, or another correction, is seen here: they lock the hire too
    db.session.refresh(hire, with_for_update=True)
    db.session.refresh(hire, ["follow_ups"])
    changed = {
        name: (getattr(hire, name), getattr(hiring, name))
        for name in JOB_FIELDS
        if getattr(hire, name) != getattr(hiring, name)
    }
    if not changed:
        return RecordedHire(hire, created=False, warnings=warnings)
    if "start_date" in changed:
        _check_new_start(hire, hiring.start_date)
    for name, (_old, new) in changed.items():
        setattr(hire, name, new)
    hire.updated_by, hire.updated_at = getattr(by, "id", None), now
    if "start_date" in changed:
        try:
            db.session.flush()
        except IntegrityError:  # another correction made the same hire meanwhile: the request rolls back
            raise _duplicate() from None
    if "start_date" in changed:
        open_ones = [follow_up for follow_up in hire.follow_ups if follow_up.outcome is None]
        due = dict(rules.schedule(hire.start_date, [follow_up.month for follow_up in open_ones]))
        for follow_up in open_ones:
            follow_up.due_on = due[follow_up.month]
    decide(hire, now=now)
    audit(
        "hire.update",
        actor=by,
        target=hire,
        origin=origin,
        details={
            "before": {name: _as_json(old) for name, (old, _new) in changed.items()},
            "after": {name: _as_json(new) for name, (_old, new) in changed.items()},
        },
    )
    db.session.flush()
    return RecordedHire(hire, created=False, warnings=warnings, changed=changed)


def _as_json(value):
    if isinstance(value, enum.Enum):
        return value.value
    return value.isoformat() if isinstance(value, date) else value


def _check_new_start(hire: Hire, start_date: date) -> None:
    if any(follow_up.outcome is not None for follow_up in hire.follow_ups):
        raise _refuse(
            HireRefused,
            "start_date_locked",
            "start_date",
            _l("Ngày bắt đầu làm việc: không sửa được nữa vì đã có kết quả theo dõi."),
        )
    twin = db.session.scalar(
        sa.select(Hire.id).where(
            Hire.attendee_id == hire.attendee_id,
            Hire.employer_key == hire.employer_key,
            Hire.start_date == start_date,
            Hire.id != hire.id,
        )
    )
    if twin is not None:
        raise _duplicate()


def _duplicate() -> DomainError:
    return _refuse(
        HireRefused,
        "duplicate_hire",
        "start_date",
        _l("Ngày bắt đầu làm việc: người này đã có việc làm ở doanh nghiệp này từ ngày đó."),
    )


# --- Follow-ups -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What a follow-up found. `month`: the milestone answered (default: the earliest open one due by
    checked_on, up to FOLLOW_UP_EARLY_DAYS ahead)."""

    checked_on: date
    outcome: FollowUpOutcome
    month: int | None = None
    reason: LeaveReason | None = None
    note: str | None = None
    new_employer_name: str | None = None
    retry_in_days: int | None = None


def _milestone(hire: Hire, answer: Answer) -> FollowUp:
    follow_ups = {follow_up.month: follow_up for follow_up in hire.follow_ups}
    early = timedelta(days=current_app.config["FOLLOW_UP_EARLY_DAYS"])
    if answer.month is not None:
        if answer.month not in follow_ups:
            raise _refuse(
                FollowUpRefused, "no_such_follow_up", "month", _l("Mốc theo dõi: không có mốc này.")
            )
        chosen = follow_ups[answer.month]
        # A milestone answered before it falls due would decide the sustainable-job question early;
        # leaving the job can be told at any time
        if answer.outcome != FollowUpOutcome.LEFT and chosen.due_on > answer.checked_on + early:
            raise _not_due(chosen)
        return chosen
    open_due = [f for f in hire.follow_ups if f.outcome is None and f.due_on <= answer.checked_on + early]
    if open_due:
        return open_due[0]
    if all(f.outcome is not None for f in hire.follow_ups):
        raise _refuse(
            FollowUpRefused, "all_done", "checked_on", _l("Các mốc theo dõi của việc làm này đã ghi xong.")
        )
    first_open = next(f for f in hire.follow_ups if f.outcome is None)
    if answer.outcome == FollowUpOutcome.LEFT:  # the person left between two milestones
        return first_open
    raise _not_due(first_open)


def _not_due(follow_up: FollowUp) -> DomainError:
    return _refuse(
        FollowUpRefused,
        "not_due",
        "checked_on",
        _l("Ngày theo dõi: mốc gần nhất đến hạn ngày %(day)s.", day=follow_up.due_on.strftime("%d/%m/%Y")),
    )


def record_follow_up(
    hire: Hire,
    answer: Answer,
    *,
    by,
    answered_by: str = "staff",
    now: datetime | None = None,
    origin: Origin = SYSTEM,
) -> FollowUp:
    """Record what a follow-up found. An answer to a milestone already answered replaces it (the audit
    log keeps each). Unreachable keeps the milestone open until retry_on; a person who left closes the
    later milestones. Decides the sustainable-job question. Raises FollowUpRefused (codes:
    hire_not_confirmed, before_start, in_future, no_such_follow_up, not_due, all_done, reason_required,
    too_long, invalid_text)."""
    now = now or utcnow()
    today = local_day(now)
    if hire.status != HireStatus.CONFIRMED:
        raise _refuse(
            FollowUpRefused, "hire_not_confirmed", "hire_id", _l("Việc làm này chưa được xác nhận.")
        )
    if answer.checked_on < hire.start_date:
        raise _refuse(
            FollowUpRefused,
            "before_start",
            "checked_on",
            _l("Ngày theo dõi: không được trước ngày bắt đầu làm việc."),
        )
    if answer.checked_on > today:
        raise _refuse(
            FollowUpRefused, "in_future", "checked_on", _l("Ngày theo dõi: không được sau hôm nay.")
        )
    if answer.outcome == FollowUpOutcome.LEFT and answer.reason is None:
        raise _refuse(FollowUpRefused, "reason_required", "reason", _l("Lý do nghỉ việc: vui lòng chọn."))
    note = _text(answer.note, "note", MAX_NOTE_LENGTH, _l("Ghi chú"))
    new_employer = _text(
        answer.new_employer_name, "new_employer_name", MAX_EMPLOYER_NAME_LENGTH, _l("Nơi làm mới")
    )
    write_point()
    # Two calls answering the same hire at once: the second waits for the first and sees its answer.
    db.session.refresh(hire, with_for_update=True)
    db.session.refresh(hire, ["follow_ups"])
    follow_up = _milestone(hire, answer)
    follow_up.attempts += 1
    follow_up.by_user_id, follow_up.recorded_at, follow_up.answered_by = (
        getattr(by, "id", None),
        now,
        answered_by,
    )
    follow_up.note = note
    # A "left" answer being replaced: reopen the later milestones it closed
    if follow_up.outcome == FollowUpOutcome.LEFT and answer.outcome != FollowUpOutcome.LEFT:
        for later in hire.follow_ups:
            if later.month > follow_up.month and later.answered_by == "rule":
                later.outcome, later.checked_on, later.reason = None, None, None
                later.answered_by, later.recorded_at = None, None
    if answer.outcome == FollowUpOutcome.UNREACHABLE:
        days = answer.retry_in_days or current_app.config["FOLLOW_UP_RETRY_DAYS"]
        follow_up.retry_on = answer.checked_on + timedelta(days=max(1, min(int(days), 60)))
        follow_up.outcome, follow_up.checked_on, follow_up.reason, follow_up.new_employer_name = (None,) * 4
    else:
        follow_up.outcome = answer.outcome
        follow_up.checked_on = answer.checked_on
        follow_up.retry_on = None
        follow_up.reason = answer.reason if answer.outcome == FollowUpOutcome.LEFT else None
        follow_up.new_employer_name = (
            new_employer if answer.outcome == FollowUpOutcome.CHANGED_EMPLOYER else None
        )
        if answer.outcome == FollowUpOutcome.LEFT:
            for later in hire.follow_ups:
                if later.month > follow_up.month and later.outcome is None:
                    later.outcome, later.checked_on, later.reason = (
                        FollowUpOutcome.LEFT,
                        answer.checked_on,
                        answer.reason,
                    )
                    later.answered_by, later.recorded_at = "rule", now
    decide(hire, now=now)
    audit(
        "follow_up.record",
        actor=by,
        target=hire,
        origin=origin,
        details={"month": follow_up.month, "outcome": answer.outcome.value, "answered_by": answered_by},
    )
    db.session.flush()
    webhooks.emit(
        webhooks.FOLLOWUP_RECORDED,
        f"{webhooks.FOLLOWUP_RECORDED}-{follow_up.id}-{follow_up.attempts}",
        data={
            "follow_up_id": follow_up.id,
            "hire_id": hire.id,
            "month": follow_up.month,
            "outcome": answer.outcome.value,
            "checked_on": answer.checked_on.isoformat(),
            "answered_by": answered_by,
            "sustainable": hire.sustainable,
            "recorded_at": webhooks.iso(now),
        },
        at=now,
        fair_id=hire.fair_id,
        attendee_id=hire.attendee_id,
    )
    return follow_up


def decide(hire: Hire, *, now: datetime | None = None) -> bool | None:
    """Apply the sustainable-job rule to the hire's follow-ups and keep the decision on the hire."""
    answers = {follow_up.month: follow_up.outcome for follow_up in hire.follow_ups}
    decision = rules.is_sustainable(answers, social_insurance=hire.social_insurance)
    if decision != hire.sustainable:
        hire.sustainable = decision
        hire.decided_at = (now or utcnow()) if decision is not None else None
    return decision


# --- What job seekers say of themselves ---------------------------------------------------------------------


def self_report(
    registration: Registration,
    answer: JobAnswer,
    *,
    client_key: str,
    employer_name: str | None = None,
    start_date: date | None = None,
    now: datetime | None = None,
) -> SelfReport:
    """The job seeker's answer through the ticket link. "Got a job" also records a hire to confirm
    (the employer by the name typed); a resent form (same client key) is the same answer. Raises
    HireRefused with the field named."""
    now = now or utcnow()
    today = local_day(now)
    if not isinstance(client_key, str) or not 8 <= len(client_key) <= 64 or has_control(client_key):
        raise _refuse(HireRefused, "invalid_key", "client_key", _l("Biểu mẫu đã cũ, vui lòng tải lại trang."))
    name = _text(employer_name, "employer_name", MAX_EMPLOYER_NAME_LENGTH, _l("Tên nơi làm việc"))
    if answer == JobAnswer.EMPLOYED:
        if name is None:
            raise _refuse(
                HireRefused, "employer_required", "employer_name", _l("Tên nơi làm việc: vui lòng nhập.")
            )
        start_date = start_date or today
        if start_date > today:
            raise _refuse(
                HireRefused, "start_in_future", "start_date", _l("Ngày bắt đầu làm: không được sau hôm nay.")
            )
    else:
        name, start_date = None, None
    write_point()
    existing = db.session.scalar(
        sa.select(SelfReport).where(
            SelfReport.registration_id == registration.id, SelfReport.client_key == client_key
        )
    )
    if existing is not None:
        return existing
    attendee = registration.attendee
    hire_id = None
    if answer == JobAnswer.EMPLOYED:
        hiring = Hiring(attendee_id=attendee.id, start_date=start_date, employer_name=name)
        hiring = _attribution(None, _employer(None, hiring))
        if hiring.fair_id is None:
            hiring = (
                replace(hiring, fair_id=registration.fair_id)
                if start_date >= local_day(registration.fair.starts_at)
                else hiring
            )
        hire_id = record_hire(
            hiring, by=None, source=HireSource.JOB_SEEKER, status=HireStatus.TO_CONFIRM, now=now
        ).hire.id
    report_id = _insert_ignoring_clash(
        SelfReport,
        {
            "attendee_id": attendee.id,
            "registration_id": registration.id,
            "ward_code": attendee.ward_code,
            "answer": answer,
            "employer_name": name,
            "start_date": start_date,
            "hire_id": hire_id,
            "client_key": client_key,
            "created_at": now,
        },
    )
    if report_id is None:  # a twin submission won
        return db.session.scalars(
            sa.select(SelfReport).where(
                SelfReport.registration_id == registration.id, SelfReport.client_key == client_key
            )
        ).one()
    audit(
        "self_report.record", actor_label="job_seeker", target=registration, details={"answer": answer.value}
    )
    db.session.flush()
    return db.session.get(SelfReport, report_id)


def handle_self_report(
    report: SelfReport, *, by, now: datetime | None = None, origin: Origin = SYSTEM
) -> None:
    """An organiser dealt with the answer (called the person, confirmed or dismissed the hire)."""
    write_point()
    if report.handled_at is None:
        report.handled_at, report.handled_by = now or utcnow(), getattr(by, "id", None)
        audit("self_report.handle", actor=by, target=report, origin=origin)
    db.session.flush()
