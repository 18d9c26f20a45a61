"""Sign-in limits through the form: only failures count, per account and per address, with a wait that
grows; a known address still lets the right password in; a refusal says how long to wait and never
whether the account exists; the counts live in the database, shared by every process."""

import multiprocessing
import os
import re
from pathlib import Path

import sqlalchemy as sa

from fairapp import create_app
from fairapp.audit.models import AuditEntry
from fairapp.auth.models import SignInThrottle
from tests.auth.conftest import SignIn
from tests.conftest import PASSWORD, _config

WRONG = "Email/số điện thoại hoặc mật khẩu không đúng."
WAIT = re.compile(
    r"Có quá nhiều lần đăng nhập không thành công\. "
    r"Vui lòng chờ (\d+) (giây|phút) rồi thử lại\."
)


def _logins(db, user) -> int:
    db.session.expire_all()
    return len(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "auth.login", AuditEntry.actor_id == user.id)
        ).all()
    )


def _refusal(response) -> str:
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    match = WAIT.search(response.get_data(as_text=True))
    assert match, "the refusal does not say how long to wait"
    return match.group(0)


def test_the_defaults(app):
    assert app.config["LOGIN_ACCOUNT_THROTTLE"] == {
        "free_failures": 5,
        "first_delay": 15,
        "max_delay": 900,
        "window": 86400,
    }
    assert app.config["LOGIN_ADDRESS_THROTTLE"] == {
        "free_failures": 30,
        "first_delay": 2,
        "max_delay": 120,
        "window": 3600,
    }
    assert app.config["LOGIN_KNOWN_ADDRESS_DAYS"] == 30


def test_forty_successful_sign_ins_from_one_address_all_succeed(db, make_user, sign_in):
    """A commune hall: twenty officers behind one Wi-Fi address, each signing in twice."""
    users = [make_user("gate") for _ in range(20)]
    statuses = [sign_in(user.email, PASSWORD, ip="203.0.113.5").status_code for user in users * 2]
    assert statuses == [302] * 40
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInThrottle)) == 0


def test_after_five_failures_the_account_waits_from_any_new_address(db, make_user, sign_in):
    user = make_user("organiser")
    for attempt in range(5):
        response = sign_in(user.email, "wrong-password", ip=f"198.51.100.{attempt + 1}")
        assert response.status_code == 200 and WRONG in response.get_data(as_text=True)

    refused = sign_in(user.email, "wrong-password", ip="198.51.100.50")
    assert _refusal(refused) == (
        "Có quá nhiều lần đăng nhập không thành công. Vui lòng chờ 15 giây rồi thử lại."
    )
    assert 14 <= int(refused.headers["Retry-After"]) <= 15
    # The right password is refused too (unchecked), and nothing is signed in.
    assert sign_in(user.email, PASSWORD, ip="198.51.100.51").status_code == 429
    assert sign_in(user.email.upper(), PASSWORD, ip="198.51.100.52").status_code == 429
    assert _logins(db, user) == 0


def test_a_refusal_reads_the_same_for_an_account_that_does_not_exist(make_user, sign_in):
    user = make_user("organiser")
    for _ in range(5):
        for login in (user.email, "nobody-here@example.vn"):
            assert sign_in(login, "wrong-password", ip="198.51.100.9").status_code == 200
    existing = sign_in(user.email, "wrong-password", ip="198.51.100.10")
    missing = sign_in("nobody-here@example.vn", "wrong-password", ip="198.51.100.10")
    # The same words; the seconds differ only by the time between the two attempts.
    assert re.sub(r"\d+", "N", _refusal(existing)) == re.sub(r"\d+", "N", _refusal(missing))
    assert 13 <= int(existing.headers["Retry-After"]) <= int(missing.headers["Retry-After"]) <= 15


def test_the_wait_leaves_other_accounts_alone(db, make_user, sign_in):
    target, other = make_user("organiser"), make_user("organiser")
    for _ in range(6):
        sign_in(target.email, "wrong-password")
    assert sign_in(target.email, PASSWORD).status_code == 429
    assert sign_in(other.email, PASSWORD).status_code == 302
    assert _logins(db, other) == 1


def test_phone_logins_count_as_one_account_whatever_the_spelling(make_user, sign_in):
    user = make_user("gate", email=None, phone="0912345678")
    statuses = [
        sign_in(spelling, "wrong-password").status_code
        for spelling in ["0912345678", "0912 345 678", "+84912345678", "091.234.5678", "84912345678"]
    ]
    assert statuses == [200] * 5
    assert sign_in("+84 912 345 678", PASSWORD).status_code == 429
    assert sign_in(user.phone, PASSWORD).status_code == 429


def test_many_accounts_failing_from_one_address_make_that_address_wait(app_with, db, make_user):
    served = app_with(
        LOGIN_ADDRESS_THROTTLE={"free_failures": 4, "first_delay": 30, "max_delay": 120, "window": 3600}
    )
    sign_in = SignIn(served)
    regular = make_user("employer")
    assert sign_in(regular.email, PASSWORD, ip="203.0.113.9").status_code == 302  # a known address
    users = [make_user("employer") for _ in range(5)]
    for user in users[:4]:
        assert sign_in(user.email, "wrong-password", ip="203.0.113.9").status_code == 200
    assert "30 giây" in _refusal(sign_in(users[4].email, PASSWORD, ip="203.0.113.9"))
    assert _logins(db, users[4]) == 0
    # Another address is not affected, and an account that signed in here before still gets in.
    assert sign_in(users[4].email, PASSWORD, ip="203.0.113.10").status_code == 302
    assert sign_in(regular.email, PASSWORD, ip="203.0.113.9").status_code == 302


def test_a_waiting_account_lets_the_right_password_in_from_its_known_address_only(db, make_user, sign_in):
    user = make_user("organiser")
    assert sign_in(user.email, PASSWORD, ip="198.51.100.7").status_code == 302
    for attempt in range(8):
        sign_in(user.email, f"guess-{attempt}", ip=f"192.0.2.{attempt + 10}")

    assert sign_in(user.email, PASSWORD, ip="192.0.2.99").status_code == 429  # a new address
    assert sign_in(user.email, PASSWORD, ip="198.51.100.7").status_code == 302  # the known one
    assert _logins(db, user) == 2


def test_an_admin_is_not_locked_out_of_its_known_address_by_failures_elsewhere(db, make_user, sign_in):
    admin = make_user("admin")
    assert sign_in(admin.email, PASSWORD, ip="2001:db8:5::20").status_code == 302
    for attempt in range(12):
        sign_in(admin.email, "hunter22-guess", ip=f"198.51.100.{attempt + 100}")
        sign_in(admin.email, "hunter22-guess", ip=f"2001:db8:{attempt + 6}::1")
    assert sign_in(admin.email, PASSWORD, ip="198.51.100.250").status_code == 429
    # The same /64 (a phone's IPv6 address changes within its network) is the same known address.
    assert sign_in(admin.email, PASSWORD, ip="2001:db8:5::7").status_code == 302


def _fail_sign_ins_in_another_process(database_url: str, instance_path: str, login: str) -> list[int]:
    """As another gunicorn worker (or another app server): its own app on the same database."""
    os.environ["FAIRAPP_INSTANCE_PATH"] = instance_path
    app = create_app(_config(database_url, Path(instance_path)))
    with app.app_context():
        return [SignIn(app)(login, "wrong-password", ip=f"192.0.2.{n + 1}").status_code for n in range(5)]


def test_the_counts_are_shared_by_every_process(db, make_user, sign_in, _schema, instance_path):
    user = make_user("organiser")
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        statuses = pool.apply(_fail_sign_ins_in_another_process, (_schema, str(instance_path), user.email))
    assert statuses == [200] * 5
    assert sign_in(user.email, PASSWORD, ip="192.0.2.200").status_code == 429


def test_the_command_line_lifts_an_accounts_wait(db, make_user, sign_in, runner):
    user = make_user("admin", phone="0912345678")
    for _ in range(6):
        sign_in(user.email, "wrong-password", ip="198.51.100.60")
    assert sign_in(user.email, PASSWORD, ip="198.51.100.61").status_code == 429

    result = runner.invoke(args=["users", "unlock", "0912 345 678"])
    assert result.exit_code == 0, result.output
    assert result.output == f"unlocked {user.email} (failure counts dropped: 1)\n"
    assert sign_in(user.email, PASSWORD, ip="198.51.100.61").status_code == 302
    assert runner.invoke(args=["users", "unlock", "nobody@example.vn"]).exit_code == 1
