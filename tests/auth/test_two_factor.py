"""Two-factor sign-in, the services: enrolment, codes within one step of a pinned time, no replay,
recovery codes (hashed, single use, even when sent twice at once), switching off and resetting."""

import os
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth import secret_box, two_factor
from fairapp.auth.models import RecoveryCode, TwoFactor, User

NOW = datetime(2026, 12, 7, 8, 0, 15, tzinfo=UTC)
STEP = timedelta(seconds=30)


def actions(db, user=None) -> list[str]:
    query = sa.select(AuditEntry.action).order_by(AuditEntry.id)
    if user is not None:
        query = query.where(AuditEntry.object_type == "users", AuditEntry.object_id == str(user.id))
    return list(db.session.scalars(query))


def enrol(user, db, *, at=NOW) -> tuple[str, list[str]]:
    """Enrol `user` with a code of time `at`; returns the secret and the recovery codes."""
    secret = two_factor.start_enrolment(user)
    codes = two_factor.confirm_enrolment(user, pyotp.TOTP(secret).at(at), now=at)
    db.session.commit()
    return secret, codes


def test_enrolment_shows_a_secret_once_and_confirms_with_a_code(make_user, db):
    user = make_user("organiser")
    secret = two_factor.start_enrolment(user)
    db.session.commit()
    assert len(secret) == 32 and two_factor.pending_secret(user) == secret
    assert not two_factor.is_enabled(user)
    uri = two_factor.provisioning_uri(user, secret)
    assert uri.startswith("otpauth://totp/fairapp:") and user.email.replace("@", "%40") in uri
    assert "issuer=fairapp" in uri and f"secret={secret}" in uri
    assert two_factor.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"

    with pytest.raises(two_factor.InvalidCode):
        two_factor.confirm_enrolment(user, pyotp.TOTP(secret).at(NOW + 10 * STEP), now=NOW)
    codes = two_factor.confirm_enrolment(user, pyotp.TOTP(secret).at(NOW), now=NOW)
    db.session.commit()

    assert two_factor.is_enabled(user) and two_factor.pending_secret(user) is None
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    row = db.session.get(TwoFactor, user.id)
    assert secret not in row.secret_encrypted and secret_box.decrypt(row.secret_encrypted) == secret
    stored = set(db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes}
    assert actions(db, user)[-3:] == [
        "two_factor.enrolment_started",
        "two_factor.enrolment_failed",
        "two_factor.enable",
    ]
    with pytest.raises(two_factor.AlreadyEnabled):
        two_factor.start_enrolment(user)


def test_starting_again_replaces_an_unconfirmed_secret(make_user, db):
    user = make_user("employer")
    first = two_factor.start_enrolment(user)
    second = two_factor.start_enrolment(user)
    db.session.commit()
    assert first != second and two_factor.pending_secret(user) == second
    with pytest.raises(two_factor.InvalidCode):
        two_factor.confirm_enrolment(user, pyotp.TOTP(first).at(NOW), now=NOW)


def test_confirming_without_starting_is_refused(make_user):
    with pytest.raises(two_factor.NotEnrolling):
        two_factor.confirm_enrolment(make_user("employer"), "123456", now=NOW)


def test_a_code_is_accepted_one_step_either_side_and_never_twice(make_user, db):
    user = make_user("admin")
    secret, _codes = enrol(user, db, at=NOW - 10 * STEP)
    totp = pyotp.TOTP(secret)
    assert two_factor.verify(user, totp.at(NOW - 2 * STEP), now=NOW) is None  # too old
    assert two_factor.verify(user, totp.at(NOW + 2 * STEP), now=NOW) is None  # too early
    assert two_factor.verify(user, totp.at(NOW - STEP), now=NOW) == "totp"
    assert two_factor.verify(user, totp.at(NOW - STEP), now=NOW) is None  # replayed
    assert two_factor.verify(user, " " + totp.at(NOW)[:3] + " " + totp.at(NOW)[3:], now=NOW) == "totp"
    assert two_factor.verify(user, totp.at(NOW - STEP), now=NOW + STEP) is None  # older than the last
    assert two_factor.verify(user, totp.at(NOW + STEP), now=NOW) == "totp"
    assert two_factor.verify(user, totp.at(NOW + STEP), now=NOW + STEP) is None  # the same step later
    db.session.commit()
    assert db.session.get(TwoFactor, user.id).last_step == totp.timecode(NOW + STEP)


def test_no_code_works_for_an_account_not_enrolled(make_user, db):
    user = make_user("admin")
    secret = two_factor.start_enrolment(user)  # started, not confirmed
    assert two_factor.verify(user, pyotp.TOTP(secret).at(NOW), now=NOW) is None
    assert two_factor.verify(user, "abcde-fghjk", now=NOW) is None


def test_recovery_codes_work_once_each_and_new_ones_replace_them(make_user, db):
    user = make_user("organiser")
    _secret, codes = enrol(user, db)
    assert two_factor.recovery_codes_left(user) == 10
    assert two_factor.verify(user, codes[0].upper().replace("-", " "), now=NOW) == "recovery_code"
    assert two_factor.verify(user, codes[0], now=NOW) is None
    assert two_factor.verify(user, "zzzzz-zzzzz", now=NOW) is None
    db.session.commit()
    assert two_factor.recovery_codes_left(user) == 9
    used = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "two_factor.recovery_code_used")
    ).one()
    assert used.details == {"left": 9}

    fresh = two_factor.regenerate_recovery_codes(user)
    db.session.commit()
    assert set(fresh).isdisjoint(codes) and two_factor.recovery_codes_left(user) == 10
    assert two_factor.verify(user, codes[1], now=NOW) is None
    assert two_factor.verify(user, fresh[1], now=NOW) == "recovery_code"
    assert "two_factor.recovery_codes_regenerated" in actions(db, user)


def test_regenerating_needs_two_factor_on(make_user):
    with pytest.raises(two_factor.NotEnabled):
        two_factor.regenerate_recovery_codes(make_user("employer"))


def _race(app, user_id: int, code: str, now=None) -> list:
    """Two requests at once, each in its own context and database session, with the same code."""
    barrier, results = threading.Barrier(2), []

    def attempt():
        with app.app_context():
            from fairapp.extensions import db

            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                result = two_factor.verify(user, code, now=now or NOW)
                db.session.commit()
            except sa.exc.OperationalError as error:  # SQLite: the loser may find it locked; same outcome
                db.session.rollback()
                result = f"error: {error.orig}"
            results.append(result)
            db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_one_recovery_code_sent_twice_at_once_works_once(app, make_user, db):
    user = make_user("admin")
    _secret, codes = enrol(user, db)
    results = _race(app, user.id, codes[3])
    assert results.count("recovery_code") == 1, results
    db.session.commit()  # a new snapshot: what the racers wrote
    assert two_factor.recovery_codes_left(user) == 9


def test_one_authenticator_code_sent_twice_at_once_works_once(app, make_user, db):
    user = make_user("admin")
    secret, _codes = enrol(user, db, at=NOW - 10 * STEP)
    results = _race(app, user.id, pyotp.TOTP(secret).at(NOW))
    assert results.count("totp") == 1, results


def test_switching_off_oneself_only_where_the_role_allows(app, make_user, db):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ("admin", "organiser")
    organiser, employer = make_user("organiser"), make_user("employer")
    enrol(organiser, db)
    enrol(employer, db)
    with pytest.raises(two_factor.RequiredForRole):
        two_factor.disable(organiser, by=organiser)
    version = employer.session_version
    assert two_factor.disable(employer, by=employer) is True
    db.session.commit()
    assert not two_factor.is_enabled(employer) and two_factor.recovery_codes_left(employer) == 0
    assert employer.session_version == version  # switching it off oneself keeps one's sessions
    assert actions(db, employer)[-1] == "two_factor.disable"
    with pytest.raises(two_factor.NotEnabled):
        two_factor.disable(employer, by=employer)


def test_a_reset_by_an_admin_ends_the_sessions_and_is_audited(make_user, db):
    admin, organiser = make_user("admin"), make_user("organiser")
    enrol(organiser, db)
    version = organiser.session_version
    assert two_factor.disable(organiser, by=admin, reason="admin") is True
    db.session.commit()
    assert not two_factor.is_enabled(organiser) and organiser.session_version == version + 1
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "two_factor.reset")).one()
    assert entry.actor_id == admin.id and entry.details == {"had_two_factor": True, "reason": "admin"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0


def test_the_key_file_is_owner_only_and_a_configured_key_wins(app):
    secret_box.encrypt("x")
    path = Path(app.instance_path) / secret_box.KEY_FILENAME
    assert path.is_file() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    token = secret_box.encrypt("JBSWY3DPEHPK3PXP")
    assert secret_box.decrypt(token) == "JBSWY3DPEHPK3PXP"

    from cryptography.fernet import Fernet

    other = Fernet.generate_key().decode()
    app.extensions.pop("two_factor_keys"), app.extensions.pop("two_factor_box")
    app.config["TWO_FACTOR_KEY"] = other
    assert secret_box.decrypt(token) is None  # another key: nothing to read, no crash
    app.extensions.pop("two_factor_keys"), app.extensions.pop("two_factor_box")
    app.config["TWO_FACTOR_KEY"] = f"{other},{path.read_text().strip()}"  # a rotation: the old still opens
    assert secret_box.decrypt(token) == "JBSWY3DPEHPK3PXP"
    assert secret_box.decrypt(secret_box.encrypt("new")) == "new"


def test_the_required_roles_come_from_the_environment(monkeypatch):
    from fairapp import create_app
    from fairapp.config import ConfigError

    base = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    monkeypatch.delenv("FAIRAPP_REQUIRE_TWO_FACTOR_ROLES", raising=False)
    assert create_app(base).config["TWO_FACTOR_REQUIRED_ROLES"] == ("admin", "organiser")
    monkeypatch.setenv("FAIRAPP_REQUIRE_TWO_FACTOR_ROLES", "")
    assert create_app(base).config["TWO_FACTOR_REQUIRED_ROLES"] == ()
    monkeypatch.setenv("FAIRAPP_REQUIRE_TWO_FACTOR_ROLES", "Admin, gate")
    assert create_app(base).config["TWO_FACTOR_REQUIRED_ROLES"] == ("admin", "gate")
    monkeypatch.setenv("FAIRAPP_REQUIRE_TWO_FACTOR_ROLES", "boss")
    with pytest.raises(ConfigError, match="unknown role boss"):
        create_app(base)
