"""The people each step of the funnel reached, kept by the writes (fairapp.reports.reach).

reach: one row per year, area (a ward's code, or "*" for the whole area), step and person. `days_0`…
`days_5` are the days of that year on which the person reached the step there, as a bit set: day d of
the year (0 = 1 January) is bit d % 62 of days_<d // 62>; `months` the months of those days (bit m - 1
for month m). The person's group (and whether the household list verified it), sex and birth year
are copied, so that counting needs no join.

reach_dirty: the people whose rows a transaction must compute again before it commits; filled by
triggers on the tables the funnel is counted from, emptied by fairapp.reports.reach.refresh."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fairapp.attendees.models import Gender, PriorityGroup, PriorityStatus
from fairapp.extensions import db
from fairapp.modelbase import value_enum

DAY_BITS = 62  # bits used of each signed 64-bit number: 6 numbers hold 372 days
DAY_COLUMNS = 6
WHOLE_AREA = "*"


class Reach(db.Model):
    __tablename__ = "reach"
    __table_args__ = (
        sa.Index("ix_reach_attendee_id", "attendee_id"),
        # The dashboard's pass: a year's rows of an area in step, group and months order, read whole
        sa.Index("ix_reach_months", "year", "area", "step", "priority_group", "months", "priority_status"),
        {"sqlite_with_rowid": False},
    )

    year: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    area: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    step: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    attendee_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    days_0: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    days_1: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    days_2: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    days_3: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    days_4: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    days_5: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    months: Mapped[int] = mapped_column(sa.SmallInteger, default=0)  # bit m - 1: a day of month m
    priority_group: Mapped[PriorityGroup] = mapped_column(value_enum(PriorityGroup))
    priority_status: Mapped[PriorityStatus] = mapped_column(
        value_enum(PriorityStatus), server_default=PriorityStatus.SELF_DECLARED.value
    )
    gender: Mapped[Gender] = mapped_column(value_enum(Gender, length=10))
    birth_year: Mapped[int]


class ReachDirty(db.Model):
    __tablename__ = "reach_dirty"

    attendee_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # Raised by each later note: the worker takes away only the notes it has counted
    version: Mapped[int] = mapped_column(server_default="0")
