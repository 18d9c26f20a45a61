"""Plan targets (chỉ tiêu kế hoạch): one row per year and area, an area being a ward or the whole
programme area (ward_code None).

    save_targets(year, ward_code, values, *, by, origin=SYSTEM) -> PlanTarget
    targets_for(year, scope) -> {ward_code | None: {indicator: int | None}}
    notes_for(year, scope) -> {ward_code | None: note}

Who may set them: admins every area; organisers only their own wards, never the whole area
(area_not_allowed, 403). Who sees them: the areas of the scope; the whole-area row only with a scope
that is everywhere (admins). An organiser's page is about their wards: the programme's total is set
and followed by the city office, and showing it would need a second, read-only kind of row.

Budget entries are fairapp.plans.budget; fair costs, fairapp.plans.costs."""

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.auth.scope import WardScope
from fairapp.errors import Conflict, Forbidden
from fairapp.extensions import db
from fairapp.geo.models import Ward
from fairapp.geo.services import get_ward
from fairapp.modelbase import utcnow
from fairapp.plans.checks import check_amount, check_text, check_year, refuse
from fairapp.plans.labels import INDICATOR_LABELS, NOTE_LABEL
from fairapp.plans.models import INDICATORS, MAX_NOTE_LENGTH, WHOLE_AREA_KEY, PlanTarget
from fairapp.transactions import write_point

AREA_FIELD = "ward_code"


class AreaNotAllowed(Forbidden):
    code = "area_not_allowed"
    message = _l("Bạn chỉ được đặt chỉ tiêu cho phường/xã mình phụ trách.")


class TargetsClash(Conflict):
    code = "targets_clash"
    message = _l("Chỉ tiêu của địa bàn này vừa được lưu ở nơi khác. Vui lòng tải lại trang rồi thử lại.")


def _check_area(ward_code: str | None, by) -> str | None:
    """The area's ward code (None: the whole area) if `by` may set its targets."""
    if ward_code is None:
        if not by.ward_scope.everywhere:
            raise AreaNotAllowed()
        return None
    ward = get_ward(ward_code)
    if ward is None:
        raise refuse("ward_not_found", AREA_FIELD, _l("Phường/xã: không tìm thấy."))
    if not by.ward_scope.allows(ward.code):
        raise AreaNotAllowed()
    return ward.code


def _check_values(values: Mapping) -> dict:
    """The indicators given, each None (no target) or a whole number 0–MAX_AMOUNT; the note."""
    unknown = sorted(set(values) - {*INDICATORS, "note"})
    if unknown:
        raise refuse(
            "unknown_indicator", unknown[0], _l("%(field)s: không có chỉ tiêu này.", field=unknown[0])
        )
    checked = {}
    for name in INDICATORS:
        if name in values:
            value = values[name]
            checked[name] = None if value is None else check_amount(value, name, INDICATOR_LABELS[name])
    if "note" in values:
        checked["note"] = check_text(values["note"], "note", NOTE_LABEL, MAX_NOTE_LENGTH)
    return checked


def _upsert(year: int, ward_code: str | None, values: dict, by, now: datetime) -> int:
    """INSERT … ON CONFLICT (year, area_key) DO UPDATE: one statement, so racing saves of the same year
    and area make one row (the later one's values win); the row's id."""
    table = PlanTarget.__table__
    insert = (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert
    stamp = {"updated_by": by.id, "updated_at": now}
    statement = (
        insert(table)
        .values(year=year, ward_code=ward_code, area_key=ward_code or WHOLE_AREA_KEY, **values, **stamp)
        .on_conflict_do_update(index_elements=[table.c.year, table.c.area_key], set_={**values, **stamp})
        .returning(table.c.id)
    )
    try:
        return db.session.execute(statement).scalar_one()
    except IntegrityError as error:  # the ward went away meanwhile, or a rule of the table
        raise TargetsClash() from error


def save_targets(
    year: int,
    ward_code: str | None,
    values: Mapping,
    *,
    by,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> PlanTarget:
    """Set a year's targets for an area (ward_code None: the whole area). `values` maps indicators
    (models.INDICATORS) and "note" to their new values; an indicator given as None has no target any
    more, one left out keeps its value. Saving the same year and area again updates the one row.
    Raises PlanRefused (422; codes year_out_of_range, ward_not_found, unknown_indicator, not_a_number,
    amount_negative, amount_too_large, invalid_text, too_long; the field named), AreaNotAllowed (403)
    or TargetsClash (409)."""
    year = check_year(year)
    ward_code = _check_area(ward_code, by)
    values = _check_values(values)
    before = _row(year, ward_code)
    old = {name: getattr(before, name) for name in values} if before is not None else {}
    write_point()
    target_id = _upsert(year, ward_code, values, by, now or utcnow())
    target = db.session.get(PlanTarget, target_id, populate_existing=True)
    changed = {name: [old.get(name), value] for name, value in values.items() if old.get(name) != value}
    record(
        "plan_targets.save",
        actor=by,
        target=target,
        origin=origin,
        details={"year": year, "ward_code": ward_code, "created": before is None, "changed": changed},
    )
    db.session.flush()
    return target


def _row(year: int, ward_code: str | None) -> PlanTarget | None:
    return db.session.scalar(
        sa.select(PlanTarget).where(
            PlanTarget.year == year, PlanTarget.area_key == (ward_code or WHOLE_AREA_KEY)
        )
    )


def _empty() -> dict[str, int | None]:
    return dict.fromkeys(INDICATORS)


def targets_for(year: int, scope: WardScope) -> dict[str | None, dict[str, int | None]]:
    """The year's targets of the areas in `scope`, by ward code (None: the whole area, for a scope that
    is everywhere only). Every ward of a limited scope is there, its indicators None until set; a
    scope that is everywhere gets the whole area (even unset) and each ward with a row."""
    found: dict[str | None, dict[str, int | None]] = {}
    if scope.everywhere:
        found[None] = _empty()
    else:
        found.update({code: _empty() for code in sorted(scope.ward_codes)})
    rows = db.session.scalars(
        # everywhere: every row, the whole area's too; else the scope's wards (NULL is in no list)
        sa.select(PlanTarget).where(PlanTarget.year == year, scope.clause(PlanTarget.ward_code))
    )
    for row in rows:
        found[row.ward_code] = {name: getattr(row, name) for name in INDICATORS}
    return found


def notes_for(year: int, scope: WardScope) -> dict[str | None, str]:
    """The notes of the year's rows in scope, by area (only those that have one)."""
    rows = db.session.execute(
        sa.select(PlanTarget.ward_code, PlanTarget.note).where(
            PlanTarget.year == year,
            PlanTarget.note.is_not(None),
            scope.clause(PlanTarget.ward_code),
        )
    )
    return dict(rows.all())


def ward_names(codes) -> dict[str, str]:
    """Ward code → name, for the codes given."""
    codes = sorted({code for code in codes if code})
    if not codes:
        return {}
    return dict(db.session.execute(sa.select(Ward.code, Ward.name).where(Ward.code.in_(codes))).all())
