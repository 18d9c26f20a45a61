"""Job seekers (người lao động) and their registrations for fairs, each with a ticket secret."""

import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.db import intpk, utc_created, utcnow, value_enum
from fairapp.extensions import db
from fairapp.fairs.models import Fair

# No look-alike characters (0/o, 1/l/i), so a secret can be read out over the phone.
TICKET_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TICKET_SECRET_LENGTH = 20  # about 99 bits


def new_ticket_secret() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_SECRET_LENGTH))


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class PriorityGroup(enum.StrEnum):
    NONE = "none"
    POOR = "poor"  # hộ nghèo
    NEAR_POOR = "near_poor"  # hộ cận nghèo
    ESCAPED_POVERTY = "escaped_poverty"  # hộ mới thoát nghèo, for 36 months


class Channel(enum.StrEnum):
    ONLINE = "online"
    WALK_IN = "walk_in"
    STAFF = "staff"


class Attendee(db.Model):
    __tablename__ = "attendees"
    __table_args__ = (
        # A citizen ID (CCCD) has 12 digits; several people may have none.
        sa.CheckConstraint("citizen_id IS NULL OR length(citizen_id) = 12", name="citizen_id_length"),
    )

    id: Mapped[intpk]

    # Who: identified by citizen ID when given, else by phone
    full_name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str] = mapped_column(sa.String(20), index=True)  # "0912345678"
    citizen_id: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    birth_year: Mapped[int]
    birth_date: Mapped[date | None]
    gender: Mapped[Gender] = mapped_column(value_enum(Gender, length=10))
    ward_code: Mapped[str] = mapped_column(sa.ForeignKey("wards.code"), index=True)
    education_level: Mapped[str | None] = mapped_column(sa.String(50))

    # Poverty status (personal data: never shown to employers)
    priority_group: Mapped[PriorityGroup] = mapped_column(
        value_enum(PriorityGroup), default=PriorityGroup.NONE, index=True)
    household_code: Mapped[str | None] = mapped_column(sa.String(50))  # opaque local string

    created_at: Mapped[utc_created]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    registrations: Mapped[list["Registration"]] = relationship(back_populates="attendee")


class Registration(db.Model):
    """One job seeker registered for one fair; the ticket's random part is `ticket_secret`."""

    __tablename__ = "registrations"
    __table_args__ = (sa.UniqueConstraint("fair_id", "attendee_id"),)

    id: Mapped[intpk]
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id"))  # first column of the unique key
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("attendees.id"), index=True)
    channel: Mapped[Channel] = mapped_column(value_enum(Channel))

    # Consent, versioned: personal data is required; sharing with employers is optional
    consent_personal_data_version: Mapped[str] = mapped_column(sa.String(20))
    consent_personal_data_at: Mapped[datetime]
    consent_share_version: Mapped[str | None] = mapped_column(sa.String(20))
    consent_share_at: Mapped[datetime | None]

    # Ticket and wishes
    ticket_secret: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_ticket_secret)
    desired_jobs: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[utc_created]

    fair: Mapped[Fair] = relationship()
    attendee: Mapped[Attendee] = relationship(back_populates="registrations")
