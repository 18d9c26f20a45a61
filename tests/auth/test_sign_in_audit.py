"""The audit of signing in keeps the account when one matched and never what was typed: not the
login as typed, not a login that matches no account, not the password."""

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth.services import UNKNOWN_LOGIN
from tests.auth.test_admin_users import entries
from tests.conftest import PASSWORD


def _everything_audited(db) -> str:
    db.session.expire_all()
    return repr([tuple(row) for row in db.session.execute(sa.select(AuditEntry.__table__))])


def test_a_failure_on_an_account_keeps_the_account_not_the_typed_text(db, make_user, sign_in):
    user = make_user("organiser", email="lan.nguyen@example.vn", phone="0912345678")
    typed = ["  LAN.Nguyen@Example.VN ", "+84 912-345-678"]
    for login in typed:
        assert sign_in(login, "typed-secret-1", ip="198.51.100.20").status_code == 200

    failures = entries(db, "auth.login_failed")
    assert [(f.actor_id, f.object_type, f.object_id, f.actor_label, f.details) for f in failures] == [
        (user.id, "users", str(user.id), user.email, {"reason": "password"})
    ] * 2
    audited = _everything_audited(db)
    for text in [*typed, "LAN.Nguyen", "912-345-678", "typed-secret-1"]:
        assert text not in audited


def test_a_failure_with_an_unknown_login_stores_nothing_typed(db, sign_in):
    for login in ("ai.do.khong.co@example.vn", "0987 000 111", "Nguyễn Văn A"):
        assert sign_in(login, "typed-secret-2", ip="198.51.100.21").status_code == 200

    failures = entries(db, "auth.login_failed")
    assert [(f.actor_id, f.object_type, f.object_id, f.actor_label, f.details) for f in failures] == [
        (None, None, None, UNKNOWN_LOGIN, {"reason": "unknown"})
    ] * 3
    audited = _everything_audited(db)
    for text in ("ai.do.khong.co", "0987", "987000111", "Nguyễn", "typed-secret-2"):
        assert text not in audited


def test_the_start_of_a_wait_is_audited_with_the_account_and_nothing_typed(db, make_user, sign_in):
    user = make_user("admin")
    for _ in range(5):
        sign_in(user.email.upper(), "typed-secret-3", ip="198.51.100.22")
        sign_in("ghost.login@example.vn", "typed-secret-3", ip="198.51.100.23")
    assert sign_in(user.email, PASSWORD, ip="198.51.100.24").status_code == 429

    throttled = entries(db, "auth.login_throttled")
    assert [(e.actor_id, e.object_id, e.actor_label, e.details) for e in throttled] == [
        (user.id, str(user.id), user.email, {"scope": "account", "failures": 5, "wait_seconds": 15}),
        (None, None, UNKNOWN_LOGIN, {"scope": "account", "failures": 5, "wait_seconds": 15}),
    ]
    assert entries(db, "auth.login") == []  # the refused right password left no sign-in
    audited = _everything_audited(db)
    assert "ghost" not in audited and user.email.upper() not in audited and "typed-secret" not in audited


def test_a_sign_in_records_whether_the_address_was_known(db, make_user, sign_in):
    user = make_user("gate")
    sign_in(user.email, PASSWORD, ip="198.51.100.30")
    sign_in(user.email, PASSWORD, ip="198.51.100.30")
    sign_in(user.email, PASSWORD, ip="198.51.100.31")
    assert [(e.actor_id, e.ip, e.details) for e in entries(db, "auth.login")] == [
        (user.id, "198.51.100.30", {"known_address": False}),
        (user.id, "198.51.100.30", {"known_address": True}),
        (user.id, "198.51.100.31", {"known_address": False}),
    ]
