"""The audit log: append-only rows of who did what to which object, when and from where."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from fairapp.extensions import db
from fairapp.modelbase import intpk, utc_created


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[intpk]
    at: Mapped[utc_created] = mapped_column(index=True)

    # Who and from where
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(254))  # kept even if the user is renamed
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))

    # What, to which object
    action: Mapped[str] = mapped_column(sa.String(60), index=True)  # "auth.login", "user.update"
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[str | None] = mapped_column(sa.String(40))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit entries are never changed or deleted")
