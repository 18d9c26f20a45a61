"""A password change or reset ends every credential made with the old one: sessions elsewhere and
API tokens (the API answers 401 to an old token), each revocation audited with its reason."""

import pytest
import sqlalchemy as sa

from fairapp.auth import services
from fairapp.auth.models import ApiToken
from tests.api.conftest import bearer
from tests.auth.test_admin_users import ContextPerRequestClient, csrf, entries, sign_in
from tests.conftest import PASSWORD


@pytest.fixture()
def client(app):
    app.test_client_class = ContextPerRequestClient
    return app.test_client()


def _tokens(db, user, count=2) -> list[str]:
    secrets = [services.issue_token(user, f"scanner {n}")[1] for n in range(count)]
    db.session.commit()
    return secrets


def _me(client, secret) -> int:
    return client.get("/api/v1/me", headers=bearer(secret)).status_code


def test_changing_ones_password_revokes_ones_api_tokens(app, client, auth, db, make_user):
    user = auth.login("gate")
    bystander = make_user("gate")
    old, older = _tokens(db, user)
    [kept] = _tokens(db, bystander, 1)
    services.revoke_token(db.session.scalar(sa.select(ApiToken).where(ApiToken.prefix == older[:10])))
    db.session.commit()
    assert _me(client, old) == 200
    elsewhere = app.test_client()
    sign_in(elsewhere, user)

    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf(client),
            "current_password": PASSWORD,
            "new_password": "mat-khau-rieng-9",
            "confirm": "mat-khau-rieng-9",
        },
    )
    assert response.status_code == 302

    assert _me(app.test_client(), old) == 401
    assert (
        client.post(
            "/api/v1/checkins", json={"fair_id": 1, "qr_payload": "x"}, headers=bearer(old)
        ).status_code
        == 401
    )  # the check-in too, with the session's cookie beside the token
    assert _me(app.test_client(), kept) == 200  # another account's token is untouched
    assert elsewhere.get("/account/").status_code == 302  # the other session is over
    assert client.get("/account/").status_code == 200  # this one carries on
    revoked = [e for e in entries(db, "token.revoke") if e.details]
    assert len(revoked) == 1  # the token revoked before is not revoked (or audited) again
    assert (revoked[0].actor_id, revoked[0].details) == (user.id, {"reason": "password_change"})
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.prefix == old[:10]))
    assert (revoked[0].object_type, revoked[0].object_id) == ("api_tokens", str(token.id))


def test_an_admin_reset_revokes_the_accounts_api_tokens(app, client, auth, db, make_user):
    admin = auth.login("admin")
    user = make_user("organiser")
    secrets = _tokens(db, user)
    assert [_me(app.test_client(), s) for s in secrets] == [200, 200]

    response = client.post(
        f"/admin/users/{user.id}/password",
        data={"csrf_token": csrf(client), "password": "mat-khau-moi-2", "confirm": "mat-khau-moi-2"},
    )
    assert response.status_code == 302

    assert [_me(app.test_client(), s) for s in secrets] == [401, 401]
    revoked = entries(db, "token.revoke")
    assert [(e.actor_id, e.details["reason"]) for e in revoked] == [(admin.id, "password_reset")] * 2
    db.session.expire_all()
    assert all(
        t.revoked_at is not None
        for t in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    )


def test_passwords_are_hashed_with_scrypt_at_its_full_cost_by_default(app, monkeypatch):
    """The tests hash at a lower cost (tests/conftest); a deployment gets werkzeug's full scrypt."""
    from fairapp.config import Defaults

    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", Defaults.PASSWORD_HASH_METHOD)
    assert services.hash_password("một mật khẩu dài").startswith("scrypt:32768:8:1$")


def test_the_configured_cost_is_used_for_new_hashes_and_old_hashes_still_verify(app, make_user, monkeypatch):
    from werkzeug.security import check_password_hash

    old = make_user("organiser")
    assert old.password_hash.startswith("scrypt:1024:8:1$")
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt:2048:8:1")
    assert services.hash_password(PASSWORD).startswith("scrypt:2048:8:1$")
    assert check_password_hash(old.password_hash, PASSWORD)
