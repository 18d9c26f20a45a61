"""The labour information handed to the commune police for the national database (Circular
11/2022/TT-BLĐTBXH, Form 01), per ward, for the people who agreed to it.

    missing_for_ward(ward_code, *, now=)      consented people whose Form 01 row lacks fields: the
                                              outreach call list's "collect missing information"
    people_of_ward(ward_code, *, page=, now=) a page of the ward's registered people: consent, status, gaps
    record_consent / withdraw_consent         the person agreed (or no longer agrees); audited
    export_ward(ward_code, *, by, origin, now, include_entered=)
                                              the Form 01 file (.xlsx) and its LabourExport row
    set_status(attendee, status, reason, *, by, origin, now)
                                              the police entered the row, or returned it with a reason

Column order: FORM_01_COLUMNS follows the order the issue gives for Form 01 (personal details,
residence, schooling and training, economic activity, job); the official form's own column order
could not be checked against the published circular from here, so it is the issue's order.

What the app does not hold stays empty and is listed as missing for that person, never guessed:
ethnicity (never asked), the training field (unless the person has no training), the employer's type
(not kept for employers), the full birth date when only the year is known (the year is written),
the ID number, the permanent address, schooling or qualification when not told, and the job's fields
when the person works but the job is not recorded. The current residence is the ward the person
registered as where they live now ("Nơi ở hiện nay"), written as "ward, province".

Economic-activity status (Tình trạng hoạt động kinh tế), decided in this order from the person's latest
confirmed hire that has started by today (by start date, then id) and what they said at registration
(`Attendee.situation`):
  1. employed (Có việc làm): that hire has not ended, i.e. its latest answered follow-up is not
     "left" (an unanswered or unreachable follow-up leaves it current). Job, employer, contract type
     and social insurance come from the hire; when a follow-up found the person had changed employer,
     the workplace is the new employer's name told on that call and the other job fields are missing.
  2. not in the labour force (Không tham gia hoạt động kinh tế): otherwise, situation "student".
  3. unemployed (Thất nghiệp): otherwise, that hire ended (the person left), or situation "unemployed".
  4. employed, job not recorded: otherwise, situation "wants_change" (the person said they have a job
     and want another one: a worker looking for a better job is employed); the job fields are missing.
  5. not known: otherwise (situation "other" or not told): the status is missing, to be asked.
The job's columns are filled, or listed as missing, only for an employed person.

Status with the police (LabourRecord), one per person: an export marks each person in the file
`exported`; the police's answer is recorded as `entered` or `returned` (with a reason). An export
holds the ward's consented, not erased people who are not `entered` yet (new, exported before and
not answered, returned): a person already entered is left out and stays entered, unless the export
asks for them too (`include_entered`: an update sent again), which marks them `exported` again.
Allowed changes: exported → entered or returned; returned → entered or returned (a new reason);
entered → entered (nothing changes); `exported` only through an export.

Consent: only people with `labour_consent_at` are exported or listed as missing; withdrawing it keeps
their record (what was handed over stays handed over) and leaves them out of every later export."""

import enum
import io
import math
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from fairapp.attendees import consent
from fairapp.attendees.citizen_ids import mask as mask_citizen_id
from fairapp.attendees.models import Attendee, EducationLevel, Gender, Qualification, Situation
from fairapp.audit.services import SYSTEM, Origin, record_read
from fairapp.audit.services import record as audit
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.geo.models import Province, Ward
from fairapp.modelbase import utcnow
from fairapp.outcomes.call_list import employer_label
from fairapp.outcomes.labels import CONTRACT_LABELS
from fairapp.outcomes.models import ContractType, FollowUp, FollowUpOutcome, Hire, HireStatus
from fairapp.outreach.models import LabourExport, LabourRecord, LabourStatus
from fairapp.partners.models import Employer
from fairapp.spreadsheets import set_cell, set_widths, sheet_title
from fairapp.text import clean_name, has_control
from fairapp.transactions import write_point

MAX_REASON_LENGTH = 300  # LabourRecord.reason
MARK_BATCH = 500  # people per statement: within SQLite's limit of bound parameters
DOCUMENT_LOCALE = "vi"  # the file is an official Vietnamese form, whatever the page's language

# Form 01's columns, in order: (key, header)
FORM_01_COLUMNS = (
    ("stt", _l("STT")),
    ("full_name", _l("Họ và tên")),
    ("birth_date", _l("Ngày tháng năm sinh")),
    ("sex", _l("Giới tính")),
    ("personal_id", _l("Số định danh cá nhân")),
    ("ethnicity", _l("Dân tộc")),
    ("permanent_residence", _l("Nơi thường trú")),
    ("current_residence", _l("Nơi ở hiện tại")),
    ("general_education", _l("Trình độ giáo dục phổ thông")),
    ("qualification", _l("Trình độ chuyên môn kỹ thuật")),
    ("training_field", _l("Chuyên ngành đào tạo")),
    ("activity_status", _l("Tình trạng hoạt động kinh tế")),
    ("job", _l("Công việc/vị trí việc làm")),
    ("workplace", _l("Nơi làm việc")),
    ("workplace_type", _l("Loại hình nơi làm việc")),
    ("contract_type", _l("Loại hợp đồng lao động")),
    ("social_insurance", _l("Tham gia BHXH")),
)
HEADERS = dict(FORM_01_COLUMNS)
JOB_COLUMNS = ("job", "workplace", "workplace_type", "contract_type", "social_insurance")


class Activity(enum.StrEnum):
    """Tình trạng hoạt động kinh tế."""

    EMPLOYED = "employed"  # có việc làm
    UNEMPLOYED = "unemployed"  # thất nghiệp
    INACTIVE = "inactive"  # không tham gia hoạt động kinh tế


ACTIVITY_LABELS = {
    Activity.EMPLOYED: _l("Có việc làm"),
    Activity.UNEMPLOYED: _l("Thất nghiệp"),
    Activity.INACTIVE: _l("Không tham gia hoạt động kinh tế"),
}
SEX_LABELS = {Gender.MALE: _l("Nam"), Gender.FEMALE: _l("Nữ")}
EDUCATION_LABELS = {
    EducationLevel.NONE: _l("Chưa đi học"),
    EducationLevel.PRIMARY: _l("Tiểu học"),
    EducationLevel.LOWER_SECONDARY: _l("Trung học cơ sở"),
    EducationLevel.UPPER_SECONDARY: _l("Trung học phổ thông"),
}
QUALIFICATION_LABELS = {
    Qualification.NONE: _l("Chưa qua đào tạo"),
    Qualification.SHORT_COURSE: _l("Sơ cấp"),
    Qualification.INTERMEDIATE: _l("Trung cấp"),
    Qualification.COLLEGE: _l("Cao đẳng"),
    Qualification.UNIVERSITY: _l("Đại học trở lên"),
}
STATUS_LABELS = {
    LabourStatus.EXPORTED: _l("Đã xuất danh sách"),
    LabourStatus.ENTERED: _l("Công an đã nhập"),
    LabourStatus.RETURNED: _l("Công an trả lại"),
}


class LabourRefused(DomainError):
    """Codes: not_exported, bad_transition, reason_required, too_long, invalid_text, attendee_erased,
    nothing_to_export."""

    code = "labour_refused"
    status = 422
    message = _l("Chưa ghi nhận được thông tin lao động này.")


def _refuse(code: str, field_name: str, message) -> LabourRefused:
    return LabourRefused(code=code, fields={field_name: message})


# --- One person's Form 01 row ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """What the hires say of a person's economic activity (see the module's documentation)."""

    activity: Activity | None
    position: str | None = None
    workplace: str | None = None
    contract_type: ContractType | None = None
    social_insurance: bool | None = None


def _jobs(people: sa.Select, today: date) -> dict[int, tuple]:
    """attendee id → (latest confirmed hire started by today, its answered follow-ups by month), for
    the attendees `people` (a select of ids) selects. Two statements, whatever the number of people."""
    hires = db.session.execute(
        sa.select(
            Hire.id,
            Hire.attendee_id,
            Hire.position,
            Hire.contract_type,
            Hire.social_insurance,
            employer_label(),
        )
        .outerjoin(Employer, Employer.id == Hire.employer_id)
        .where(
            Hire.attendee_id.in_(people.scalar_subquery()),
            Hire.status == HireStatus.CONFIRMED,
            Hire.start_date <= today,
        )
        .order_by(Hire.attendee_id, Hire.start_date, Hire.id)
    ).all()
    latest = {hire.attendee_id: hire for hire in hires}  # the last one per person wins
    answers: dict[int, list] = {hire.id: [] for hire in latest.values()}
    if answers:
        rows = db.session.execute(
            sa.select(FollowUp.hire_id, FollowUp.outcome, FollowUp.new_employer_name)
            .join(Hire, Hire.id == FollowUp.hire_id)
            .where(
                Hire.attendee_id.in_(people.scalar_subquery()),
                Hire.status == HireStatus.CONFIRMED,
                FollowUp.outcome.is_not(None),
                FollowUp.outcome != FollowUpOutcome.UNREACHABLE,
            )
            .order_by(FollowUp.hire_id, FollowUp.month)
        ).all()
        for row in rows:
            if row.hire_id in answers:
                answers[row.hire_id].append(row)
    return {attendee_id: (hire, answers[hire.id]) for attendee_id, hire in latest.items()}


def job_of(attendee: Attendee, hire, answers: list) -> Job:
    """The economic-activity status and the job (the rule in the module's documentation)."""
    if hire is not None and not (answers and answers[-1].outcome == FollowUpOutcome.LEFT):
        moved = [a for a in answers if a.outcome == FollowUpOutcome.CHANGED_EMPLOYER]
        if moved:
            return Job(Activity.EMPLOYED, workplace=moved[-1].new_employer_name or None)
        return Job(
            Activity.EMPLOYED,
            position=hire.position,
            workplace=hire.employer,
            contract_type=hire.contract_type,
            social_insurance=hire.social_insurance,
        )
    if attendee.situation == Situation.STUDENT:
        return Job(Activity.INACTIVE)
    if hire is not None or attendee.situation == Situation.UNEMPLOYED:
        return Job(Activity.UNEMPLOYED)
    if attendee.situation == Situation.WANTS_CHANGE:
        return Job(Activity.EMPLOYED)
    return Job(None)


def _label(labels: dict, value) -> str | None:
    """The label of a code (an enum member or its stored value: a StrEnum member hashes as its value)."""
    label = labels.get(value) if value is not None else None
    return str(label) if label is not None else None


def form_01_row(attendee: Attendee, job: Job, residence: str) -> tuple[dict, list[str]]:
    """The person's Form 01 values (column key → value; None where the app holds nothing) and the keys
    of the columns that are missing, in the form's order. STT is left to the file."""
    values = {
        "full_name": attendee.full_name,
        "birth_date": attendee.birth_date or str(attendee.birth_year),
        "sex": _label(SEX_LABELS, attendee.gender),
        "personal_id": attendee.citizen_id,
        "ethnicity": None,  # never asked
        "permanent_residence": attendee.address,
        "current_residence": residence,
        "general_education": _label(EDUCATION_LABELS, attendee.education_level),
        "qualification": _label(QUALIFICATION_LABELS, attendee.qualification),
        "training_field": None,  # never asked
        "activity_status": _label(ACTIVITY_LABELS, job.activity),
    }
    not_applicable = set()
    if attendee.qualification == Qualification.NONE:
        not_applicable.add("training_field")  # no training: no field of training
    if job.activity == Activity.EMPLOYED:
        values.update(
            job=job.position,
            workplace=job.workplace,
            workplace_type=None,  # employers' type is not kept
            contract_type=_label(CONTRACT_LABELS, job.contract_type),
            social_insurance=None if job.social_insurance is None else str(_yes_no(job.social_insurance)),
        )
    else:
        values.update(dict.fromkeys(JOB_COLUMNS))
        not_applicable.update(JOB_COLUMNS)
    missing = [
        key
        for key, _header in FORM_01_COLUMNS
        if key != "stt" and key not in not_applicable and values.get(key) in (None, "")
    ]
    if attendee.birth_date is None:
        missing.insert(0, "birth_date")  # the year is written; the day and month are missing
    return values, missing


def _yes_no(value: bool):
    return _l("Có") if value else _l("Không")


def headers(keys) -> list[str]:
    """The headers of these column keys, in the request's language."""
    return [str(HEADERS[key]) for key in keys]


# --- The ward's people ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingInfo:
    """A consented person whose Form 01 row lacks `fields` (the columns' headers, in the request's
    language): for the call list's "collect missing information" section."""

    attendee_id: int
    full_name: str
    phone: str
    fields: list[str]


@dataclass(frozen=True)
class LabourPerson:
    """One line of the page: the citizen ID masked; `missing` holds the columns' headers."""

    attendee_id: int
    full_name: str
    phone: str
    citizen_id: str
    birth_year: int
    consent_at: datetime | None
    status: LabourStatus | None
    reason: str | None
    status_at: datetime | None
    missing: list[str]


def _people(ward_code: str, *, consented: bool):
    query = sa.select(Attendee.id).where(Attendee.ward_code == ward_code, Attendee.erased_at.is_(None))
    if consented:
        query = query.where(Attendee.labour_consent_at.is_not(None))
    return query


def _residence(ward_code: str) -> str:
    row = db.session.execute(
        sa.select(Ward.name, Province.name.label("province"))
        .join(Province, Province.code == Ward.province_code)
        .where(Ward.code == ward_code)
    ).first()
    return f"{row.name}, {row.province}" if row is not None else ""


def _rows(ward_code: str, ids: sa.Select, now: datetime | None):
    """(attendee, record or None, values, missing keys) for each attendee `ids` selects, by name."""
    today = local_day(now or utcnow())
    jobs = _jobs(ids, today)
    residence = _residence(ward_code)
    found = db.session.execute(
        sa.select(Attendee, LabourRecord)
        .outerjoin(LabourRecord, LabourRecord.attendee_id == Attendee.id)
        .where(Attendee.id.in_(ids.scalar_subquery()))
        .order_by(Attendee.name_key, Attendee.id)
    ).all()
    for attendee, record in found:
        hire, answers = jobs.get(attendee.id, (None, []))
        values, missing = form_01_row(attendee, job_of(attendee, hire, answers), residence)
        yield attendee, record, values, missing


def form_01_of(attendee: Attendee, *, now: datetime | None = None) -> tuple[dict, list[str]]:
    """One person's Form 01 values and the keys of its missing columns (form_01_row)."""
    ids = sa.select(Attendee.id).where(Attendee.id == attendee.id)
    hire, answers = _jobs(ids, local_day(now or utcnow())).get(attendee.id, (None, []))
    return form_01_row(attendee, job_of(attendee, hire, answers), _residence(attendee.ward_code))


def missing_for_ward(ward_code: str, *, now: datetime | None = None) -> list[MissingInfo]:
    """The ward's consented, not erased people whose Form 01 row lacks fields, by name, each with the
    missing columns' headers (in the request's language) in the form's order. Writes nothing."""
    return [
        MissingInfo(attendee.id, attendee.full_name, attendee.phone, headers(missing))
        for attendee, _record, _values, missing in _rows(ward_code, _people(ward_code, consented=True), now)
        if missing
    ]


PAGE_SIZE = 100


@dataclass(frozen=True)
class WardPeople:
    """One page of the ward's people, and the ward's totals."""

    rows: list[LabourPerson]
    total: int  # registered, not erased
    consented: int
    page: int
    pages: int


def people_of_ward(
    ward_code: str, *, page: int = 1, per_page: int = PAGE_SIZE, now: datetime | None = None
) -> WardPeople:
    """A page of the ward's registered people (not erased), by name: consent, where their labour
    information stands with the police, and what their Form 01 row lacks. Writes nothing (the view
    audits the read). A page past the last is the last."""
    everyone = _people(ward_code, consented=False).subquery()
    total, consented = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(Attendee.labour_consent_at)).where(
            Attendee.id.in_(sa.select(everyone.c.id))
        )
    ).one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    ids = (
        _people(ward_code, consented=False)
        .order_by(Attendee.name_key, Attendee.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    rows = [
        LabourPerson(
            attendee_id=attendee.id,
            full_name=attendee.full_name,
            phone=attendee.phone,
            citizen_id=mask_citizen_id(attendee.citizen_id),
            birth_year=attendee.birth_year,
            consent_at=attendee.labour_consent_at,
            status=record.status if record else None,
            reason=record.reason if record else None,
            status_at=record.updated_at if record else None,
            missing=headers(missing),
        )
        for attendee, record, _values, missing in _rows(ward_code, sa.select(ids.subquery().c.id), now)
    ]
    return WardPeople(rows, int(total), int(consented), page, pages)


# --- Consent ---------------------------------------------------------------------------------------------


def _check_person(attendee: Attendee) -> None:
    if attendee.erased_at is not None:
        raise _refuse("attendee_erased", "attendee_id", _l("Người lao động: không tìm thấy."))


def record_consent(attendee: Attendee, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> bool:
    """The person agreed to hand their labour information to the commune police. Already agreed:
    nothing changes (False). Audited ("labour.consent"). Raises LabourRefused (attendee_erased)."""
    _check_person(attendee)
    if attendee.labour_consent_at is not None:
        return False
    write_point()
    attendee.labour_consent_at = now or utcnow()
    attendee.labour_consent_version = consent.LABOUR_VERSION
    audit(
        "labour.consent",
        actor=by,
        target=attendee,
        origin=origin,
        details={"ward_code": attendee.ward_code, "version": consent.LABOUR_VERSION},
    )
    db.session.flush()
    return True


def withdraw_consent(attendee: Attendee, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> bool:
    """The person no longer agrees: left out of every later export (their record stays). Not agreed:
    nothing changes (False). Audited ("labour.consent_withdraw"). Raises LabourRefused
    (attendee_erased)."""
    _check_person(attendee)
    if attendee.labour_consent_at is None:
        return False
    write_point()
    given = attendee.labour_consent_at
    attendee.labour_consent_at = attendee.labour_consent_version = None
    audit(
        "labour.consent_withdraw",
        actor=by,
        target=attendee,
        origin=origin,
        details={
            "ward_code": attendee.ward_code,
            "given_at": given.isoformat(),
            "at": (now or utcnow()).isoformat(),
        },
    )
    db.session.flush()
    return True


# --- The export ------------------------------------------------------------------------------------------


def export_ward(
    ward_code: str,
    *,
    by,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
    include_entered: bool = False,
) -> tuple[bytes, LabourExport]:
    """The Form 01 file of the ward (see the module's documentation for who is in it) and its
    LabourExport row; each person in it is marked exported. Audited twice: the write
    ("labour.export", on the LabourExport) and the read ("export.labour_info", ward and count).
    Raises LabourRefused (nothing_to_export) when nobody is to be exported."""
    now = now or utcnow()
    ids = _people(ward_code, consented=True)
    if not include_entered:
        entered = sa.select(LabourRecord.attendee_id).where(LabourRecord.status == LabourStatus.ENTERED)
        ids = ids.where(Attendee.id.not_in(entered))
    rows = list(_rows(ward_code, ids, now))
    if not rows:
        raise _refuse(
            "nothing_to_export",
            "ward",
            _l("Phường/xã: chưa có ai đồng ý cung cấp thông tin cần xuất danh sách."),
        )
    write_point()
    export = LabourExport(ward_code=ward_code, people=len(rows), by=getattr(by, "id", None), created_at=now)
    db.session.add(export)
    db.session.flush()
    _mark_exported(
        [attendee.id for attendee, *_rest in rows], export, by=by, now=now, include_entered=include_entered
    )
    for _attendee, record, *_rest in rows:
        if record is not None:
            db.session.expire(record)  # written by the statement above
    audit(
        "labour.export",
        actor=by,
        target=export,
        origin=origin,
        details={
            "ward_code": ward_code,
            "people": len(rows),
            "include_entered": include_entered,
            "attendee_ids": [attendee.id for attendee, *_rest in rows],
        },
    )
    record_read(
        "export.labour_info",
        actor=by,
        target=export,
        origin=origin,
        details={"ward_code": ward_code, "count": len(rows)},
    )
    db.session.flush()
    with force_locale(DOCUMENT_LOCALE):
        data = _workbook(ward_code, [(values, missing) for _a, _r, values, missing in rows], now)
    return data, export


def _mark_exported(
    attendee_ids: list[int], export: LabourExport, *, by, now: datetime, include_entered: bool
) -> None:
    """Each person's record to exported, a batch of people per statement: a record made meanwhile by
    a twin export is updated (ON CONFLICT), and one entered meanwhile stays entered unless entered
    people were asked for."""
    insert = (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert
    by_id = getattr(by, "id", None)
    for start in range(0, len(attendee_ids), MARK_BATCH):
        statement = insert(LabourRecord).values(
            [
                {
                    "attendee_id": attendee_id,
                    "status": LabourStatus.EXPORTED,
                    "reason": None,
                    "export_id": export.id,
                    "updated_by": by_id,
                    "updated_at": now,
                }
                for attendee_id in attendee_ids[start : start + MARK_BATCH]
            ]
        )
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[LabourRecord.attendee_id],
            set_={
                name: excluded[name] for name in ("status", "reason", "export_id", "updated_by", "updated_at")
            },
            where=None if include_entered else LabourRecord.status != LabourStatus.ENTERED,
        )
        db.session.execute(statement)


def _workbook(ward_code: str, rows: list[tuple[dict, list[str]]], now: datetime) -> bytes:
    """Title row (the form, the ward, the day), the header row, one row per person."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    keys = [key for key, _header in FORM_01_COLUMNS]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(str(_l("Mẫu số 01")))
    title = str(
        _l(
            "Mẫu số 01 (Thông tư 11/2022/TT-BLĐTBXH): thông tin người lao động — %(ward)s — ngày %(day)s",
            ward=_residence(ward_code) or ward_code,
            day=local_day(now).strftime("%d/%m/%Y"),
        )
    )
    set_cell(sheet.cell(row=1, column=1), title).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(keys))
    bold = Font(bold=True)
    widths = []
    for column, key in enumerate(keys, start=1):
        cell = set_cell(sheet.cell(row=2, column=column), str(HEADERS[key]))
        cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="top")
        widths.append(min(len(str(HEADERS[key])), 20))
    for number, (values, _missing) in enumerate(rows, start=1):
        line = {**values, "stt": number}
        for column, key in enumerate(keys, start=1):
            value = line.get(key)
            set_cell(sheet.cell(row=number + 2, column=column), value if value != "" else None)
            if isinstance(value, str):
                widths[column - 1] = max(widths[column - 1], len(value))
            elif isinstance(value, date):
                widths[column - 1] = max(widths[column - 1], 10)
    sheet.freeze_panes = "A3"
    set_widths(sheet, widths)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- The police's answer ---------------------------------------------------------------------------------


_ALLOWED = {
    LabourStatus.EXPORTED: (LabourStatus.ENTERED, LabourStatus.RETURNED),
    LabourStatus.RETURNED: (LabourStatus.ENTERED, LabourStatus.RETURNED),
    LabourStatus.ENTERED: (LabourStatus.ENTERED,),
}


def _reason(reason) -> str:
    label = _l("Lý do trả lại")
    if reason is not None and (not isinstance(reason, str) or has_control(reason)):
        raise _refuse("invalid_text", "reason", _l("%(field)s: chữ không hợp lệ.", field=label))
    text = clean_name(reason)
    if not text:
        raise _refuse("reason_required", "reason", _l("%(field)s: vui lòng nhập.", field=label))
    if len(text) > MAX_REASON_LENGTH:
        raise _refuse(
            "too_long",
            "reason",
            _l("%(field)s: tối đa %(limit)s ký tự.", field=label, limit=MAX_REASON_LENGTH),
        )
    return text


def set_status(
    attendee: Attendee,
    status: LabourStatus,
    reason: str | None = None,
    *,
    by,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> LabourRecord:
    """Record the police's answer for a person in an export: `entered`, or `returned` with a reason
    (required, at most 300 characters). Audited ("labour.status", with the status before). Entered
    again: nothing changes. Raises LabourRefused (codes: attendee_erased, not_exported: never in an
    export; bad_transition: to `exported`, or entered → returned; reason_required, too_long,
    invalid_text: the reason)."""
    _check_person(attendee)
    try:
        status = LabourStatus(status)
    except ValueError:
        raise _refuse("bad_transition", "status", _l("Trạng thái: không hợp lệ.")) from None
    text = _reason(reason) if status == LabourStatus.RETURNED else None
    write_point()
    record = db.session.get(LabourRecord, attendee.id, with_for_update=True, populate_existing=True)
    if record is None:
        raise _refuse(
            "not_exported", "status", _l("Trạng thái: người này chưa có trong danh sách nào đã xuất.")
        )
    if status not in _ALLOWED[record.status]:
        raise _refuse(
            "bad_transition",
            "status",
            _l(
                "Trạng thái: không chuyển được từ “%(before)s” sang “%(after)s”.",
                before=STATUS_LABELS[record.status],
                after=STATUS_LABELS[status],
            ),
        )
    if record.status == status and record.reason == text:
        return record
    before = record.status
    record.status, record.reason = status, text
    record.updated_by, record.updated_at = getattr(by, "id", None), now or utcnow()
    audit(
        "labour.status",
        actor=by,
        target=attendee,
        origin=origin,
        details={
            "before": before.value,
            "status": status.value,
            "reason": text,
            "export_id": record.export_id,
        },
    )
    db.session.flush()
    return record
