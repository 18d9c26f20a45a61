"""Fairs: one job-fair session at a venue in one ward or commune."""

import enum
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
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


STATUS_TYPE = value_enum(FairStatus)


class Lifecycle(NamedTuple):
    """A fair's status and when it opened and closed: as recorded (the transitions made by hand), or in
    effect at some moment."""

    status: FairStatus
    opened_at: datetime | None
    closed_at: datetime | None

    def at(self, now: datetime, *, starts_at: datetime, ends_at: datetime) -> "Lifecycle":
        """In effect at `now`, this being what was recorded: published → open at the fair's start,
        published or open → closed at its end, to the second; a transition the clock made happened at
        the start or the end. Drafts, closed and cancelled fairs never move by themselves."""
        if self.status in (FairStatus.PUBLISHED, FairStatus.OPEN) and now >= ends_at:
            return Lifecycle(FairStatus.CLOSED, self.opened_at or starts_at, ends_at)
        if self.status == FairStatus.PUBLISHED and now >= starts_at:
            return Lifecycle(FairStatus.OPEN, starts_at, self.closed_at)
        return self


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

    # Life cycle: draft → published → open → closed, or cancelled. Stored: the transitions made by hand;
    # the clock makes the others (status, opened_at and closed_at below are the effective ones).
    recorded_status: Mapped[FairStatus] = mapped_column(
        "status", STATUS_TYPE, default=FairStatus.DRAFT, index=True
    )
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    published_at: Mapped[datetime | None]
    recorded_opened_at: Mapped[datetime | None] = mapped_column("opened_at")
    recorded_closed_at: Mapped[datetime | None] = mapped_column("closed_at")
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # Record keeping
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fair_series.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    ward: Mapped[Ward] = relationship()
    series: Mapped["FairSeries | None"] = relationship(back_populates="fairs")

    # Effective life cycle: derived from the recorded one and the clock, never written on reading.

    @property
    def recorded(self) -> Lifecycle:
        return Lifecycle(self.recorded_status, self.recorded_opened_at, self.recorded_closed_at)

    def lifecycle_at(self, now: datetime) -> Lifecycle:
        """The status, opening and closing time in effect at `now` (Lifecycle.at)."""
        return self.recorded.at(now, starts_at=self.starts_at, ends_at=self.ends_at)

    @hybrid_method
    def status_at(self, now: datetime) -> FairStatus:
        """The status in effect at `now`. On the class: the same as a SQL expression, `now` a bound
        parameter (`select(Fair).where(Fair.status_at(now) == FairStatus.OPEN)`)."""
        return self.lifecycle_at(now).status

    @status_at.inplace.expression
    @classmethod
    def _status_at_expression(cls, now: datetime) -> sa.ColumnElement[FairStatus]:
        recorded = cls.recorded_status
        return sa.case(
            (
                sa.and_(recorded.in_((FairStatus.PUBLISHED, FairStatus.OPEN)), cls.ends_at <= now),
                sa.literal(FairStatus.CLOSED, STATUS_TYPE),
            ),
            (
                sa.and_(recorded == FairStatus.PUBLISHED, cls.starts_at <= now),
                sa.literal(FairStatus.OPEN, STATUS_TYPE),
            ),
            else_=recorded,
        )

    @hybrid_property
    def status(self) -> FairStatus:
        """The status in effect now; in a query, the clock is read when the query is built (services
        that take `now` use status_at). Assigning records a transition made by hand."""
        return self.status_at(utcnow())

    @status.inplace.setter
    def _status_setter(self, value: FairStatus) -> None:
        self.recorded_status = value

    @property
    def opened_at(self) -> datetime | None:
        """When the fair opened (its start if it opened by itself), in effect now; assigning records it."""
        return self.lifecycle_at(utcnow()).opened_at

    @opened_at.setter
    def opened_at(self, value: datetime | None) -> None:
        self.recorded_opened_at = value

    @property
    def closed_at(self) -> datetime | None:
        """When the fair closed (its end if it closed by itself), in effect now; assigning records it."""
        return self.lifecycle_at(utcnow()).closed_at

    @closed_at.setter
    def closed_at(self, value: datetime | None) -> None:
        self.recorded_closed_at = value


class FairSeries(db.Model):
    """A season planned in one step: draft fairs in several wards on a repeating pattern."""

    __tablename__ = "fair_series"

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(sa.String(200))
    pattern: Mapped[str | None] = mapped_column(sa.String(300))  # "every 2 weeks on Saturday from …"
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]

    fairs: Mapped[list[Fair]] = relationship(back_populates="series", order_by=Fair.starts_at)
