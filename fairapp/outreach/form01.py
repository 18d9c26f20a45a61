"""One person's row of Circular 11/2022/TT-BLĐTBXH Form 01 (the labour information handed to the
commune police), its labels, and the .xlsx file of a ward's rows (fairapp.outreach.labour decides who
is in it).

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
The job's columns are filled, or listed as missing, only for an employed person."""

import enum
import io
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fairapp.attendees.models import Attendee, EducationLevel, Gender, Qualification, Situation
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.geo.models import Province, Ward
from fairapp.outcomes.call_list import employer_label
from fairapp.outcomes.labels import CONTRACT_LABELS
from fairapp.outcomes.models import ContractType, FollowUp, FollowUpOutcome, Hire, HireStatus
from fairapp.partners.models import Employer
from fairapp.spreadsheets import set_cell, set_widths, sheet_title

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
# --- One person's Form 01 row ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """What the hires say of a person's economic activity (see the module's documentation)."""

    activity: Activity | None
    position: str | None = None
    workplace: str | None = None
    contract_type: ContractType | None = None
    social_insurance: bool | None = None


def jobs_of(people: sa.Select, today: date) -> dict[int, tuple]:
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


def workbook(ward_code: str, rows: list[tuple[dict, list[str]]], now: datetime) -> bytes:
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
            ward=residence_of(ward_code) or ward_code,
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


def residence_of(ward_code: str) -> str:
    """ "Ward, Province": the residence Form 01 writes for a person of the ward."""
    row = db.session.execute(
        sa.select(Ward.name, Province.name.label("province"))
        .join(Province, Province.code == Ward.province_code)
        .where(Ward.code == ward_code)
    ).first()
    return f"{row.name}, {row.province}" if row is not None else ""
