"""Changes an approved employer or school makes to what the public reads (names, vacancy texts,
programme names) after an organiser approved it: audited with before and after, and flagged on the
changed record and on the partner ("changed since approval") until an organiser marks them reviewed.

Changes made by staff, or while the partner is not approved, are not flagged: staff are the
reviewers, and a pending partner is reviewed as a whole when it is approved."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.errors import Forbidden
from fairapp.extensions import db
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, PartnerStatus, School, TrainingProgramme, Vacancy
from fairapp.partners.standing import is_staff

# The fields shown on public pages, the registration form or the ticket, per kind of record.
PUBLIC_FIELDS: dict[type, tuple[str, ...]] = {
    Employer: ("name", "industry"),
    School: ("name",),
    Vacancy: ("title", "occupation", "work_place", "working_hours", "benefits", "requirements"),
    TrainingProgramme: ("name",),
}
CHANGE_ACTIONS = tuple(f"{kind}.public_change" for kind in ("employer", "school", "vacancy", "programme"))
REVIEW_ACTIONS = ("employer.review", "school.review", "employer.approve", "school.approve")


def public_values(item) -> dict[str, Any]:
    """The record's public fields as they are now (to pass back to note_public_change as `before`)."""
    return {name: getattr(item, name) for name in PUBLIC_FIELDS[type(item)]}


def kind_of(item) -> str:
    return {Employer: "employer", School: "school", Vacancy: "vacancy", TrainingProgramme: "programme"}[
        type(item)
    ]


def partner_of(item) -> Employer | School:
    if isinstance(item, Vacancy):
        return item.employer or db.session.get(Employer, item.employer_id)
    if isinstance(item, TrainingProgramme):
        return item.school or db.session.get(School, item.school_id)
    return item


def note_public_change(
    item, before: dict[str, Any] | None, *, by, origin: Origin = SYSTEM, now: datetime | None = None
) -> bool:
    """After a partner's own account created (before=None) or changed `item`: when the partner is
    approved and a public field differs, flag the item and the partner and audit before/after.
    Returns whether it was flagged. Flushes."""
    partner = partner_of(item)
    if is_staff(by) or partner.status != PartnerStatus.APPROVED:
        return False
    after = public_values(item)
    before = before or dict.fromkeys(after)
    changed = [name for name in after if before[name] != after[name]]
    if not changed:
        return False
    now = now or utcnow()
    item.public_changed_at = now
    if partner.public_changed_at is None:  # the oldest change not yet reviewed
        partner.public_changed_at = now
    db.session.flush()  # a new item needs its id for the audit entry
    record(
        f"{kind_of(item)}.public_change",
        actor=by,
        target=item,
        origin=origin,
        details={
            "partner": f"{kind_of(partner)}:{partner.id}",
            "before": {name: before[name] for name in changed},
            "after": {name: after[name] for name in changed},
        },
    )
    db.session.flush()
    return True


def _items(partner) -> list:
    return list(partner.vacancies if isinstance(partner, Employer) else partner.programmes)


def clear(partner) -> None:
    """Drop the flags of the partner and of its vacancies or programmes (approval and review)."""
    partner.public_changed_at = None
    for item in _items(partner):
        item.public_changed_at = None


def mark_reviewed(partner, *, by, origin: Origin = SYSTEM) -> None:
    """An organiser or admin has read the partner's public changes: the flags go. Forbidden for
    anyone else; nothing happens (and nothing is audited) when nothing is flagged."""
    if not is_staff(by):
        raise Forbidden()
    if partner.public_changed_at is None and not any(i.public_changed_at for i in _items(partner)):
        return
    since = partner.public_changed_at
    clear(partner)
    record(
        f"{kind_of(partner)}.review",
        actor=by,
        target=partner,
        origin=origin,
        details={"changed_since": since.isoformat() if since else None},
    )
    db.session.flush()


@dataclass(frozen=True)
class PublicChange:
    at: datetime
    actor: str
    kind: str  # employer, school, vacancy, programme
    item_id: int
    item_name: str  # its name or title now
    before: dict[str, Any]
    after: dict[str, Any]


def changes_since_review(partner) -> list[PublicChange]:
    """The audited public changes of the partner and its vacancies or programmes since an organiser
    last approved or reviewed it, oldest first."""
    kind = kind_of(partner)
    mine = sa.and_(AuditEntry.object_type == partner.__tablename__, AuditEntry.object_id == str(partner.id))
    last_review = db.session.scalar(
        sa.select(sa.func.max(AuditEntry.id)).where(mine, AuditEntry.action.in_(REVIEW_ACTIONS))
    )
    item_table = "vacancies" if kind == "employer" else "training_programmes"
    names = {(kind, partner.id): partner.name}
    names.update(
        {(kind_of(item), item.id): getattr(item, "title", None) or item.name for item in _items(partner)}
    )
    item_ids = [str(item.id) for item in _items(partner)]
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.action.in_(CHANGE_ACTIONS),
            AuditEntry.id > (last_review or 0),
            sa.or_(mine, sa.and_(AuditEntry.object_type == item_table, AuditEntry.object_id.in_(item_ids))),
        )
        .order_by(AuditEntry.id)
    )
    changes = []
    for entry in entries:
        item_kind, item_id = entry.action.split(".")[0], int(entry.object_id)
        changes.append(
            PublicChange(
                entry.at,
                entry.actor_label,
                item_kind,
                item_id,
                names.get((item_kind, item_id), ""),
                entry.details.get("before", {}),
                entry.details.get("after", {}),
            )
        )
    return changes
