"""Hires, their follow-ups, and what job seekers say of themselves.

The database holds what must survive races: one hire per person, employer and start date (the same
hire recorded twice is one: `employer_key` names the employer whether it has an account, a tax code
or only a name), one follow-up per hire and milestone month, one self-report per client key."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.attendees.models import Attendee
from fairapp.extensions import db
from fairapp.modelbase import intpk, utc_created, value_enum

MAX_POSITION_LENGTH = 200
MAX_EMPLOYER_NAME_LENGTH = 200
MAX_NOTE_LENGTH = 500


class ContractType(enum.StrEnum):
    """Loại hợp đồng lao động (Labour Code 2019: indefinite or fixed-term up to 36 months)."""

    INDEFINITE = "indefinite"  # không xác định thời hạn
    FIXED_LONG = "fixed_12_plus"  # xác định thời hạn từ 12 tháng
    FIXED_SHORT = "fixed_under_12"  # xác định thời hạn dưới 12 tháng
    SEASONAL = "seasonal"  # mùa vụ
    NONE = "none"  # không có hợp đồng


class HireStatus(enum.StrEnum):
    CONFIRMED = "confirmed"  # recorded by the employer or an organiser
    TO_CONFIRM = "to_confirm"  # the job seeker said so; an organiser confirms it by phone
    DISMISSED = "dismissed"  # an organiser found it was not so


class HireSource(enum.StrEnum):
    EMPLOYER = "employer"
    ORGANISER = "organiser"
    JOB_SEEKER = "job_seeker"


class Hire(db.Model):
    """One job a person took: with an employer (with an account, or only its tax code or name), from a
    fair (and the booth record) where it came from, or none (a walk-in to the company)."""

    __tablename__ = "hires"
    __table_args__ = (
        sa.UniqueConstraint("attendee_id", "employer_key", "start_date"),
        sa.CheckConstraint("monthly_salary IS NULL OR monthly_salary >= 0", name="salary_not_negative"),
        sa.CheckConstraint(
            "employer_id IS NOT NULL OR employer_name IS NOT NULL OR employer_tax_code IS NOT NULL",
            name="some_employer",
        ),
        sa.Index("ix_hires_status_start_date", "status", "start_date"),
    )

    id: Mapped[intpk]

    # Who and where from
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("attendees.id"), index=True)
    fair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fairs.id"), index=True)
    interview_id: Mapped[int | None] = mapped_column(sa.ForeignKey("interviews.id"), index=True)
    # The person's ward when the hire was recorded: the call lists are per ward
    ward_code: Mapped[str] = mapped_column(sa.ForeignKey("wards.code"), index=True)

    # The employer: an account, else its tax code and/or name as told by phone
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employers.id"), index=True)
    employer_name: Mapped[str | None] = mapped_column(sa.String(MAX_EMPLOYER_NAME_LENGTH))
    employer_tax_code: Mapped[str | None] = mapped_column(sa.String(14))
    employer_key: Mapped[str] = mapped_column(sa.String(220))  # "id:12", "tax:0101234567", "name:<folded>"

    # The job
    vacancy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vacancies.id"))
    position: Mapped[str | None] = mapped_column(sa.String(MAX_POSITION_LENGTH))
    start_date: Mapped[date]
    monthly_salary: Mapped[int | None] = mapped_column(sa.BigInteger)  # đồng
    contract_type: Mapped[ContractType | None] = mapped_column(value_enum(ContractType))
    social_insurance: Mapped[bool | None]
    workplace_ward_code: Mapped[str | None] = mapped_column(sa.ForeignKey("wards.code"))
    workplace_province_code: Mapped[int | None] = mapped_column(sa.ForeignKey("provinces.code"))

    # Standing: confirmed or to confirm; the sustainable-job decision (fairapp.outcomes.rules), kept
    # so that counts are one query; None until the deciding follow-up is recorded
    status: Mapped[HireStatus] = mapped_column(value_enum(HireStatus), default=HireStatus.CONFIRMED)
    source: Mapped[HireSource] = mapped_column(value_enum(HireSource))
    sustainable: Mapped[bool | None] = mapped_column(index=True)
    decided_at: Mapped[datetime | None]

    # Record keeping
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]
    updated_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]

    attendee: Mapped[Attendee] = relationship()
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="hire",
        order_by="FollowUp.month",
        passive_deletes=True,
        foreign_keys="FollowUp.hire_id",
    )


class FollowUpOutcome(enum.StrEnum):
    STILL_EMPLOYED = "still_employed"  # vẫn làm ở nơi cũ
    CHANGED_EMPLOYER = "changed_employer"  # đã chuyển chỗ làm
    LEFT = "left"  # đã nghỉ việc
    UNREACHABLE = "unreachable"  # không liên lạc được (try again later)


EMPLOYED_OUTCOMES = (FollowUpOutcome.STILL_EMPLOYED, FollowUpOutcome.CHANGED_EMPLOYER)


class LeaveReason(enum.StrEnum):
    SALARY = "salary"
    DISTANCE = "distance"
    HEALTH = "health"
    FAMILY = "family"
    CONTRACT_ENDED = "contract_ended"
    OTHER = "other"


class FollowUp(db.Model):
    """A hire's milestone (1, 3, 6 or 12 months after its start) and what the call found. An
    unreachable person leaves it open, to try again on `retry_on`."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        sa.UniqueConstraint("hire_id", "month"),
        sa.Index("ix_follow_ups_open_due", "outcome", "due_on"),
    )

    id: Mapped[intpk]
    hire_id: Mapped[int] = mapped_column(sa.ForeignKey("hires.id", ondelete="CASCADE"))
    month: Mapped[int]
    due_on: Mapped[date]

    # The answer; None while open. An unreachable call keeps it open until retry_on.
    outcome: Mapped[FollowUpOutcome | None] = mapped_column(value_enum(FollowUpOutcome))
    checked_on: Mapped[date | None]
    reason: Mapped[LeaveReason | None] = mapped_column(value_enum(LeaveReason))
    note: Mapped[str | None] = mapped_column(sa.String(MAX_NOTE_LENGTH))
    new_employer_name: Mapped[str | None] = mapped_column(sa.String(MAX_EMPLOYER_NAME_LENGTH))
    new_hire_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hires.id", ondelete="SET NULL"))
    retry_on: Mapped[date | None]
    attempts: Mapped[int] = mapped_column(default=0)
    answered_by: Mapped[str | None] = mapped_column(sa.String(20))  # "staff", "job_seeker", "api"

    # Record keeping
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None]
    # The "how is your new job?" message was queued (fairapp.outcomes.reminders)
    asked_at: Mapped[datetime | None]

    hire: Mapped[Hire] = relationship(back_populates="follow_ups", foreign_keys=[hire_id])


class JobAnswer(enum.StrEnum):
    EMPLOYED = "employed"  # đã có việc làm
    LOOKING = "looking"  # vẫn đang tìm việc
    TRAINING = "training"  # đi học nghề


class SelfReport(db.Model):
    """What a job seeker answered through the ticket link ("Bạn đã có việc làm chưa?")."""

    __tablename__ = "self_reports"
    __table_args__ = (sa.UniqueConstraint("registration_id", "client_key"),)

    id: Mapped[intpk]
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("attendees.id"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    ward_code: Mapped[str] = mapped_column(sa.ForeignKey("wards.code"), index=True)
    answer: Mapped[JobAnswer] = mapped_column(value_enum(JobAnswer))
    employer_name: Mapped[str | None] = mapped_column(sa.String(MAX_EMPLOYER_NAME_LENGTH))
    start_date: Mapped[date | None]
    hire_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hires.id", ondelete="SET NULL"))
    client_key: Mapped[str] = mapped_column(sa.String(64))  # the form's one-time key: a resend is one
    created_at: Mapped[utc_created]
    # An organiser saw it on the call list and dealt with it
    handled_at: Mapped[datetime | None]
    handled_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
