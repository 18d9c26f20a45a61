"""The organisers' view of a fair's registrations: who may see them, the list with search and filters,
the audited detail, and exports. Citizen IDs are masked everywhere but the detail page. A search for
a phone number or citizen ID is audited like the detail page ("registrations.search", the query
masked): it finds a person by what identifies them.

Name search is diacritic-insensitive ("nguyen van duc" finds "Nguyễn Văn Đức"): it matches the
folded query against Attendee.name_key (fairapp.text.fold of the name, stored by the registration
service)."""

import math
import re
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from fairapp import spreadsheets
from fairapp.attendees.citizen_ids import mask as mask_citizen_id
from fairapp.attendees.models import Attendee, Gender, PriorityGroup, PriorityStatus, Registration
from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.auth.models import Role
from fairapp.checkins.models import CheckIn
from fairapp.errors import Forbidden, NotFound
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.geo.models import Ward
from fairapp.text import fold

PER_PAGE = 50
MAX_QUERY_LENGTH = 100
PRIORITY_LABELS = {
    PriorityGroup.NONE: _l("Không thuộc diện ưu tiên"),
    PriorityGroup.POOR: _l("Hộ nghèo"),
    PriorityGroup.NEAR_POOR: _l("Hộ cận nghèo"),
    PriorityGroup.ESCAPED_POVERTY: _l("Hộ mới thoát nghèo"),
}
PRIORITY_STATUS_LABELS = {
    PriorityStatus.VERIFIED: _l("đã xác minh theo danh sách hộ"),
    PriorityStatus.SELF_DECLARED: _l("tự khai"),
    PriorityStatus.CONFLICT: _l("khác danh sách hộ, cần đối chiếu"),
}
GENDER_LABELS = {Gender.MALE: _l("Nam"), Gender.FEMALE: _l("Nữ")}
CHANNEL_LABELS = {"online": _l("Trực tuyến"), "walk_in": _l("Tại chỗ"), "staff": _l("Cán bộ nhập")}
_NON_DIGITS = re.compile(r"[\s.\-()]")


# --- access ----------------------------------------------------------------------------------------


def fair_for_staff(user, fair_id: int) -> Fair:
    """The fair, if `user` may manage it. Raises NotFound, or Forbidden for a ward not theirs."""
    fair = db.session.get(Fair, fair_id)
    if fair is None:
        raise NotFound()
    if not user.may_act_in_ward(fair.ward_code):
        raise Forbidden()
    return fair


def registration_of(fair: Fair, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.fair_id != fair.id:
        raise NotFound()
    return registration


# --- masking ---------------------------------------------------------------------------------------


def mask_search(digits: str) -> str:
    """A phone or citizen ID typed into the search, for the audit log: a whole citizen ID as the list
    shows it, else the last three digits of six or more ("*******678"), else nothing but its length."""
    if len(digits) == 12:
        return mask_citizen_id(digits)
    if len(digits) >= 6:
        return "*" * (len(digits) - 3) + digits[-3:]
    return "*" * len(digits)


# --- list ------------------------------------------------------------------------------------------


@dataclass
class RegistrationFilter:
    """What the organiser asked for. `query` matches a name (without diacritics), a phone number or
    a citizen ID; the others are exact. `checked_in`: True only those checked in, False only those
    not yet, None everyone."""

    query: str = ""
    ward_code: str | None = None
    priority_group: PriorityGroup | None = None
    checked_in: bool | None = None

    def as_dict(self) -> dict:
        values = asdict(self)
        values["priority_group"] = self.priority_group.value if self.priority_group else None
        values["checked_in"] = {True: "yes", False: "no"}.get(self.checked_in)
        return {key: value for key, value in values.items() if value}

    def digits(self) -> str | None:
        """The query as a phone or citizen ID (fragment), or None for a name or no query."""
        query = (self.query or "").strip()[:MAX_QUERY_LENGTH]
        return _digits(query) if query else None

    def audit_dict(self) -> dict:
        """as_dict() for the audit log: a phone or citizen ID query masked."""
        values = self.as_dict()
        if digits := self.digits():
            values["query"] = mask_search(digits)
        return values


@dataclass
class Page:
    """One page of results; the attributes templates/users/_pagination.html reads."""

    items: list
    page: int
    per_page: int
    total: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def _digits(query: str) -> str | None:
    """The query as a phone or ID fragment ("+84 912 345 678" → "0912345678"), or None if it is text."""
    compact = _NON_DIGITS.sub("", query)
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("84") and len(compact) == 11:
        compact = "0" + compact[2:]
    return compact if compact.isdigit() else None


def _matching_ids(fair: Fair, filters: RegistrationFilter) -> list[int]:
    """Registration ids of the fair that pass every filter, newest first."""
    statement = (
        sa.select(Registration.id)
        .join(Attendee, Registration.attendee_id == Attendee.id)
        .where(Registration.fair_id == fair.id)
        .order_by(Registration.created_at.desc(), Registration.id.desc())
    )
    if filters.ward_code:
        statement = statement.where(Attendee.ward_code == filters.ward_code)
    if filters.priority_group:
        statement = statement.where(Attendee.priority_group == filters.priority_group)
    if filters.checked_in is not None:
        arrived = sa.exists().where(CheckIn.registration_id == Registration.id)
        statement = statement.where(arrived if filters.checked_in else ~arrived)
    query = (filters.query or "").strip()[:MAX_QUERY_LENGTH]
    digits = filters.digits()
    if digits:
        # A phone fragment, or a citizen ID: whole (12 digits) or its last digits as printed masked
        pattern = f"%{digits}%"
        statement = statement.where(sa.or_(Attendee.phone.like(pattern), Attendee.citizen_id.like(pattern)))
    elif query:
        statement = statement.where(Attendee.name_key.contains(fold(query), autoescape=True))
    return list(db.session.scalars(statement))


def _load(ids: list[int]) -> list[Registration]:
    """The registrations with their attendees, in the order of `ids` (loaded in batches)."""
    by_id = {}
    for start in range(0, len(ids), 500):
        found = db.session.scalars(
            sa.select(Registration)
            .where(Registration.id.in_(ids[start : start + 500]))
            .options(joinedload(Registration.attendee))
        ).all()
        by_id.update((registration.id, registration) for registration in found)
    return [by_id[i] for i in ids if i in by_id]


def ward_names(registrations: list[Registration]) -> dict[str, str]:
    codes = {registration.attendee.ward_code for registration in registrations}
    if not codes:
        return {}
    return dict(db.session.execute(sa.select(Ward.code, Ward.name).where(Ward.code.in_(codes))).all())


def list_registrations(
    fair: Fair,
    filters: RegistrationFilter,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    by=None,
    origin: Origin = SYSTEM,
) -> Page:
    """One page of the fair's registrations as rows for the list (citizen IDs masked). A search for a
    phone or citizen ID by `by` is audited ("registrations.search", the query masked; a read)."""
    ids = _matching_ids(fair, filters)
    if by is not None and (digits := filters.digits()):
        audit.record_read(
            "registrations.search",
            actor=by,
            target=fair,
            origin=origin,
            details={"fair_id": fair.id, "query": mask_search(digits), "results": len(ids)},
        )
    pages = max(1, math.ceil(len(ids) / per_page))
    page = min(max(page, 1), pages)
    registrations = _load(ids[(page - 1) * per_page : page * per_page])
    wards = ward_names(registrations)
    arrivals = (
        dict(
            db.session.execute(
                sa.select(CheckIn.registration_id, CheckIn.checked_in_at).where(
                    CheckIn.registration_id.in_([r.id for r in registrations])
                )
            ).all()
        )
        if registrations
        else {}
    )
    return Page(
        items=[{**list_row(r, wards), "checked_in_at": arrivals.get(r.id)} for r in registrations],
        page=page,
        per_page=per_page,
        total=len(ids),
    )


def list_row(registration: Registration, wards: dict[str, str]) -> dict:
    """Plain data for one line of the list; the citizen ID is masked."""
    attendee = registration.attendee
    return {
        "id": registration.id,
        "full_name": attendee.full_name,
        "phone": attendee.phone,
        "citizen_id": mask_citizen_id(attendee.citizen_id),
        "birth_year": attendee.birth_year,
        "gender": GENDER_LABELS.get(attendee.gender, ""),
        "ward": wards.get(attendee.ward_code, attendee.ward_code),
        "priority_group": attendee.priority_group,
        "priority_label": PRIORITY_LABELS.get(attendee.priority_group, ""),
        "priority_status": attendee.priority_status,
        "priority_status_label": PRIORITY_STATUS_LABELS.get(attendee.priority_status, ""),
        "channel": CHANNEL_LABELS.get(registration.channel.value, registration.channel.value),
        "created_at": registration.created_at,
    }


def ward_choices(fair: Fair) -> list[tuple[str, str]]:
    """The wards the fair's job seekers live in, for the filter: (code, name) by name."""
    rows = db.session.execute(
        sa.select(Ward.code, Ward.name)
        .distinct()
        .join(Attendee, Attendee.ward_code == Ward.code)
        .join(Registration, Registration.attendee_id == Attendee.id)
        .where(Registration.fair_id == fair.id)
    ).all()
    return sorted(((row.code, row.name) for row in rows), key=lambda pair: fold(pair[1]))


# --- detail ----------------------------------------------------------------------------------------


def view_personal(registration: Registration, *, by, origin: Origin = SYSTEM) -> dict:
    """Everything about one registration, the full citizen ID included; the viewing is audited
    ("registration.view_personal", a read)."""
    audit.record_read(
        "registration.view_personal",
        actor=by,
        target=registration,
        origin=origin,
        details={"fair_id": registration.fair_id, "attendee_id": registration.attendee_id},
    )
    attendee = registration.attendee
    return {
        **list_row(registration, ward_names([registration])),
        "citizen_id": attendee.citizen_id or "",
        "birth_date": attendee.birth_date,
        "education_level": attendee.education_level,
        "household_code": attendee.household_code,
        "desired_jobs": registration.desired_jobs,
        "consent_personal_data_version": registration.consent_personal_data_version,
        "consent_personal_data_at": registration.consent_personal_data_at,
        "consent_share_version": registration.consent_share_version,
        "consent_share_at": registration.consent_share_at,
        "attendee_id": attendee.id,
        "erased_at": attendee.erased_at,
        "registrations": len(attendee.registrations),
        "shares_anywhere": any(r.consent_share_version for r in attendee.registrations),
        "ticket_secret": registration.ticket_secret,
    }


# --- export ----------------------------------------------------------------------------------------

EXPORT_HEADERS = (
    _l("Mã đăng ký"),
    _l("Họ và tên"),
    _l("Điện thoại"),
    _l("Số CCCD"),
    _l("Năm sinh"),
    _l("Giới tính"),
    _l("Phường/xã"),
    _l("Diện ưu tiên"),
    _l("Kênh đăng ký"),
    _l("Thời điểm đăng ký"),
)
FORMATS = ("xlsx", "csv")


@dataclass
class Export:
    content: bytes
    filename: str
    mimetype: str
    rows: int


def export_registrations(
    fair: Fair,
    filters: RegistrationFilter,
    *,
    fmt: str,
    by,
    full_citizen_ids: bool = False,
    origin: Origin = SYSTEM,
) -> Export:
    """Every registration that passes `filters`, as .xlsx or .csv. Citizen IDs are masked unless an
    admin asks for them in full. Audited as "export.registrations" with the filter and row count (a read).
    Raises Forbidden (full IDs asked by a non-admin), NotFound (unknown format)."""
    if fmt not in FORMATS:
        raise NotFound()
    if full_citizen_ids and by.role != Role.ADMIN:
        raise Forbidden()
    registrations = _load(_matching_ids(fair, filters))
    wards = ward_names(registrations)
    rows = []
    for registration in registrations:
        row = list_row(registration, wards)
        citizen_id = (registration.attendee.citizen_id or "") if full_citizen_ids else row["citizen_id"]
        rows.append(
            (
                row["id"],
                row["full_name"],
                row["phone"],
                citizen_id,
                row["birth_year"],
                str(row["gender"]),
                row["ward"],
                str(row["priority_label"]),
                str(row["channel"]),
                _local_naive(row["created_at"]),
            )
        )
    headers = [str(header) for header in EXPORT_HEADERS]
    if fmt == "xlsx":
        content = spreadsheets.write_xlsx(rows, headers, title=fair.title)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = spreadsheets.write_csv(rows, headers)
        mimetype = "text/csv; charset=utf-8"
    audit.record_read(
        "export.registrations",
        actor=by,
        target=fair,
        origin=origin,
        details={
            "format": fmt,
            "filter": filters.audit_dict(),
            "rows": len(rows),
            "full_citizen_ids": full_citizen_ids,
        },
    )
    return Export(content, f"dang-ky-phien-{fair.id}.{fmt}", mimetype, len(rows))


def _local_naive(moment):
    from fairapp.fairs.services import to_local

    return to_local(moment).replace(tzinfo=None)
