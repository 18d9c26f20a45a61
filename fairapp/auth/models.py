"""Accounts, roles, the wards an organiser may act in, and API tokens."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.auth.scope import WardScope, ward_scope
from fairapp.extensions import db
from fairapp.geo.models import Ward
from fairapp.modelbase import intpk, utc_created, value_enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    GATE = "gate"
    EMPLOYER = "employer"
    SCHOOL = "school"


user_wards = sa.Table(
    "user_wards",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("ward_code", sa.ForeignKey("wards.code"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[intpk]

    # Identity: sign-in by email or phone; both unique, stored normalised (lower case / E.164 digits)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))

    # Authority
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employers.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    wards: Mapped[list[Ward]] = relationship(secondary=user_wards)

    # Credentials and state
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password reset or deactivation: every session and device signed in before is out.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[utc_created]
    last_login_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: the session holds id and version together
        return f"{self.id}:{self.session_version}"

    @property
    def login_name(self) -> str:
        return self.email or self.phone or str(self.id)

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in roles

    @property
    def ward_codes(self) -> set[str]:
        return {ward.code for ward in self.wards}

    @property
    def ward_scope(self) -> WardScope:
        """The wards this account acts in (fairapp.auth.scope: an organiser without wards, none)."""
        return ward_scope(self.role, self.ward_codes)

    def may_act_in_ward(self, ward_code: str) -> bool:
        return self.ward_scope.allows(ward_code)


class ApiToken(db.Model):
    """A bearer token for the API. Only a SHA-256 of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))  # shown in lists to tell tokens apart
    created_at: Mapped[utc_created]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ThrottleScope(enum.StrEnum):
    ACCOUNT = "account"  # every failed sign-in to one account (or one unknown login), from anywhere
    ADDRESS = "address"  # every failed sign-in from one network address, to any account
    PAIR = "pair"  # one account from one of its known addresses


class SignInThrottle(db.Model):
    """Failed sign-ins counted per account, per address, and per account-and-address
    (fairapp.auth.throttle). The key is a keyed hash: no login or address is stored as typed."""

    __tablename__ = "sign_in_throttles"
    __table_args__ = (sa.UniqueConstraint("scope", "key"),)

    id: Mapped[intpk]
    scope: Mapped[ThrottleScope] = mapped_column(value_enum(ThrottleScope, length=10))
    key: Mapped[str] = mapped_column(sa.String(64))

    # The failures of the current window; the wait runs from the last attempt counted
    failures: Mapped[int]
    window_started_at: Mapped[datetime] = mapped_column(index=True)
    last_attempt_at: Mapped[datetime]


class KnownAddress(db.Model):
    """An address an account signed in from successfully, as a keyed hash (never the address itself).
    A known address lets the right password in while the account is throttled for everyone else."""

    __tablename__ = "sign_in_addresses"
    __table_args__ = (sa.UniqueConstraint("user_id", "address_key"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    address_key: Mapped[str] = mapped_column(sa.String(64))
    last_signed_in_at: Mapped[datetime]


class TwoFactor(db.Model):
    """An account's authenticator (TOTP, RFC 6238) for the second sign-in step (fairapp.auth.two_factor).
    The secret is kept encrypted (Fernet, key outside the database); until `confirmed_at` the account
    is enrolling: the secret was shown but no code from it has been accepted yet."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret_encrypted: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[utc_created]
    confirmed_at: Mapped[datetime | None]
    # The last time step whose code was accepted: a code is never accepted twice (no replay)
    last_step: Mapped[int | None] = mapped_column(sa.BigInteger)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator (a lost phone). Only a keyed hash is kept;
    `used_at` is set by one conditional UPDATE, so a code works once even when sent twice at once."""

    __tablename__ = "recovery_codes"
    __table_args__ = (sa.UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[utc_created]
    used_at: Mapped[datetime | None]
