"""A badge job: one request to print every badge of a fair, rendered in the background."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.modelbase import intpk, utc_created, utcnow, value_enum


class BadgeJobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # done, and its file has been deleted after a day


class BadgeJob(db.Model):
    __tablename__ = "badge_jobs"

    id: Mapped[intpk]
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id"), index=True)
    requested_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # Progress
    status: Mapped[BadgeJobStatus] = mapped_column(value_enum(BadgeJobStatus), default=BadgeJobStatus.QUEUED)
    badges_total: Mapped[int] = mapped_column(default=0)
    pages_total: Mapped[int] = mapped_column(default=0)
    pages_done: Mapped[int] = mapped_column(default=0)

    # Result: a file name inside the instance folder's badges/ directory, or what went wrong
    file_name: Mapped[str | None] = mapped_column(sa.String(100))
    error: Mapped[str | None] = mapped_column(sa.Text)

    created_at: Mapped[utc_created]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)  # heartbeat
    finished_at: Mapped[datetime | None]

    fair: Mapped[Fair] = relationship()
