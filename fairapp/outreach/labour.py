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

What each person's row holds, and what counts as missing: fairapp.outreach.form01.

Status with the police (LabourRecord), one per person: an export marks each person in the file
`exported`; the police's answer is recorded as `entered` or `returned` (with a reason). An export
holds the ward's consented, not erased people who are not `entered` yet (new, exported before and
not answered, returned): a person already entered is left out and stays entered, unless the export
asks for them too (`include_entered`: an update sent again), which marks them `exported` again.
Allowed changes: exported → entered or returned; returned → entered or returned (a new reason);
entered → entered (nothing changes); `exported` only through an export.

Consent: only people with `labour_consent_at` are exported or listed as missing; withdrawing it keeps
their record (what was handed over stays handed over) and leaves them out of every later export."""

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from fairapp.attendees import consent
from fairapp.attendees.citizen_ids import mask as mask_citizen_id
from fairapp.attendees.models import Attendee
from fairapp.audit.services import SYSTEM, Origin, record_read
from fairapp.audit.services import record as audit
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.modelbase import utcnow
from fairapp.outreach.form01 import (
    DOCUMENT_LOCALE,
    form_01_row,
    headers,
    job_of,
    jobs_of,
    residence_of,
    workbook,
)
from fairapp.outreach.models import LabourExport, LabourRecord, LabourStatus
from fairapp.text import clean_name, has_control
from fairapp.transactions import write_point

MAX_REASON_LENGTH = 300  # LabourRecord.reason
MARK_BATCH = 500  # people per statement: within SQLite's limit of bound parameters

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


def _rows(ward_code: str, ids: sa.Select, now: datetime | None):
    """(attendee, record or None, values, missing keys) for each attendee `ids` selects, by name."""
    today = local_day(now or utcnow())
    jobs = jobs_of(ids, today)
    residence = residence_of(ward_code)
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
    hire, answers = jobs_of(ids, local_day(now or utcnow())).get(attendee.id, (None, []))
    return form_01_row(attendee, job_of(attendee, hire, answers), residence_of(attendee.ward_code))


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
        data = workbook(ward_code, [(values, missing) for _a, _r, values, missing in rows], now)
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
