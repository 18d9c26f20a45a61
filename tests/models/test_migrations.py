"""The migrations build exactly the schema the models describe, and take it down again.

Each test works on its own database (a temporary SQLite file; on PostgreSQL a temporary database
next to the test one), never on the session's shared test database."""

import logging
import os
import secrets
from contextlib import contextmanager

import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy.engine import make_url

from fairapp import create_app
from fairapp.extensions import db

TEST_URL = os.environ.get("FAIRAPP_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_URL.startswith("postgresql")


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    if not ON_POSTGRES:
        pytest.skip("FAIRAPP_TEST_DATABASE_URL is not a PostgreSQL URL")
    url = make_url(TEST_URL)
    name = f"fa_migrations_{secrets.token_hex(4)}"
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_app(url, instance_path):
    """An app on the scratch database. Alembic's env.py reconfigures logging; put it back after."""
    loggers = {
        name: logger.disabled
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    root_level, root_handlers = logging.root.level, list(logging.root.handlers)
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        for name, disabled in loggers.items():
            logging.getLogger(name).disabled = disabled
        logging.root.setLevel(root_level)
        logging.root.handlers[:] = root_handlers


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_upgrade(scratch_url, tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRAPP_INSTANCE_PATH", str(tmp_path))
    with scratch_app(scratch_url, tmp_path):
        model_tables = set(db.metadata.tables)
        assert {
            "fairs",
            "employers",
            "vacancies",
            "schools",
            "training_programmes",
            "booths",
            "vacancy_offers",
            "attendees",
            "registrations",
        } <= model_tables

        upgrade()
        assert table_names() == model_tables | {"alembic_version"}

        downgrade(revision="base")
        assert table_names() == {"alembic_version"}

        upgrade()
        assert table_names() == model_tables | {"alembic_version"}


def test_models_and_migrations_agree(scratch_url, tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRAPP_INSTANCE_PATH", str(tmp_path))
    with scratch_app(scratch_url, tmp_path):
        upgrade()
        assert differences() == []
        # The comparison does see a difference when there is one.
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE vacancy_offers")
        assert any(diff[0] == "add_table" and diff[1].name == "vacancy_offers" for diff in differences())
