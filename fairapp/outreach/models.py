"""Outreach to the members of priority households: the calls made to invite them (each with a one-tap
outcome that also records their need), and the labour information handed to the commune police."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.extensions import db
from fairapp.households.models import HouseholdMember
from fairapp.modelbase import intpk, utc_created, utcnow, value_enum


class ContactOutcome(enum.StrEnum):
    WILL_COME = "will_come"  # sẽ đến phiên
    HAS_JOB = "has_job"  # đã có việc làm
    NOT_LOOKING = "not_looking"  # không có nhu cầu
    MOVED = "moved"  # đã chuyển đi
    UNREACHABLE = "unreachable"  # không liên lạc được: call again


# The outcomes that say what the person needs: they count as reached for coverage.
NEED_RECORDED = (
    ContactOutcome.WILL_COME,
    ContactOutcome.HAS_JOB,
    ContactOutcome.NOT_LOOKING,
    ContactOutcome.MOVED,
)


class OutreachContact(db.Model):
    """One call (or visit) to a household member about a fair."""

    __tablename__ = "outreach_contacts"
    __table_args__ = (sa.Index("ix_outreach_contacts_member_id_at", "member_id", "at"),)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("household_members.id", ondelete="CASCADE"))
    fair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fairs.id", ondelete="SET NULL"))
    outcome: Mapped[ContactOutcome] = mapped_column(value_enum(ContactOutcome))
    retry_on: Mapped[date | None]  # unreachable: the day to call again
    by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[HouseholdMember] = relationship()


class LabourStatus(enum.StrEnum):
    EXPORTED = "exported"  # handed over in an export
    ENTERED = "entered"  # the commune police entered it into the national database
    RETURNED = "returned"  # sent back with a reason (a field wrong or missing)


class LabourRecord(db.Model):
    """Where a person's labour information stands with the commune police: one row per person."""

    __tablename__ = "labour_records"

    attendee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attendees.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    status: Mapped[LabourStatus] = mapped_column(value_enum(LabourStatus))
    reason: Mapped[str | None] = mapped_column(sa.String(300))  # returned: why
    export_id: Mapped[int | None] = mapped_column(sa.ForeignKey("labour_exports.id", ondelete="SET NULL"))
    updated_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LabourExport(db.Model):
    """One Form 01 file made for a ward (the audit log holds who read it)."""

    __tablename__ = "labour_exports"

    id: Mapped[intpk]
    ward_code: Mapped[str] = mapped_column(sa.ForeignKey("wards.code"), index=True)
    people: Mapped[int]
    by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]
