"""Taking an employer, a school or a vacancy out of public view, and letting it back.

Deciding on a partner goes through decide(): rejecting or suspending an approved partner also
withdraws its booths at fairs that have not ended (fairapp.booths.services.withdraw_booths), so it
disappears at once from public fair pages, registration forms and tickets; approving or reinstating
it again does **not** bring withdrawn booths back: it applies again, or an organiser invites it.

An organiser of the ward (of the employer, or of a fair the vacancy is offered at or the employer has
a booth at) or an admin hides a vacancy with a reason; it leaves every public surface at once.
Services flush, never commit. Error codes: forbidden (403: not staff), ward_not_allowed (403),
invalid_transition (409), reason_required / validation_error (422)."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.auth.models import Role
from fairapp.booths.models import Booth, VacancyOffer
from fairapp.booths.services import withdraw_booths
from fairapp.errors import Forbidden, ValidationError
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.fairs.services import WardNotAllowed
from fairapp.modelbase import utcnow
from fairapp.partners import decisions
from fairapp.partners.models import Employer, PartnerStatus, School, Vacancy
from fairapp.partners.standing import InvalidTransition, is_staff

WITHDRAWING = ("reject", "suspend")
HIDE_REASON_MAX = 1000


@dataclass(frozen=True)
class Decision:
    before: PartnerStatus
    withdrawn: list[Booth]  # booths cancelled by this decision


def decide(
    partner: Employer | School,
    decision: str,
    reason: str | None = None,
    *,
    by,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> Decision:
    """approve, reject, suspend or reinstate the partner (fairapp.partners.decisions for the moves and
    their errors); rejecting or suspending an approved partner withdraws its booths."""
    now = now or utcnow()
    before = decisions.decide(partner, decision, reason, by=by, origin=origin, now=now)
    withdrawn = []
    if decision in WITHDRAWING:
        withdrawn = withdraw_booths(partner, (reason or "").strip(), by=by, origin=origin, now=now)
    return Decision(before, withdrawn)


# --- Hiding a vacancy ------------------------------------------------------------------------------


def vacancy_wards(vacancy: Vacancy) -> set[str]:
    """The wards whose organisers answer for the vacancy: its employer's, and those of the fairs it is
    offered at or its employer has a booth at."""
    offered = (
        sa.select(Fair.ward_code)
        .join(VacancyOffer, VacancyOffer.fair_id == Fair.id)
        .where(VacancyOffer.vacancy_id == vacancy.id)
    )
    booths = (
        sa.select(Fair.ward_code)
        .join(Booth, Booth.fair_id == Fair.id)
        .where(Booth.employer_id == vacancy.employer_id)
    )
    wards = set(db.session.scalars(sa.union(offered, booths)))
    if vacancy.employer.ward_code:
        wards.add(vacancy.employer.ward_code)
    return wards


def may_hide(user, vacancy: Vacancy) -> bool:
    if user is None or not is_staff(user):
        return False
    return user.role == Role.ADMIN or any(user.may_act_in_ward(code) for code in vacancy_wards(vacancy))


def _ensure_may_hide(user, vacancy: Vacancy) -> None:
    if not is_staff(user):
        raise Forbidden()
    if not may_hide(user, vacancy):
        raise WardNotAllowed(
            _l(
                "Chỉ cán bộ phụ trách phường, xã của doanh nghiệp hoặc của phiên có vị trí "
                "này mới ẩn hoặc hiện lại được vị trí."
            )
        )


def hide_vacancy(
    vacancy: Vacancy, reason: str | None, *, by, origin: Origin = SYSTEM, now: datetime | None = None
) -> Vacancy:
    """Take the vacancy off every public surface. Raises ward_not_allowed, reason_required,
    validation_error, invalid_transition (already hidden)."""
    _ensure_may_hide(by, vacancy)
    if vacancy.hidden_at is not None:
        raise InvalidTransition()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(code="reason_required", fields={"reason": _l("Lý do ẩn: vui lòng nhập lý do.")})
    if len(reason) > HIDE_REASON_MAX:
        raise ValidationError(fields={"reason": _l("Lý do ẩn: dài tối đa %(n)d ký tự.", n=HIDE_REASON_MAX)})
    vacancy.hidden_at, vacancy.hide_reason = now or utcnow(), reason
    record(
        "vacancy.hide",
        actor=by,
        target=vacancy,
        origin=origin,
        details={"employer_id": vacancy.employer_id, "reason": reason},
    )
    db.session.flush()
    return vacancy


def unhide_vacancy(vacancy: Vacancy, reason: str | None = None, *, by, origin: Origin = SYSTEM) -> Vacancy:
    """Show the vacancy again (where its other rules allow). Raises ward_not_allowed,
    invalid_transition (not hidden)."""
    _ensure_may_hide(by, vacancy)
    if vacancy.hidden_at is None:
        raise InvalidTransition()
    reason = (reason or "").strip()[:HIDE_REASON_MAX]
    record(
        "vacancy.unhide",
        actor=by,
        target=vacancy,
        origin=origin,
        details={
            "employer_id": vacancy.employer_id,
            "hidden_for": vacancy.hide_reason,
            **({"reason": reason} if reason else {}),
        },
    )
    vacancy.hidden_at, vacancy.hide_reason = None, None
    db.session.flush()
    return vacancy
