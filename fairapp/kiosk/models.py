"""The kiosk's used visit passes: one row per pass that admitted someone, so that a pass admits one
person only (UNIQUE nonce: the database settles two phones racing with the same pass)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fairapp.extensions import db
from fairapp.modelbase import intpk


class KioskVisit(db.Model):
    __tablename__ = "kiosk_visits"

    id: Mapped[intpk]
    nonce: Mapped[str] = mapped_column(sa.String(24), unique=True)  # the pass's random part

    # Whom it admitted, where and when
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    used_at: Mapped[datetime]
