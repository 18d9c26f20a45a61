"""Booth records as .xlsx or .csv: an employer's or school's own list (only what its cards show), and a
fair's for staff (full names and priority groups). Every export is audited as "interview.export" with
its filters and row count (a read). Cells that a spreadsheet would run as formulas are neutralised by
fairapp.spreadsheets."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from fairapp import spreadsheets
from fairapp.attendees.forms import EDUCATION_CHOICES, GENDER_CHOICES, PRIORITY_CHOICES, QUALIFICATION_CHOICES
from fairapp.audit.services import SYSTEM, Origin, record_read
from fairapp.auth.models import Role
from fairapp.errors import NotFound
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.fairs.services import to_local
from fairapp.interviews import listing
from fairapp.interviews.labels import outcome_label
from fairapp.partners.models import Employer, School

FORMATS = ("xlsx", "csv")
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
GENDERS, EDUCATION, QUALIFICATIONS, PRIORITY = (
    dict(GENDER_CHOICES),
    dict(EDUCATION_CHOICES),
    dict(QUALIFICATION_CHOICES),
    dict(PRIORITY_CHOICES),
)

HOLDER_HEADERS = (
    _l("Phiên giao dịch"),
    _l("Ngày"),
    _l("Số vé"),
    _l("Họ và tên"),
    _l("Đồng ý chia sẻ hồ sơ"),
    _l("Tuổi"),
    _l("Giới tính"),
    _l("Phường/xã"),
    _l("Học vấn"),
    _l("Trình độ chuyên môn"),
    _l("Công việc mong muốn"),
    _l("Vị trí / ngành"),
    _l("Kết quả"),
    _l("Đánh giá"),
    _l("Nhãn"),
    _l("Ghi chú"),
    _l("Lịch hẹn"),
    _l("Địa điểm hẹn"),
    _l("Ngày nhập học"),
    _l("Cập nhật lúc"),
)
STAFF_HEADERS = (
    _l("Tên gian hàng"),
    _l("Đơn vị"),
    _l("Số vé"),
    _l("Họ và tên"),
    _l("Diện ưu tiên"),
    _l("Vị trí / ngành"),
    _l("Kết quả"),
    _l("Đánh giá"),
    _l("Nhãn"),
    _l("Ghi chú"),
    _l("Lịch hẹn"),
    _l("Địa điểm hẹn"),
    _l("Ngày nhập học"),
    _l("Cập nhật lúc"),
)


@dataclass
class Export:
    content: bytes
    filename: str
    mimetype: str
    rows: int


def _local(moment: datetime | None) -> datetime | None:
    return to_local(moment).replace(tzinfo=None) if moment is not None else None


def _label(labels: dict, value) -> str:
    return str(labels.get(value, "")) if value else ""


def _record_cells(row: listing.Row) -> tuple:
    interview = row.interview
    return (
        row.subject,
        outcome_label(interview.outcome),
        interview.rating,
        ", ".join(interview.tags or []),
        interview.notes,
        _local(interview.next_step_at),
        interview.next_step_place,
        interview.intake_date,
        _local(row.changed_at),
    )


def _holder_row(row: listing.Row) -> tuple:
    card, fair = row.card, row.booth.fair
    return (
        fair.title,
        to_local(fair.starts_at).date(),
        card.ticket_number,
        card.name,
        str(_l("Có")) if card.shared else str(_l("Không")),
        card.age,
        _label(GENDERS, card.gender),
        card.ward,
        _label(EDUCATION, card.education),
        _label(QUALIFICATIONS, card.qualification),
        card.desired_jobs,
        *_record_cells(row),
    )


def _staff_row(row: listing.Row) -> tuple:
    return (
        row.booth.label,
        row.holder,
        f"{row.interview.registration_id:06d}",
        row.full_name,
        _label(PRIORITY, getattr(row.priority_group, "value", row.priority_group)),
        *_record_cells(row),
    )


def _write(rows: list[tuple], headers, fmt: str, title: str) -> bytes:
    headers = [str(header) for header in headers]
    if fmt == "xlsx":
        return spreadsheets.write_xlsx(rows, headers, title=title)
    return spreadsheets.write_csv(rows, headers)


def export_holder_records(
    user, filters: listing.RecordFilter, *, fmt: str, origin: Origin = SYSTEM
) -> Export:
    """An employer's or school's records across fairs that pass `filters`: only the fields of each
    person's card (fairapp.interviews.card), never a priority group, citizen ID, phone or address.
    Raises NotFound for an unknown format."""
    if fmt not in FORMATS:
        raise NotFound()
    rows = [_holder_row(row) for row in listing.all_records(listing.holder_scope(user), filters)]
    content = _write(rows, HOLDER_HEADERS, fmt, str(_l("Ứng viên")))
    _audit(user, _holder_of(user), fmt, filters, len(rows), origin)
    return Export(content, f"ung-vien.{fmt}", MIMETYPES[fmt], len(rows))


def _holder_of(user) -> Employer | School | None:
    if user.role == Role.EMPLOYER and user.employer_id:
        return db.session.get(Employer, user.employer_id)
    if user.role == Role.SCHOOL and user.school_id:
        return db.session.get(School, user.school_id)
    return None


def export_fair_records(
    fair: Fair, filters: listing.RecordFilter, *, fmt: str, by, origin: Origin = SYSTEM
) -> Export:
    """A fair's records for staff (the caller checked that `by` may see the fair), with full names and
    priority groups. Raises NotFound for an unknown format."""
    if fmt not in FORMATS:
        raise NotFound()
    rows = [_staff_row(row) for row in listing.all_records(listing.fair_scope(fair), filters, staff=True)]
    content = _write(rows, STAFF_HEADERS, fmt, fair.title)
    _audit(by, fair, fmt, filters, len(rows), origin)
    return Export(content, f"phong-van-phien-{fair.id}.{fmt}", MIMETYPES[fmt], len(rows))


def _audit(by, target, fmt: str, filters: listing.RecordFilter, rows: int, origin: Origin) -> None:
    record_read(
        "interview.export",
        actor=by,
        target=target,
        origin=origin,
        details={"format": fmt, "filters": filters.as_dict(), "rows": rows},
    )
