"""Writing the audit log. An entry of a change is added to the caller's transaction (record, append);
the entry of a read is kept whatever becomes of it (record_read). Nothing is committed here."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from fairapp import transactions
from fairapp.audit.models import AuditEntry
from fairapp.extensions import db
from fairapp.modelbase import utcnow


@dataclass(frozen=True)
class Origin:
    """Where a request came from; views build it, services pass it on."""

    ip: str | None = None
    user_agent: str | None = None


SYSTEM = Origin()


def record(
    action: str,
    *,
    actor=None,
    target=None,
    origin: Origin = SYSTEM,
    actor_label: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `target` is any model with an `id`; its table names the object type."""
    entry = AuditEntry(**_values(action, actor, target, origin, actor_label, details))
    db.session.add(entry)
    return entry


def record_read(
    action: str,
    *,
    actor=None,
    target=None,
    origin: Origin = SYSTEM,
    actor_label: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """The entry of a read: personal data shown, looked up or exported. It is kept whatever becomes of
    the request's transaction (a GET commits nothing, a refusal rolls back), so inside a transaction
    unit it is written in one of its own once the request's has ended (fairapp.transactions
    .afterwards); outside one (a service called directly), added to the caller's like record()."""
    values = {"at": utcnow(), **_values(action, actor, target, origin, actor_label, details)}
    if not transactions.in_unit():
        db.session.add(AuditEntry(**values))
        return
    transactions.afterwards(lambda: db.session.add(AuditEntry(**values)))


def _values(
    action: str, actor, target, origin: Origin, actor_label: str | None, details: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "action": action,
        "actor_id": getattr(actor, "id", None),
        "actor_label": actor_label or (actor.login_name if actor is not None else "system"),
        "object_type": getattr(target, "__tablename__", None),
        "object_id": str(target.id) if target is not None else None,
        "ip": origin.ip,
        "user_agent": (origin.user_agent or "")[:300] or None,
        "details": details or {},
    }


_INSERT = sa.insert(AuditEntry.__table__)


def append(
    action: str,
    *,
    actor=None,
    target=None,
    origin: Origin = SYSTEM,
    actor_label: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """record(), as one Core INSERT in the session's transaction: no ORM object and no flush, for the
    check-in and registration. The same entry, in the same transaction."""
    db.session.execute(
        _INSERT, {"at": at or utcnow(), **_values(action, actor, target, origin, actor_label, details)}
    )
