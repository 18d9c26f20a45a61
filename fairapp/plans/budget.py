"""The programme's budget (kinh phí) by year, source and stage. The budget is the city's: only admins
add or delete entries, and only admins see it (pages and API).

    add_budget_entry(year, source, kind, amount, *, entry_date=None, document_no=None, note=None,
                     by, origin=SYSTEM, now=None) -> BudgetChange
    delete_budget_entry(entry_id, *, by, origin=SYSTEM) -> BudgetChange
    budget_entries(year) -> [BudgetEntry]
    budget_summary(year) -> {"by_source": {source: {"allocated", "committed", "disbursed"}},
                             "allocated", "committed", "disbursed", "disbursement_rate", "warnings"}

Disbursed beyond what was allocated, for a year and source, is recorded (the money went out; the
allocation may be entered later) with a warning: code `disbursed_over_allocated`."""

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.auth.models import Role
from fairapp.errors import Forbidden, NotFound
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.i18n import money_vnd
from fairapp.modelbase import utcnow
from fairapp.plans.checks import MAX_YEAR, MIN_YEAR, check_amount, check_text, check_year, choice, refuse
from fairapp.plans.labels import (
    AMOUNT_LABEL,
    DATE_LABEL,
    DOCUMENT_LABEL,
    KIND_FIELD_LABEL,
    NOTE_LABEL,
    SOURCE_FIELD_LABEL,
    SOURCE_LABELS,
)
from fairapp.plans.models import MAX_DOCUMENT_LENGTH, MAX_NOTE_LENGTH, BudgetEntry, BudgetKind, BudgetSource
from fairapp.plans.rules import disbursement_rate
from fairapp.transactions import write_point

OVER_ALLOCATED = "disbursed_over_allocated"


class BudgetAdminsOnly(Forbidden):
    code = "budget_admins_only"
    message = _l("Chỉ quản trị viên cấp thành phố được xem và sửa kinh phí.")


@dataclass
class BudgetChange:
    entry: BudgetEntry
    warnings: list[dict] = field(default_factory=list)  # the year's, after the change


def _ensure_admin(by) -> None:
    if by is None or by.role != Role.ADMIN:
        raise BudgetAdminsOnly()


def add_budget_entry(
    year: int,
    source: BudgetSource | str,
    kind: BudgetKind | str,
    amount: int,
    *,
    entry_date: date | None = None,
    document_no: str | None = None,
    note: str | None = None,
    by,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> BudgetChange:
    """Add one amount to a year's budget (entries of the same year, source and kind add up); its date
    defaults to today. Returns the entry and the year's warnings. Raises BudgetAdminsOnly (403) or
    PlanRefused (422; codes year_out_of_range, unknown_source, unknown_kind, not_a_number,
    amount_negative, amount_too_large, invalid_date, invalid_text, too_long)."""
    _ensure_admin(by)
    now = now or utcnow()
    year = check_year(year)
    source = choice(source, BudgetSource, "source", SOURCE_FIELD_LABEL)
    kind = choice(kind, BudgetKind, "kind", KIND_FIELD_LABEL)
    amount = check_amount(amount, "amount", AMOUNT_LABEL)
    if entry_date is not None and (
        not isinstance(entry_date, date)
        or isinstance(entry_date, datetime)
        or not MIN_YEAR <= entry_date.year <= MAX_YEAR + 1  # a year's last payments may be in the next
    ):
        raise refuse(
            "invalid_date",
            "entry_date",
            _l(
                "%(field)s: một ngày từ năm %(low)s đến năm %(high)s.",
                field=DATE_LABEL,
                low=MIN_YEAR,
                high=MAX_YEAR + 1,
            ),
        )
    document_no = check_text(document_no, "document_no", DOCUMENT_LABEL, MAX_DOCUMENT_LENGTH)
    note = check_text(note, "note", NOTE_LABEL, MAX_NOTE_LENGTH)
    write_point()
    entry = BudgetEntry(
        year=year,
        source=source,
        kind=kind,
        amount=amount,
        entry_date=entry_date or local_day(now),
        document_no=document_no,
        note=note,
        created_by=by.id,
        created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    record("budget_entry.add", actor=by, target=entry, origin=origin, details=_details(entry))
    db.session.flush()
    return BudgetChange(entry, budget_summary(year)["warnings"])


def delete_budget_entry(entry_id: int, *, by, origin: Origin = SYSTEM) -> BudgetChange:
    """Delete one entry (a mistake); the audit entry keeps what it said. Returns it and the year's
    warnings after. Raises BudgetAdminsOnly (403) or NotFound (404)."""
    _ensure_admin(by)
    entry = db.session.get(BudgetEntry, entry_id)
    if entry is None:
        raise NotFound()
    write_point()
    record("budget_entry.delete", actor=by, target=entry, origin=origin, details=_details(entry))
    db.session.delete(entry)
    db.session.flush()
    return BudgetChange(entry, budget_summary(entry.year)["warnings"])


def _details(entry: BudgetEntry) -> dict:
    return {
        "year": entry.year,
        "source": entry.source.value,
        "kind": entry.kind.value,
        "amount": entry.amount,
        "entry_date": entry.entry_date.isoformat(),
        "document_no": entry.document_no,
    }


def budget_entries(year: int) -> list[BudgetEntry]:
    """The year's entries, by source, kind and date."""
    return list(
        db.session.scalars(
            sa.select(BudgetEntry)
            .where(BudgetEntry.year == year)
            .order_by(BudgetEntry.source, BudgetEntry.kind, BudgetEntry.entry_date, BudgetEntry.id)
        )
    )


def budget_summary(year: int) -> dict:
    """The year's totals by source and stage, overall, the disbursement rate (rules.disbursement_rate)
    and the warnings: one per source whose disbursed total passes its allocated total."""
    kinds = [kind.value for kind in BudgetKind]
    by_source = {source.value: dict.fromkeys(kinds, 0) for source in BudgetSource}
    totals = db.session.execute(
        sa.select(BudgetEntry.source, BudgetEntry.kind, sa.func.sum(BudgetEntry.amount))
        .where(BudgetEntry.year == year)
        .group_by(BudgetEntry.source, BudgetEntry.kind)
    )
    for source, kind, amount in totals:
        by_source[source.value][kind.value] = int(amount or 0)
    overall = {kind: sum(figures[kind] for figures in by_source.values()) for kind in kinds}
    warnings = [
        {
            "code": OVER_ALLOCATED,
            "source": source,
            "allocated": figures["allocated"],
            "disbursed": figures["disbursed"],
            "message": _(
                "Nguồn %(source)s: đã giải ngân %(disbursed)s, vượt số phân bổ %(allocated)s.",
                source=SOURCE_LABELS[BudgetSource(source)],
                disbursed=money_vnd(figures["disbursed"]),
                allocated=money_vnd(figures["allocated"]),
            ),
        }
        for source, figures in by_source.items()
        if figures["disbursed"] > figures["allocated"]
    ]
    return {
        "year": year,
        "by_source": by_source,
        **overall,
        "disbursement_rate": disbursement_rate(overall["disbursed"], overall["allocated"]),
        "warnings": warnings,
    }
