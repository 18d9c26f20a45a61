"""Erasure requests: a person asked, through a ticket link, to be erased, and an organiser of the
fair's ward (or an admin) decides at the desk after checking who they are."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.attendees.models import Attendee, Registration
from fairapp.extensions import db
from fairapp.modelbase import intpk, utc_created, value_enum


class ErasureStatus(enum.StrEnum):
    PENDING = "pending"
    CARRIED_OUT = "carried_out"  # the person was erased (at the desk, or by another path meanwhile)
    DECLINED = "declined"


class ErasureRequest(db.Model):
    __tablename__ = "erasure_requests"
    __table_args__ = (
        # One open request per person: asking again while one waits adds nothing.
        sa.Index(
            "uq_erasure_requests_attendee_id_pending",
            "attendee_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: Mapped[intpk]

    # Who asked, through which ticket link (its fair's ward decides who may carry it out)
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("attendees.id"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id"), index=True)
    requested_at: Mapped[utc_created]

    # The decision
    status: Mapped[ErasureStatus] = mapped_column(value_enum(ErasureStatus), default=ErasureStatus.PENDING)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_note: Mapped[str | None] = mapped_column(sa.String(300))

    attendee: Mapped[Attendee] = relationship()
    registration: Mapped[Registration] = relationship()
