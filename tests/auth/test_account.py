"""One's own account: the profile page and changing one's own password."""

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth import services
from fairapp.partners.models import Employer
from tests.auth.test_admin_users import ContextPerRequestClient, csrf, sign_in
from tests.conftest import PASSWORD

ROLES = ["admin", "organiser", "gate", "employer", "school"]


@pytest.fixture()
def client(app):
    app.test_client_class = ContextPerRequestClient
    return app.test_client()


@pytest.mark.parametrize("path", ["/account/", "/account/password"])
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_its_profile(client, auth, role):
    user = auth.login(role)
    for path in ("/account/", "/account/password"):
        assert client.get(path).status_code == 200, path
    html = client.get("/account/").get_data(as_text=True)
    assert user.full_name in html and user.email in html


def test_profile_shows_role_wards_and_employer(client, auth, make_user, db):
    auth.login("organiser", ward_codes=["05528", "05533"], phone="0912345678")
    html = client.get("/account/").get_data(as_text=True)
    assert "Cán bộ tổ chức (phường/xã)" in html
    assert "Phường Bách Quang" in html and "Phường Bá Xuyên" in html
    assert "0912345678" in html

    employer = Employer(name="Công ty CP Cơ khí Sông Công", tax_code="4600100155")
    db.session.add(employer)
    db.session.commit()
    recruiter = make_user("employer", employer_id=employer.id)
    other = client.application.test_client()
    sign_in(other, recruiter)
    page = other.get("/account/").get_data(as_text=True)
    assert "Nhà tuyển dụng" in page and "Công ty CP Cơ khí Sông Công" in page


def _change(client, current, new, confirm=None):
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf(client),
            "current_password": current,
            "new_password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def test_change_own_password_keeps_this_browser_and_ends_the_others(app, client, auth, db):
    user = auth.login("gate")
    elsewhere = app.test_client()
    sign_in(elsewhere, user)
    assert elsewhere.get("/account/").status_code == 200

    response = _change(client, PASSWORD, "mat-khau-rieng-9")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    assert client.get("/account/").status_code == 200  # still signed in here
    assert elsewhere.get("/account/").status_code == 302  # signed out there

    assert sign_in(elsewhere, user).status_code == 200  # the old password is refused
    assert sign_in(elsewhere, user, "mat-khau-rieng-9").status_code == 302
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "user.password_change")
    ).all()
    assert (entry.actor_id, entry.object_id) == (user.id, str(user.id))


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("sai-mat-khau", "mat-khau-rieng-9", None, "Mật khẩu hiện tại không đúng."),
        (PASSWORD, "ngan", None, "Mật khẩu mới cần từ 8 đến 200 ký tự."),
        (PASSWORD, "mat-khau-rieng-9", "mat-khau-khac-9", "Hai lần nhập mật khẩu mới không khớp."),
        (PASSWORD, PASSWORD, None, "Mật khẩu mới phải khác mật khẩu hiện tại."),
        ("", "mat-khau-rieng-9", None, "Vui lòng nhập mật khẩu hiện tại."),
    ],
)
def test_refused_change_names_the_field_and_changes_nothing(client, auth, db, current, new, confirm, message):
    user = auth.login("organiser")
    hash_before = user.password_hash
    response = _change(client, current, new, confirm)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.password_hash, user.session_version) == (hash_before, 1)
    assert client.get("/account/").status_code == 200
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "user.password_change")
        )
        == 0
    )


def test_wrong_current_password_has_a_stable_code(make_user):
    user = make_user("gate")
    with pytest.raises(services.ValidationError) as raised:
        services.change_own_password(user, "not-it-at-all", "mat-khau-rieng-9")
    assert raised.value.code == "wrong_password"
    assert set(raised.value.fields) == {"current_password"}


def test_change_needs_csrf(client, auth):
    auth.login("gate")
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "mat-khau-rieng-9",
            "confirm": "mat-khau-rieng-9",
        },
    )
    assert response.status_code == 400
