"""A periodic job's run, claimed once per scheduled minute by whichever worker reaches it first."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fairapp.extensions import db
from fairapp.modelbase import utc_created


class PeriodicRun(db.Model):
    __tablename__ = "periodic_runs"

    # Which job, for which scheduled minute (UTC): the primary key is the once-only guard
    job: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(primary_key=True)

    started_at: Mapped[utc_created]
