"""Fixtures: one migrated database per test session (SQLite by default, PostgreSQL when
FAIRAPP_TEST_DATABASE_URL is set), emptied after every test except for the reference tables."""

import os
import re
from pathlib import Path

import pytest
from flask import g, request_started

from fairapp import create_app
from fairapp.extensions import db as _db
from fairapp.extensions import limiter

REFERENCE_TABLES = {"alembic_version", "provinces", "wards", "legacy_wards", "legacy_ward_successors"}
PASSWORD = "demo-password-1"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("FAIRAPP_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("instance")


def _config(database_url: str, instance_path: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
    }


@pytest.fixture(scope="session")
def _schema(database_url, instance_path):
    """Migrate once per session, the way `flask db upgrade` does, and load the units."""
    os.environ["FAIRAPP_INSTANCE_PATH"] = str(instance_path)
    app = create_app(_config(database_url, instance_path))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        from fairapp.geo import loader

        loader.load_units()
        _db.session.commit()
        _db.engine.dispose()
    return database_url


def _fresh_globals(sender, **_extra):
    """The app fixture keeps one app context open for the whole test, so every request would
    share `g` (Flask-Login's current user, Flask-WTF's token); in production each request has
    its own. Start each request with an empty `g`, as production does."""
    vars(g).clear()


@pytest.fixture()
def app(_schema, instance_path):
    app = create_app(_config(_schema, instance_path))
    request_started.connect(_fresh_globals, app)
    with app.app_context():
        yield app
        _db.session.rollback()
        _empty_tables()
        _db.session.remove()
        _db.engine.dispose()  # one engine per test: close its connections now, not at garbage collection
    limiter.reset()


def _empty_tables() -> None:
    tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture()
def db(app):
    return _db


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def make_user(app):
    """make_user(role="organiser", **overrides) → a saved, active User with PASSWORD."""
    from fairapp.auth import services

    counter = iter(range(1, 10_000))

    def make(role: str = "organiser", **overrides):
        n = next(counter)
        fields = {
            "email": f"{role}{n}@example.vn",
            "full_name": f"Người dùng {role} {n}",
            "role": role,
            "password": PASSWORD,
            **overrides,
        }
        user = services.create_user(**fields)
        _db.session.commit()
        return user

    return make


CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Auth:
    """Signs a test client in through the real form."""

    def __init__(self, client, make_user):
        self.client, self.make_user = client, make_user

    def login(self, role: str = "admin", **overrides):
        user = self.make_user(role, **overrides)
        page = self.client.get("/login")
        response = self.client.post(
            "/login",
            data={
                "login": user.email or user.phone,
                "password": PASSWORD,
                "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    def logout(self):
        page = self.client.get("/")
        self.client.post("/logout", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})


@pytest.fixture()
def auth(client, make_user):
    return Auth(client, make_user)
