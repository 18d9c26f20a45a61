"""Who makes a request, read in one Core query: for hot paths (the entrance check-in) that must not pay
for Flask-Login loading the ORM user (~0.1 ms of a budget of half a millisecond).

    request_principal()     the signed-in account of this request (bearer token or session), or None
    @principal_roles(...)   the access rule of such a view (tests/test_access.py checks it as @roles)

The rules are Flask-Login's, as fairapp.auth.session applies them: a live token of an active account
(its last use written at most once a minute), or a session whose "id:version" names an active account
of that session version. A Principal carries what the hot path needs (id, role, login name) and answers
ward_scope (and may_act_in_ward) with one more query, for organisers only."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

import sqlalchemy as sa
from flask import abort, g, session

from fairapp import fastsql
from fairapp.auth import services
from fairapp.auth.access import ACCESS_ATTRIBUTE
from fairapp.auth.models import ApiToken, Role, User, user_wards
from fairapp.auth.scope import WardScope, ward_scope
from fairapp.auth.session import bearer_secret, touch_token_use
from fairapp.db import utcnow
from fairapp.fastsql import Prepared

SELF_CHECKED_ATTRIBUTE = "_fairapp_principal"  # the view checks its rule itself (no Flask-Login)

_USERS, _TOKENS = User.__table__, ApiToken.__table__
_BY_TOKEN = Prepared(
    sa.select(
        _USERS.c.id, _USERS.c.role, _USERS.c.email, _USERS.c.phone, _TOKENS.c.id, _TOKENS.c.last_used_at
    )
    .join(_TOKENS, _TOKENS.c.user_id == _USERS.c.id)
    .where(
        _TOKENS.c.token_hash == sa.bindparam("token_hash"),
        _TOKENS.c.revoked_at.is_(None),
        _USERS.c.active.is_(True),
    )
)
_BY_SESSION = Prepared(
    sa.select(_USERS.c.id, _USERS.c.role, _USERS.c.email, _USERS.c.phone).where(
        _USERS.c.id == sa.bindparam("user_id"),
        _USERS.c.active.is_(True),
        _USERS.c.session_version == sa.bindparam("version"),
    )
)
_WARDS = Prepared(sa.select(user_wards.c.ward_code).where(user_wards.c.user_id == sa.bindparam("user_id")))


@dataclass(frozen=True)
class Principal:
    id: int
    role: Role
    email: str | None
    phone: str | None
    token_id: int | None = None  # set when the request came with a bearer token
    token_last_used_at: datetime | None = None

    @property
    def login_name(self) -> str:
        return self.email or self.phone or str(self.id)

    @property
    def ward_scope(self) -> WardScope:
        """As User.ward_scope (fairapp.auth.scope); the wards are read for organisers only."""
        if self.role != Role.ORGANISER:
            return ward_scope(self.role, ())
        return ward_scope(
            self.role, (row[0] for row in _WARDS.execute(fastsql.connection(), {"user_id": self.id}))
        )

    def may_act_in_ward(self, ward_code: str) -> bool:
        return self.ward_scope.allows(ward_code)


def request_principal() -> Principal | None:
    """The account this request is signed in as, or None (no credentials, or stale ones)."""
    secret = bearer_secret()
    if secret is not None:
        principal = token_principal(secret)
        now = utcnow()
        if principal is not None and token_use_due(principal, now):
            touch_token_use(principal, principal.token_id, principal.token_last_used_at, now)
        return principal
    user_id, _, version = str(session.get("_user_id") or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    row = _BY_SESSION.first(fastsql.connection(), {"user_id": int(user_id), "version": int(version)})
    return Principal(row[0], Role(row[1]), row[2], row[3]) if row is not None else None


def token_principal(secret: str) -> Principal | None:
    """The account of a live bearer token, or None. One query, reads only."""
    if not secret.startswith(services.TOKEN_PREFIX) or len(secret) > 100:
        return None
    row = _BY_TOKEN.first(fastsql.connection(), {"token_hash": services._digest(secret)})
    return Principal(row[0], Role(row[1]), row[2], row[3], row[4], row[5]) if row is not None else None


def token_use_due(principal: Principal, now: datetime) -> bool:
    """True when the token's last use is to be written (at most once a minute)."""
    return services.token_touch_due(principal.token_last_used_at, now)


def principal_roles(*allowed: Role) -> Callable[[Callable], Callable]:
    """@roles for a hot view: the same rule (401 without an account, 403 with another role), checked
    on a Principal, which the view finds in g.principal."""
    names = ",".join(sorted(role.value for role in allowed))

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = request_principal()
            if principal is None:
                abort(401)
            if principal.role not in allowed:
                abort(403)
            g.principal = principal
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTRIBUTE, f"roles:{names}")
        setattr(wrapper, SELF_CHECKED_ATTRIBUTE, True)
        return wrapper

    return decorator


def self_checked(view: Callable | None) -> bool:
    return bool(getattr(view, SELF_CHECKED_ATTRIBUTE, False))
