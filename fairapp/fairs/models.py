"""Fairs: one job-fair session at a venue in one ward or commune (first cut; the fairs issue extends it)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.extensions import db
from fairapp.geo.models import Ward
from fairapp.modelbase import intpk, utc_created, utcnow, value_enum


class FairStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Fair(db.Model):
    __tablename__ = "fairs"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(sa.String(200))

    # Where
    ward_code: Mapped[str] = mapped_column(sa.ForeignKey("wards.code"), index=True)
    # A draft of a season may have no venue yet; publishing requires one.
    venue_name: Mapped[str | None] = mapped_column(sa.String(200))  # "Nhà văn hoá tổ dân phố Mỏ Chè 2"
    venue_address: Mapped[str | None] = mapped_column(sa.String(300))
    directions: Mapped[str | None] = mapped_column(sa.Text)  # how to get there, shown publicly

    # When and how many (aware UTC; shown in Asia/Ho_Chi_Minh)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int | None]  # None: no limit

    # What people read, and whom they call
    description: Mapped[str | None] = mapped_column(sa.Text)
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20))

    # Life cycle: draft → published → open → closed, or cancelled
    status: Mapped[FairStatus] = mapped_column(value_enum(FairStatus), default=FairStatus.DRAFT, index=True)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    published_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # Record keeping
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fair_series.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    ward: Mapped[Ward] = relationship()
    series: Mapped["FairSeries | None"] = relationship(back_populates="fairs")


class FairSeries(db.Model):
    """A season planned in one step: draft fairs in several wards on a repeating pattern."""

    __tablename__ = "fair_series"

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(sa.String(200))
    pattern: Mapped[str | None] = mapped_column(sa.String(300))  # "every 2 weeks on Saturday from …"
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]

    fairs: Mapped[list[Fair]] = relationship(back_populates="series", order_by=Fair.starts_at)
