"""At the booth: what an employer or a school recorded about a job seeker (interview, counselling), its
history, referrals from one booth to another, and a job seeker's consent to one booth.

The database holds the rules that must survive races: one record per booth and registration (a later
visit updates it, its history keeps every version), one history entry per client scan id of an
account at a fair (a repeated upload is the same entry), one referral per person from one booth to
another, one consent per person and booth."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.attendees.models import Registration
from fairapp.booths.models import Booth
from fairapp.extensions import db
from fairapp.modelbase import intpk, utc_created, value_enum

MAX_NOTES_LENGTH = 1000
MAX_PLACE_LENGTH = 200
MAX_TAG_LENGTH = 30
MAX_TAGS = 10
MAX_REFERRAL_NOTE_LENGTH = 300


class Outcome(enum.StrEnum):
    """An employer's outcomes run interviewed → shortlisted → offered, or not_suitable; a school's are
    counselled or enrolled (in a programme)."""

    INTERVIEWED = "interviewed"  # đã phỏng vấn
    SHORTLISTED = "shortlisted"  # sơ tuyển đạt
    OFFERED = "offered"  # nhận vào làm / mời làm việc
    NOT_SUITABLE = "not_suitable"  # chưa phù hợp
    COUNSELLED = "counselled"  # đã tư vấn
    ENROLLED = "enrolled"  # đăng ký học nghề


EMPLOYER_OUTCOMES = (Outcome.INTERVIEWED, Outcome.SHORTLISTED, Outcome.OFFERED, Outcome.NOT_SUITABLE)
SCHOOL_OUTCOMES = (Outcome.COUNSELLED, Outcome.ENROLLED)


class Interview(db.Model):
    """A booth's record of one job seeker at one fair, as it stands now."""

    __tablename__ = "interviews"
    __table_args__ = (
        sa.UniqueConstraint("booth_id", "registration_id"),
        sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        sa.CheckConstraint("(employer_id IS NULL) <> (school_id IS NULL)", name="one_holder"),
        sa.Index("ix_interviews_fair_id_outcome", "fair_id", "outcome"),
    )

    id: Mapped[intpk]

    # Where and whom: the booth (and its holder, copied for the holder's lists across fairs)
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id"))
    booth_id: Mapped[int] = mapped_column(sa.ForeignKey("booths.id"))  # leads the unique key
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employers.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id"), index=True)
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("attendees.id"), index=True)

    # What for: one of the employer's vacancies offered at the fair, or one of the school's programmes
    vacancy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vacancies.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("training_programmes.id"), index=True)

    # The outcome and the booth's own notes
    outcome: Mapped[Outcome] = mapped_column(value_enum(Outcome))
    rating: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(sa.String(MAX_NOTES_LENGTH))
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    # The next step: an interview appointment (employers) or the intake date (schools)
    next_step_at: Mapped[datetime | None]
    next_step_place: Mapped[str | None] = mapped_column(sa.String(MAX_PLACE_LENGTH))
    intake_date: Mapped[date | None]

    # Not admitted at the entrance when first seen here (the entrance may have been busy)
    not_checked_in: Mapped[bool] = mapped_column(default=False)

    # Record keeping
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]
    updated_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]

    booth: Mapped[Booth] = relationship()
    registration: Mapped[Registration] = relationship()
    entries: Mapped[list["InterviewEntry"]] = relationship(
        back_populates="interview", order_by="InterviewEntry.id", passive_deletes=True
    )


class InterviewEntry(db.Model):
    """One version of a record, as sent: the history of what a booth recorded, and the client scan id
    that makes a repeated upload the same entry."""

    __tablename__ = "interview_entries"
    __table_args__ = (
        sa.UniqueConstraint("scan_id", "by_user_id", "fair_id"),
        sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
    )

    id: Mapped[intpk]
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id"))

    # The version
    outcome: Mapped[Outcome] = mapped_column(value_enum(Outcome))
    vacancy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vacancies.id"))
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("training_programmes.id"))
    rating: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(sa.String(MAX_NOTES_LENGTH))
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    next_step_at: Mapped[datetime | None]
    next_step_place: Mapped[str | None] = mapped_column(sa.String(MAX_PLACE_LENGTH))
    intake_date: Mapped[date | None]

    # Who, when, from where: online, or uploaded from a device's offline queue (its clock kept)
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    scan_id: Mapped[str | None] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(10), default="online")
    device_time: Mapped[datetime | None]
    recorded_at: Mapped[utc_created]

    interview: Mapped[Interview] = relationship(back_populates="entries")


class Referral(db.Model):
    """A booth sends a job seeker it did not choose to another booth of the fair (giới thiệu sang gian
    khác); the other booth sees it on its page."""

    __tablename__ = "referrals"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "from_booth_id", "to_booth_id"),
        sa.CheckConstraint("from_booth_id <> to_booth_id", name="another_booth"),
    )

    id: Mapped[intpk]
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id"))  # leads the key
    from_booth_id: Mapped[int] = mapped_column(sa.ForeignKey("booths.id"))
    to_booth_id: Mapped[int] = mapped_column(sa.ForeignKey("booths.id"), index=True)
    note: Mapped[str | None] = mapped_column(sa.String(MAX_REFERRAL_NOTE_LENGTH))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[utc_created]

    registration: Mapped[Registration] = relationship()
    from_booth: Mapped[Booth] = relationship(foreign_keys=[from_booth_id])
    to_booth: Mapped[Booth] = relationship(foreign_keys=[to_booth_id])


class BoothConsent(db.Model):
    """A job seeker's consent, given on their own phone, to share their profile with one booth (an
    employer or school at one fair), when they did not agree to share with every employer when
    registering. Withdrawn through the ticket link; what was recorded stays."""

    __tablename__ = "booth_consents"
    __table_args__ = (sa.UniqueConstraint("registration_id", "booth_id"),)

    id: Mapped[intpk]
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    booth_id: Mapped[int] = mapped_column(sa.ForeignKey("booths.id"), index=True)
    version: Mapped[str] = mapped_column(sa.String(20))  # fairapp.attendees.consent.BOOTH_SHARE_TEXTS
    given_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]

    booth: Mapped[Booth] = relationship()
