"""Two-factor sign-in, the pages: the second step after the password (expiring, no replay, throttled),
recovery codes at sign-in, enrolment required of admins and organisers and optional for others, the
fresh sign-in asked before a permission change, the admin's and the command line's reset."""

import time
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth import two_factor
from fairapp.auth.models import User
from fairapp.auth.sign_in_state import SECOND_STEP, SIGNED_IN_AT
from fairapp.modelbase import utcnow
from tests.auth.test_admin_users import ContextPerRequestClient
from tests.conftest import PASSWORD, csrf_token_from

REQUIRED = ("admin", "organiser")


@pytest.fixture()
def client(app):
    app.test_client_class = ContextPerRequestClient
    return app.test_client()


def enrol(user, db) -> tuple[str, list[str]]:
    """Enrolled five minutes ago, so that the code of now has not been used yet."""
    past = utcnow() - timedelta(minutes=5)
    secret = two_factor.start_enrolment(user)
    codes = two_factor.confirm_enrolment(user, pyotp.TOTP(secret).at(past), now=past)
    db.session.commit()
    return secret, codes


def post_form(client, path, data, *, page=None):
    """Post the form of `page` (default: `path`), from that page, as a browser does."""
    page = page or path
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(
        path, data={**data, "csrf_token": token}, headers={"Referer": f"http://localhost{page}"}
    )


def password_step(client, user, next_path=None):
    path = "/login" + (f"?next={next_path}" if next_path else "")
    return post_form(client, path, {"login": user.email, "password": PASSWORD}, page="/login")


def code_step(client, code):
    return post_form(client, "/login/code", {"code": code})


def actions(db, action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


# ---------------------------------------------------------------- the second step


def test_sign_in_takes_the_password_then_the_code(client, make_user, db):
    user = make_user("employer")
    secret, _codes = enrol(user, db)
    response = password_step(client, user, next_path="/account/")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert not signed_in(client)  # not signed in between the two steps
    assert actions(db, "auth.password_accepted") and not actions(db, "auth.login")

    response = code_step(client, pyotp.TOTP(secret).now())
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert signed_in(client)
    login = actions(db, "auth.login")[-1]
    assert login.details["second_factor"] == "totp"
    assert db.session.get(User, user.id).last_login_at is not None


def test_a_code_cannot_be_used_twice(client, make_user, db, app):
    user = make_user("employer")
    secret, _codes = enrol(user, db)
    code = pyotp.TOTP(secret).now()
    password_step(client, user)
    assert code_step(client, code).status_code == 302

    other = app.test_client()
    password_step(other, user)
    response = code_step(other, code)
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.get_data(as_text=True)
    assert not signed_in(other)
    assert actions(db, "auth.two_factor_failed")[-1].details == {"purpose": "sign_in"}


def test_a_recovery_code_signs_in_once(client, make_user, db, app):
    user = make_user("organiser")
    _secret, codes = enrol(user, db)
    password_step(client, user)
    response = code_step(client, codes[0])
    assert response.status_code == 302
    assert "còn 9 mã" in client.get("/account/").get_data(as_text=True)
    assert actions(db, "auth.login")[-1].details["second_factor"] == "recovery_code"
    assert actions(db, "two_factor.recovery_code_used")

    other = app.test_client()
    password_step(other, user)
    assert code_step(other, codes[0]).status_code == 200
    assert not signed_in(other)


def test_the_second_step_expires(client, make_user, db):
    user = make_user("employer")
    secret, _codes = enrol(user, db)
    password_step(client, user)
    token = csrf_token_from(client.get("/login/code").get_data(as_text=True))
    with client.session_transaction() as session:
        session[SECOND_STEP] = {**session[SECOND_STEP], "at": int(time.time()) - 6 * 60}
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not signed_in(client)
    assert client.get("/login/code").headers["Location"] == "/login"


def test_the_second_step_ends_when_the_password_changes(client, make_user, db):
    from fairapp.auth import services

    user = make_user("employer")
    secret, _codes = enrol(user, db)
    password_step(client, user)
    token = csrf_token_from(client.get("/login/code").get_data(as_text=True))
    services.set_password(db.session.get(User, user.id), "another-password-2")
    db.session.commit()
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_wrong_codes_are_throttled_like_wrong_passwords(client, make_user, db, app):
    app.config["LOGIN_ACCOUNT_THROTTLE"] = {
        "free_failures": 3,
        "first_delay": 60,
        "max_delay": 600,
        "window": 3600,
    }
    user = make_user("employer")
    secret, _codes = enrol(user, db)
    password_step(client, user)
    wrong = pyotp.TOTP(secret).at(utcnow() + timedelta(minutes=10))
    for _ in range(3):
        assert code_step(client, wrong).status_code == 200
    response = code_step(client, pyotp.TOTP(secret).now())  # even the right code waits now
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert not signed_in(client)
    assert len(actions(db, "auth.two_factor_failed")) == 3
    assert actions(db, "auth.login_throttled")


# ---------------------------------------------------------------- required or optional


def test_an_organiser_must_enrol_before_anything_else(client, make_user, db, app):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = REQUIRED
    user = make_user("organiser")
    assert password_step(client, user).status_code == 302
    for path in ("/", "/account/", "/admin/users/", "/manage/households"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor/", path
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "two_factor_required"

    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and 'data-testid="two-factor-required"' in page.get_data(as_text=True)
    assert post_form(client, "/account/two-factor/start", {}, page="/account/two-factor/").status_code == 302
    page = client.get("/account/two-factor/").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page and 'data-testid="two-factor-secret"' in page
    secret = two_factor.pending_secret(db.session.get(User, user.id))
    assert two_factor.grouped(secret) in page
    assert page.count("no-store") == 0  # the header, not the page, says it
    assert client.get("/account/two-factor/").headers["Cache-Control"] == "no-store"

    wrong = post_form(client, "/account/two-factor/", {"code": "12345x"})
    assert wrong.status_code == 422 and client.get("/").status_code == 302
    done = post_form(client, "/account/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert done.get_data(as_text=True).count("<code>") == 10
    assert client.get("/").status_code == 200
    assert client.get("/account/two-factor/").get_data(as_text=True).find(two_factor.grouped(secret)) == -1
    assert actions(db, "two_factor.enable")


def test_signing_out_is_open_before_enrolment(client, make_user, app):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = REQUIRED
    password_step(client, make_user("admin"))
    response = post_form(client, "/logout", {}, page="/account/two-factor/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_an_employer_may_go_without(client, make_user, db, app):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = REQUIRED
    user = make_user("employer")
    password_step(client, user)
    assert client.get("/").status_code == 200 and signed_in(client)
    assert actions(db, "auth.login")[-1].details == {"known_address": False}


def test_an_enrolled_employer_switches_it_off(client, make_user, db, app):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = REQUIRED
    user = make_user("employer")
    secret, _codes = enrol(user, db)
    password_step(client, user)
    code_step(client, pyotp.TOTP(secret).now())
    page = client.get("/account/two-factor/").get_data(as_text=True)
    assert "Mã khôi phục chưa dùng: 10." in page
    response = post_form(client, "/account/two-factor/disable", {}, page="/account/two-factor/")
    assert response.status_code == 302
    assert not two_factor.is_enabled(db.session.get(User, user.id))


def test_an_admin_cannot_switch_it_off_where_required(client, make_user, db, app):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = REQUIRED
    user = make_user("admin")
    secret, _codes = enrol(user, db)
    password_step(client, user)
    code_step(client, pyotp.TOTP(secret).now())
    assert "two_factor.disable" not in client.get("/account/two-factor/").get_data(as_text=True)
    post_form(client, "/account/two-factor/disable", {}, page="/account/two-factor/")
    assert two_factor.is_enabled(db.session.get(User, user.id))


def test_new_recovery_codes_after_a_fresh_sign_in(client, make_user, db):
    user = make_user("employer")
    secret, old = enrol(user, db)
    password_step(client, user)
    code_step(client, pyotp.TOTP(secret).now())
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = int(time.time()) - 11 * 60
    response = post_form(client, "/account/two-factor/recovery-codes", {}, page="/account/two-factor/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/confirm?next=/account/two-factor/"
    confirmed = post_form(
        client, "/confirm?next=/account/two-factor/", {"password": PASSWORD, "code": old[0]}
    )
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/account/two-factor/"
    response = post_form(client, "/account/two-factor/recovery-codes", {}, page="/account/two-factor/")
    assert response.status_code == 200 and response.get_data(as_text=True).count("<code>") == 10
    assert actions(db, "two_factor.recovery_codes_regenerated")
    assert actions(db, "auth.reauthenticated")[-1].details == {"second_factor": "recovery_code"}


# ---------------------------------------------------------------- fresh sign-in before permission changes


def make_stale(client):
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = int(time.time()) - 11 * 60


def test_a_permission_change_asks_to_confirm_first(client, make_user, db):
    admin = make_user("admin")
    target = make_user("organiser")
    password_step(client, admin)
    edit = f"/admin/users/{target.id}"
    token = csrf_token_from(client.get(edit).get_data(as_text=True))
    make_stale(client)
    response = client.post(
        edit,
        data={"csrf_token": token, "full_name": target.full_name, "email": target.email, "role": "admin"},
        headers={"Referer": f"http://localhost{edit}"},
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/confirm?next={edit}"
    assert db.session.get(User, target.id).role.value == "organiser"  # nothing replayed, nothing changed
    assert client.get(edit).headers["Location"] == f"/confirm?next={edit}"

    page = client.get(f"/confirm?next={edit}").get_data(as_text=True)
    assert 'name="code"' not in page  # not enrolled: the password alone
    wrong = post_form(client, f"/confirm?next={edit}", {"password": "not-it-at-all"})
    assert wrong.status_code == 200 and "Mật khẩu không đúng." in wrong.get_data(as_text=True)
    assert actions(db, "auth.login_failed")
    right = post_form(client, f"/confirm?next={edit}", {"password": PASSWORD})
    assert right.status_code == 302 and right.headers["Location"] == edit
    assert client.get(edit).status_code == 200
    assert actions(db, "auth.reauthenticated")


def test_confirming_asks_for_the_code_when_enrolled(client, make_user, db):
    admin = make_user("admin")
    secret, _codes = enrol(admin, db)
    password_step(client, admin)
    code = pyotp.TOTP(secret).now()
    code_step(client, code)
    make_stale(client)
    assert client.get("/admin/users/new").headers["Location"] == "/confirm?next=/admin/users/new"
    without = post_form(client, "/confirm?next=/admin/users/new", {"password": PASSWORD})
    assert without.status_code == 200 and client.get("/admin/users/new").status_code == 302
    replayed = post_form(client, "/confirm?next=/admin/users/new", {"password": PASSWORD, "code": code})
    assert replayed.status_code == 200 and client.get("/admin/users/new").status_code == 302
    assert actions(db, "auth.two_factor_failed")[-1].details == {"purpose": "confirm"}


def test_next_after_confirming_stays_on_this_site(client, make_user):
    password_step(client, make_user("admin"))
    response = post_form(client, "/confirm?next=//evil.example/x", {"password": PASSWORD})
    assert response.headers["Location"] == "/"


# ---------------------------------------------------------------- resets


def test_an_admin_resets_another_accounts_two_factor(client, make_user, db):
    admin, organiser = make_user("admin"), make_user("organiser")
    enrol(organiser, db)
    password_step(client, admin)
    page = client.get(f"/admin/users/{organiser.id}").get_data(as_text=True)
    assert 'data-testid="two-factor-admin"' in page
    response = post_form(
        client, f"/admin/users/{organiser.id}/two-factor/reset", {}, page=f"/admin/users/{organiser.id}"
    )
    assert response.status_code == 302
    assert not two_factor.is_enabled(db.session.get(User, organiser.id))
    assert actions(db, "two_factor.reset")[-1].actor_id == admin.id


def test_the_command_line_resets_a_lost_phone(runner, make_user, db):
    user = make_user("admin")
    enrol(user, db)
    result = runner.invoke(args=["users", "reset-2fa", user.email])
    assert result.exit_code == 0 and "two-factor sign-in reset for" in result.output
    db.session.commit()
    assert not two_factor.is_enabled(db.session.get(User, user.id))
    assert actions(db, "two_factor.reset")[-1].actor_label == "system"
    assert runner.invoke(args=["users", "reset-2fa", "nobody@example.vn"]).exit_code == 1


# The views that export personal data or change permissions, each behind a fresh sign-in
FRESH_ENDPOINTS = {
    "registrations.export",  # a fair's registrations, .xlsx/.csv
    "registrations.download_badges",  # badge sheets: names and tickets
    "interviews.candidates_export",  # an employer's or school's candidates
    "interviews.fair_records_export",  # a fair's booth records
    "outreach.labour_export",  # labour information, Mẫu 01 (citizen IDs)
    "users.new",
    "users.edit",
    "users.reset_password",
    "users.tokens",
    "users.revoke_token",
    "users.reset_two_factor",
    "two_factor.start",
    "two_factor.regenerate",
    "two_factor.disable",
}


def test_exports_and_permission_changes_need_a_fresh_sign_in(app):
    from fairapp.auth.sign_in_state import FRESH_ATTRIBUTE

    marked = {name for name, view in app.view_functions.items() if getattr(view, FRESH_ATTRIBUTE, False)}
    assert marked == FRESH_ENDPOINTS
