"""Check-in: the scanner devices, every scan (admitted or not) and the one check-in per registration.

The database holds the rules that must survive races: one check-in per registration
(UNIQUE registration_id) and one scan per client scan id of an account at a fair (UNIQUE SCAN_KEY)."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fairapp.extensions import db
from fairapp.modelbase import intpk, utc_created

SOURCES = ("scanner", "offline", "kiosk", "manual", "walk_in")
RESULTS = ("ok", "already_checked_in", "invalid", "wrong_fair", "revoked", "fair_not_open")
# A client's scan id names one scan of one account at one fair: another account (or fair) sending the
# same id makes a scan of its own, and never gets the first one's answer.
SCAN_KEY = ("scan_id", "by_user_id", "fair_id")


def new_device_public_id() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, given to the browser


class Device(db.Model):
    """A browser (phone, tablet) a gate user registered as a scanner; an organiser may revoke it."""

    __tablename__ = "devices"

    id: Mapped[intpk]
    public_id: Mapped[str] = mapped_column(sa.String(40), unique=True, default=new_device_public_id)

    # Whose and where
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    gate: Mapped[str | None] = mapped_column(sa.String(50))

    # Its credential: a bearer token given to the browser once (only its hash is kept), valid while the
    # device is not revoked and its user active and not signed out everywhere since (session_version)
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    session_version: Mapped[int | None]

    # Life
    created_at: Mapped[utc_created]
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class CheckIn(db.Model):
    """The first accepted entrance scan of a registration's ticket."""

    __tablename__ = "check_ins"

    id: Mapped[intpk]
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id"), index=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )

    # When (server time for online scans; the device's time for offline ones) and how
    checked_in_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(sa.String(10))  # one of SOURCES
    scan_id: Mapped[str | None] = mapped_column(sa.String(64))
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("devices.id"))
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class Scan(db.Model):
    """One scan as it happened, whatever its result; the client's scan id makes a retry the same scan."""

    __tablename__ = "scans"
    __table_args__ = (
        sa.Index("ix_scans_fair_id_flagged", "fair_id", "flagged"),
        sa.UniqueConstraint(*SCAN_KEY),
    )

    id: Mapped[intpk]
    scan_id: Mapped[str] = mapped_column(sa.String(64))  # client id, or server-made

    # What was scanned and what came of it
    fair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fairs.id"))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    result: Mapped[str] = mapped_column(sa.String(20))  # one of RESULTS
    payload_digest: Mapped[str | None] = mapped_column(sa.String(64))  # SHA-256 hex of the payload

    # Where and by whom
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("devices.id"), index=True)
    gate: Mapped[str | None] = mapped_column(sa.String(50))
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(sa.String(10), default="scanner")

    # When: the device's clock (not trusted), ours, and how far apart
    device_time: Mapped[datetime | None]
    server_time: Mapped[datetime]
    skew_seconds: Mapped[int | None]

    # For the organiser: clock skew, duplicates from offline devices
    flagged: Mapped[bool] = mapped_column(default=False)
    flag_reason: Mapped[str | None] = mapped_column(sa.String(100))
