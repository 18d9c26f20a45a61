"""Revoked tickets: a registration's old nonce, no longer admitted once its ticket was reissued."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.attendees.models import Registration
from fairapp.extensions import db
from fairapp.modelbase import intpk, utcnow


class RevokedTicket(db.Model):
    __tablename__ = "revoked_tickets"
    __table_args__ = (sa.UniqueConstraint("registration_id", "nonce"),)

    id: Mapped[intpk]

    # Which ticket: the registration and the nonce its QR carried
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(sa.String(8))

    # When, why and by whom
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    revoked_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    registration: Mapped[Registration] = relationship()
