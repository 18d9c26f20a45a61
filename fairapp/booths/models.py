"""Booths: an employer's or a school's place at one fair, and the vacancies offered there."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.modelbase import intpk, utc_created, value_enum
from fairapp.partners.models import Employer, School, Vacancy


class BoothStatus(enum.StrEnum):
    """applied (by the employer or school) or invited (by an organiser) → confirmed, or cancelled
    (refused by the organiser, declined or withdrawn by the partner; the reason is kept)."""

    APPLIED = "applied"
    INVITED = "invited"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Booth(db.Model):
    __tablename__ = "booths"
    __table_args__ = (
        # Exactly one of employer and school holds the booth.
        sa.CheckConstraint("(employer_id IS NULL) <> (school_id IS NULL)", name="one_holder"),
        sa.UniqueConstraint("fair_id", "employer_id"),
        sa.UniqueConstraint("fair_id", "school_id"),
        sa.UniqueConstraint("fair_id", "label"),  # one "A3" per fair; NULLs do not clash
    )

    id: Mapped[intpk]
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id"))  # led by the unique keys

    # Who holds it
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employers.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)

    # Place and state
    label: Mapped[str | None] = mapped_column(sa.String(50))  # "A3", on the floor plan and badge
    status: Mapped[BoothStatus] = mapped_column(value_enum(BoothStatus), default=BoothStatus.APPLIED)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    confirmed_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]

    fair: Mapped[Fair] = relationship()
    employer: Mapped[Employer | None] = relationship()
    school: Mapped[School | None] = relationship()


class VacancyOffer(db.Model):
    """A vacancy recruited for at a fair."""

    __tablename__ = "vacancy_offers"
    __table_args__ = (sa.UniqueConstraint("fair_id", "vacancy_id"),)

    id: Mapped[intpk]
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id"))  # first column of the unique key
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id"), index=True)
    created_at: Mapped[utc_created]

    fair: Mapped[Fair] = relationship()
    vacancy: Mapped[Vacancy] = relationship()


class FairBoothSettings(db.Model):
    """How many booths a fair has room for (None or no row: no limit). Kept beside the fairs table,
    which belongs to the fair-planning area."""

    __tablename__ = "fair_booth_settings"
    __table_args__ = (sa.CheckConstraint("booth_limit IS NULL OR booth_limit > 0", name="limit_positive"),)

    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True)
    booth_limit: Mapped[int | None]
