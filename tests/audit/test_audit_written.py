"""What leaves an audit entry, with actor, object, address and time."""

from datetime import timedelta

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.audit.services import Origin
from fairapp.auth import services
from fairapp.modelbase import utcnow
from tests.conftest import PASSWORD, csrf_token_from

HERE = Origin(ip="203.0.113.7", user_agent="officer-laptop")


def _entries(db, action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def _recent(entry: AuditEntry) -> bool:
    return abs(utcnow() - entry.at) < timedelta(minutes=1)


def _post_login(client, login, password, ip="198.51.100.20"):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
        headers={"User-Agent": "phone-browser"},
    )


def test_sign_in_success(client, db, make_user):
    user = make_user("organiser")
    assert _post_login(client, user.email, PASSWORD).status_code == 302
    [entry] = _entries(db, "auth.login")
    assert (entry.actor_id, entry.actor_label) == (user.id, user.email)
    assert (entry.object_type, entry.object_id) == ("users", str(user.id))
    assert (entry.ip, entry.user_agent) == ("198.51.100.20", "phone-browser")
    assert _recent(entry)


def test_sign_in_failures_say_why(client, db, make_user):
    user = make_user("organiser")
    inactive = make_user("gate")
    services.update_user(
        inactive, email=inactive.email, phone=None, full_name=inactive.full_name, role="gate", active=False
    )
    db.session.commit()

    _post_login(client, user.email, "wrong-password")
    _post_login(client, "nobody@example.vn", PASSWORD)
    _post_login(client, inactive.email, PASSWORD)

    failures = _entries(db, "auth.login_failed")
    assert [(f.details["reason"], f.actor_id, f.actor_label) for f in failures] == [
        ("password", user.id, user.email),
        ("unknown", None, "unknown"),  # what was typed is not kept (issue 10)
        ("inactive", inactive.id, inactive.email),
    ]
    assert all(f.ip == "198.51.100.20" and _recent(f) for f in failures)
    assert _entries(db, "auth.login") == []


def test_sign_out(client, db, auth):
    user = auth.login("admin")
    auth.logout()
    [entry] = _entries(db, "auth.logout")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (user.id, "users", str(user.id))
    assert entry.ip == "127.0.0.1" and _recent(entry)


def test_user_create_update_and_password_reset(db, make_user):
    admin = make_user("admin")
    user = services.create_user(
        email="new@example.vn",
        full_name="Lê Văn Cường",
        role="gate",
        password="long-enough-1",
        by=admin,
        origin=HERE,
    )
    services.update_user(
        user,
        email="new@example.vn",
        phone="0987654321",
        full_name="Lê Văn Cường",
        role="employer",
        by=admin,
        origin=HERE,
    )
    services.set_password(user, "another-long-1", by=admin, origin=HERE)
    db.session.commit()

    [create] = [e for e in _entries(db, "user.create") if e.object_id == str(user.id)]
    [update] = _entries(db, "user.update")
    [reset] = _entries(db, "user.password_reset")
    for entry in (create, update, reset):
        assert (entry.actor_id, entry.actor_label) == (admin.id, admin.email)
        assert (entry.object_type, entry.object_id) == ("users", str(user.id))
        assert (entry.ip, entry.user_agent) == ("203.0.113.7", "officer-laptop")
        assert _recent(entry)
    assert create.details == {"role": "gate", "wards": []}
    assert update.details["changes"] == {"phone": [None, "0987654321"], "role": ["gate", "employer"]}
    assert "another-long-1" not in str(reset.details) and "long-enough" not in str(create.details)


def test_token_create_use_and_revoke(client, db, make_user):
    admin, user = make_user("admin"), make_user("gate")
    token, secret = services.issue_token(user, "cổng số 1", by=admin, origin=HERE)
    db.session.commit()
    response = client.get(
        "/api/v1/me",
        headers={"Authorization": f"Bearer {secret}"},
        environ_base={"REMOTE_ADDR": "198.51.100.33"},
    )
    assert response.status_code == 200
    services.revoke_token(db.session.get(type(token), token.id), by=admin, origin=HERE)
    db.session.commit()

    [create] = _entries(db, "token.create")
    [use] = _entries(db, "token.use")
    [revoke] = _entries(db, "token.revoke")
    for entry in (create, use, revoke):
        assert (entry.object_type, entry.object_id) == ("api_tokens", str(token.id))
        assert _recent(entry)
    assert (create.actor_id, create.ip) == (admin.id, "203.0.113.7")
    assert create.details == {"user_id": user.id, "name": "cổng số 1"}
    assert secret not in str(create.details)
    assert (use.actor_id, use.ip) == (user.id, "198.51.100.33")
    assert (revoke.actor_id, revoke.ip) == (admin.id, "203.0.113.7")
    # Revoking twice is one revocation.
    services.revoke_token(db.session.get(type(token), token.id), by=admin, origin=HERE)
    db.session.commit()
    assert len(_entries(db, "token.revoke")) == 1


def test_token_issued_by_the_cli_names_the_owner(runner, db, make_user):
    user = make_user("gate")
    result = runner.invoke(args=["users", "token", user.email, "--name", "máy quét"])
    assert result.exit_code == 0, result.output
    [create] = _entries(db, "token.create")
    assert create.actor_id == user.id and create.ip is None
    assert create.details["name"] == "máy quét"
