"""Accounts: sign-in, user administration and API tokens. Services flush, never commit."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.auth import throttle
from fairapp.auth.models import ApiToken, Role, User
from fairapp.auth.scope import WARD_ROLES
from fairapp.errors import Conflict, DomainError, ValidationError
from fairapp.extensions import db
from fairapp.geo.models import Ward
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, School
from fairapp.phones import normalise_mobile
from fairapp.text import clean_name, foreign_letter

MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "fa_"
# A token's last use is written at most this often, so busy scanners do not write on every scan.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
# Token use is audited once per this much idle time: each "session" of use leaves one entry.
TOKEN_AUDIT_INTERVAL = timedelta(hours=1)

# The audit's actor label of a failed sign-in whose login matched no account (what was typed is not kept).
UNKNOWN_LOGIN = "unknown"
# Fixed hashes to compare against when no account matches, so both paths take the same time: one per
# hashing method, made on first use.
_dummy_hashes: dict[str, str] = {}


class InvalidLogin(DomainError):
    code = "invalid_login"
    status = 401
    message = _l("Email/số điện thoại hoặc mật khẩu không đúng.")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt"


def _dummy_hash() -> str:
    method = _hash_method()
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("not-a-real-password", method=method)
    return _dummy_hashes[method]


def normalise_login(login: str) -> str:
    """An email in lower case, or a phone number in its national form; else the trimmed text."""
    login = (login or "").strip()
    if "@" in login:
        return login.lower()
    return normalise_mobile(login) or login


def find_by_login(login: str) -> User | None:
    key = normalise_login(login)
    if not key:
        return None
    column = User.email if "@" in key else User.phone
    return db.session.scalar(sa.select(User).where(column == key))


@dataclass(frozen=True)
class SignInCheck:
    """What the reading half of a sign-in found (check_sign_in); settle_sign_in writes it down."""

    rules: throttle.Rules
    keys: throttle.Attempt
    user: User | None
    known_address: bool
    turns: list[throttle.Turn]
    password_ok: bool
    origin: Origin
    now: datetime


def check_sign_in(
    login: str,
    password: str,
    *,
    origin: Origin = SYSTEM,
    rules: throttle.Rules | None = None,
    now: datetime | None = None,
) -> SignInCheck:
    """Reads only: the account, whether this address is known to it, whether an attempt must wait
    now (raises sign_in_delayed, SignInDelayed, before the password is looked at), and the password.
    The same time for an unknown login as for a known one (a dummy hash is checked)."""
    rules = rules or throttle.Rules.of_app()
    now = now or utcnow()
    user = find_by_login(login)
    keys = throttle.attempt(
        rules, user_id=user.id if user else None, login=normalise_login(login), ip=origin.ip
    )
    known = user is not None and throttle.is_known(rules, user.id, keys.address, now)
    turns = throttle.judge(rules, keys, known=known, now=now)
    password_ok = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    return SignInCheck(rules, keys, user, known, turns, password_ok, origin, now)


# What a right password completes (settle_sign_in's `step`): the sign-in; the password step of a
# sign-in whose second step follows (fairapp.auth.second_step); a re-authentication, audited by its caller.
COMPLETE, PASSWORD_STEP, CONFIRM = "complete", "password", "confirm"


def settle_sign_in(check: SignInCheck, *, step: str = COMPLETE) -> User:
    """Writes: claims the attempt's turns (sign_in_delayed if another attempt took one first), then
    counts a failure and raises invalid_login (InvalidLogin): the same for an unknown login, a wrong
    password and an inactive account, so that nobody can learn which accounts exist; or records the
    success and returns the user. The audit keeps the account when one matched, never the text typed.
    With step=PASSWORD_STEP a right password is audited as auth.password_accepted and nothing else
    changes until the second step (the address becomes known only then)."""
    throttle.claim(check.turns, now=check.now)
    user = check.user
    if user is None or not check.password_ok or not user.active:
        _record_failure(
            check, reason="unknown" if user is None else ("inactive" if check.password_ok else "password")
        )
        raise InvalidLogin()
    if step == PASSWORD_STEP:
        record("auth.password_accepted", actor=user, target=user, origin=check.origin)
        db.session.flush()
    elif step == COMPLETE:
        complete_sign_in(
            check.rules, user, check.keys, known=check.known_address, origin=check.origin, now=check.now
        )
    return user


def complete_sign_in(
    rules: throttle.Rules,
    user: User,
    keys: throttle.Attempt,
    *,
    known: bool,
    origin: Origin,
    now: datetime,
    second_factor: str | None = None,
) -> None:
    """Record a sign-in that passed every step: the address becomes known, the last sign-in time, and
    the auth.login entry (with the second factor used, if any)."""
    throttle.record_success(rules, user.id, keys, now=now)
    user.last_login_at = now
    details = {"known_address": known, **({"second_factor": second_factor} if second_factor else {})}
    record("auth.login", actor=user, target=user, origin=origin, details=details)
    db.session.flush()


def authenticate(
    login: str,
    password: str,
    *,
    origin: Origin = SYSTEM,
    rules: throttle.Rules | None = None,
    now: datetime | None = None,
) -> User:
    """check_sign_in then settle_sign_in, in one transaction (tests drive the throttle through it).
    Raises sign_in_delayed or invalid_login."""
    return settle_sign_in(check_sign_in(login, password, origin=origin, rules=rules, now=now))


def _record_failure(check: SignInCheck, *, reason: str) -> None:
    """Count the failure; audit it with the account if one matched (else the label "unknown": what was
    typed is not kept), and audit each scope that from now on makes attempts wait."""
    record_failure(
        check.rules,
        check.user,
        check.keys,
        known=check.known_address,
        origin=check.origin,
        now=check.now,
        action="auth.login_failed",
        details={"reason": reason},
    )


def record_failure(
    rules: throttle.Rules,
    user: User | None,
    keys: throttle.Attempt,
    *,
    known: bool,
    origin: Origin,
    now: datetime,
    action: str,
    details: dict,
) -> None:
    """A failed password or second-factor code: counted by the sign-in throttle, audited as `action`,
    and each scope that from now on makes attempts wait audited as auth.login_throttled."""
    failures = throttle.record_failure(rules, keys, known=known, now=now)
    label = None if user is not None else UNKNOWN_LOGIN
    record(action, actor=user, target=user, origin=origin, actor_label=label, details=details)
    for scope, count in failures.items():
        policy = rules.policy(scope)
        if count == policy.free_failures:
            record(
                "auth.login_throttled",
                actor=user,
                target=user if scope != throttle.ADDRESS else None,
                origin=origin,
                actor_label=label,
                details={
                    "scope": scope.value,
                    "failures": count,
                    "wait_seconds": int(policy.wait_after(count).total_seconds()),
                },
            )
    db.session.flush()


# ---------------------------------------------------------------- user administration


def _clean_fields(email, phone, full_name, role, password, *, require_password: bool):
    errors = {}
    email_norm = None
    if email:
        try:
            email_norm = validate_email(email.strip(), check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors["email"] = _l("Email không hợp lệ.")
    phone_norm = None
    if phone:
        phone_norm = normalise_mobile(phone)
        if phone_norm is None:
            errors["phone"] = _l("Số điện thoại di động Việt Nam phải có 10 chữ số, ví dụ 0912345678.")
    if not email and not phone:
        errors["email"] = _l("Cần có email hoặc số điện thoại để đăng nhập.")
    name = clean_name(full_name)
    if not name:
        errors["full_name"] = _l("Vui lòng nhập họ và tên.")
    elif (letter := foreign_letter(name)) is not None:  # a look-alike such as Cyrillic "Н"
        errors["full_name"] = _l(
            "Họ và tên: chữ “%(letter)s” không thuộc bảng chữ cái tiếng Việt.", letter=letter
        )
    if role not in {r.value for r in Role}:
        errors["role"] = _l("Vai trò không hợp lệ.")
    if (require_password or password) and len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = _l("Mật khẩu cần ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH)
    if errors:
        raise ValidationError(fields=errors)
    return email_norm, phone_norm, name


def _check_unique(email: str | None, phone: str | None, exclude_id: int | None = None) -> None:
    errors = {}
    for field, column, value in (("email", User.email, email), ("phone", User.phone, phone)):
        if value is None:
            continue
        query = sa.select(User.id).where(column == value)
        if exclude_id:
            query = query.where(User.id != exclude_id)
        if db.session.scalar(query) is not None:
            errors[field] = _l("Đã có tài khoản dùng thông tin này.")
    if errors:
        raise Conflict(
            code="account_exists",
            fields=errors,
            message=_l("Đã có tài khoản dùng email hoặc số điện thoại này."),
        )


def _wards(codes) -> list[Ward]:
    codes = sorted(set(codes or []))
    if not codes:
        return []
    wards = db.session.scalars(sa.select(Ward).where(Ward.code.in_(codes))).all()
    unknown = set(codes) - {w.code for w in wards}
    if unknown:
        raise ValidationError(
            fields={"ward_codes": _l("Không có phường/xã mã %(codes)s.", codes=", ".join(sorted(unknown)))}
        )
    return list(wards)


def create_user(
    *,
    email: str | None,
    phone: str | None = None,
    full_name: str,
    role: str,
    password: str,
    ward_codes=(),
    employer_id: int | None = None,
    school_id: int | None = None,
    by: User | None = None,
    origin: Origin = SYSTEM,
) -> User:
    """Create an account. Raises validation_error or account_exists."""
    email, phone, name = _clean_fields(email, phone, full_name, role, password, require_password=True)
    _check_unique(email, phone)
    _check_affiliation(employer_id, school_id)
    user = User(
        email=email,
        phone=phone,
        full_name=name,
        role=Role(role),
        password_hash=hash_password(password),
        employer_id=employer_id,
        school_id=school_id,
        wards=_wards(ward_codes) if role in WARD_ROLES else [],
    )
    db.session.add(user)
    _flush_unique(email, phone)
    record(
        "user.create",
        actor=by,
        target=user,
        origin=origin,
        details={"role": user.role.value, "wards": sorted(user.ward_codes)},
    )
    db.session.flush()
    return user


def update_user(
    user: User,
    *,
    email: str | None,
    phone: str | None,
    full_name: str,
    role: str,
    ward_codes=(),
    active: bool = True,
    by: User | None = None,
    origin: Origin = SYSTEM,
) -> User:
    """Change an account's details, role, wards or active flag. Deactivation signs it out.
    Raises validation_error, account_exists or cannot_demote_self."""
    _refuse_demoting_self(user, role=role, active=active, by=by)
    email, phone, name = _clean_fields(email, phone, full_name, role, None, require_password=False)
    _check_unique(email, phone, exclude_id=user.id)
    before = _snapshot(user)
    user.email, user.phone, user.full_name, user.role = email, phone, name, Role(role)
    user.wards = _wards(ward_codes) if user.role in WARD_ROLES else []
    if user.active and not active:
        user.session_version += 1
    user.active = active
    _flush_unique(email, phone)
    after = _snapshot(user)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    record("user.update", actor=by, target=user, origin=origin, details={"changes": changes})
    db.session.flush()
    return user


def set_password(
    user: User, password: str, *, by: User | None = None, origin: Origin = SYSTEM, now: datetime | None = None
) -> None:
    """Set a new password (password reset): every session of the account ends, every API token of it
    is revoked, and its failed sign-ins are forgotten. Raises validation_error."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            fields={"password": _l("Mật khẩu cần ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH)}
        )
    user.password_hash = hash_password(password)
    record("user.password_reset", actor=by, target=user, origin=origin)
    _end_credentials(user, reason="password_reset", by=by, origin=origin, now=now)
    throttle.forget_account(throttle.Rules.of_app(), user.id)  # the reset also lifts any wait
    db.session.flush()


class CannotDemoteSelf(DomainError):
    code = "cannot_demote_self"
    status = 403
    message = _l("Bạn không thể tự khoá tài khoản của mình hoặc bỏ vai trò quản trị của mình.")


def _refuse_demoting_self(user: User, *, role: str, active: bool, by: User | None) -> None:
    """An admin never locks themselves out: no self-deactivation, no dropping one's own admin role."""
    if by is None or by.id != user.id or user.role != Role.ADMIN:
        return
    fields = {}
    if role != Role.ADMIN.value:
        fields["role"] = _l("Bạn không thể bỏ vai trò quản trị của chính mình.")
    if not active:
        fields["active"] = _l("Bạn không thể tự khoá tài khoản của mình.")
    if fields:
        raise CannotDemoteSelf(fields=fields)


def _check_affiliation(employer_id: int | None, school_id: int | None) -> None:
    """An employer or school an account is linked to must exist."""
    errors = {}
    if employer_id is not None and db.session.get(Employer, employer_id) is None:
        errors["employer_id"] = _l("Không có doanh nghiệp mã %(id)s.", id=employer_id)
    if school_id is not None and db.session.get(School, school_id) is None:
        errors["school_id"] = _l("Không có cơ sở đào tạo mã %(id)s.", id=school_id)
    if errors:
        raise ValidationError(fields=errors)


def set_affiliation(
    user: User,
    *,
    employer_id: int | None,
    school_id: int | None,
    by: User | None = None,
    origin: Origin = SYSTEM,
) -> User:
    """Link an employer account to its employer, a school account to its school; other roles to
    neither. Raises validation_error. Audited as user.update when something changed."""
    if user.role != Role.EMPLOYER:
        employer_id = None
    if user.role != Role.SCHOOL:
        school_id = None
    _check_affiliation(employer_id, school_id)
    changes = {}
    if user.employer_id != employer_id:
        changes["employer_id"] = [user.employer_id, employer_id]
    if user.school_id != school_id:
        changes["school_id"] = [user.school_id, school_id]
    if changes:
        user.employer_id, user.school_id = employer_id, school_id
        record("user.update", actor=by, target=user, origin=origin, details={"changes": changes})
        db.session.flush()
    return user


def change_own_password(
    user: User,
    current_password: str,
    new_password: str,
    *,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> None:
    """A user changes their own password. Every other session ends (session_version is bumped) and
    every API token of the account is revoked; the caller signs this browser in again. Raises
    validation_error (wrong current password, too short, or the same as before)."""
    if not check_password_hash(user.password_hash, current_password or ""):
        raise ValidationError(
            code="wrong_password", fields={"current_password": _l("Mật khẩu hiện tại không đúng.")}
        )
    if len(new_password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            fields={"new_password": _l("Mật khẩu cần ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH)}
        )
    if check_password_hash(user.password_hash, new_password):
        raise ValidationError(fields={"new_password": _l("Mật khẩu mới phải khác mật khẩu hiện tại.")})
    user.password_hash = hash_password(new_password)
    record("user.password_change", actor=user, target=user, origin=origin)
    _end_credentials(user, reason="password_change", by=user, origin=origin, now=now)
    db.session.flush()


def _end_credentials(
    user: User, *, reason: str, by: User | None, origin: Origin, now: datetime | None
) -> None:
    """After a password change or reset: every session signed in before ends (session_version), and
    every live API token is revoked, each audited as token.revoke with the reason."""
    user.session_version += 1
    now = now or utcnow()
    for token in db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
        record("token.revoke", actor=by, target=token, origin=origin, details={"reason": reason})


def _snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "phone": user.phone,
        "full_name": user.full_name,
        "role": user.role.value,
        "active": user.active,
        "wards": sorted(user.ward_codes),
    }


def _flush_unique(email, phone) -> None:
    """Flush, turning a unique violation from a concurrent request into account_exists."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(
            code="account_exists", message=_l("Đã có tài khoản dùng email hoặc số điện thoại này.")
        ) from None


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's user loader: "id:version"; a stale version means the session was ended."""
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


# ---------------------------------------------------------------- API tokens


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    user: User, name: str = "cli", *, by: User | None = None, origin: Origin = SYSTEM
) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=clean_name(name)[:100] or "token", token_hash=_digest(secret), prefix=secret[:10]
    )
    db.session.add(token)
    db.session.flush()
    record(
        "token.create",
        actor=by or user,
        target=token,
        origin=origin,
        details={"user_id": user.id, "name": token.name},
    )
    db.session.flush()
    return token, secret


def revoke_token(
    token: ApiToken, *, by: User | None = None, origin: Origin = SYSTEM, now: datetime | None = None
) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        record("token.revoke", actor=by, target=token, origin=origin)
        db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    """A user's API tokens, newest first, revoked ones included."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def token_of(user: User, token_id: int) -> ApiToken | None:
    """The token with this id if it belongs to this user (never another user's)."""
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))


# Built once (only the hash changes): the user, the token's id and last use, for a live token.
_TOKEN_USER = (
    sa.select(User, ApiToken.id, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == sa.bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        User.active.is_(True),
    )
)


def token_user(secret: str) -> tuple[User, int, datetime | None] | None:
    """(the active user, the token's id, its last use) for a live bearer token, or None. One
    query, reads only."""
    if not secret or not isinstance(secret, str) or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    row = db.session.execute(_TOKEN_USER, {"token_hash": _digest(secret)}).first()
    return (row[0], row[1], row[2]) if row is not None else None


def token_touch_due(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= TOKEN_TOUCH_INTERVAL


def touch_token(
    user: User, token_id: int, last_used_at: datetime | None, *, now: datetime, origin: Origin = SYSTEM
) -> bool:
    """Record the token's use: one conditional UPDATE (only if nobody recorded it within the interval,
    so concurrent requests write once), plus the token.use audit entry after an idle hour. True if
    this call wrote. Flushes; the caller commits, in a transaction of its own (on SQLite a read
    followed by a write in one transaction fails with "database is locked" under concurrency)."""
    result = db.session.execute(
        sa.update(ApiToken)
        .where(
            ApiToken.id == token_id,
            sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOKEN_TOUCH_INTERVAL),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    if last_used_at is None or now - last_used_at >= TOKEN_AUDIT_INTERVAL:
        token = db.session.get(ApiToken, token_id)
        record("token.use", actor=user, target=token, origin=origin)
        db.session.flush()
    return True
