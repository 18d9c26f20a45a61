"""Sign-in throttling, kept in the database so that every worker and every app server sees one count.

Only failures count, in three scopes: the account (every failure to sign in to it, from anywhere; a
login that matches no account counts the same way, so a wait says nothing about whether an account
exists), the address (every failure from one network address, to any account) and the pair (one
account from one address). Within a scope's window the first `free_failures` failures cost nothing;
after them every further attempt waits `first_delay`, doubled by each further failure up to
`max_delay`, counted from the last attempt.

A **known address** of an account is one it signed in from successfully within `known_for`. An attempt
from a known address is judged by the pair's count alone, so failures made elsewhere (or by others
behind a shared address) never lock the owner out there; from any other address the account's and the
address's counts apply. Failures always count for the account and the address, and for the pair when
the address is known.

While a scope makes attempts wait, one attempt per wait goes through: it claims the turn with a
conditional UPDATE, so attempts racing on other workers cannot all pass when the wait ends. The reads
(`judge`) and the writes (`claim`, `record_failure`, `record_success`) are separate steps, so that the
caller can end its read transaction in between: the password check takes a tenth of a second, and on
SQLite a write after reads fails at once when another connection wrote meanwhile. Counting
is one INSERT … ON CONFLICT DO UPDATE per scope (unique scope and key), safe under concurrency.

Logins and addresses are stored as keyed hashes (HMAC-SHA256, key derived from SECRET_KEY); a new
SECRET_KEY forgets the counts and the known addresses. IPv6 addresses count per /64 network, the
block one subscriber holds."""

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from fairapp.auth.models import KnownAddress, SignInThrottle, ThrottleScope
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.modelbase import UTCDateTime

ACCOUNT, ADDRESS, PAIR = ThrottleScope.ACCOUNT, ThrottleScope.ADDRESS, ThrottleScope.PAIR
_HALF = 32  # a pair's key: the account's key, then the address's, each cut to 32 hex digits


class SignInDelayed(DomainError):
    """Too many failed sign-ins: this attempt was refused unchecked. `wait` says for how long."""

    code = "sign_in_delayed"
    status = 429
    message = _l("Có quá nhiều lần đăng nhập không thành công. Vui lòng thử lại sau.")

    def __init__(self, wait: timedelta):
        super().__init__()
        self.wait = wait


@dataclass(frozen=True)
class Policy:
    free_failures: int
    first_delay: timedelta
    max_delay: timedelta
    window: timedelta  # a scope's count starts again this long after its first failure

    def wait_after(self, failures: int) -> timedelta:
        """How long the next attempt waits after this many failures in the window."""
        if failures < self.free_failures:
            return timedelta(0)
        return min(self.max_delay, self.first_delay * 2 ** min(failures - self.free_failures, 32))


@dataclass(frozen=True)
class Rules:
    account: Policy  # the account scope and the pair scope
    address: Policy
    known_for: timedelta
    secret: bytes

    @classmethod
    def from_config(cls, config) -> "Rules":
        """From LOGIN_ACCOUNT_THROTTLE, LOGIN_ADDRESS_THROTTLE (dicts in seconds),
        LOGIN_KNOWN_ADDRESS_DAYS and SECRET_KEY."""

        def policy(values: dict) -> Policy:
            return Policy(
                int(values["free_failures"]),
                timedelta(seconds=values["first_delay"]),
                timedelta(seconds=values["max_delay"]),
                timedelta(seconds=values["window"]),
            )

        key = config["SECRET_KEY"]
        key = key.encode() if isinstance(key, str) else key
        return cls(
            policy(config["LOGIN_ACCOUNT_THROTTLE"]),
            policy(config["LOGIN_ADDRESS_THROTTLE"]),
            timedelta(days=config["LOGIN_KNOWN_ADDRESS_DAYS"]),
            hmac.new(key, b"fairapp.auth.throttle", hashlib.sha256).digest(),
        )

    @classmethod
    def of_app(cls) -> "Rules":
        return cls.from_config(current_app.config)

    def policy(self, scope: ThrottleScope) -> Policy:
        return self.address if scope == ADDRESS else self.account

    def keyed(self, purpose: str, value: str) -> str:
        return hmac.new(self.secret, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """The keys one sign-in attempt is counted under."""

    account: str
    address: str

    @property
    def pair(self) -> str:
        return self.account[:_HALF] + self.address[:_HALF]


def attempt(rules: Rules, *, user_id: int | None, login: str, ip: str | None) -> Attempt:
    """An account that exists counts under its id (its email and its phone are one account); a
    login that matches none counts under the login as normalised."""
    account = rules.keyed("account", f"user:{user_id}" if user_id is not None else f"login:{login}")
    return Attempt(account=account, address=rules.keyed("address", network(ip)))


def network(ip: str | None) -> str:
    """The address as counted: IPv4 as is, IPv6 by its /64 (an IPv4-mapped one as IPv4)."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return ip or "-"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


# ---------------------------------------------------------------- before the password is checked

_T = SignInThrottle.__table__


def is_known(rules: Rules, user_id: int, address_key: str, now: datetime) -> bool:
    return (
        db.session.scalar(
            sa.select(KnownAddress.id).where(
                KnownAddress.user_id == user_id,
                KnownAddress.address_key == address_key,
                KnownAddress.last_signed_in_at > now - rules.known_for,
            )
        )
        is not None
    )


@dataclass(frozen=True)
class Turn:
    """A scope whose wait is over: the attempt may go ahead if it claims the turn."""

    id: int
    last_attempt_at: datetime
    delay: timedelta


def judge(rules: Rules, keys: Attempt, *, known: bool, now: datetime) -> list[Turn]:
    """Reads only. Raise sign_in_delayed (SignInDelayed, with the longest wait) if a scope makes this
    attempt wait; else return the turns it must claim (`claim`) before its result counts. From a
    known address only the pair's count applies; elsewhere the account's and the address's."""
    scopes = {PAIR: keys.pair} if known else {ACCOUNT: keys.account, ADDRESS: keys.address}
    rows = db.session.execute(
        sa.select(_T.c.id, _T.c.scope, _T.c.failures, _T.c.window_started_at, _T.c.last_attempt_at).where(
            sa.or_(*(sa.and_(_T.c.scope == scope, _T.c.key == key) for scope, key in scopes.items()))
        )
    ).all()
    wait, turns = timedelta(0), []
    for row in rows:
        policy = rules.policy(ThrottleScope(row.scope))
        delay = policy.wait_after(row.failures)
        if not delay or row.window_started_at <= now - policy.window:
            continue
        if now < row.last_attempt_at + delay:
            wait = max(wait, row.last_attempt_at + delay - now)
        else:
            turns.append(Turn(row.id, row.last_attempt_at, delay))
    if wait:
        raise SignInDelayed(wait)
    return turns


def claim(turns: list[Turn], *, now: datetime) -> None:
    """Take each turn with a conditional UPDATE, so that of the attempts racing when a wait ends (on
    other workers, other servers) one goes ahead. Raises sign_in_delayed if another took one first."""
    for turn in turns:
        claimed = db.session.execute(
            sa.update(_T)
            .where(_T.c.id == turn.id, _T.c.last_attempt_at == turn.last_attempt_at)
            .values(last_attempt_at=now)
        )
        if claimed.rowcount != 1:
            raise SignInDelayed(turn.delay)


# ---------------------------------------------------------------- after it


def record_failure(rules: Rules, keys: Attempt, *, known: bool, now: datetime) -> dict[ThrottleScope, int]:
    """Count one failure in the account's and the address's scopes, and in the pair's when the address
    is known to the account (elsewhere the pair decides nothing). Returns each scope's failures in
    its window."""
    counted = {ACCOUNT: keys.account, ADDRESS: keys.address}
    if known:
        counted[PAIR] = keys.pair
    failures = {scope: _count(scope, key, rules.policy(scope), now) for scope, key in counted.items()}
    if 1 in failures.values():  # a new row: drop the ones every scope would start again anyway
        longest = max(rules.account.window, rules.address.window)
        db.session.execute(sa.delete(_T).where(_T.c.window_started_at <= now - longest))
    return failures


def _upsert_dialect():
    """The insert() with ON CONFLICT of the database in use (PostgreSQL or SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _count(scope: ThrottleScope, key: str, policy: Policy, now: datetime) -> int:
    insert = _upsert_dialect()
    at = sa.literal(now, UTCDateTime())
    over = _T.c.window_started_at <= sa.literal(now - policy.window, UTCDateTime())
    statement = insert(_T).values(
        scope=scope.value, key=key, failures=1, window_started_at=now, last_attempt_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[_T.c.scope, _T.c.key],
        set_={
            "failures": sa.case((over, 1), else_=_T.c.failures + 1),
            "window_started_at": sa.case((over, at), else_=_T.c.window_started_at),
            "last_attempt_at": at,
        },
    ).returning(_T.c.failures)
    return db.session.execute(statement).scalar_one()


def record_success(rules: Rules, user_id: int, keys: Attempt, *, now: datetime) -> None:
    """The address becomes (or stays) known to the account, and the pair's failures are forgotten.
    The account's and the address's counts are left to their windows: a success must not hand
    whoever is guessing a fresh set of free attempts."""
    insert = _upsert_dialect()
    table = KnownAddress.__table__
    db.session.execute(
        insert(table)
        .values(user_id=user_id, address_key=keys.address, last_signed_in_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.user_id, table.c.address_key],
            set_={"last_signed_in_at": sa.literal(now, UTCDateTime())},
        )
    )
    db.session.execute(
        sa.delete(table).where(table.c.user_id == user_id, table.c.last_signed_in_at <= now - rules.known_for)
    )
    db.session.execute(sa.delete(_T).where(_T.c.scope == PAIR.value, _T.c.key == keys.pair))


def forget_account(rules: Rules, user_id: int) -> int:
    """Drop the account's counts and every pair of it (an admin's unlock, a password reset).
    Returns how many counts were dropped."""
    account = attempt(rules, user_id=user_id, login="", ip=None).account
    result = db.session.execute(
        sa.delete(_T).where(
            sa.or_(
                sa.and_(_T.c.scope == ACCOUNT.value, _T.c.key == account),
                sa.and_(_T.c.scope == PAIR.value, _T.c.key.startswith(account[:_HALF], autoescape=True)),
            )
        )
    )
    return result.rowcount
