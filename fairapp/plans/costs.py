"""What each fair cost (chi phí phiên giao dịch), by item. Admins, and organisers of the fair's ward,
add and delete a fair's costs (a closed fair's too: the bills come after it).

    add_fair_cost(fair, item, amount, document_no=None, note=None, *, by, origin=SYSTEM) -> FairCost
    delete_fair_cost(cost_id, *, by, origin=SYSTEM) -> FairCost
    fair_costs(fair_ids) -> {fair_id: {item: amount, …, "total": amount}}   every fair asked, every item
    costs_total(year, scope) -> amount   of the fairs starting in that year (Vietnam time) in scope
    costs_of(fair_id) -> [FairCost]"""

from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.auth.scope import WardScope
from fairapp.errors import NotFound
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.fairs.services import ensure_may_act, local_datetime
from fairapp.modelbase import utcnow
from fairapp.plans.checks import check_amount, check_text, check_year, choice
from fairapp.plans.labels import AMOUNT_LABEL, DOCUMENT_LABEL, ITEM_FIELD_LABEL, NOTE_LABEL
from fairapp.plans.models import MAX_DOCUMENT_LENGTH, MAX_NOTE_LENGTH, CostItem, FairCost
from fairapp.transactions import write_point

TOTAL = "total"


def add_fair_cost(
    fair: Fair,
    item: CostItem | str,
    amount: int,
    document_no: str | None = None,
    note: str | None = None,
    *,
    by,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> FairCost:
    """Add one amount spent on `fair`. Raises WardNotAllowed (403: not an admin nor an organiser of the
    fair's ward) or PlanRefused (422; codes unknown_item, not_a_number, amount_negative,
    amount_too_large, invalid_text, too_long)."""
    ensure_may_act(by, fair.ward_code)
    item = choice(item, CostItem, "item", ITEM_FIELD_LABEL)
    amount = check_amount(amount, "amount", AMOUNT_LABEL)
    document_no = check_text(document_no, "document_no", DOCUMENT_LABEL, MAX_DOCUMENT_LENGTH)
    note = check_text(note, "note", NOTE_LABEL, MAX_NOTE_LENGTH)
    write_point()
    cost = FairCost(
        fair_id=fair.id,
        item=item,
        amount=amount,
        document_no=document_no,
        note=note,
        created_by=by.id,
        created_at=now or utcnow(),
    )
    db.session.add(cost)
    db.session.flush()
    record("fair_cost.add", actor=by, target=cost, origin=origin, details=_details(cost))
    db.session.flush()
    return cost


def delete_fair_cost(cost_id: int, *, by, fair_id: int | None = None, origin: Origin = SYSTEM) -> FairCost:
    """Delete one cost (a mistake); the audit entry keeps what it said. `fair_id`: the page's fair, which
    the cost must belong to. Raises NotFound (404) or WardNotAllowed (403)."""
    cost = db.session.get(FairCost, cost_id)
    if cost is None or (fair_id is not None and cost.fair_id != fair_id):
        raise NotFound()
    ensure_may_act(by, db.session.get(Fair, cost.fair_id).ward_code)
    write_point()
    record("fair_cost.delete", actor=by, target=cost, origin=origin, details=_details(cost))
    db.session.delete(cost)
    db.session.flush()
    return cost


def _details(cost: FairCost) -> dict:
    return {
        "fair_id": cost.fair_id,
        "item": cost.item.value,
        "amount": cost.amount,
        "document_no": cost.document_no,
    }


def costs_of(fair_id: int) -> list[FairCost]:
    return list(
        db.session.scalars(sa.select(FairCost).where(FairCost.fair_id == fair_id).order_by(FairCost.id))
    )


def fair_costs(fair_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Each fair's costs by item (every item, 0 when none) and their "total"; every fair asked is there."""
    ids = sorted(set(fair_ids))
    found = {fair_id: {**dict.fromkeys((item.value for item in CostItem), 0), TOTAL: 0} for fair_id in ids}
    if not ids:
        return found
    rows = db.session.execute(
        sa.select(FairCost.fair_id, FairCost.item, sa.func.sum(FairCost.amount))
        .where(FairCost.fair_id.in_(ids))
        .group_by(FairCost.fair_id, FairCost.item)
    )
    for fair_id, item, amount in rows:
        found[fair_id][item.value] = int(amount or 0)
        found[fair_id][TOTAL] += int(amount or 0)
    return found


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of `year` and of the next, in Vietnam time, as aware UTC."""
    midnight = datetime.min.time()
    return local_datetime(date(year, 1, 1), midnight), local_datetime(date(year + 1, 1, 1), midnight)


def costs_total(year: int, scope: WardScope) -> int:
    """The costs of the fairs starting in `year` (Vietnam time) in the wards of `scope`, in đồng.
    Raises PlanRefused year_out_of_range."""
    start, end = year_bounds(check_year(year))
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(FairCost.amount), 0))
        .join(Fair, Fair.id == FairCost.fair_id)
        .where(Fair.starts_at >= start, Fair.starts_at < end, scope.clause(Fair.ward_code))
    )
    return int(total or 0)
