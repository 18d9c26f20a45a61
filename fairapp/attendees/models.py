"""Job seekers (người lao động) and their registrations for fairs, each with a ticket secret."""

import enum
import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.households.models import HouseholdMember
from fairapp.modelbase import intpk, utc_created, utcnow, value_enum
from fairapp.text import fold

# No look-alike characters (0/o, 1/l/i), so a secret can be read out over the phone.
TICKET_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TICKET_SECRET_LENGTH = 20  # about 99 bits


# The nonce signed into the ticket's QR (fairapp.tickets.signing): base32 without padding.
NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
NONCE_LENGTH = 8


def new_ticket_secret() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_SECRET_LENGTH))


def new_ticket_nonce() -> str:
    return "".join(secrets.choice(NONCE_ALPHABET) for _ in range(NONCE_LENGTH))


def _name_key(context) -> str:
    """Insert default for Attendee.name_key: the folded full name (services set it themselves)."""
    return fold(context.get_current_parameters().get("full_name"))


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class PriorityGroup(enum.StrEnum):
    NONE = "none"
    POOR = "poor"  # hộ nghèo
    NEAR_POOR = "near_poor"  # hộ cận nghèo
    ESCAPED_POVERTY = "escaped_poverty"  # hộ mới thoát nghèo, for 36 months


class PriorityStatus(enum.StrEnum):
    """How the priority group is known (fairapp.attendees.verification)."""

    VERIFIED = "verified"  # found on the ward's household list, with the group the list gives
    SELF_DECLARED = "self_declared"  # as the person ticked it: not found on any list
    CONFLICT = "conflict"  # found, but the list says another group: for an organiser to settle


class EducationLevel(enum.StrEnum):
    """General schooling (trình độ giáo dục phổ thông)."""

    NONE = "none"  # chưa đi học
    PRIMARY = "primary"  # tiểu học
    LOWER_SECONDARY = "lower_secondary"  # THCS
    UPPER_SECONDARY = "upper_secondary"  # THPT


class Qualification(enum.StrEnum):
    """Technical qualification (trình độ chuyên môn kỹ thuật)."""

    NONE = "none"  # chưa qua đào tạo
    SHORT_COURSE = "short_course"  # sơ cấp / dưới 3 tháng
    INTERMEDIATE = "intermediate"  # trung cấp
    COLLEGE = "college"  # cao đẳng
    UNIVERSITY = "university"  # đại học trở lên


class Situation(enum.StrEnum):
    """What the person does now (tình trạng việc làm hiện tại)."""

    UNEMPLOYED = "unemployed"
    WANTS_CHANGE = "wants_change"
    STUDENT = "student"
    OTHER = "other"


class Channel(enum.StrEnum):
    ONLINE = "online"
    WALK_IN = "walk_in"
    STAFF = "staff"


class Attendee(db.Model):
    __tablename__ = "attendees"
    __table_args__ = (
        # A citizen ID (CCCD) has 12 digits; several people may have none.
        sa.CheckConstraint("citizen_id IS NULL OR length(citizen_id) = 12", name="citizen_id_length"),
        # Without a citizen ID a person is phone + folded name: one record, even when two requests
        # for the same person race (with an ID, the unique citizen_id does that).
        sa.Index(
            "uq_attendees_phone_name_key",
            "phone",
            "name_key",
            unique=True,
            sqlite_where=sa.text("citizen_id IS NULL"),
            postgresql_where=sa.text("citizen_id IS NULL"),
        ),
    )

    id: Mapped[intpk]

    # Who: identified by citizen ID when given, else by phone
    full_name: Mapped[str] = mapped_column(sa.String(200))  # NFC, trimmed, as typed otherwise
    name_key: Mapped[str] = mapped_column(sa.String(200), default=_name_key)  # fold(full_name)
    phone: Mapped[str] = mapped_column(sa.String(20), index=True)  # "0912345678"
    citizen_id: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    birth_year: Mapped[int]
    birth_date: Mapped[date | None]
    gender: Mapped[Gender] = mapped_column(value_enum(Gender, length=10))
    ward_code: Mapped[str] = mapped_column(sa.ForeignKey("wards.code"), index=True)
    address: Mapped[str | None] = mapped_column(sa.String(300))  # as printed on the ID card

    # Schooling and work
    education_level: Mapped[str | None] = mapped_column(sa.String(50))  # EducationLevel value
    qualification: Mapped[str | None] = mapped_column(sa.String(20))  # Qualification value
    situation: Mapped[str | None] = mapped_column(sa.String(20))  # Situation value

    # Poverty status (personal data: never shown to employers)
    priority_group: Mapped[PriorityGroup] = mapped_column(
        value_enum(PriorityGroup), default=PriorityGroup.NONE, index=True
    )
    household_code: Mapped[str | None] = mapped_column(sa.String(50))  # opaque local string
    priority_status: Mapped[PriorityStatus] = mapped_column(
        value_enum(PriorityStatus), default=PriorityStatus.SELF_DECLARED, index=True
    )
    household_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("household_members.id", ondelete="SET NULL"), index=True
    )
    # An organiser kept the declared group against the list: not a conflict again until the list changes
    priority_settled_at: Mapped[datetime | None]

    # Consent to hand the labour information (Circular 11/2022 Form 01) to the commune police
    labour_consent_at: Mapped[datetime | None]
    labour_consent_version: Mapped[str | None] = mapped_column(sa.String(20))  # consent.LABOUR_TEXTS

    created_at: Mapped[utc_created]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # Erasure (fairapp.privacy): when the identifying fields were emptied; what reports count stays
    erased_at: Mapped[datetime | None]

    registrations: Mapped[list["Registration"]] = relationship(back_populates="attendee")
    household_member: Mapped[HouseholdMember | None] = relationship()


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

    # Ticket: the personal link's secret, and the nonce signed into the QR (new on reissue)
    ticket_secret: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_ticket_secret)
    ticket_nonce: Mapped[str] = mapped_column(sa.String(8), default=new_ticket_nonce)

    # Wishes: jobs in words, vacancies of this fair ticked (ids), vocational training
    desired_jobs: Mapped[str | None] = mapped_column(sa.Text)
    desired_vacancy_ids: Mapped[list[int] | None] = mapped_column(sa.JSON)
    wants_training: Mapped[bool] = mapped_column(default=False)
    training_wish: Mapped[str | None] = mapped_column(sa.String(200))

    # Record keeping (created_by: the staff member of a walk-in or staff registration)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]

    fair: Mapped[Fair] = relationship()
    attendee: Mapped[Attendee] = relationship(back_populates="registrations")


class ChangeStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class PendingChange(db.Model):
    """Personal data someone asked to change through the public channel (the form or the API without
    a token). Never applied as asked: staff confirm it at the desk, or the person through a ticket
    link they held before the change was asked for (fairapp.attendees.changes)."""

    __tablename__ = "attendee_changes"

    id: Mapped[intpk]
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("attendees.id", ondelete="CASCADE"), index=True)

    # What was asked: field name → the value typed (enums by value, dates ISO 8601)
    proposed: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    # Where it came from: the channel, the fair, the registration the same submission created
    origin: Mapped[str] = mapped_column(sa.String(20))  # Channel value
    fair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fairs.id", ondelete="SET NULL"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The decision: by staff at the desk, or by the person through an earlier ticket link
    status: Mapped[ChangeStatus] = mapped_column(
        value_enum(ChangeStatus), default=ChangeStatus.PENDING, index=True
    )
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_through: Mapped[str | None] = mapped_column(sa.String(20))  # "desk" or "ticket"
    decided_at: Mapped[datetime | None]

    attendee: Mapped[Attendee] = relationship()
