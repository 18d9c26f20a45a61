"""Two-factor sign-in: an authenticator app (TOTP, RFC 6238: 6 digits, 30-second steps) and one-time
recovery codes. Services flush, never commit; each change is audited.

Enrolment: start_enrolment() keeps a new secret (encrypted, fairapp.auth.secret_box) and returns it to
be shown once, as a QR code and as text; confirm_enrolment() switches it on when a code from it is
right, and returns the recovery codes (shown once; only keyed hashes are kept).
A code is accepted one step either side of now; a step whose code was accepted is never accepted
again (the row keeps the last one, moved forward by one conditional UPDATE), nor is a recovery code
(used_at set by one conditional UPDATE): two requests racing with one code cannot both pass."""

import hmac
import re
import secrets
from datetime import datetime, timedelta

import pyotp
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.auth import secret_box
from fairapp.auth.models import RecoveryCode, TwoFactor, User
from fairapp.errors import Conflict, DomainError
from fairapp.extensions import db
from fairapp.modelbase import utcnow
from fairapp.transactions import write_point

STEP = timedelta(seconds=30)
DIGITS = 6
RECOVERY_CODES = 10
# Lower case letters and digits without look-alikes (0/o, 1/l/i): 31 symbols, 10 a code, about 50 bits
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
_TOTP_CODE = re.compile(rf"\d{{{DIGITS}}}")


class InvalidCode(DomainError):
    code = "invalid_two_factor_code"
    status = 400
    message = _l("Mã xác thực không đúng, đã hết hạn hoặc đã được dùng.")


class AlreadyEnabled(Conflict):
    code = "two_factor_already_enabled"
    message = _l("Xác thực hai bước đã được bật cho tài khoản này.")


class NotEnrolling(Conflict):
    code = "two_factor_not_started"
    message = _l("Chưa bắt đầu bật xác thực hai bước, hoặc mã bí mật đã thay đổi. Vui lòng làm lại từ đầu.")


class NotEnabled(Conflict):
    code = "two_factor_not_enabled"
    message = _l("Tài khoản này chưa bật xác thực hai bước.")


class RequiredForRole(DomainError):
    code = "two_factor_required"
    status = 403
    message = _l("Vai trò của tài khoản này bắt buộc xác thực hai bước, nên không thể tắt.")


# ---------------------------------------------------------------- reading


def required_for(user: User) -> bool:
    """Whether the account's role must sign in with two factors (TWO_FACTOR_REQUIRED_ROLES)."""
    return user.role.value in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]


def is_enabled(user: User) -> bool:
    enabled = sa.select(TwoFactor.user_id).where(
        TwoFactor.user_id == user.id, TwoFactor.confirmed_at.is_not(None)
    )
    return db.session.scalar(enabled) is not None


def pending_secret(user: User) -> str | None:
    """The secret of an enrolment started and not yet confirmed, or None."""
    row = db.session.get(TwoFactor, user.id)
    if row is None or row.confirmed_at is not None:
        return None
    return secret_box.decrypt(row.secret_encrypted)


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    issuer = current_app.config["TWO_FACTOR_ISSUER"]
    return pyotp.TOTP(secret).provisioning_uri(name=user.login_name, issuer_name=issuer)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it in by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is, within one step of now; None if none matches."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=int(STEP.total_seconds()))
    for offset in (0, -1, 1):
        at = now + offset * STEP
        if hmac.compare_digest(totp.at(at), code):
            return totp.timecode(at)
    return None


def _clean(code: str | None) -> str:
    """What was typed, without spaces and dashes, in lower case."""
    return re.sub(r"[\s-]+", "", code or "").lower()


# ---------------------------------------------------------------- enrolment


def start_enrolment(user: User, *, origin: Origin = SYSTEM) -> str:
    """A new secret for the account (any enrolment not yet confirmed is replaced); returned to be shown
    once. Raises two_factor_already_enabled."""
    row = db.session.get(TwoFactor, user.id)
    if row is not None and row.confirmed_at is not None:
        raise AlreadyEnabled()
    secret = pyotp.random_base32()
    write_point()
    if row is None:
        db.session.add(TwoFactor(user_id=user.id, secret_encrypted=secret_box.encrypt(secret)))
    else:
        row.secret_encrypted, row.last_step = secret_box.encrypt(secret), None
    record("two_factor.enrolment_started", actor=user, target=user, origin=origin)
    db.session.flush()
    return secret


def confirm_enrolment(
    user: User, code: str, *, origin: Origin = SYSTEM, now: datetime | None = None
) -> list[str]:
    """Switch two-factor sign-in on when `code` comes from the pending secret; returns the new recovery
    codes (to be shown once). Raises two_factor_not_started, invalid_two_factor_code (audited) or
    two_factor_already_enabled (another request confirmed it first)."""
    now = now or utcnow()
    secret = pending_secret(user)
    if secret is None:
        raise NotEnrolling()
    code = _clean(code)
    step = _matching_step(secret, code, now) if _TOTP_CODE.fullmatch(code) else None
    if step is None:
        record("two_factor.enrolment_failed", actor=user, target=user, origin=origin)
        raise InvalidCode(fields={"code": InvalidCode.message})
    write_point()
    confirmed = db.session.execute(
        sa.update(TwoFactor)
        .where(TwoFactor.user_id == user.id, TwoFactor.confirmed_at.is_(None))
        .values(confirmed_at=now, last_step=step)
        .execution_options(synchronize_session=False)
    )
    if confirmed.rowcount != 1:
        raise AlreadyEnabled()
    codes = _new_recovery_codes(user, now)
    record("two_factor.enable", actor=user, target=user, origin=origin)
    db.session.flush()
    return codes


def regenerate_recovery_codes(
    user: User, *, origin: Origin = SYSTEM, now: datetime | None = None
) -> list[str]:
    """New recovery codes; the old ones stop working. Raises two_factor_not_enabled."""
    if not is_enabled(user):
        raise NotEnabled()
    write_point()
    codes = _new_recovery_codes(user, now or utcnow())
    record("two_factor.recovery_codes_regenerated", actor=user, target=user, origin=origin)
    db.session.flush()
    return codes


def _new_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    while len(codes) < RECOVERY_CODES:
        code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        if code not in codes:
            codes.append(code)
    db.session.execute(
        sa.insert(RecoveryCode),
        [{"user_id": user.id, "code_hash": _recovery_hash(code), "created_at": now} for code in codes],
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _recovery_hash(code: str) -> str:
    return secret_box.keyed_hash("recovery", _clean(code))


def disable(
    user: User, *, by: User | None = None, origin: Origin = SYSTEM, reason: str | None = None
) -> bool:
    """Switch two-factor sign-in off and drop the recovery codes. By the account itself (two_factor
    .disable): refused with two_factor_required when its role requires it. By an admin or the command
    line (two_factor.reset, a lost phone): every session of the account ends, so that whoever holds
    one signs in again and enrols anew. Returns whether there was anything to drop. Raises
    two_factor_required or two_factor_not_enabled (by the account itself)."""
    by_itself = by is not None and by.id == user.id
    if by_itself and required_for(user):
        raise RequiredForRole()
    if by_itself and not is_enabled(user):
        raise NotEnabled()
    write_point()
    dropped = db.session.execute(sa.delete(TwoFactor).where(TwoFactor.user_id == user.id)).rowcount
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if by_itself:
        record("two_factor.disable", actor=user, target=user, origin=origin)
    else:
        user.session_version += 1
        details = {"had_two_factor": bool(dropped), **({"reason": reason} if reason else {})}
        record("two_factor.reset", actor=by, target=user, origin=origin, details=details)
    db.session.flush()
    return bool(dropped)


# ---------------------------------------------------------------- a code at sign-in


def verify(user: User, code: str, *, origin: Origin = SYSTEM, now: datetime | None = None) -> str | None:
    """Accept a code from the authenticator ("totp") or a recovery code ("recovery_code"), each at most
    once, or None. The database settles a race: the last accepted step only moves forward, and a
    recovery code is marked used only while unused."""
    now = now or utcnow()
    code = _clean(code)
    if _TOTP_CODE.fullmatch(code):
        row = db.session.get(TwoFactor, user.id)
        secret = secret_box.decrypt(row.secret_encrypted) if row and row.confirmed_at else None
        step = _matching_step(secret, code, now) if secret else None
        if step is None:
            return None
        write_point()
        accepted = db.session.execute(
            sa.update(TwoFactor)
            .where(
                TwoFactor.user_id == user.id,
                TwoFactor.confirmed_at.is_not(None),
                sa.or_(TwoFactor.last_step.is_(None), TwoFactor.last_step < step),
            )
            .values(last_step=step)
            .execution_options(synchronize_session=False)
        )
        return "totp" if accepted.rowcount == 1 else None
    if len(code) != RECOVERY_LENGTH or not is_enabled(user):
        return None
    write_point()
    used = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return None
    record(
        "two_factor.recovery_code_used",
        actor=user,
        target=user,
        origin=origin,
        details={"left": recovery_codes_left(user)},
    )
    db.session.flush()
    return "recovery_code"
