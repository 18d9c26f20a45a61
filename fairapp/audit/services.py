"""Writing the audit log. Every entry is added to the caller's transaction; nothing is committed here."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.db import utcnow
from fairapp.extensions import db


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
