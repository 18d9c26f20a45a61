"""An organiser's or admin's decisions on an employer or school, as status moves:

    approve    pending, rejected  → approved   (clears "changed since approval")
    reject     pending, approved, suspended → rejected   (reason required)
    suspend    approved           → suspended  (reason required)
    reinstate  suspended          → approved   (reason optional)

Each is audited as "<employer|school>.<decision>". What rejecting or suspending does to the partner's
booths is fairapp.booths.moderation's part; call the decisions through it. Flushes, never commits.
Error codes: forbidden (403), invalid_transition (409), reason_required / validation_error (422)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.errors import Forbidden, ValidationError
from fairapp.extensions import db
from fairapp.modelbase import utcnow
from fairapp.partners import review
from fairapp.partners.models import PartnerStatus
from fairapp.partners.standing import InvalidTransition, is_staff

APPROVED, PENDING, REJECTED, SUSPENDED = (
    PartnerStatus.APPROVED,
    PartnerStatus.PENDING,
    PartnerStatus.REJECTED,
    PartnerStatus.SUSPENDED,
)
MOVES = {  # decision: (statuses it starts from, status it leads to, reason required)
    "approve": ((PENDING, REJECTED), APPROVED, False),
    "reject": ((PENDING, APPROVED, SUSPENDED), REJECTED, True),
    "suspend": ((APPROVED,), SUSPENDED, True),
    "reinstate": ((SUSPENDED,), APPROVED, False),
}
REASON_LABELS = {
    "approve": _l("Ghi chú"),
    "reject": _l("Lý do từ chối"),
    "suspend": _l("Lý do tạm ngừng"),
    "reinstate": _l("Lý do khôi phục"),
}
REASON_MAX = 1000


def _reason(decision: str, reason: str | None, required: bool) -> str:
    reason = (reason or "").strip()
    label = REASON_LABELS[decision]
    if required and not reason:
        raise ValidationError(
            code="reason_required", fields={"reason": _l("%(field)s: vui lòng nhập lý do.", field=label)}
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            fields={"reason": _l("%(field)s: dài tối đa %(n)d ký tự.", field=label, n=REASON_MAX)}
        )
    return reason


def decide(
    partner,
    decision: str,
    reason: str | None = None,
    *,
    by,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> PartnerStatus:
    """Move the partner by `decision` (a key of MOVES); returns the status it had before."""
    if not is_staff(by):
        raise Forbidden()
    sources, target, required = MOVES[decision]
    if partner.status not in sources:
        raise InvalidTransition()
    reason = _reason(decision, reason, required)
    now = now or utcnow()
    before = partner.status
    partner.status, partner.decided_at = target, now
    if decision == "approve":
        partner.approved_at, partner.reject_reason = now, None
        review.clear(partner)
    elif decision == "reject":
        partner.reject_reason, partner.approved_at = reason, None
    elif decision == "suspend":
        partner.suspend_reason, partner.suspended_at = reason, now
    if target != SUSPENDED:
        partner.suspend_reason, partner.suspended_at = None, None
    record(
        f"{review.kind_of(partner)}.{decision}",
        actor=by,
        target=partner,
        origin=origin,
        details={"from": before.value, "to": target.value, **({"reason": reason} if reason else {})},
    )
    db.session.flush()
    return before
