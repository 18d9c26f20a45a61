"""Run the suite on SQLite and on a fresh PostgreSQL database, side by side (one pass per core).

The SQLite pass prints as it goes; the PostgreSQL pass writes to test-artifacts/postgresql.log, which
is printed whole when it ends. Outside CI an unreachable PostgreSQL is reported in one line and
skipped; with CI=true it fails. FAIRAPP_TEST_SERIAL=1 runs the passes one after the other."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import psycopg

PG_URL = os.environ.get("FAIRAPP_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest(extra_env: dict, **popen) -> subprocess.Popen:
    env = {**os.environ, **extra_env}
    return subprocess.Popen([sys.executable, "-m", "pytest", *sys.argv[1:]], env=env, **popen)


def postgresql_admin():
    """A connection to the server, or None (with the reason printed) when it may be skipped."""
    try:
        return psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0]
        if os.environ.get("CI") == "true":
            print(f"PostgreSQL is not reachable at {PG_URL} ({reason}); CI needs it.")
            raise SystemExit(1) from None
        print(f"PostgreSQL not reachable at {PG_URL}: skipping the PostgreSQL pass ({reason})")
        return None


def main() -> int:
    started = time.monotonic()
    admin = postgresql_admin()
    if admin is None:
        print("== tests on SQLite", flush=True)
        return pytest({"FAIRAPP_TEST_DATABASE_URL": ""}).wait()

    name = f"fairapp_test_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    pg_env = {"FAIRAPP_TEST_DATABASE_URL": f"{base}/{name}"}
    try:
        if os.environ.get("FAIRAPP_TEST_SERIAL") == "1":
            print("== tests on SQLite", flush=True)
            sqlite_status = pytest({"FAIRAPP_TEST_DATABASE_URL": ""}).wait()
            print(f"== tests on PostgreSQL (database {name})", flush=True)
            pg_status = pytest(pg_env).wait() if not sqlite_status else 1
            return sqlite_status or pg_status

        ARTIFACTS.mkdir(exist_ok=True)
        log_path = ARTIFACTS / "postgresql.log"
        with log_path.open("w") as log:
            print(f"== tests on PostgreSQL (database {name}) started beside, into {log_path}", flush=True)
            pg = pytest(pg_env, stdout=log, stderr=subprocess.STDOUT)
            print("== tests on SQLite", flush=True)
            sqlite_status = pytest({"FAIRAPP_TEST_DATABASE_URL": ""}).wait()
            print(f"== SQLite pass ended ({_minutes(started)}); waiting for the PostgreSQL pass", flush=True)
            pg_status = pg.wait()
        print(f"== tests on PostgreSQL (database {name}), as logged", flush=True)
        sys.stdout.write(log_path.read_text(errors="replace"))
        print(f"== both passes ended ({_minutes(started)}): SQLite {sqlite_status}, PostgreSQL {pg_status}")
        return sqlite_status or pg_status
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _minutes(started: float) -> str:
    return f"{(time.monotonic() - started) / 60:.1f} min"


if __name__ == "__main__":
    sys.exit(main())
