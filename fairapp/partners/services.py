"""Employer and school rules: registration (by themselves or by staff), approval, colleagues,
vacancies with the fairs they are offered at, and training programmes.

Every create/update takes a plain dict (from a form, a JSON body or a spreadsheet row), checks every
field and raises one ValidationError whose `fields` names all the bad ones. Services flush, never
commit. Error codes: validation_error, invalid_tax_code, quantity_not_positive, salary_range,
deadline_in_past, age_range, employer_exists (409), account_exists (409), not_approved (403),
partner_locked (403: rejected or suspended), forbidden (403), not_found (404), fair_not_open (409).

Decisions on a partner (approve, reject, suspend, reinstate) are fairapp.partners.decisions, reached
through fairapp.booths.moderation; public-field changes are flagged by fairapp.partners.review."""

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.auth import services as auth_services
from fairapp.auth.models import Role, User
from fairapp.errors import Conflict, Forbidden, NotFound, ValidationError
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.modelbase import utcnow
from fairapp.partners import decisions, review
from fairapp.partners.fields import Reader
from fairapp.partners.models import (
    EducationLevel,
    Employer,
    PartnerStatus,
    ProgrammeLevel,
    School,
    TrainingProgramme,
    Vacancy,
    VacancyStatus,
)
from fairapp.partners.standing import ensure_active, ensure_editable, is_staff


def partners_contact() -> str:
    """Whom a company or school should call: PARTNERS_CONTACT when configured, else the ward's officials."""
    return current_app.config.get("PARTNERS_CONTACT") or str(
        _l("cán bộ phụ trách lao động – xã hội của phường, xã nơi tổ chức phiên")
    )


# --- Who may act on what ---------------------------------------------------------------------------


def ensure_employer_actor(by, employer: Employer, *, need_approved: bool = True) -> None:
    """Staff act on any employer; an employer account only on its own (another's: NotFound, so its
    existence is not revealed), and only once approved (not_approved, partner_locked); anyone else
    is Forbidden."""
    if is_staff(by):
        return
    if by is None or by.role != Role.EMPLOYER:
        raise Forbidden()
    if by.employer_id != employer.id:
        raise NotFound()
    if need_approved:
        ensure_active(employer)


def ensure_school_actor(by, school: School, *, need_approved: bool = True) -> None:
    if is_staff(by):
        return
    if by is None or by.role != Role.SCHOOL:
        raise Forbidden()
    if by.school_id != school.id:
        raise NotFound()
    if need_approved:
        ensure_active(school)


def get_employer_for(by, employer_id: int) -> Employer:
    employer = db.session.get(Employer, employer_id)
    if employer is None:
        raise NotFound()
    ensure_employer_actor(by, employer, need_approved=False)
    return employer


def get_school_for(by, school_id: int) -> School:
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound()
    ensure_school_actor(by, school, need_approved=False)
    return school


def get_vacancy_for(by, vacancy_id: int) -> Vacancy:
    vacancy = db.session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise NotFound()
    ensure_employer_actor(by, vacancy.employer, need_approved=False)
    return vacancy


def get_programme_for(by, programme_id: int) -> TrainingProgramme:
    programme = db.session.get(TrainingProgramme, programme_id)
    if programme is None:
        raise NotFound()
    ensure_school_actor(by, programme.school, need_approved=False)
    return programme


# --- Lists for organisers --------------------------------------------------------------------------


def list_employers(*, status: str | None = None, q: str | None = None, ward_code: str | None = None):
    query = sa.select(Employer)
    if status:
        query = query.where(Employer.status == PartnerStatus(status))
    if ward_code:
        query = query.where(Employer.ward_code == ward_code)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(sa.or_(Employer.name.ilike(like), Employer.tax_code.like(like)))
    return db.session.scalars(query.order_by(Employer.created_at.desc(), Employer.id.desc())).all()


def list_schools(*, status: str | None = None, q: str | None = None, ward_code: str | None = None):
    query = sa.select(School)
    if status:
        query = query.where(School.status == PartnerStatus(status))
    if ward_code:
        query = query.where(School.ward_code == ward_code)
    if q:
        query = query.where(School.name.ilike(f"%{q.strip()}%"))
    return db.session.scalars(query.order_by(School.created_at.desc(), School.id.desc())).all()


def status_counts(model) -> dict[str, int]:
    rows = db.session.execute(sa.select(model.status, sa.func.count()).group_by(model.status)).all()
    return {status.value: count for status, count in rows}


# --- Employers -------------------------------------------------------------------------------------

EMPLOYER_LABELS = {
    "name": _l("Tên doanh nghiệp"),
    "industry": _l("Ngành nghề kinh doanh"),
    "address": _l("Địa chỉ"),
    "ward_code": _l("Phường/xã"),
    "contact_name": _l("Người liên hệ"),
    "phone": _l("Số điện thoại"),
    "email": _l("Email"),
}


def _read_employer(data: dict) -> Reader:
    reader = Reader(data)
    reader.text("name", EMPLOYER_LABELS["name"], 200, required=True)
    reader.tax_code()
    reader.text("industry", EMPLOYER_LABELS["industry"], 100)
    reader.text("address", EMPLOYER_LABELS["address"], 300)
    reader.ward("ward_code", EMPLOYER_LABELS["ward_code"])
    reader.person_name("contact_name", EMPLOYER_LABELS["contact_name"], 200)
    reader.phone("phone", EMPLOYER_LABELS["phone"])
    reader.email("email", EMPLOYER_LABELS["email"])
    return reader


def _employer_exists() -> Conflict:
    message = _l(
        "Doanh nghiệp có mã số thuế này đã được đăng ký trên hệ thống. Nếu bạn cần tài khoản "
        "cho doanh nghiệp, vui lòng liên hệ %(contact)s.",
        contact=partners_contact(),
    )
    return Conflict(message, code="employer_exists", fields={"tax_code": message})


def _tax_code_taken(tax_code: str, exclude_id: int | None = None) -> bool:
    query = sa.select(Employer.id).where(Employer.tax_code == tax_code)
    if exclude_id:
        query = query.where(Employer.id != exclude_id)
    return db.session.scalar(query) is not None


def _flush_employer() -> None:
    """Flush; a tax code registered meanwhile by a concurrent request becomes employer_exists."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise _employer_exists() from None


def _check_employer(data: dict, *, exclude_id: int | None = None) -> dict:
    reader = _read_employer(data)
    values = reader.finish()
    if _tax_code_taken(values["tax_code"], exclude_id):
        raise _employer_exists()
    return values


def create_employer(data: dict, *, by=None, origin: Origin = SYSTEM, now: datetime | None = None) -> Employer:
    """A new employer: approved at once when `by` is an admin or organiser, else pending.
    Raises validation_error / invalid_tax_code (422) or employer_exists (409)."""
    now = now or utcnow()
    values = _check_employer(data)
    employer = Employer(**values)
    if is_staff(by):
        employer.status, employer.approved_at, employer.decided_at = PartnerStatus.APPROVED, now, now
    else:
        employer.status = PartnerStatus.PENDING
    db.session.add(employer)
    _flush_employer()
    record(
        "employer.create",
        actor=by,
        target=employer,
        origin=origin,
        details={"tax_code": employer.tax_code, "status": employer.status.value},
    )
    db.session.flush()
    return employer


def update_employer(employer: Employer, data: dict, *, by, origin: Origin = SYSTEM, now=None) -> Employer:
    """Change an employer's details. Its own account may not change the tax code (staff may), nor
    anything once the employer is rejected or suspended (partner_locked)."""
    ensure_employer_actor(by, employer, need_approved=False)
    if not is_staff(by):
        ensure_editable(employer)
        data = {**data, "tax_code": employer.tax_code}
    values = _check_employer(data, exclude_id=employer.id)
    before = review.public_values(employer)
    changes = {k: [getattr(employer, k), v] for k, v in values.items() if getattr(employer, k) != v}
    for key, value in values.items():
        setattr(employer, key, value)
    _flush_employer()
    record("employer.update", actor=by, target=employer, origin=origin, details={"changes": changes})
    review.note_public_change(employer, before, by=by, origin=origin, now=now)
    db.session.flush()
    return employer


def _account_errors(account: dict, role: Role) -> dict:
    try:
        auth_services._clean_fields(
            account.get("email"),
            account.get("phone"),
            account.get("full_name"),
            role.value,
            account.get("password"),
            require_password=True,
        )
    except ValidationError as error:
        return {f"account_{k}" if k != "password" else "password": v for k, v in error.fields.items()}
    return {}


def register_employer(
    data: dict, account: dict, *, origin: Origin = SYSTEM, now: datetime | None = None
) -> tuple[Employer, User]:
    """Self-registration: a pending employer and its first account (role employer, linked) in the
    caller's transaction. `account` holds full_name, email, phone, password. Every bad field of
    both is reported at once (account fields are prefixed `account_`, except `password`)."""
    reader = _read_employer(data)
    errors = {**reader.errors, **_account_errors(account, Role.EMPLOYER)}
    if errors:
        raise ValidationError(code=reader.first_code or "validation_error", fields=errors)
    if _tax_code_taken(reader.values["tax_code"]):
        raise _employer_exists()
    employer = create_employer(data, by=None, origin=origin, now=now)
    user = _first_account(account, Role.EMPLOYER, origin=origin, employer_id=employer.id)
    record("employer.register", actor=user, target=employer, origin=origin)
    db.session.flush()
    return employer, user


def _first_account(account: dict, role: Role, *, origin: Origin, **link) -> User:
    try:
        return auth_services.create_user(
            email=account.get("email") or None,
            phone=account.get("phone") or None,
            full_name=account.get("full_name") or "",
            role=role.value,
            password=account.get("password") or "",
            origin=origin,
            **link,
        )
    except Conflict as error:
        error.fields = {f"account_{k}": v for k, v in error.fields.items()}
        raise


def approve_employer(employer: Employer, *, by, origin: Origin = SYSTEM, now=None) -> Employer:
    """pending or rejected → approved (staff only). Raises invalid_transition, forbidden. Rejecting,
    suspending and reinstating: fairapp.booths.moderation (they change the employer's booths)."""
    decisions.decide(employer, "approve", by=by, origin=origin, now=now)
    return employer


def add_colleague(by, account: dict, *, origin: Origin = SYSTEM) -> User:
    """An approved employer's (or school's) account adds another account for the same company or
    school. Raises not_approved, forbidden, validation_error, account_exists."""
    if by is None or by.role not in (Role.EMPLOYER, Role.SCHOOL):
        raise Forbidden()
    partner = (
        db.session.get(Employer, by.employer_id)
        if by.role == Role.EMPLOYER
        else db.session.get(School, by.school_id)
    )
    if partner is None:
        raise Forbidden()
    ensure_active(partner)
    link = {"employer_id": partner.id} if by.role == Role.EMPLOYER else {"school_id": partner.id}
    user = auth_services.create_user(
        email=account.get("email") or None,
        phone=account.get("phone") or None,
        full_name=account.get("full_name") or "",
        role=by.role.value,
        password=account.get("password") or "",
        by=by,
        origin=origin,
        **link,
    )
    return user


def colleagues_of(user) -> list[User]:
    column, value = (
        (User.employer_id, user.employer_id)
        if user.role == Role.EMPLOYER
        else (User.school_id, user.school_id)
    )
    if value is None:
        return []
    return db.session.scalars(sa.select(User).where(column == value).order_by(User.id)).all()


# --- Vacancies -------------------------------------------------------------------------------------

VACANCY_LABELS = {
    "title": _l("Vị trí tuyển dụng"),
    "occupation": _l("Nghề nghiệp"),
    "quantity": _l("Số lượng cần tuyển"),
    "work_place": _l("Nơi làm việc"),
    "salary_min": _l("Lương từ"),
    "salary_max": _l("Lương đến"),
    "education": _l("Trình độ học vấn"),
    "experience_years": _l("Kinh nghiệm (năm)"),
    "age_min": _l("Tuổi từ"),
    "age_max": _l("Tuổi đến"),
    "working_hours": _l("Thời gian làm việc"),
    "benefits": _l("Quyền lợi"),
    "requirements": _l("Yêu cầu khác"),
    "deadline": _l("Hạn nộp hồ sơ"),
    "status": _l("Trạng thái"),
}


def _read_vacancy(data: dict, *, now: datetime, old_deadline=None) -> dict:
    labels = VACANCY_LABELS
    reader = Reader(data)
    reader.text("title", labels["title"], 200, required=True)
    reader.text("occupation", labels["occupation"], 200)
    reader.integer(
        "quantity",
        labels["quantity"],
        minimum=1,
        maximum=100_000,
        required=True,
        code="quantity_not_positive",
    )
    reader.text("work_place", labels["work_place"], 300)
    low = reader.integer("salary_min", labels["salary_min"], minimum=0, maximum=10**12)
    high = reader.integer("salary_max", labels["salary_max"], minimum=0, maximum=10**12)
    if low is not None and high is not None and low > high:
        reader.fail("salary_max", _l("Lương đến: phải lớn hơn hoặc bằng Lương từ."), "salary_range")
    reader.choice("education", labels["education"], EducationLevel)
    reader.integer("experience_years", labels["experience_years"], minimum=0, maximum=50)
    young = reader.integer("age_min", labels["age_min"], minimum=15, maximum=70)
    old = reader.integer("age_max", labels["age_max"], minimum=15, maximum=70)
    if young is not None and old is not None and young > old:
        reader.fail("age_max", _l("Tuổi đến: phải lớn hơn hoặc bằng Tuổi từ."), "age_range")
    reader.text("working_hours", labels["working_hours"], 200)
    reader.text("benefits", labels["benefits"], 5000, multiline=True)
    reader.text("requirements", labels["requirements"], 5000, multiline=True)
    deadline = reader.day("deadline", labels["deadline"])
    if deadline is not None and deadline != old_deadline and deadline < local_day(now):
        reader.fail("deadline", _l("Hạn nộp hồ sơ: không được ở trong quá khứ."), "deadline_in_past")
    reader.choice("status", labels["status"], VacancyStatus, default=VacancyStatus.OPEN)
    return reader.finish()


def create_vacancy(
    employer: Employer, data: dict, *, by, origin: Origin = SYSTEM, now: datetime | None = None
) -> Vacancy:
    """A vacancy of this employer (the fairs it is recruited for: fairapp.booths.services.set_offers).
    Raises validation_error, quantity_not_positive, salary_range, deadline_in_past, age_range (422),
    not_approved, forbidden (403), not_found (404: another employer's account)."""
    now = now or utcnow()
    ensure_employer_actor(by, employer)
    values = _read_vacancy(data, now=now)
    vacancy = Vacancy(employer_id=employer.id, **values)
    db.session.add(vacancy)
    db.session.flush()
    record("vacancy.create", actor=by, target=vacancy, origin=origin, details={"employer_id": employer.id})
    review.note_public_change(vacancy, None, by=by, origin=origin, now=now)
    db.session.flush()
    return vacancy


def update_vacancy(vacancy: Vacancy, data: dict, *, by, origin: Origin = SYSTEM, now=None) -> Vacancy:
    """Same rules as create_vacancy; an unchanged past deadline is kept."""
    now = now or utcnow()
    ensure_employer_actor(by, vacancy.employer)
    values = _read_vacancy(data, now=now, old_deadline=vacancy.deadline)
    before = review.public_values(vacancy)
    changes = {k: [str(getattr(vacancy, k)), str(v)] for k, v in values.items() if getattr(vacancy, k) != v}
    for key, value in values.items():
        setattr(vacancy, key, value)
    vacancy.updated_at = now
    record("vacancy.update", actor=by, target=vacancy, origin=origin, details={"changes": changes})
    review.note_public_change(vacancy, before, by=by, origin=origin, now=now)
    db.session.flush()
    return vacancy


def delete_vacancy(vacancy: Vacancy, *, by, origin: Origin = SYSTEM) -> None:
    """Remove a vacancy and its offers. Raises vacancy_in_use (409) when other records point to it."""
    from fairapp.booths.models import VacancyOffer

    ensure_employer_actor(by, vacancy.employer)
    record("vacancy.delete", actor=by, target=vacancy, origin=origin, details={"title": vacancy.title})
    try:
        with db.session.begin_nested():
            db.session.execute(sa.delete(VacancyOffer).where(VacancyOffer.vacancy_id == vacancy.id))
            db.session.delete(vacancy)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(
            _l(
                "Vị trí này đã có phỏng vấn hoặc tuyển dụng gắn với nó; hãy chuyển sang "
                "trạng thái Đã đóng thay vì xoá."
            ),
            code="vacancy_in_use",
        ) from None


# --- Schools and programmes ------------------------------------------------------------------------

SCHOOL_LABELS = {
    "name": _l("Tên cơ sở đào tạo"),
    "address": _l("Địa chỉ"),
    "ward_code": _l("Phường/xã"),
    "contact_name": _l("Người liên hệ"),
    "phone": _l("Số điện thoại"),
    "email": _l("Email"),
}


def _read_school(data: dict) -> Reader:
    reader = Reader(data)
    reader.text("name", SCHOOL_LABELS["name"], 200, required=True)
    reader.text("address", SCHOOL_LABELS["address"], 300)
    reader.ward("ward_code", SCHOOL_LABELS["ward_code"])
    reader.person_name("contact_name", SCHOOL_LABELS["contact_name"], 200)
    reader.phone("phone", SCHOOL_LABELS["phone"])
    reader.email("email", SCHOOL_LABELS["email"])
    return reader


def create_school(data: dict, *, by=None, origin: Origin = SYSTEM, now: datetime | None = None) -> School:
    """A new school: approved at once when `by` is staff, else pending. Raises validation_error."""
    now = now or utcnow()
    values = _read_school(data).finish()
    school = School(**values)
    if is_staff(by):
        school.status, school.approved_at, school.decided_at = PartnerStatus.APPROVED, now, now
    else:
        school.status = PartnerStatus.PENDING
    db.session.add(school)
    db.session.flush()
    record("school.create", actor=by, target=school, origin=origin, details={"status": school.status.value})
    db.session.flush()
    return school


def update_school(school: School, data: dict, *, by, origin: Origin = SYSTEM, now=None) -> School:
    """As update_employer: its own accounts change nothing once it is rejected or suspended."""
    ensure_school_actor(by, school, need_approved=False)
    if not is_staff(by):
        ensure_editable(school)
    values = _read_school(data).finish()
    before = review.public_values(school)
    changes = {k: [getattr(school, k), v] for k, v in values.items() if getattr(school, k) != v}
    for key, value in values.items():
        setattr(school, key, value)
    record("school.update", actor=by, target=school, origin=origin, details={"changes": changes})
    review.note_public_change(school, before, by=by, origin=origin, now=now)
    db.session.flush()
    return school


def register_school(
    data: dict, account: dict, *, origin: Origin = SYSTEM, now: datetime | None = None
) -> tuple[School, User]:
    """Self-registration of a school with its first account, as register_employer."""
    reader = _read_school(data)
    errors = {**reader.errors, **_account_errors(account, Role.SCHOOL)}
    if errors:
        raise ValidationError(fields=errors)
    school = create_school(data, by=None, origin=origin, now=now)
    user = _first_account(account, Role.SCHOOL, origin=origin, school_id=school.id)
    record("school.register", actor=user, target=school, origin=origin)
    db.session.flush()
    return school, user


PROGRAMME_LABELS = {
    "name": _l("Tên ngành/nghề"),
    "level": _l("Trình độ đào tạo"),
    "duration_months": _l("Thời gian đào tạo (tháng)"),
    "seats": _l("Chỉ tiêu tuyển sinh"),
    "tuition": _l("Học phí"),
    "priority_support": _l("Hỗ trợ cho người thuộc hộ nghèo, cận nghèo"),
}


def _read_programme(data: dict) -> dict:
    labels = PROGRAMME_LABELS
    reader = Reader(data)
    reader.text("name", labels["name"], 200, required=True)
    if reader.choice("level", labels["level"], ProgrammeLevel) is None and "level" not in reader.errors:
        reader.fail("level", _l("%(field)s: bắt buộc.", field=labels["level"]))
    reader.integer("duration_months", labels["duration_months"], minimum=1, maximum=120)
    reader.integer("seats", labels["seats"], minimum=1, maximum=100_000, code="seats_not_positive")
    reader.integer("tuition", labels["tuition"], minimum=0, maximum=10**12)
    reader.text("priority_support", labels["priority_support"], 2000, multiline=True)
    return reader.finish()


def create_programme(
    school: School, data: dict, *, by, origin: Origin = SYSTEM, now=None
) -> TrainingProgramme:
    """A training programme of this school. Raises validation_error, not_approved, forbidden, not_found."""
    ensure_school_actor(by, school)
    programme = TrainingProgramme(school_id=school.id, **_read_programme(data))
    db.session.add(programme)
    db.session.flush()
    record("programme.create", actor=by, target=programme, origin=origin, details={"school_id": school.id})
    review.note_public_change(programme, None, by=by, origin=origin, now=now)
    db.session.flush()
    return programme


def update_programme(
    programme: TrainingProgramme, data: dict, *, by, origin: Origin = SYSTEM, now=None
) -> TrainingProgramme:
    ensure_school_actor(by, programme.school)
    values = _read_programme(data)
    before = review.public_values(programme)
    changes = {
        k: [str(getattr(programme, k)), str(v)] for k, v in values.items() if getattr(programme, k) != v
    }
    for key, value in values.items():
        setattr(programme, key, value)
    record("programme.update", actor=by, target=programme, origin=origin, details={"changes": changes})
    review.note_public_change(programme, before, by=by, origin=origin, now=now)
    db.session.flush()
    return programme


def delete_programme(programme: TrainingProgramme, *, by, origin: Origin = SYSTEM) -> None:
    ensure_school_actor(by, programme.school)
    record("programme.delete", actor=by, target=programme, origin=origin, details={"name": programme.name})
    db.session.delete(programme)
    db.session.flush()
