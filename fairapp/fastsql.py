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

`connection` is a SQLAlchemy Connection: its DB-API connection is used, inside its transaction."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True)
class _Plan:
    sql: str
    positional: tuple[str, ...] | None  # bind names in order (qmark), or None (named: pyformat)
    binds: dict[str, Callable[[Any], Any]]
    results: tuple[Callable[[Any], Any] | None, ...] | None  # None: every column as the driver gives it


class Prepared:
    def __init__(self, statement: sa.Executable, *, columns: Sequence[str] | None = None):
        self.statement = statement
        self.columns = list(columns) if columns is not None else None
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=self.columns)
            if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
                raise ValueError("a Prepared INSERT or UPDATE must be given every column it writes")
            results = tuple(column.type._cached_result_processor(dialect, None)
                            for column in compiled._result_columns)
            plan = self._plans[dialect.name] = _Plan(
                sql=compiled.string,
                positional=tuple(compiled.positiontup) if compiled.positional else None,
                binds=dict(compiled._bind_processors),
                results=results if any(results) else None)
        return plan

    def execute(self, connection: sa.Connection, parameters: dict | None = None) -> list[tuple]:
        """Every row the statement returns (an empty list for one that returns none)."""
        driver, dialect = _driver(connection)
        plan = self._plan(dialect)
        values = dict(parameters or {})
        for name, process in plan.binds.items():
            if name in values:
                values[name] = process(values[name])
        arguments = tuple(values[name] for name in plan.positional) if plan.positional is not None \
            else values
        cursor = driver.execute(plan.sql, arguments)
        try:
            rows = cursor.fetchall() if cursor.description is not None else []
        finally:
            cursor.close()
        if plan.results is None or not rows:
            return [tuple(row) for row in rows]
        processors = plan.results
        return [tuple(value if process is None else process(value)
                      for value, process in zip(row, processors, strict=True)) for row in rows]

    def first(self, connection: sa.Connection, parameters: dict | None = None) -> tuple | None:
        rows = self.execute(connection, parameters)
        return rows[0] if rows else None

    def scalar(self, connection: sa.Connection, parameters: dict | None = None):
        row = self.first(connection, parameters)
        return row[0] if row is not None else None


def _driver(connection: sa.Connection):
    return connection.connection.driver_connection, connection.dialect
