"""Engine set-up: SQLite pragmas for the embedded default, and a start-up reachability check."""

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import Engine, make_url


def sqlite_engine_options(app: Flask) -> dict:
    return {"connect_args": {"timeout": app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000}}


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, synchronous=FULL, foreign keys and a busy timeout on every SQLite connection."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's BEGIN (below) start transactions, not the driver's implicit handling.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # BEGIN IMMEDIATE would serialise readers too; plain BEGIN plus busy_timeout is enough
        # because writes are short and conditional.
        connection.exec_driver_sql("BEGIN")


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


class DatabaseUnreachable(RuntimeError):
    pass


def check_reachable(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseUnreachable(
            f"Cannot reach the database at {safe_url(str(engine.url))}: {reason}"
        ) from None
