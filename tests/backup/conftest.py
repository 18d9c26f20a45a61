"""Fixtures for backups: applications on instance folders of their own (a source on the test database, a
restore target on a fresh database), a passphrase file, and the row-by-row picture of a database."""

import hashlib
import secrets
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from fairapp import create_app
from fairapp.backup import crypto
from fairapp.extensions import db as _db

PASSPHRASE = "hai con thằn lằn con cắn nhau đứt đuôi"
# Loaded by `geo load` into every database, the restore target's too; not touched by the load
REFERENCE_TABLES = frozenset({"provinces", "wards", "legacy_wards", "legacy_ward_successors"})


@pytest.fixture()
def passphrase_file(tmp_path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture()
def cheap_kdf(monkeypatch):
    """scrypt at a test's cost (the archive records its parameters; restore reads them from there)."""
    monkeypatch.setattr(crypto, "SCRYPT_N", 2**12)


@pytest.fixture()
def make_app(monkeypatch):
    """make_app(instance_folder, database_url=None) → an application on that instance folder (its own
    secret_key file, signing key and config.py) and that database (None: SQLite in the folder)."""
    made = []

    def make(instance: Path, database_url: str | None = None):
        monkeypatch.setenv("FAIRAPP_INSTANCE_PATH", str(instance))
        config = {"TESTING": True, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}
        if database_url:
            config["SQLALCHEMY_DATABASE_URI"] = database_url
        app = create_app(config)
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture()
def fresh_database(database_url, tmp_path):
    """fresh_database() → the URL of a new, empty database of the test database's kind (None on SQLite:
    the restore target's instance folder holds it); PostgreSQL databases are dropped afterwards."""
    url = make_url(database_url)
    created = []

    def admin():
        return psycopg.connect(
            url.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
        )

    def make() -> str | None:
        if url.get_backend_name() == "sqlite":
            return None
        name = f"backup_target_{secrets.token_hex(4)}"
        with admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    yield make
    if created:
        with admin() as connection:
            for name in created:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def picture(connection, tables=None) -> dict[str, tuple[int, str]]:
    """Every table's rows (all of them, or `tables`): name → (row count, SHA-256 of the sorted rows).
    The audit entries of backups and restores are left out: written after the copy, they are no part
    of the state it copied."""
    names = sorted(tables if tables is not None else sa.inspect(connection).get_table_names())
    found = {}
    for name in names:
        result = connection.execute(sa.text(f'SELECT * FROM "{name}"')).mappings().all()
        if name == "audit_entries":
            result = [row for row in result if not row["action"].startswith("backup.")]
        rows = sorted(repr(tuple(row.values())) for row in result)
        found[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


def read_picture(engine, tables=None) -> dict[str, tuple[int, str]]:
    """picture() in one read transaction (REPEATABLE READ on PostgreSQL: one snapshot)."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    with connection, connection.begin():
        return picture(connection, tables)
