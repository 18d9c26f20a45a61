"""Core statements run straight on the DB-API connection, for the few hot paths (the entrance check-in)
where SQLAlchemy's per-execution work (~25 µs a statement) costs more than the database (~5 µs).

    TICKET = Prepared(sa.select(...).where(... == sa.bindparam("id")))
    row = TICKET.first(connection, {"id": 7})      # a tuple, the columns' Python values, or None

A Prepared statement is compiled once per dialect by SQLAlchemy itself; each execution applies the
compiled statement's own bind processors to the parameters and its columns' result processors to the
rows, so the values are those `connection.execute(statement)` would give (tests/test_fastsql.py checks
that, on SQLite and PostgreSQL). An INSERT is compiled for the columns given (`columns=`) and every
execution must give them all: a column default would need SQLAlchemy's execution context, so a
statement that would need one is refused when it is compiled.

`connection` is a SQLAlchemy Connection (its DB-API connection is used, inside its transaction) or a
RawUnit: one transaction on a DB-API connection checked out of the engine's pool, without the ORM
Session, whose bookkeeping (~0.1 ms a request) would cost the check-in lane more than its queries.

    with raw_unit(db.engine):          # code inside that calls connection() gets the unit
        row = STATEMENT.first(connection(), {...})
        commit()                       # or rollback(); leaving the block rolls back what is left

connection(), commit() and rollback() work on the ORM Session (db.session) when no unit is open, so the
same service code runs in both."""

import contextvars
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from fairapp.extensions import db


@dataclass(frozen=True)
class _Plan:
    sql: str
    positional: tuple[tuple[str, Callable[[Any], Any] | None], ...] | None  # (bind, processor) in order
    binds: dict[str, Callable[[Any], Any]]  # named parameters (pyformat): the processors by bind name
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column index, processor), where one is needed


class Prepared:
    def __init__(self, statement: sa.Executable, *, columns: Sequence[str] | None = None):
        self.statement = statement
        self.columns = list(columns) if columns is not None else None
        self._plans: dict[tuple[str, str], _Plan] = {}

    def _plan(self, dialect) -> _Plan:
        plan = self._plans.get((dialect.name, dialect.driver))
        if plan is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=self.columns)
            if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
                raise ValueError("a Prepared INSERT or UPDATE must be given every column it writes")
            binds = dict(compiled._bind_processors)
            results = tuple(
                (index, process)
                for index, column in enumerate(compiled._result_columns)
                if (process := column.type._cached_result_processor(dialect, None)) is not None
            )
            plan = self._plans[(dialect.name, dialect.driver)] = _Plan(
                sql=compiled.string,
                positional=tuple((name, binds.get(name)) for name in compiled.positiontup)
                if compiled.positional
                else None,
                binds=binds,
                results=results,
            )
        return plan

    def execute(self, connection, parameters: dict | None = None) -> list[tuple]:
        """Every row the statement returns (an empty list for one that returns none)."""
        driver, dialect = _driver(connection)
        plan = self._plan(dialect)
        parameters = parameters or {}
        if plan.positional is not None:
            arguments = tuple(
                parameters[name] if process is None else process(parameters[name])
                for name, process in plan.positional
            )
        else:
            arguments = {
                name: process(value) if (process := plan.binds.get(name)) else value
                for name, value in parameters.items()
            }
        cursor = driver.execute(plan.sql, arguments)
        try:
            rows = cursor.fetchall() if cursor.description is not None else []
        finally:
            cursor.close()
        if not plan.results or not rows:
            return [tuple(row) for row in rows]
        processed = []
        for row in rows:
            row = list(row)
            for index, process in plan.results:
                row[index] = process(row[index])
            processed.append(tuple(row))
        return processed

    def first(self, connection, parameters: dict | None = None) -> tuple | None:
        rows = self.execute(connection, parameters)
        return rows[0] if rows else None

    def scalar(self, connection, parameters: dict | None = None):
        row = self.first(connection, parameters)
        return row[0] if row is not None else None


def _driver(connection):
    if isinstance(connection, RawUnit):
        return connection.driver, connection.dialect
    return connection.connection.driver_connection, connection.dialect


class NeedsSession(Exception):
    """Raised inside a RawUnit by code that must use the ORM Session for this case; the caller
    starts again on the Session (the check-in lane hands the request to Flask)."""


# --- A unit of work without the ORM Session -------------------------------------------------------------


@dataclass
class RawUnit:
    engine: sa.Engine
    pooled: Any  # the pool's proxy of the DB-API connection (its .info outlives the unit)
    driver: Any  # the DB-API connection
    dialect: Any
    info: dict = field(default_factory=dict)  # this unit's own notes, like Session.info

    def begin(self) -> None:
        if self.dialect.name == "sqlite":  # the driver leaves transactions to us (fairapp.database)
            self.driver.execute("BEGIN")

    def commit(self) -> None:
        self.driver.commit()

    def rollback(self) -> None:
        self.driver.rollback()


_unit: contextvars.ContextVar[RawUnit | None] = contextvars.ContextVar("raw_unit", default=None)


@contextmanager
def raw_unit(engine: sa.Engine) -> Iterator[RawUnit]:
    """Open a unit (a transaction on a pooled connection) for the code inside the block."""
    pooled = engine.raw_connection()
    unit = RawUnit(engine, pooled, pooled.driver_connection, engine.dialect)
    token = _unit.set(unit)
    try:
        unit.begin()
        yield unit
    finally:
        _unit.reset(token)
        pooled.close()  # back to the pool, which rolls back whatever was left open


def current_unit() -> RawUnit | None:
    return _unit.get()


def connection():
    """The open RawUnit, else the ORM Session's connection (in the Session's transaction)."""
    return _unit.get() or db.session.connection()


def commit() -> None:
    unit = _unit.get()
    if unit is not None:
        unit.commit()
    else:
        db.session.commit()


def rollback() -> None:
    unit = _unit.get()
    if unit is not None:
        unit.rollback()
    else:
        db.session.rollback()


def info() -> dict:
    """Notes about the current transaction's owner: the unit's, else Session.info."""
    unit = _unit.get()
    return unit.info if unit is not None else db.session.info
