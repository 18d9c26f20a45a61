"""The second sign-in step (a code from the authenticator, or a recovery code) and re-authentication
("confirm it's you"). Wrong codes count as failed sign-ins of the account in the sign-in throttle
(fairapp.auth.throttle), so guessing codes waits as guessing passwords does. As with the password,
reading (`check_code`: may an attempt go ahead now?) and writing (`settle_code`) are separate steps.
Services flush, never commit."""

from dataclasses import dataclass
from datetime import datetime

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.auth import services, throttle, two_factor
from fairapp.auth.models import User
from fairapp.modelbase import utcnow

SIGN_IN, CONFIRM = "sign_in", "confirm"


@dataclass(frozen=True)
class CodeCheck:
    rules: throttle.Rules
    keys: throttle.Attempt
    user: User
    known_address: bool
    turns: list[throttle.Turn]
    origin: Origin
    now: datetime


def check_code(
    user: User, *, origin: Origin = SYSTEM, rules: throttle.Rules | None = None, now: datetime | None = None
) -> CodeCheck:
    """Reads only: raises sign_in_delayed (throttle.SignInDelayed) if the account's failures make this
    attempt wait; else what settle_code needs."""
    rules = rules or throttle.Rules.of_app()
    now = now or utcnow()
    keys = throttle.attempt(rules, user_id=user.id, login="", ip=origin.ip)
    known = throttle.is_known(rules, user.id, keys.address, now)
    turns = throttle.judge(rules, keys, known=known, now=now)
    return CodeCheck(rules, keys, user, known, turns, origin, now)


def settle_code(check: CodeCheck, code: str, *, purpose: str = SIGN_IN) -> str:
    """Writes: claims the turns (sign_in_delayed if another attempt took one first), then accepts the
    code once (two_factor.verify) and returns how ("totp" or "recovery_code"): for SIGN_IN the sign-in
    is recorded as complete (auth.login), for CONFIRM as auth.reauthenticated. A wrong, stale or replayed
    code is counted as a failed sign-in, audited as auth.two_factor_failed, and raises
    invalid_two_factor_code."""
    throttle.claim(check.turns, now=check.now)
    user = check.user
    method = two_factor.verify(user, code, origin=check.origin, now=check.now) if user.active else None
    if method is None:
        services.record_failure(
            check.rules,
            user,
            check.keys,
            known=check.known_address,
            origin=check.origin,
            now=check.now,
            action="auth.two_factor_failed",
            details={"purpose": purpose},
        )
        raise two_factor.InvalidCode(fields={"code": two_factor.InvalidCode.message})
    if purpose == SIGN_IN:
        services.complete_sign_in(
            check.rules,
            user,
            check.keys,
            known=check.known_address,
            origin=check.origin,
            now=check.now,
            second_factor=method,
        )
    else:
        reauthenticated(user, origin=check.origin, second_factor=method)
    return method


def reauthenticated(user: User, *, origin: Origin = SYSTEM, second_factor: str | None = None) -> None:
    """The account confirmed who it is again (password, and a code when enrolled)."""
    details = {"second_factor": second_factor} if second_factor else {}
    record("auth.reauthenticated", actor=user, target=user, origin=origin, details=details)
