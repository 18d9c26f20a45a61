"""Security headers, cookies, CSRF on forms, `next` redirects and the session at sign-in."""

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth.views import safe_next
from tests.conftest import PASSWORD, csrf_token_from

CSRF_MESSAGE = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ."


def test_security_headers_on_pages_api_and_errors(client):
    for response in (client.get("/login"), client.get("/api/v1/me"), client.get("/nowhere")):
        csp = response.headers["Content-Security-Policy"]
        directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ")}
        assert directives["worker-src"] == ["'self'", "blob:"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["default-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert "'unsafe-inline'" not in directives["script-src"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def _session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("fairapp_session=")]
    return cookie


def test_session_cookie_is_httponly_lax_and_not_secure_over_http(client):
    cookie = _session_cookie(client.get("/login")).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie.split("; ")


def test_session_cookie_is_secure_over_https(client, make_user):
    user = make_user("admin")
    page = client.get("/login", base_url="https://localhost")
    assert "secure" in _session_cookie(page).lower().split("; ")
    # Over HTTPS Flask-WTF also wants a same-origin Referer (WTF_CSRF_SSL_STRICT).
    response = client.post(
        "/login",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    assert "secure" in _session_cookie(response).lower().split("; ")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "//evil.com/admin",
        "https://evil.com",
        "http://evil.com/x",
        "/\\evil.com",
        "\\\\evil.com",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " /admin",
        "evil.com",
        "/admin\\@evil.com",
        "/\t/evil.com",
        "",
        None,
        "/%0a//evil.com\n",
    ],
)
def test_unsafe_next_is_ignored(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/admin/users", "/admin/users?page=2", "/", "/fairs/1#booths"])
def test_local_next_is_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target,expected",
    [
        ("//evil.com", "/"),
        ("https://evil.com", "/"),
        ("/\\evil.com", "/"),
        ("javascript:alert(1)", "/"),
        ("/admin/users", "/admin/users"),
    ],
)
def test_login_redirects_only_to_local_next(client, make_user, target, expected):
    user = make_user("admin")
    page = client.get("/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_session_is_cleared_at_login_but_keeps_the_language(client, make_user):
    user = make_user("admin")
    page = client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["_user_id"] = "999:1"  # a fixated identity must not survive either
        session["locale"] = "en"
        before = dict(session)
    response = client.post(
        "/login",
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:1"
        assert session["locale"] == "en"
        assert session.get("csrf_token") != before["csrf_token"]
    assert page.status_code == 200


def _actions(db) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_login_without_csrf_token_is_400_and_changes_nothing(client, db, make_user):
    user = make_user("admin")
    response = client.post("/login", data={"login": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert CSRF_MESSAGE in response.get_data(as_text=True)
    assert _actions(db) == ["user.create"]
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/api/v1/me").status_code == 401


def test_logout_without_csrf_token_is_400_and_keeps_the_session(client, db, auth):
    auth.login("admin")
    response = client.post("/logout")
    assert response.status_code == 400
    assert CSRF_MESSAGE in response.get_data(as_text=True)
    assert "auth.logout" not in _actions(db)
    with client.session_transaction() as session:
        assert "_user_id" in session


def test_logout_with_a_forged_token_is_refused(client, db, auth):
    auth.login("admin")
    response = client.post("/logout", data={"csrf_token": "forged.token.value"})
    assert response.status_code == 400
    assert "auth.logout" not in _actions(db)


def test_logout_with_the_token_signs_out(client, db, auth):
    auth.login("admin")
    auth.logout()
    assert "auth.logout" in _actions(db)
    with client.session_transaction() as session:
        assert "_user_id" not in session


@pytest.fixture()
def proxied_client(app, _schema, instance_path):
    """A client of an app configured to sit behind one load balancer (FAIRAPP_TRUSTED_PROXIES=1)."""
    from flask import request_started

    from fairapp import create_app
    from tests.conftest import _config, _fresh_globals

    proxied = create_app({**_config(_schema, instance_path), "TRUSTED_PROXY_COUNT": 1})
    request_started.connect(_fresh_globals, proxied)
    with proxied.app_context():
        yield proxied.test_client()


def _login_ip(db, user) -> str:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(AuditEntry.ip).where(AuditEntry.action == "auth.login", AuditEntry.actor_id == user.id)
    )


def test_forwarded_headers_are_ignored_by_default(client, db, make_user):
    user = make_user("admin")
    page = client.get("/login")
    forged = {"X-Forwarded-For": "203.0.113.99", "X-Forwarded-Proto": "https"}
    response = client.post(
        "/login",
        headers=forged,
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    assert _login_ip(db, user) == "127.0.0.1"
    assert "secure" not in _session_cookie(response).lower().split("; ")


def test_behind_a_trusted_proxy_the_client_address_and_scheme_are_used(proxied_client, db, make_user):
    user = make_user("admin")
    forwarded = {
        "X-Forwarded-For": "203.0.113.99",
        "X-Forwarded-Proto": "https",
        "Referer": "https://localhost/login",
    }
    page = proxied_client.get("/login", headers=forwarded)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    response = proxied_client.post(
        "/login",
        headers=forwarded,
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    assert _login_ip(db, user) == "203.0.113.99"
    assert "secure" in _session_cookie(response).lower().split("; ")
