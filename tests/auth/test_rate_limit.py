"""Sign-in is rate limited per account and per address; while limited, even the right password
is refused. The limits come from LOGIN_LIMIT_PER_ACCOUNT and LOGIN_LIMIT_PER_IP."""

import random
import uuid

import pytest
import sqlalchemy as sa
from flask import request_started

from fairapp import create_app
from fairapp.audit.models import AuditEntry
from fairapp.extensions import limiter
from tests.conftest import PASSWORD, _config, _fresh_globals, csrf_token_from

LIMITED = "Quá nhiều yêu cầu. Vui lòng thử lại sau."
WRONG = "Email/số điện thoại hoặc mật khẩu không đúng."


@pytest.fixture()
def app_with(app, _schema, instance_path):
    """app_with(**config) → an app on the same test database with these settings on top.
    Depends on `app`, whose teardown empties the tables afterwards."""
    contexts = []

    def build(**overrides):
        built = create_app({**_config(_schema, instance_path), **overrides})
        request_started.connect(_fresh_globals, built)
        context = built.app_context()
        context.push()
        contexts.append(context)
        return built

    yield build
    for context in reversed(contexts):
        context.pop()
    limiter.reset()


class SignIn:
    def __init__(self, client):
        self.client = client
        self.token = csrf_token_from(client.get("/login").get_data(as_text=True))

    def __call__(self, login, password, ip="192.0.2.1"):
        return self.client.post("/login", data={"login": login, "password": password,
                                                "csrf_token": self.token},
                                environ_base={"REMOTE_ADDR": ip})


def _logins(db, user) -> int:
    db.session.expire_all()
    return len(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "auth.login", AuditEntry.actor_id == user.id)).all())


def test_defaults_are_ten_per_account_and_thirty_per_address(app):
    assert app.config["LOGIN_LIMIT_PER_ACCOUNT"] == "10 per 15 minutes"
    assert app.config["LOGIN_LIMIT_PER_IP"] == "30 per 15 minutes"


def test_eleventh_bad_attempt_on_one_account_is_429_even_from_new_addresses(client, db, make_user):
    user = make_user("organiser")
    sign_in = SignIn(client)
    for attempt in range(10):
        response = sign_in(user.email, "wrong-password", ip=f"198.51.100.{attempt + 1}")
        assert response.status_code == 200
        assert WRONG in response.get_data(as_text=True)

    refused = sign_in(user.email, "wrong-password", ip="198.51.100.50")
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
    assert LIMITED in refused.get_data(as_text=True)
    assert "Retry-After" in refused.headers

    # The right password is refused too while the account is limited, and nothing is signed in.
    right = sign_in(user.email, PASSWORD, ip="198.51.100.51")
    assert right.status_code == 429
    assert _logins(db, user) == 0
    # The same account written differently is the same account.
    assert sign_in(user.email.upper(), PASSWORD, ip="198.51.100.52").status_code == 429


def test_account_limit_leaves_other_accounts_alone(client, db, make_user):
    target, other = make_user("organiser"), make_user("organiser")
    sign_in = SignIn(client)
    for _ in range(11):
        sign_in(target.email, "wrong-password")
    assert sign_in(target.email, PASSWORD).status_code == 429
    response = sign_in(other.email, PASSWORD)
    assert response.status_code == 302
    assert _logins(db, other) == 1


def test_phone_logins_are_limited_whatever_the_spelling(client, make_user):
    user = make_user("gate", email=None, phone="0912345678")
    sign_in = SignIn(client)
    for spelling in ["0912345678", "0912 345 678", "+84912345678", "091.234.5678"] * 3:
        response = sign_in(spelling, "wrong-password")
    assert response.status_code == 429
    assert sign_in(user.phone, PASSWORD).status_code == 429


def test_many_accounts_from_one_address_is_429(app_with, db, make_user):
    limited = app_with(LOGIN_LIMIT_PER_IP="5 per 15 minutes")
    users = [make_user("employer") for _ in range(7)]
    sign_in = SignIn(limited.test_client())
    for user in users[:5]:
        assert sign_in(user.email, "wrong-password", ip="203.0.113.9").status_code == 200
    refused = sign_in(users[5].email, "wrong-password", ip="203.0.113.9")
    assert refused.status_code == 429
    assert LIMITED in refused.get_data(as_text=True)
    assert sign_in(users[6].email, PASSWORD, ip="203.0.113.9").status_code == 429
    assert _logins(db, users[6]) == 0
    # Another address is not affected.
    assert sign_in(users[6].email, PASSWORD, ip="203.0.113.10").status_code == 302


def test_smaller_account_limit_from_config(app_with, make_user):
    limited = app_with(LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
    user = make_user("school")
    sign_in = SignIn(limited.test_client())
    assert [sign_in(user.email, "nope-nope-1").status_code for _ in range(3)] == [200, 200, 429]


def test_limits_are_kept_in_redis_when_configured(app_with, monkeypatch, make_user):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    connection = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379; start it to test shared limits")
    monkeypatch.setenv("FAIRAPP_RATELIMIT_STORAGE_URL", url)
    marker = uuid.uuid4().hex
    ip = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    try:
        limited = app_with(LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
        assert limited.config["RATELIMIT_STORAGE_URI"] == url
        user = make_user("admin", email=f"redis-{marker}@example.vn")
        sign_in = SignIn(limited.test_client())
        assert [sign_in(user.email, "nope-nope-1", ip=ip).status_code for _ in range(3)] \
            == [200, 200, 429]
        keys = [key.decode() for key in connection.scan_iter(match=f"*{marker}*")]
        assert keys, "no rate-limit counter for the account in Redis"
        # A second app server sharing the Redis store sees the same counter.
        other = app_with(LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
        assert SignIn(other.test_client())(user.email, PASSWORD, ip=ip).status_code == 429
    finally:
        for pattern in (f"*{marker}*", f"*{ip}*"):
            for key in connection.scan_iter(match=pattern):
                connection.delete(key)
