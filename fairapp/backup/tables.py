"""What a database holds, as the manifest records it: its tables with their row counts and the Alembic
revision, read through any DB-API-style `query(sql) -> rows` (an SQLite copy, a PostgreSQL snapshot)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

Query = Callable[[str], Sequence[tuple]]

_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'"
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    "postgresql": "SELECT table_name FROM information_schema.tables"
    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
}
# Reference data `flask geo load` puts into any database (a restore target too), not a deployment's own
REFERENCE_TABLES = frozenset(
    {"alembic_version", "provinces", "wards", "legacy_wards", "legacy_ward_successors"}
)


@dataclass(frozen=True)
class Contents:
    tables: dict[str, int]  # table → rows
    revision: str | None  # Alembic's, None before the first migration

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def has_own_data(self) -> bool:
        """Whether anything beyond the schema and the reference data is there."""
        return any(count for name, count in self.tables.items() if name not in REFERENCE_TABLES)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_contents(query: Query, dialect: str) -> Contents:
    names = sorted(row[0] for row in query(_TABLES[dialect]))
    # The names come from the database's own catalogue, quoted
    tables = {name: int(query(f"SELECT count(*) FROM {quoted(name)}")[0][0]) for name in names}  # noqa: S608
    revision = None
    if "alembic_version" in tables:
        revisions = [row[0] for row in query("SELECT version_num FROM alembic_version")]
        revision = ",".join(sorted(revisions)) or None
    return Contents(tables, revision)
