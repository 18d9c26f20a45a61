"""PostgreSQL: pg_dump and pg_restore, run as subprocesses.

The connection's parameters go to them as a libpq connection string without the password; the password
goes through a passfile of our own (owner-only, in a private temporary folder, removed afterwards), so
it is never on a command line, in the process list or in what is printed. The dump reads a snapshot
this process exported (pg_dump --snapshot) and keeps open meanwhile, so the row counts and Alembic
revision in the manifest are those of the very state dumped, while the application keeps writing."""

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import URL, Engine

from fairapp.backup.errors import BackupError
from fairapp.backup.tables import Contents, read_contents

# URL query parameters SQLAlchemy passes to libpq as they are (sslmode, sslrootcert, options, ...)
_NOT_LIBPQ = {"client_encoding_override"}


def _conninfo(url: URL) -> str:
    params: dict[str, str] = {}
    for name, value in url.query.items():
        if name not in _NOT_LIBPQ:
            params[name] = value[-1] if isinstance(value, tuple) else value
    for name, value in (
        ("host", url.host),
        ("port", url.port),
        ("user", url.username),
        ("dbname", url.database),
    ):
        if value is not None:
            params[name] = str(value)
    return make_conninfo("", **params)


@contextmanager
def _client_environment(url: URL) -> Iterator[dict[str, str]]:
    """The environment for pg_dump / pg_restore: the password in a passfile of its own."""
    environment = dict(os.environ)
    if url.password is None:
        yield environment
        return
    with tempfile.TemporaryDirectory(prefix="fairapp-pg-") as folder:  # 0700
        passfile = Path(folder) / "pgpass"
        escaped = str(url.password).replace("\\", "\\\\").replace(":", "\\:")
        descriptor = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(f"*:*:*:*:{escaped}\n")
        environment.pop("PGPASSWORD", None)
        environment["PGPASSFILE"] = str(passfile)
        yield environment


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            "pg_client_missing",
            f"{name} is not installed: install the PostgreSQL client programs (Debian: "
            "apt-get install postgresql-client), of the server's major version or newer",
        )
    return path


def _check_client_version(program: str, server_major: int) -> None:
    output = subprocess.run([program, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"\)\s+(\d+)", output)
    if match and int(match.group(1)) < server_major:
        raise BackupError(
            "pg_client_too_old",
            f"{Path(program).name} {match.group(1)} cannot handle the PostgreSQL {server_major} server: "
            f"install the client programs of version {server_major} or newer",
        )


def _run(command: list[str], url: URL) -> None:
    with _client_environment(url) as environment:
        finished = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        lines = [line for line in finished.stderr.strip().splitlines() if line.strip()]
        reason = " / ".join(lines[-5:]) or f"exit status {finished.returncode}"
        if url.password:
            reason = reason.replace(str(url.password), "***")
        raise BackupError(f"{Path(command[0]).name}_failed", f"{Path(command[0]).name} failed: {reason}")


def _server_major(connection) -> int:
    return int(connection.exec_driver_sql("SHOW server_version_num").scalar()) // 10000


def dump(engine: Engine, target: Path) -> Contents:
    """Dump the database (pg_dump's custom format, compressed) into `target`; what it holds."""
    program = _program("pg_dump")
    snapshot_reader = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with snapshot_reader as connection, connection.begin():
        _check_client_version(program, _server_major(connection))
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        contents = read_contents(lambda sql: connection.exec_driver_sql(sql).all(), "postgresql")
        command = [program, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"]
        _run([*command, f"--dbname={_conninfo(engine.url)}"], engine.url)
    os.chmod(target, 0o600)
    return contents


def contents(engine: Engine) -> Contents:
    with engine.connect() as connection:
        return read_contents(lambda sql: connection.exec_driver_sql(sql).all(), "postgresql")


def restore(engine: Engine, dump_file: Path) -> None:
    """pg_restore the dump into the engine's database, in one transaction: objects of the dump that are
    there are dropped first (--clean --if-exists); ownership and grants are not restored (the target
    server's roles may differ: the connecting role owns everything)."""
    program = _program("pg_restore")
    with engine.connect() as connection:
        _check_client_version(program, _server_major(connection))
    engine.dispose()
    _run(
        [
            program,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_conninfo(engine.url)}",
            str(dump_file),
        ],
        engine.url,
    )


def check(dump_file: Path, tables: dict[str, int]) -> None:
    """pg_restore reads the dump's table of contents (no server needed): it must be a whole custom-format
    dump, with the data of every table the manifest lists."""
    listed = subprocess.run(
        [_program("pg_restore"), "--list", str(dump_file)], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        raise BackupError(
            "archive_damaged", f"pg_restore cannot read the archive's dump: {listed.stderr.strip()}"
        )
    with_data = set(re.findall(r" TABLE DATA \S+ (\S+) ", listed.stdout))
    missing = sorted(set(tables) - with_data)
    if missing:
        raise BackupError(
            "archive_damaged", f"the archive's dump lacks the data of {', '.join(missing[:10])}"
        )
