"""The ward's list of poor, near-poor and newly-escaped-poverty households (danh sách hộ nghèo, cận
nghèo, mới thoát nghèo) from the annual review, its members, and the imports that bring it in.

A household is known by its ward and household code; a member within it by the folded name and birth
year. What a household's category means on a given day is a rule of fairapp.households.rules (an
escaped household keeps the status for 36 months)."""

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.extensions import db
from fairapp.modelbase import intpk, utc_created, utcnow, value_enum


class Category(enum.StrEnum):
    """The values are those of fairapp.attendees.models.PriorityGroup."""

    POOR = "poor"  # hộ nghèo
    NEAR_POOR = "near_poor"  # hộ cận nghèo
    ESCAPED_POVERTY = "escaped_poverty"  # hộ mới thoát nghèo


def _same_ward(context) -> str:
    """Insert default for Household.unit_code: a list made for today's ward."""
    return context.get_current_parameters()["ward_code"]


class MemberGender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class Household(db.Model):
    __tablename__ = "households"
    # The unit is the one the list was made for: a pre-2025 ward's code, or today's. Two communes merged
    # into one ward may both have used "HN-001" on their old lists: two households, not one.
    __table_args__ = (sa.UniqueConstraint("ward_code", "unit_code", "household_code"),)

    id: Mapped[intpk]

    # Which: the ward of today's units and the opaque code the ward gives it
    ward_code: Mapped[str] = mapped_column(sa.ForeignKey("wards.code"))  # first column of the unique key
    unit_code: Mapped[str] = mapped_column(
        sa.String(5), default=_same_ward
    )  # the list's unit: legacy or today's
    household_code: Mapped[str] = mapped_column(sa.String(50))
    head_name: Mapped[str | None] = mapped_column(sa.String(200))
    village: Mapped[str | None] = mapped_column(sa.String(100))  # thôn / tổ dân phố
    phone: Mapped[str | None] = mapped_column(sa.String(20))  # "0912345678", when the list has one

    # Status: as the latest list says; escaped_on is the day it left the list (or was listed escaped)
    category: Mapped[Category] = mapped_column(value_enum(Category), index=True)
    list_year: Mapped[int]  # the year of the latest review that listed it
    escaped_on: Mapped[date | None]

    created_at: Mapped[utc_created]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    members: Mapped[list["HouseholdMember"]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="HouseholdMember.id"
    )


class HouseholdMember(db.Model):
    __tablename__ = "household_members"
    __table_args__ = (
        sa.UniqueConstraint("household_id", "name_key", "birth_year"),
        sa.CheckConstraint("citizen_id IS NULL OR length(citizen_id) = 12", name="citizen_id_length"),
        sa.Index("ix_household_members_name_key_birth_year", "name_key", "birth_year"),
    )

    id: Mapped[intpk]
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id", ondelete="CASCADE"))

    # Who: as the list writes them (NFC, trimmed), and folded for matching
    full_name: Mapped[str] = mapped_column(sa.String(200))
    name_key: Mapped[str] = mapped_column(sa.String(200))
    birth_year: Mapped[int]
    birth_date: Mapped[date | None]
    gender: Mapped[MemberGender | None] = mapped_column(value_enum(MemberGender, length=10))
    relation: Mapped[str | None] = mapped_column(sa.String(50))  # chủ hộ, vợ, con, …
    citizen_id: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20))

    # Still on the household's latest list (a member left out of a later list is kept, not counted)
    active: Mapped[bool] = mapped_column(default=True)
    erased_at: Mapped[datetime | None]  # fairapp.privacy: identifying fields emptied

    household: Mapped[Household] = relationship(back_populates="members")


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    REFUSED = "refused"  # rows to fix: nothing saved
    DONE = "done"
    FAILED = "failed"


class HouseholdImport(db.Model):
    """One upload of a list, read and saved by the background worker with its progress here; the file
    waits in instance/households/ until then and is deleted once read."""

    __tablename__ = "household_imports"

    id: Mapped[intpk]
    requested_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    file_name: Mapped[str | None] = mapped_column(sa.String(100))  # in instance/households/
    file_kind: Mapped[str] = mapped_column(sa.String(10))  # "xlsx" or "csv"
    original_name: Mapped[str | None] = mapped_column(sa.String(200))
    ward_code: Mapped[str | None] = mapped_column(sa.ForeignKey("wards.code"))  # rows without a ward column
    list_year: Mapped[int]  # the review year the file is the list of
    listed_on: Mapped[date]  # the list's decision date: the day households left off became escaped
    only_valid: Mapped[bool] = mapped_column(default=False)

    # Progress: queued → running → done, refused (rows to fix) or failed
    status: Mapped[ImportStatus] = mapped_column(value_enum(ImportStatus), default=ImportStatus.QUEUED)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    counts: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)  # households created, updated, …
    errors: Mapped[list[Any] | None] = mapped_column(sa.JSON)  # [[row, column, message], …]
    error: Mapped[str | None] = mapped_column(sa.String(100))  # why it failed as a whole

    created_at: Mapped[utc_created]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # the worker's heartbeat
    finished_at: Mapped[datetime | None]
