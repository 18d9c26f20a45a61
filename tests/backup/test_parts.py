"""The pieces: which instance files go into an archive, how they come back, how pg_dump is given the
password (never on its command line), and the encrypted stream's own check."""

import io
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from fairapp.backup import crypto, instance_files, postgres_dump
from fairapp.backup.errors import BackupError


def test_the_keys_and_settings_are_kept_the_databases_logs_and_uploads_not(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    kept = ["config.py", "secret_key", "ticket_signing_key.pem", "webhook_secret"]
    skipped = [
        "fairapp.sqlite3",
        "fairapp.sqlite3-wal",
        "fairapp.sqlite3-shm",
        "fairapp.sqlite3.writelock",
        "tasks.sqlite3",
        "tasks.sqlite3-wal",
        "ratelimits.sqlite3",
        "messages.log",
        ".ticket_signing_key.pem.1a2b3c",
        "secret_key.before-restore-20261207T101010",
        "config.py.from-backup",
        "fairapp-backup-20261207T101010Z.tar",
    ]
    for name in kept + skipped:
        (instance / name).write_text(name)
    for folder in ("badges", "households", "imports"):
        (instance / folder).mkdir()
        (instance / folder / "file.xlsx").write_text("uploaded")
    found = instance_files.kept_files(instance, instance / "fairapp.sqlite3")
    assert [path.name for path in found] == sorted(kept)


def test_a_database_with_another_name_is_not_kept_either(tmp_path):
    (tmp_path / "office.data").write_text("database")
    (tmp_path / "office.data-journal").write_text("journal")
    (tmp_path / "secret_key").write_text("key")
    assert [p.name for p in instance_files.kept_files(tmp_path, tmp_path / "office.data")] == ["secret_key"]


def test_a_large_file_in_the_instance_folder_is_refused(tmp_path):
    (tmp_path / "dump.bin").write_bytes(b"x" * (instance_files.MAX_FILE_BYTES + 1))
    with pytest.raises(BackupError) as refused:
        instance_files.kept_files(tmp_path, None)
    assert refused.value.code == "instance_file_too_large"


def test_files_go_back_owner_only_and_what_was_there_is_kept_aside(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "secret_key").write_text("old deployment key")
    (source / "config.py").write_text("REPORT_PLACE = 'A'\n")
    (source / "ticket_signing_key.pem").write_text("PEM")
    stream = io.BytesIO()
    digests = instance_files.pack(instance_files.kept_files(source, None), stream)
    stream.seek(0)
    files = instance_files.unpack(stream, digests)

    target = tmp_path / "target"
    target.mkdir()
    (target / "secret_key").write_text("generated at first start")
    (target / "config.py").write_text("REPORT_PLACE = 'B'\n")
    (target / "ticket_signing_key.pem").write_text("PEM")
    result = instance_files.restore_files(target, files)

    assert (target / "secret_key").read_text() == "old deployment key"
    assert (target / "secret_key").stat().st_mode & 0o777 == 0o600
    (aside,) = result.set_aside
    assert (target / aside).read_text() == "generated at first start"
    # The settings in use stay; the archive's are put beside them
    assert (target / "config.py").read_text() == "REPORT_PLACE = 'B'\n"
    assert (target / "config.py.from-backup").read_text() == "REPORT_PLACE = 'A'\n"
    assert result.unchanged == ["ticket_signing_key.pem"]


def test_unpacking_checks_every_file_against_the_manifest(tmp_path):
    (tmp_path / "secret_key").write_text("key")
    stream = io.BytesIO()
    digests = instance_files.pack([tmp_path / "secret_key"], stream)
    stream.seek(0)
    with pytest.raises(BackupError):
        instance_files.unpack(stream, {**digests, "secret_key": "0" * 64})


def test_pg_dump_gets_the_connection_without_the_password():
    url = make_url("postgresql+psycopg://fairapp:s3:cr\\et@db.internal:6432/fairapp?sslmode=require")
    conninfo = postgres_dump._conninfo(url)
    assert "s3" not in conninfo
    assert "host=db.internal" in conninfo and "port=6432" in conninfo and "sslmode=require" in conninfo
    with postgres_dump._client_environment(url) as environment:
        passfile = Path(environment["PGPASSFILE"])
        assert passfile.read_text() == "*:*:*:*:s3\\:cr\\\\et\n"
        assert passfile.stat().st_mode & 0o777 == 0o600
        assert "PGPASSWORD" not in environment
    assert not passfile.exists()


def test_an_encrypted_part_refuses_another_key_and_a_swapped_name():
    keys = crypto.derive_keys("a passphrase long enough", {**crypto.new_kdf_parameters(), "n": 2**10})
    out = io.BytesIO()
    writer = crypto.EncryptingWriter(out, keys.encryption, "database.enc")
    writer.write(b"rows " * 1000)
    writer.finish()

    def read(key: bytes, name: str) -> bytes:
        reader = crypto.DecryptingReader(io.BytesIO(out.getvalue()), len(out.getvalue()), key, name)
        data = reader.read()
        reader.finish()
        return data

    assert read(keys.encryption, "database.enc") == b"rows " * 1000
    with pytest.raises(crypto.WrongKey):
        read(keys.encryption, "instance.enc")
    with pytest.raises(crypto.WrongKey):
        read(bytes(32), "database.enc")
