"""Plan targets, budget entries and fair costs. Money is in đồng, whole numbers (BigInteger).

The database holds what must survive races: one target row per year and area. The area is a ward,
or the whole programme area (ward_code NULL); `area_key` is the ward code or WHOLE_AREA_KEY, never
NULL, so that one ordinary unique key holds on SQLite and PostgreSQL alike (NULLs are distinct in a
unique key) and ON CONFLICT can name it."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fairapp.extensions import db
from fairapp.modelbase import UTCDateTime, intpk, utc_created, value_enum

WHOLE_AREA_KEY = "*"
MAX_NOTE_LENGTH = 500
MAX_DOCUMENT_LENGTH = 100
# The indicators a year's plan sets, in the order pages show them.
INDICATORS = ("fairs", "job_seekers", "priority_workers", "hires", "sustainable_jobs", "trainees")


class PlanTarget(db.Model):
    """A year's targets for one area: a ward, or the whole programme area (ward_code NULL). An
    indicator left NULL has no target."""

    __tablename__ = "plan_targets"
    __table_args__ = (
        sa.UniqueConstraint("year", "area_key"),
        sa.CheckConstraint(
            f"(ward_code IS NULL AND area_key = '{WHOLE_AREA_KEY}') OR area_key = ward_code",
            name="area_key_matches_ward",
        ),
        *(
            sa.CheckConstraint(f"{name} IS NULL OR {name} >= 0", name=f"{name}_not_negative")
            for name in INDICATORS
        ),
    )

    id: Mapped[intpk]

    # The year and the area
    year: Mapped[int]
    ward_code: Mapped[str | None] = mapped_column(sa.ForeignKey("wards.code"), index=True)
    area_key: Mapped[str] = mapped_column(sa.String(10))

    # The targets (NULL: none set)
    fairs: Mapped[int | None] = mapped_column(sa.BigInteger)
    job_seekers: Mapped[int | None] = mapped_column(sa.BigInteger)  # people to reach
    priority_workers: Mapped[int | None] = mapped_column(sa.BigInteger)  # of priority households, to connect
    hires: Mapped[int | None] = mapped_column(sa.BigInteger)
    sustainable_jobs: Mapped[int | None] = mapped_column(sa.BigInteger)
    trainees: Mapped[int | None] = mapped_column(sa.BigInteger)
    note: Mapped[str | None] = mapped_column(sa.String(MAX_NOTE_LENGTH))

    # Record keeping
    updated_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BudgetSource(enum.StrEnum):
    CENTRAL = "central"  # Trung ương
    PROVINCE = "province"  # Tỉnh
    CITY = "city"  # Thành phố / địa phương
    OTHER = "other"  # Khác


class BudgetKind(enum.StrEnum):
    ALLOCATED = "allocated"  # Phân bổ
    COMMITTED = "committed"  # Cam kết / giao dự toán
    DISBURSED = "disbursed"  # Giải ngân


class BudgetEntry(db.Model):
    """One amount of a year's budget: allocated, committed or disbursed, from one source. Several
    entries of the same year, source and kind add up."""

    __tablename__ = "budget_entries"
    __table_args__ = (
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.Index("ix_budget_entries_year_source", "year", "source"),
    )

    id: Mapped[intpk]

    # What
    year: Mapped[int]
    source: Mapped[BudgetSource] = mapped_column(value_enum(BudgetSource))
    kind: Mapped[BudgetKind] = mapped_column(value_enum(BudgetKind))
    amount: Mapped[int] = mapped_column(sa.BigInteger)  # đồng

    # The paper behind it
    entry_date: Mapped[date]
    document_no: Mapped[str | None] = mapped_column(sa.String(MAX_DOCUMENT_LENGTH))
    note: Mapped[str | None] = mapped_column(sa.String(MAX_NOTE_LENGTH))

    # Record keeping
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]


class CostItem(enum.StrEnum):
    VENUE = "venue"  # địa điểm
    PUBLICITY = "publicity"  # loa, truyền thông
    PRINTING = "printing"  # in ấn
    ALLOWANCES = "allowances"  # phụ cấp cán bộ
    TRANSPORT = "transport"  # đi lại, vận chuyển
    OTHER = "other"


class FairCost(db.Model):
    """One amount spent on a fair. Several of the same item add up."""

    __tablename__ = "fair_costs"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[intpk]

    # What
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    item: Mapped[CostItem] = mapped_column(value_enum(CostItem))
    amount: Mapped[int] = mapped_column(sa.BigInteger)  # đồng

    # The paper behind it
    document_no: Mapped[str | None] = mapped_column(sa.String(MAX_DOCUMENT_LENGTH))
    note: Mapped[str | None] = mapped_column(sa.String(MAX_NOTE_LENGTH))

    # Record keeping
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]
