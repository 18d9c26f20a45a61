"""Employers with their vacancies, and vocational schools with their training programmes."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.extensions import db
from fairapp.modelbase import intpk, utc_created, value_enum


class PartnerStatus(enum.StrEnum):
    """Self-registered employers and schools wait for an organiser's approval. An approved one can be
    suspended (and reinstated); a rejected or suspended one is shown nowhere and edits nothing."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class VacancyStatus(enum.StrEnum):
    OPEN = "open"
    FILLED = "filled"
    CLOSED = "closed"


class EducationLevel(enum.StrEnum):
    """The least schooling a vacancy asks for."""

    NONE = "none"  # không yêu cầu
    PRIMARY = "primary"  # tiểu học
    LOWER_SECONDARY = "lower_secondary"  # THCS
    UPPER_SECONDARY = "upper_secondary"  # THPT
    VOCATIONAL = "vocational"  # sơ cấp / trung cấp nghề
    COLLEGE = "college"  # cao đẳng
    UNIVERSITY = "university"  # đại học


class ProgrammeLevel(enum.StrEnum):
    SO_CAP = "so_cap"  # sơ cấp, under a year
    TRUNG_CAP = "trung_cap"  # trung cấp
    CAO_DANG = "cao_dang"  # cao đẳng


class Employer(db.Model):
    __tablename__ = "employers"

    id: Mapped[intpk]

    # Identity: tax code (mã số thuế), 10 digits with a check digit, optional "-NNN" branch suffix
    name: Mapped[str] = mapped_column(sa.String(200))
    tax_code: Mapped[str] = mapped_column(sa.String(14), unique=True)
    industry: Mapped[str | None] = mapped_column(sa.String(100))

    # Where and whom to call
    address: Mapped[str | None] = mapped_column(sa.String(300))
    ward_code: Mapped[str | None] = mapped_column(sa.ForeignKey("wards.code"), index=True)
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))

    # Approval
    status: Mapped[PartnerStatus] = mapped_column(
        value_enum(PartnerStatus), default=PartnerStatus.PENDING, index=True
    )
    reject_reason: Mapped[str | None] = mapped_column(sa.Text)
    approved_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]  # approved or rejected; who decided is in the audit log
    created_at: Mapped[utc_created]

    # Moderation: why it is suspended; since when its public fields changed without an organiser's review
    suspend_reason: Mapped[str | None] = mapped_column(sa.Text)
    suspended_at: Mapped[datetime | None]
    public_changed_at: Mapped[datetime | None]

    vacancies: Mapped[list["Vacancy"]] = relationship(back_populates="employer", order_by="Vacancy.id")


class Vacancy(db.Model):
    """A job an employer recruits for (vị trí tuyển dụng), with a quota (chỉ tiêu)."""

    __tablename__ = "vacancies"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("salary_min <= salary_max", name="salary_range"),
        sa.CheckConstraint("age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="age_range"),
        sa.CheckConstraint(
            "experience_years IS NULL OR experience_years >= 0", name="experience_not_negative"
        ),
    )

    id: Mapped[intpk]
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id"), index=True)

    # The job
    title: Mapped[str] = mapped_column(sa.String(200))
    occupation: Mapped[str | None] = mapped_column(sa.String(200))
    quantity: Mapped[int]
    work_place: Mapped[str | None] = mapped_column(sa.String(300))
    working_hours: Mapped[str | None] = mapped_column(sa.String(200))  # "8h/ngày, 2 ca"
    benefits: Mapped[str | None] = mapped_column(sa.Text)

    # Requirements: schooling, years of experience, age range; anything else as text
    education: Mapped[EducationLevel | None] = mapped_column(value_enum(EducationLevel))
    experience_years: Mapped[int | None]
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    requirements: Mapped[str | None] = mapped_column(sa.Text)

    # Monthly pay in VND; None means "thoả thuận" (to be agreed)
    salary_min: Mapped[int | None] = mapped_column(sa.BigInteger)
    salary_max: Mapped[int | None] = mapped_column(sa.BigInteger)

    # State
    deadline: Mapped[date | None]
    status: Mapped[VacancyStatus] = mapped_column(
        value_enum(VacancyStatus), default=VacancyStatus.OPEN, index=True
    )
    created_at: Mapped[utc_created]
    updated_at: Mapped[datetime | None]

    # Moderation: hidden from every public surface by an organiser (who: in the audit log); public
    # text changed by the employer since an organiser last reviewed it
    hidden_at: Mapped[datetime | None]
    hide_reason: Mapped[str | None] = mapped_column(sa.Text)
    public_changed_at: Mapped[datetime | None]

    employer: Mapped[Employer] = relationship(back_populates="vacancies")


class School(db.Model):
    """A vocational school or centre (cơ sở giáo dục nghề nghiệp)."""

    __tablename__ = "schools"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(200))

    # Where and whom to call
    address: Mapped[str | None] = mapped_column(sa.String(300))
    ward_code: Mapped[str | None] = mapped_column(sa.ForeignKey("wards.code"), index=True)
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))

    # Approval
    status: Mapped[PartnerStatus] = mapped_column(
        value_enum(PartnerStatus), default=PartnerStatus.PENDING, index=True
    )
    reject_reason: Mapped[str | None] = mapped_column(sa.Text)
    approved_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    created_at: Mapped[utc_created]

    # Moderation, as for employers
    suspend_reason: Mapped[str | None] = mapped_column(sa.Text)
    suspended_at: Mapped[datetime | None]
    public_changed_at: Mapped[datetime | None]

    programmes: Mapped[list["TrainingProgramme"]] = relationship(
        back_populates="school", order_by="TrainingProgramme.id"
    )


class TrainingProgramme(db.Model):
    """A trade a school teaches (ngành nghề đào tạo)."""

    __tablename__ = "training_programmes"
    __table_args__ = (
        sa.CheckConstraint("duration_months IS NULL OR duration_months > 0", name="duration_positive"),
        sa.CheckConstraint("tuition IS NULL OR tuition >= 0", name="tuition_not_negative"),
        sa.CheckConstraint("seats IS NULL OR seats > 0", name="seats_positive"),
    )

    id: Mapped[intpk]
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)

    # The course
    name: Mapped[str] = mapped_column(sa.String(200))
    level: Mapped[ProgrammeLevel] = mapped_column(value_enum(ProgrammeLevel))
    duration_months: Mapped[int | None]
    seats: Mapped[int | None]

    # Cost in VND for the whole course, and the support people from priority groups get
    tuition: Mapped[int | None] = mapped_column(sa.BigInteger)
    priority_support: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[utc_created]
    public_changed_at: Mapped[datetime | None]  # name changed by the school since an organiser's review

    school: Mapped[School] = relationship(back_populates="programmes")
