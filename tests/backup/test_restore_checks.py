"""What a restore checks before it changes anything — the passphrase, the archive's integrity, the
revision, a target holding data — and what a backup refuses. Each refusal exits non-zero with one clear
line and leaves the target as it was."""

import json
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from fairapp.auth import services as auth_services
from fairapp.backup import archive, crypto, postgres_dump
from fairapp.extensions import db
from fairapp.tickets import signing
from tests.backup.conftest import PASSPHRASE

pytestmark = pytest.mark.usefixtures("cheap_kdf")


@pytest.fixture()
def source(app, make_app, tmp_path, monkeypatch):
    """An application on the test database with an instance folder of its own: a settings file, a
    generated secret key and a ticket signing key; one account in the database."""
    monkeypatch.delenv("FAIRAPP_BACKUP_PASSPHRASE", raising=False)
    folder = tmp_path / "source-instance"
    folder.mkdir()
    (folder / "config.py").write_text('REPORT_PLACE = "Sông Công"\n', encoding="utf-8")
    source = make_app(folder, app.config["SQLALCHEMY_DATABASE_URI"])
    with source.app_context():
        auth_services.create_user(
            email="admin@example.vn", full_name="Quản trị", role="admin", password="x" * 12
        )
        signing.signing_key()  # the key file, as the first ticket makes it
        db.session.commit()
        db.session.remove()
    return source


def run(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=[str(arg) for arg in args])


@pytest.fixture()
def backed_up(source, tmp_path, passphrase_file) -> Path:
    result = run(source, "backup", tmp_path / "nightly.tar", "--passphrase-file", passphrase_file)
    assert result.exit_code == 0, result.output
    return tmp_path / "nightly.tar"


@pytest.fixture()
def target(make_app, fresh_database, tmp_path):
    return make_app(tmp_path / "target-instance", fresh_database())


def untouched(target, tmp_path) -> bool:
    """The target has none of the archive's files and its database no table."""
    folder = tmp_path / "target-instance"
    if (folder / "config.py").exists() or (folder / "ticket_signing_key.pem").exists():
        return False
    with target.app_context():
        with db.engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
        db.engine.dispose()
    return tables == []


def test_a_restore_brings_back_the_database_and_the_keys(backed_up, target, tmp_path, passphrase_file):
    result = run(target, "restore", backed_up, "--passphrase-file", passphrase_file)
    assert result.exit_code == 0, result.output
    assert "instance files written: config.py, secret_key, ticket_signing_key.pem" in result.output
    for name in ("config.py", "secret_key", "ticket_signing_key.pem"):
        restored = tmp_path / "target-instance" / name
        assert restored.read_bytes() == (tmp_path / "source-instance" / name).read_bytes()
        assert restored.stat().st_mode & 0o777 == 0o600
    # The target's own generated secret key was kept aside, not lost
    assert len(list((tmp_path / "target-instance").glob("secret_key.before-restore-*"))) == 1
    with target.app_context():
        assert db.session.scalar(sa.text("SELECT email FROM users")) == "admin@example.vn"
        db.session.remove()


def test_the_manifest_says_what_is_inside(backed_up, source):
    with tarfile.open(backed_up) as tar:
        assert tar.getnames() == ["manifest.json", "manifest.hmac", "database.enc", "instance.enc"]
        manifest = json.loads(tar.extractfile("manifest.json").read())
        database = tar.extractfile("database.enc").read()
    assert manifest["application"] == "fairapp" and manifest["format"] == 1
    with source.app_context():
        kind = db.engine.dialect.name
        heads = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        users = db.session.scalar(sa.text("SELECT count(*) FROM users"))
        db.session.remove()
    assert manifest["database"]["kind"] == kind
    assert manifest["database"]["revision"] == heads
    assert manifest["database"]["tables"]["users"] == users == 1
    assert "alembic_version" in manifest["database"]["tables"]
    assert sorted(manifest["instance_files"]) == ["config.py", "secret_key", "ticket_signing_key.pem"]
    assert manifest["parts"]["database.enc"]["size"] == len(database)
    assert manifest["encryption"]["cipher"] == "AES-256-GCM"
    # Encrypted: neither the e-mail address nor SQLite's or pg_dump's header is readable
    assert (
        b"admin@example.vn" not in database and b"SQLite format" not in database and b"PGDMP" not in database
    )


def test_a_wrong_passphrase_is_refused_and_nothing_changes(backed_up, target, tmp_path):
    wrong = tmp_path / "wrong"
    wrong.write_text("not the right passphrase\n")
    result = run(target, "restore", backed_up, "--passphrase-file", wrong)
    assert result.exit_code == 1
    assert "wrong passphrase" in result.output
    assert untouched(target, tmp_path)


def _flip_byte(path: Path, member: str, offset: int) -> None:
    with tarfile.open(path) as tar:
        position = tar.getmember(member).offset_data + offset
    with path.open("r+b") as file:
        file.seek(position)
        byte = file.read(1)
        file.seek(position)
        file.write(bytes([byte[0] ^ 0x01]))


@pytest.mark.parametrize("member", ["database.enc", "instance.enc"])
def test_a_changed_part_fails_its_checksum(backed_up, target, tmp_path, passphrase_file, member):
    _flip_byte(backed_up, member, 200)
    result = run(target, "restore", backed_up, "--passphrase-file", passphrase_file)
    assert result.exit_code == 1
    assert f"{member} does not match its checksum" in result.output
    assert untouched(target, tmp_path)


def test_a_changed_manifest_is_refused(backed_up, target, tmp_path, passphrase_file):
    raw = backed_up.read_bytes()
    at = raw.index(b'"rows": ') + len(b'"rows": ')
    digit = raw[at : at + 1]
    backed_up.write_bytes(raw[:at] + str((int(digit) + 1) % 10).encode() + raw[at + 1 :])
    result = run(target, "restore", backed_up, "--passphrase-file", passphrase_file)
    assert result.exit_code == 1
    assert "manifest was changed" in result.output
    assert untouched(target, tmp_path)


def test_a_target_holding_data_is_replaced_only_with_force(backed_up, target, tmp_path, passphrase_file):
    assert run(target, "restore", backed_up, "--passphrase-file", passphrase_file).exit_code == 0
    with target.app_context():
        db.session.execute(sa.text("UPDATE users SET full_name = 'Đổi sau khôi phục'"))
        db.session.commit()
        db.session.remove()

    again = run(target, "restore", backed_up, "--passphrase-file", passphrase_file)
    assert again.exit_code == 1
    assert "already holds data" in again.output and "--force" in again.output
    with target.app_context():
        assert db.session.scalar(sa.text("SELECT full_name FROM users")) == "Đổi sau khôi phục"
        db.session.remove()

    forced = run(target, "restore", backed_up, "--passphrase-file", passphrase_file, "--force")
    assert forced.exit_code == 0, forced.output
    with target.app_context():
        assert db.session.scalar(sa.text("SELECT full_name FROM users")) == "Quản trị"
        assert (
            db.session.scalar(sa.text("SELECT count(*) FROM audit_entries WHERE action = 'backup.restore'"))
            == 1
        )
        db.session.remove()


def _rewritten(path: Path, tmp_path: Path, change) -> None:
    """The archive with its manifest changed by `change` and signed again, as a newer version of
    fairapp (which knows the passphrase) would have written it."""
    with tarfile.open(path) as tar:
        manifest = json.loads(tar.extractfile(archive.MANIFEST).read())
        parts = {}
        for name in (archive.DATABASE, archive.INSTANCE):
            parts[name] = tmp_path / name
            parts[name].write_bytes(tar.extractfile(name).read())
    change(manifest)
    keys = crypto.derive_keys(PASSPHRASE, manifest["encryption"]["kdf"])
    path.unlink()
    archive.write(path, manifest, keys, parts)


def test_an_archive_from_a_newer_version_is_refused(backed_up, target, tmp_path, passphrase_file):
    _rewritten(backed_up, tmp_path, lambda manifest: manifest["database"].update(revision="ff0a00000001"))
    result = run(target, "restore", backed_up, "--passphrase-file", passphrase_file)
    assert result.exit_code == 1
    assert "revision ff0a00000001, which this version of fairapp does not know" in result.output
    assert untouched(target, tmp_path)


def test_an_older_database_is_restored_and_upgraded(make_app, fresh_database, tmp_path, passphrase_file):
    old = make_app(tmp_path / "old-instance", fresh_database())
    with old.app_context():
        upgrade(revision="910a00000001")
        db.engine.dispose()
    backed_up = run(old, "backup", tmp_path / "old.tar", "--passphrase-file", passphrase_file)
    assert backed_up.exit_code == 0, backed_up.output

    target = make_app(tmp_path / "target-instance", fresh_database())
    restored = run(target, "restore", tmp_path / "old.tar", "--passphrase-file", passphrase_file)
    assert restored.exit_code == 0, restored.output
    assert "run `flask --app fairapp db upgrade` now" in restored.output
    with target.app_context():
        upgrade()
        head = ScriptDirectory(target.extensions["migrate"].directory).get_current_head()
        assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == head != "910a00000001"
        db.session.remove()


def test_a_backup_never_overwrites_a_file(source, tmp_path, passphrase_file):
    existing = tmp_path / "there.tar"
    existing.write_bytes(b"keep me")
    result = run(source, "backup", existing, "--passphrase-file", passphrase_file)
    assert result.exit_code == 1 and "already exists" in result.output
    assert existing.read_bytes() == b"keep me"

    missing = run(
        source, "backup", tmp_path / "no-such-folder" / "x.tar", "--passphrase-file", passphrase_file
    )
    assert missing.exit_code == 1 and "no folder" in missing.output


def test_the_passphrase_comes_from_a_file_or_the_environment_never_empty(source, tmp_path, monkeypatch):
    no_passphrase = run(source, "backup", tmp_path)
    assert no_passphrase.exit_code == 1
    assert (
        "no passphrase: give --passphrase-file PATH or set FAIRAPP_BACKUP_PASSPHRASE" in no_passphrase.output
    )

    monkeypatch.setenv("FAIRAPP_BACKUP_PASSPHRASE", "short")
    assert "at least 12 characters" in run(source, "backup", tmp_path).output

    monkeypatch.setenv("FAIRAPP_BACKUP_PASSPHRASE", PASSPHRASE)
    result = run(source, "backup", tmp_path)
    assert result.exit_code == 0, result.output
    assert list(tmp_path.glob("fairapp-backup-*.tar"))
    assert not list(tmp_path.glob(".fairapp-backup-*"))  # the work folders are gone
    assert not list((tmp_path / "source-instance").glob(".backup-plain-*"))


def test_a_file_that_is_no_archive_is_refused(target, tmp_path, passphrase_file):
    other = tmp_path / "photo.tar"
    other.write_bytes(b"\x89PNG not a tar at all" * 100)
    result = run(target, "restore", other, "--passphrase-file", passphrase_file)
    assert result.exit_code == 1
    assert "is not a fairapp backup archive" in result.output
    assert untouched(target, tmp_path)


def test_without_pg_dump_the_backup_says_what_to_install(source, tmp_path, passphrase_file, monkeypatch):
    with source.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
    monkeypatch.setattr(postgres_dump.shutil, "which", lambda _name: None)
    result = run(source, "backup", tmp_path, "--passphrase-file", passphrase_file)
    assert result.exit_code == 1
    assert "pg_dump is not installed" in result.output and "postgresql-client" in result.output
    assert not list(tmp_path.glob("*.tar"))


def test_check_reads_the_whole_archive_and_changes_nothing(backed_up, target, tmp_path, passphrase_file):
    result = run(target, "restore", backed_up, "--passphrase-file", passphrase_file, "--check")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"archive OK: {backed_up}")
    assert "instance files: config.py, secret_key, ticket_signing_key.pem" in result.output
    assert untouched(target, tmp_path)
    assert not list((tmp_path / "target-instance").glob(".check-plain-*"))

    _flip_byte(backed_up, "database.enc", 300)
    damaged = run(target, "restore", backed_up, "--passphrase-file", passphrase_file, "--check")
    assert damaged.exit_code == 1 and "does not match its checksum" in damaged.output


def test_check_finds_a_database_that_does_not_hold_what_the_manifest_says(
    backed_up, target, tmp_path, passphrase_file
):
    """Made with the passphrase, so no checksum or signature catches it: the database itself is read."""
    _rewritten(backed_up, tmp_path, lambda manifest: manifest["database"]["tables"].update(no_such_table=1))
    result = run(target, "restore", backed_up, "--passphrase-file", passphrase_file, "--check")
    assert result.exit_code == 1
    assert "no_such_table" in result.output
    assert untouched(target, tmp_path)
