"""Fixtures: one migrated database per test session (SQLite by default, PostgreSQL when
FAIRAPP_TEST_DATABASE_URL is set), emptied after every test except for the reference tables."""

import copy
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
        # The same scrypt at a cost a test suite can pay thousands of times (tests/auth checks the default)
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        # Two-factor sign-in is required of no role here; tests/auth/test_two_factor*.py turn it on
        "TWO_FACTOR_REQUIRED_ROLES": (),
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


# Fixtures that add routes to the application: a test using one gets an application of its own.
FIXTURES_THAT_ADD_ROUTES = {"echo_api"}


def pytest_collection_modifyitems(items):
    for item in items:
        if FIXTURES_THAT_ADD_ROUTES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.fresh_app)


def limiter_on_its_storage() -> None:
    """Flask-Limiter keeps one flag per Limiter, not per app: once a counter store failed (a SQLite
    counter file busy past its timeout on a loaded machine), it counts in memory until a backoff check
    finds the store again. In production one process has one app and recovers so; tests build many apps
    on the one global limiter, so each new app starts on its own store, as a new server would."""
    limiter._storage_dead = False


def _fresh_globals(sender, **_extra):
    """The app fixture keeps one app context open for the whole test, so every request would
    share `g` (Flask-Login's current user, Flask-WTF's token); in production each request has
    its own. Start each request with an empty `g`, as production does."""
    vars(g).clear()


def _new_app(database_url: str, instance_path: Path):
    app = create_app(_config(database_url, instance_path))
    request_started.connect(_fresh_globals, app)
    return app


@pytest.fixture(scope="session")
def _shared_app(_schema, instance_path):
    """One application for the tests that take it as it is: building one (its URL map, its templates
    compiled on first use) costs more than most tests. Each test gets back the settings and the
    per-application caches it started with (`app` below)."""
    app = _new_app(_schema, instance_path)
    return app, copy.deepcopy(dict(app.config)), set(app.extensions), dict(vars(limiter))


def _bind_globals(app, limiter_state: dict) -> None:
    """Point the process-wide objects back at the shared application: a test that built another app
    (other settings, another store) left the rate limiter and the task queue configured for that one."""
    from fairapp.worker import queue

    queue.init_app(app)
    vars(limiter).clear()
    vars(limiter).update(limiter_state)


@pytest.fixture()
def app(request, _schema, instance_path, _shared_app):
    """The application, its context pushed for the whole test; the tables are emptied afterwards.
    A test marked `fresh_app` (one that adds routes or hooks) gets an application of its own."""
    if request.node.get_closest_marker("fresh_app"):
        app, config, extensions = _new_app(_schema, instance_path), None, None
    else:
        app, config, extensions, limiter_state = _shared_app
        _bind_globals(app, limiter_state)
    limiter_on_its_storage()
    with app.app_context():
        yield app
        _db.session.rollback()
        _empty_tables()
        _db.session.remove()
        _db.engine.dispose()  # close the test's connections now, not at garbage collection
    limiter.reset()
    if config is not None:
        app.test_client_class = None
        app.config.clear()
        app.config.update(copy.deepcopy(config))
        for name in set(app.extensions) - extensions:
            del app.extensions[name]  # caches made during the test (reference data, keys)


def _empty_tables() -> None:
    """Delete every row but the reference data, children first. On PostgreSQL, DELETE on the few rows
    a test leaves is some twenty times faster than TRUNCATE (which makes new files for every table);
    the id sequences start again at 1, as TRUNCATE … RESTART IDENTITY would."""
    tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    # Last: the deletes above note their people there (fairapp.reports.reach)
    tables.sort(key=lambda table: table.name == "reach_dirty")
    with _db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            sequences = connection.exec_driver_sql(
                "SELECT s.oid::regclass::text FROM pg_class s"
                " JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass"
                " JOIN pg_class t ON t.oid = d.refobjid"
                " WHERE s.relkind = 'S' AND t.relname = ANY(%(tables)s)",
                {"tables": [t.name for t in tables]},
            ).scalars()
            resets = ", ".join(f"setval('{name}', 1, false)" for name in sequences)
            if resets:
                connection.exec_driver_sql(f"SELECT {resets}")


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


def static_url(name: str) -> str:
    """A regular expression for the URL a page names a file under static/ by: its hashed name
    (fairapp/staticfiles.py), e.g. static_url("js/menu.js") matches /static/js/menu.3f2a9c1d0b.js."""
    stem, dot, suffix = name.rpartition(".")
    return re.escape(f"/static/{stem}.") + r"[0-9a-f]{10}" + re.escape(f"{dot}{suffix}")


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
