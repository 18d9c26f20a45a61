"""User administration: access, create, edit, deactivate, reset password, API tokens."""

import hashlib
import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from fairapp.audit.models import AuditEntry
from fairapp.auth import admin_views, services
from fairapp.auth.models import ApiToken, Role, User
from fairapp.extensions import db as _db
from fairapp.geo.models import Ward
from fairapp.partners.models import Employer
from tests.conftest import PASSWORD, csrf_token_from

NON_ADMIN_ROLES = ["organiser", "gate", "employer", "school"]
HOME_WARDS = ("05528", "05518")  # Phường Bách Quang, Phường Sông Công (Thái Nguyên)


class ContextPerRequestClient(FlaskClient):
    """Runs each request in its own application context and database session, as a server does.

    The `app` fixture keeps one context open for the whole test and a request would otherwise
    reuse it, so `g` (Flask-Login's cached user, Flask-WTF's CSRF token) would leak from one
    request, and one client, to the next. The test's own session is committed around each request:
    the request sees what the test wrote, and the test then reads what the request wrote (on SQLite
    an open read transaction would keep its older snapshot)."""

    def open(self, *args, **kwargs):
        _db.session.commit()
        try:
            with self.application.app_context():
                return super().open(*args, **kwargs)
        finally:
            _db.session.commit()


@pytest.fixture()
def client(app):
    app.test_client_class = ContextPerRequestClient
    return app.test_client()


def sign_in(client, user, password=PASSWORD):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"login": user.email or user.phone, "password": password, "csrf_token": token}
    )


def csrf(client, path="/"):
    return csrf_token_from(client.get(path).get_data(as_text=True))


def entries(db, action):
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


# ---------------------------------------------------------------- access


@pytest.fixture()
def target(make_user, db):
    """An account to administer, with one API token."""
    user = make_user("organiser")
    token, _secret = services.issue_token(user, "scanner")
    db.session.commit()
    return user, token


def _routes(user_id, token_id):
    return [
        ("GET", "users.index", "/admin/users/"),
        ("GET", "users.new", "/admin/users/new"),
        ("GET", "users.edit", f"/admin/users/{user_id}"),
        ("GET", "users.reset_password", f"/admin/users/{user_id}/password"),
        ("GET", "users.tokens", f"/admin/users/{user_id}/tokens"),
        ("POST", "users.revoke_token", f"/admin/users/{user_id}/tokens/{token_id}/revoke"),
        ("POST", "users.reset_two_factor", f"/admin/users/{user_id}/two-factor/reset"),
        ("GET", "audit.index", "/admin/audit/"),
    ]


def test_every_users_and_audit_route_is_in_the_access_table(app):
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith(("users.", "audit."))
    }
    assert endpoints == {endpoint for _m, endpoint, _p in _routes(1, 1)}


@pytest.mark.parametrize("role", [None, *NON_ADMIN_ROLES, "admin"])
def test_access_by_role(client, auth, target, db, role):
    user, token = target
    if role is not None:
        auth.login(role)
    token_form = csrf(client, "/login" if role is None else "/")
    for method, _endpoint, path in _routes(user.id, token.id):
        response = client.open(
            path, method=method, data={"csrf_token": token_form} if method == "POST" else None
        )
        if role is None:
            assert response.status_code == 302, path
            assert response.headers["Location"].startswith("/login?next=")
            assert path.rstrip("/") in response.headers["Location"]
        elif role != "admin":
            assert response.status_code == 403, (role, path)
        else:
            assert response.status_code == (200 if method == "GET" else 302), path
    db.session.commit()
    revoked = db.session.get(ApiToken, token.id).revoked_at
    assert (revoked is not None) == (role == "admin")


def test_anonymous_redirect_keeps_the_path(client, target):
    user, _token = target
    response = client.get(f"/admin/users/{user.id}/tokens")
    assert response.headers["Location"] == f"/login?next=/admin/users/{user.id}/tokens"


# ---------------------------------------------------------------- create


def _new_user_form(token, **overrides):
    return {
        "csrf_token": token,
        "full_name": "Nguyễn Thị Hoa",
        "email": "Hoa@Example.vn",
        "phone": "0912 345 678",
        "role": "organiser",
        "password": "mat-khau-moi-1",
        "ward_codes": list(HOME_WARDS),
        **overrides,
    }


def test_create_organiser_with_wards(client, auth, db):
    admin = auth.login("admin")
    response = client.post("/admin/users/new", data=_new_user_form(csrf(client, "/admin/users/new")))
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "hoa@example.vn"))
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert user.full_name == "Nguyễn Thị Hoa"
    assert user.phone == "0912345678"
    assert user.role == Role.ORGANISER
    assert user.ward_codes == set(HOME_WARDS)
    assert services.authenticate("0912345678", "mat-khau-moi-1").id == user.id
    [entry] = [e for e in entries(db, "user.create") if e.object_id == str(user.id)]
    assert entry.actor_id == admin.id
    assert (entry.object_type, entry.object_id) == ("users", str(user.id))
    assert entry.details == {"role": "organiser", "wards": sorted(HOME_WARDS)}
    assert entry.ip == "127.0.0.1"


def test_create_employer_links_employer_and_drops_wards(client, auth, db):
    auth.login("admin")
    employer = Employer(name="Công ty TNHH May Sông Công", tax_code="4600100155")
    db.session.add(employer)
    db.session.commit()
    response = client.post(
        "/admin/users/new",
        data=_new_user_form(csrf(client), role="employer", employer_id=str(employer.id), school_id="7"),
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "hoa@example.vn"))
    assert (user.role, user.employer_id, user.school_id, user.wards) == (Role.EMPLOYER, employer.id, None, [])


def test_create_with_unknown_employer_is_refused_on_the_field(client, auth, db):
    auth.login("admin")
    response = client.post(
        "/admin/users/new", data=_new_user_form(csrf(client), role="employer", employer_id="999")
    )
    assert response.status_code == 200
    assert "Không có doanh nghiệp mã 999." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "hoa@example.vn")) is None


def test_duplicate_email_shows_message_and_saves_nothing(client, auth, make_user, db):
    auth.login("admin")
    make_user("gate", email="hoa@example.vn")
    users_before = db.session.scalar(sa.select(sa.func.count(User.id)))
    created_before = len(entries(db, "user.create"))
    response = client.post("/admin/users/new", data=_new_user_form(csrf(client)))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã có tài khoản dùng thông tin này." in html
    assert re.search(r'id="email"[^>]*|class="[^"]*is-invalid[^"]*"[^>]*id="email"', html)
    assert 'value="Nguyễn Thị Hoa"' in html  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == users_before
    assert len(entries(db, "user.create")) == created_before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short"}, "Mật khẩu cần từ 8 đến 200 ký tự."),
        ({"phone": "12345"}, "Số điện thoại di động Việt Nam phải có 10 chữ số"),
        ({"email": "", "phone": ""}, "Cần có email hoặc số điện thoại để đăng nhập."),
        ({"role": "superuser"}, "Vai trò không hợp lệ."),
        ({"full_name": ""}, "Vui lòng nhập họ và tên."),
    ],
)
def test_create_bad_input_names_the_rule(client, auth, db, overrides, message):
    auth.login("admin")
    response = client.post("/admin/users/new", data=_new_user_form(csrf(client), **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1  # the admin only


def test_ward_choices_are_the_home_province(client, auth, db):
    auth.login("admin")
    html = client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="05528"' in html
    foreign = db.session.scalar(sa.select(Ward).where(Ward.province_code != 19).limit(1))
    assert f'value="{foreign.code}"' not in html
    response = client.post(
        "/admin/users/new", data=_new_user_form(csrf(client), ward_codes=["05528", foreign.code])
    )
    assert "Phường/xã đã chọn không thuộc tỉnh này." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "hoa@example.vn")) is None


# ---------------------------------------------------------------- list


def test_list_search_filter_and_pages(client, auth, make_user, monkeypatch):
    auth.login("admin", full_name="Quản Trị Viên")
    make_user("organiser", full_name="Trần Văn Bình", phone="0987654321")
    make_user("gate", full_name="Lê Thị Cúc", email="cuc@songcong.vn")
    closed = make_user("gate", full_name="Phạm Văn Dũng")
    services.update_user(
        closed, email=closed.email, phone=None, full_name=closed.full_name, role="gate", active=False
    )
    services.db.session.commit()

    def names(query):
        return set(
            re.findall(
                r'/admin/users/\d+">([^<]+)</a>', client.get("/admin/users/" + query).get_data(as_text=True)
            )
        )

    assert names("?q=Bình") == {"Trần Văn Bình"}
    assert names("?q=SONGCONG") == {"Lê Thị Cúc"}
    assert names("?q=0987 654") == set()  # spaces are not in the stored number
    assert names("?q=098765") == {"Trần Văn Bình"}
    assert names("?q=%2B84987654321") == {"Trần Văn Bình"}
    assert names("?role=gate") == {"Lê Thị Cúc", "Phạm Văn Dũng"}
    assert names("?role=gate&active=0") == {"Phạm Văn Dũng"}
    assert names("?active=1") == {"Quản Trị Viên", "Trần Văn Bình", "Lê Thị Cúc"}
    assert "Vai trò không hợp lệ." in client.get("/admin/users/?role=root").get_data(as_text=True)

    monkeypatch.setattr(admin_views, "PER_PAGE", 2)
    first, second = names("?active=1"), names("?active=1&page=2")
    assert len(first) == 2 and len(second) == 1 and not first & second
    page = client.get("/admin/users/?active=1").get_data(as_text=True)
    assert "/admin/users/?page=2&amp;active=1" in page  # the filter stays on the next page


# ---------------------------------------------------------------- edit


def _edit_form(token, user, **overrides):
    data = {
        "csrf_token": token,
        "full_name": user.full_name,
        "email": user.email or "",
        "phone": user.phone or "",
        "role": user.role.value,
        "ward_codes": sorted(user.ward_codes),
        "active": "y" if user.active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v not in ("", None)}


def test_edit_role_and_wards_are_audited(client, auth, make_user, db):
    admin = auth.login("admin")
    user = make_user("organiser", ward_codes=["05528"])
    response = client.post(
        f"/admin/users/{user.id}", data=_edit_form(csrf(client), user, ward_codes=["05528", "05533"])
    )
    assert response.status_code == 302
    db.session.commit()
    assert user.ward_codes == {"05528", "05533"}
    [entry] = entries(db, "user.update")
    assert entry.actor_id == admin.id
    assert entry.details == {"changes": {"wards": [["05528"], ["05528", "05533"]]}}

    # Gate staff keep wards (they say which organisers manage their devices); other roles have none.
    client.post(f"/admin/users/{user.id}", data=_edit_form(csrf(client), user, role="gate"))
    db.session.commit()
    assert user.role == Role.GATE and user.ward_codes == {"05528", "05533"}
    assert entries(db, "user.update")[-1].details["changes"] == {"role": ["organiser", "gate"]}
    client.post(f"/admin/users/{user.id}", data=_edit_form(csrf(client), user, role="school"))
    db.session.commit()
    assert user.role == Role.SCHOOL and user.wards == []
    last = entries(db, "user.update")[-1]
    assert last.details["changes"] == {"role": ["gate", "school"], "wards": [["05528", "05533"], []]}


def test_edit_form_is_prefilled(client, auth, make_user):
    auth.login("admin")
    user = make_user("organiser", ward_codes=["05533"], phone="0912000111")
    html = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f'value="{user.email}"' in html
    assert 'value="0912000111"' in html
    assert re.search(r'<option selected value="05533">|<option value="05533" selected>', html)


def test_edit_duplicate_phone_keeps_old_values(client, auth, make_user, db):
    auth.login("admin")
    make_user("gate", phone="0912000111")
    user = make_user("gate")
    old_name = user.full_name
    response = client.post(
        f"/admin/users/{user.id}",
        data=_edit_form(csrf(client), user, phone="0912000111", full_name="Tên Mới"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Đã có tài khoản dùng thông tin này." in html
    assert 'value="Tên Mới"' in html
    db.session.commit()
    assert (user.phone, user.full_name) == (None, old_name)
    assert entries(db, "user.update") == []


def test_deactivate_ends_that_users_session(app, client, auth, make_user, db):
    auth.login("admin")
    user = make_user("gate")
    other = app.test_client()
    assert sign_in(other, user).status_code == 302
    assert other.get("/account/").status_code == 200

    response = client.post(f"/admin/users/{user.id}", data=_edit_form(csrf(client), user, active=""))
    assert response.status_code == 302
    db.session.commit()
    assert user.active is False

    refused = other.get("/account/")
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/login")
    assert sign_in(other, user).status_code == 200  # cannot sign in again either
    assert entries(db, "user.update")[-1].details["changes"]["active"] == [True, False]


def test_admin_cannot_deactivate_or_demote_self(client, auth, db):
    admin = auth.login("admin")
    for overrides, message in (
        ({"active": ""}, "Bạn không thể tự khoá tài khoản của mình."),
        ({"role": "organiser"}, "Bạn không thể bỏ vai trò quản trị của chính mình."),
    ):
        response = client.post(f"/admin/users/{admin.id}", data=_edit_form(csrf(client), admin, **overrides))
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    db.session.commit()
    assert (admin.role, admin.active) == (Role.ADMIN, True)
    assert entries(db, "user.update") == []
    assert client.get("/admin/users/").status_code == 200  # still signed in, still admin


def test_cannot_demote_self_in_the_service(make_user, db):
    admin = make_user("admin")
    with pytest.raises(services.CannotDemoteSelf) as raised:
        services.update_user(
            admin,
            email=admin.email,
            phone=None,
            full_name=admin.full_name,
            role="gate",
            active=False,
            by=admin,
        )
    assert raised.value.code == "cannot_demote_self"
    assert set(raised.value.fields) == {"role", "active"}
    other_admin = make_user("admin")
    services.update_user(
        admin, email=admin.email, phone=None, full_name=admin.full_name, role="gate", by=other_admin
    )
    assert admin.role == Role.GATE


def test_admin_may_edit_own_details(client, auth, db):
    admin = auth.login("admin")
    response = client.post(
        f"/admin/users/{admin.id}", data=_edit_form(csrf(client), admin, full_name="Tên Quản Trị Mới")
    )
    assert response.status_code == 302
    db.session.commit()
    assert admin.full_name == "Tên Quản Trị Mới"
    assert client.get("/admin/users/").status_code == 200


# ---------------------------------------------------------------- password reset


def test_reset_password_ends_sessions_and_new_password_works(app, client, auth, make_user, db):
    admin = auth.login("admin")
    user = make_user("organiser")
    other = app.test_client()
    sign_in(other, user)
    assert other.get("/account/").status_code == 200

    mismatch = client.post(
        f"/admin/users/{user.id}/password",
        data={"csrf_token": csrf(client), "password": "mat-khau-moi-2", "confirm": "khac-hoan-toan"},
    )
    assert "Hai lần nhập mật khẩu mới không khớp." in mismatch.get_data(as_text=True)
    assert other.get("/account/").status_code == 200

    response = client.post(
        f"/admin/users/{user.id}/password",
        data={"csrf_token": csrf(client), "password": "mat-khau-moi-2", "confirm": "mat-khau-moi-2"},
    )
    assert response.status_code == 302
    assert other.get("/account/").status_code == 302  # the old session is over
    assert sign_in(other, user).status_code == 200  # old password refused
    assert sign_in(other, user, "mat-khau-moi-2").status_code == 302
    assert other.get("/account/").status_code == 200
    [entry] = entries(db, "user.password_reset")
    assert (entry.actor_id, entry.object_id) == (admin.id, str(user.id))


def test_admin_resetting_own_password_stays_signed_in(client, auth):
    admin = auth.login("admin")
    response = client.post(
        f"/admin/users/{admin.id}/password",
        data={"csrf_token": csrf(client), "password": "mat-khau-moi-3", "confirm": "mat-khau-moi-3"},
    )
    assert response.status_code == 302
    assert client.get("/admin/users/").status_code == 200


# ---------------------------------------------------------------- API tokens

SECRET = re.compile(r"fa_[A-Za-z0-9_\-]{20,}")


def test_token_secret_is_shown_once_and_only_its_hash_is_kept(app, client, auth, make_user, db):
    admin = auth.login("admin")
    user = make_user("gate")
    response = client.post(
        f"/admin/users/{user.id}/tokens", data={"csrf_token": csrf(client), "name": "Máy quét cổng 1"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    [secret] = set(SECRET.findall(response.get_data(as_text=True)))

    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (token.name, token.prefix) and token.prefix == secret[:10]
    assert entries(db, "token.create")[0].actor_id == admin.id

    again = client.get(f"/admin/users/{user.id}/tokens").get_data(as_text=True)
    assert secret not in again and SECRET.search(again) is None
    assert "Máy quét cổng 1" in again and token.prefix in again

    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["id"] == user.id


def test_revoked_token_is_refused_by_the_api(app, client, auth, make_user, db):
    auth.login("admin")
    user = make_user("gate")
    token, secret = services.issue_token(user, "scanner")
    db.session.commit()
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/me", headers=bearer).status_code == 200

    response = client.post(
        f"/admin/users/{user.id}/tokens/{token.id}/revoke", data={"csrf_token": csrf(client)}
    )
    assert response.status_code == 302
    refused = api.get("/api/v1/me", headers=bearer)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"
    assert len(entries(db, "token.revoke")) == 1
    listing = client.get(f"/admin/users/{user.id}/tokens").get_data(as_text=True)
    assert f"/tokens/{token.id}/revoke" not in listing  # no revoke button on a revoked token


def test_revoke_needs_csrf_and_the_tokens_owner(client, auth, make_user, db):
    auth.login("admin")
    owner, stranger = make_user("gate"), make_user("gate")
    token, _secret = services.issue_token(owner, "scanner")
    db.session.commit()
    assert client.post(f"/admin/users/{owner.id}/tokens/{token.id}/revoke").status_code == 400
    wrong_user = client.post(
        f"/admin/users/{stranger.id}/tokens/{token.id}/revoke", data={"csrf_token": csrf(client)}
    )
    assert wrong_user.status_code == 404
    db.session.commit()
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_token_name_is_required(client, auth, make_user, db):
    auth.login("admin")
    user = make_user("gate")
    response = client.post(f"/admin/users/{user.id}/tokens", data={"csrf_token": csrf(client), "name": ""})
    assert "Vui lòng đặt tên cho mã truy cập." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
