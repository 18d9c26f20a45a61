"""The instance folder and what the application writes there are owner-only (issue 10): the SQLite
database with its WAL and shared-memory files (0600), the folder itself (0700), the development secret
key and the ticket signing key (0600), whatever the process's umask."""

import os
import stat

import pytest
import sqlalchemy as sa

from fairapp import create_app
from fairapp.extensions import db as _db


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture()
def permissive_umask():
    """The usual 022: files would be created readable by everyone unless the code says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture()
def fresh_instance(tmp_path, monkeypatch, permissive_umask):
    """A new instance folder (not there yet) and an app on its default SQLite database, as `make run`
    starts: no database URL and no secret key given."""
    folder = tmp_path / "deployment" / "instance"
    monkeypatch.setenv("FAIRAPP_INSTANCE_PATH", str(folder))
    monkeypatch.delenv("FAIRAPP_DATABASE_URL", raising=False)
    monkeypatch.delenv("FAIRAPP_SECRET_KEY", raising=False)
    monkeypatch.setenv("FAIRAPP_ENV", "development")
    app = create_app()
    yield app, folder
    with app.app_context():
        _db.engine.dispose()


def test_instance_folder_and_sqlite_files_are_owner_only(fresh_instance):
    app, folder = fresh_instance
    assert mode(folder) == 0o700
    assert mode(folder / "secret_key") == 0o600
    database = folder / "fairapp.sqlite3"
    assert not database.exists()  # create_app does no database work
    with app.app_context():
        with _db.engine.begin() as connection:  # the first connection creates the file, then WAL files
            connection.execute(sa.text("CREATE TABLE probe (x INTEGER)"))
            connection.execute(sa.text("INSERT INTO probe VALUES (1)"))
        with _db.engine.connect() as connection:
            assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(sa.text("SELECT x FROM probe")).scalar() == 1
            for suffix in ("", "-wal", "-shm"):
                path = folder / f"fairapp.sqlite3{suffix}"
                assert path.exists(), suffix
                assert mode(path) == 0o600, f"{path.name}: {oct(mode(path))}"


def test_an_existing_instance_folder_open_to_others_is_tightened(tmp_path, monkeypatch, permissive_umask):
    """A checkout's instance/ comes from git as 0755; the application makes it 0700 when it starts."""
    folder = tmp_path / "checkout" / "instance"
    folder.mkdir(parents=True, mode=0o755)
    (folder / "README").write_text("runtime files\n")
    assert mode(folder) == 0o755
    monkeypatch.setenv("FAIRAPP_INSTANCE_PATH", str(folder))
    monkeypatch.setenv("FAIRAPP_ENV", "development")
    create_app()
    assert mode(folder) == 0o700


def test_migrating_a_new_deployment_creates_owner_only_files(fresh_instance):
    """`make run` starts with `flask db upgrade` on the default database."""
    app, folder = fresh_instance
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert mode(folder / "fairapp.sqlite3") == 0o600
    for suffix in ("-wal", "-shm"):
        path = folder / f"fairapp.sqlite3{suffix}"
        assert not path.exists() or mode(path) == 0o600


def test_ticket_signing_key_is_owner_only(fresh_instance):
    from fairapp.tickets import signing

    app, folder = fresh_instance
    with app.app_context():
        signing.signing_key()
        path = signing.key_path()
    assert path.parent == folder and mode(path) == 0o600


def test_an_existing_database_file_keeps_its_mode(tmp_path, permissive_umask):
    """Only a file the application creates is made owner-only; an operator's choice is left alone."""
    path = tmp_path / "shared.sqlite3"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        with _db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        _db.engine.dispose()
    assert mode(path) == 0o640
