"""Bearer tokens: who they authenticate, when they stop working, what they leave behind."""

from datetime import timedelta

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth import services
from fairapp.auth.models import ApiToken
from fairapp.modelbase import utcnow
from tests.api.conftest import bearer


def _token_row(db, secret) -> ApiToken:
    db.session.expire_all()
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.prefix == secret[:10]))


def _uses(db, token) -> list[AuditEntry]:
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "token.use", AuditEntry.object_id == str(token.id))
    ).all()


def test_valid_token_reads_me_and_records_its_use(client, db, make_user, token_for):
    user = make_user("gate", phone="0912345678")
    secret = token_for(user)
    assert _token_row(db, secret).last_used_at is None

    response = client.get("/api/v1/me", headers={**bearer(secret), "User-Agent": "scanner/1"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == user.id and body["role"] == "gate" and body["phone"] == "0912345678"
    token = _token_row(db, secret)
    assert token.last_used_at is not None
    assert abs(utcnow() - token.last_used_at) < timedelta(minutes=1)
    [use] = _uses(db, token)
    assert (use.actor_id, use.object_type, use.ip, use.user_agent) == (
        user.id,
        "api_tokens",
        "127.0.0.1",
        "scanner/1",
    )


def test_token_use_is_audited_once_per_idle_hour(client, db, make_user, token_for):
    secret = token_for(make_user("gate"))
    for _ in range(3):
        assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    token = _token_row(db, secret)
    assert len(_uses(db, token)) == 1

    # Two hours later: a new "session" of use, a new entry and a new last_used_at.
    earlier = utcnow() - timedelta(hours=2)
    token.last_used_at = earlier
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    token = _token_row(db, secret)
    assert len(_uses(db, token)) == 2
    assert token.last_used_at > earlier + timedelta(hours=1)


def test_revoked_token_is_401(client, db, make_user, token_for):
    user = make_user("gate")
    secret = token_for(user)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    services.revoke_token(_token_row(db, secret), by=user)
    db.session.commit()
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_token_of_deactivated_account_is_401(client, db, make_user, token_for):
    admin = make_user("admin")
    user = make_user("employer")
    secret = token_for(user)
    services.update_user(
        user, email=user.email, phone=None, full_name=user.full_name, role="employer", active=False, by=admin
    )
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_another_accounts_token_hash_does_not_work(client, db, make_user, token_for):
    secret = token_for(make_user("gate"))
    token = _token_row(db, secret)
    # Presenting the stored hash (e.g. from a leaked backup) is not presenting the token.
    assert client.get("/api/v1/me", headers=bearer("fa_" + token.token_hash)).status_code == 401


def test_bearer_answers_set_no_session_cookie(client, make_user, token_for):
    secret = token_for(make_user("admin"))
    for response in (
        client.get("/api/v1/me", headers=bearer(secret)),
        client.get("/api/v1/me?lang=en", headers=bearer(secret)),
        client.get("/api/v1/nothing-here", headers=bearer(secret)),
        client.get("/api/v1/me", headers=bearer("fa_wrong")),
    ):
        assert "Set-Cookie" not in response.headers, response.headers
    assert client.get_cookie("fairapp_session") is None


def test_bearer_post_needs_no_csrf_token(client, make_user, token_for, echo_api):
    secret = token_for(make_user("gate"))
    body = {"name": "Trần Thị Bình", "address": {"ward_code": "05518"}}
    response = client.post(f"{echo_api}/echo-signed-in", json=body, headers=bearer(secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_cookie_session_post_needs_the_csrf_header(client, auth, echo_api):
    auth.login("gate")
    body = {"name": "Trần Thị Bình", "address": {"ward_code": "05518"}}
    response = client.post(f"{echo_api}/echo-signed-in", json=body)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == "csrf_failed"
    assert error["message"].startswith("Phiên làm việc đã hết hạn")

    bad = client.post(f"{echo_api}/echo-signed-in", json=body, headers={"X-CSRFToken": "forged"})
    assert bad.get_json()["error"]["code"] == "csrf_failed"

    page = client.get("/login?next=/")  # any page with a form gives this session's token
    from tests.test_access import _csrf

    good = client.post(f"{echo_api}/echo-signed-in", json=body, headers={"X-CSRFToken": _csrf(client)})
    assert page.status_code in (200, 302)
    assert good.status_code == 200, good.get_data(as_text=True)
