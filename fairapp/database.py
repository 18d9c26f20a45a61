"""Engine set-up: SQLite pragmas for the embedded default, and one clear line (never a traceback)
when the database cannot be reached."""

import click
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
        # because writes are short and conditional. A transaction that will write whatever it reads
        # (a check-in) asks for the write lock first, so it waits its turn instead of failing with
        # "database is locked" when another writer committed after its first read.
        immediate = connection.get_execution_options().get("sqlite_begin_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def safe_url(url) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


class DatabaseUnreachable(click.ClickException):
    """No connection to the database could be opened. A ClickException, so that every CLI
    command (`flask db upgrade`, `users create`, `seed-demo`...) prints the one line and exits 1."""

    def __init__(self, url, reason: str):
        self.url = safe_url(url)
        super().__init__(f"Cannot reach the database at {self.url}: {reason}")


def _reason(error: BaseException, url) -> str:
    """The driver's first line, with the password scrubbed in case a driver echoes it."""
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).strip().splitlines() if line.strip()]
    reason = lines[0] if lines else type(original).__name__
    password = make_url(url).password
    return reason.replace(password, "***") if password else reason


def guard_connect_errors(engine: Engine) -> None:
    """Turn a failure to open a connection into DatabaseUnreachable, wherever it happens.

    Errors on an open connection (a bad statement, a lost server) keep their SQLAlchemy type so
    that the pool's reconnect logic and the callers' own handling still see them."""

    @sa.event.listens_for(engine, "handle_error")
    def _on_error(context):
        if context.connection is None and not context.is_pre_ping and isinstance(
                context.original_exception, context.dialect.loaded_dbapi.OperationalError):
            raise DatabaseUnreachable(engine.url, _reason(context.original_exception, engine.url))


def check_reachable(engine: Engine) -> None:
    """Open one connection; raise DatabaseUnreachable with one line if that is impossible."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as error:
        raise DatabaseUnreachable(engine.url, _reason(error, engine.url)) from None
