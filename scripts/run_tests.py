"""Run the suite on SQLite, then on a fresh PostgreSQL database when one is reachable.

Outside CI an unreachable PostgreSQL is reported in one line and skipped; with CI=true it fails."""

import os
import secrets
import subprocess
import sys

import psycopg

PG_URL = os.environ.get("FAIRAPP_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def pytest(extra_env: dict) -> int:
    env = {**os.environ, **extra_env}
    return subprocess.call([sys.executable, "-m", "pytest", *sys.argv[1:]], env=env)


def main() -> int:
    print("== tests on SQLite", flush=True)
    status = pytest({"FAIRAPP_TEST_DATABASE_URL": ""})
    if status:
        return status

    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0]
        if os.environ.get("CI") == "true":
            print(f"PostgreSQL is not reachable at {PG_URL} ({reason}); CI needs it.")
            return 1
        print(f"PostgreSQL not reachable at {PG_URL}: skipping the PostgreSQL pass ({reason})")
        return 0

    name = f"fairapp_test_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = PG_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        print(f"== tests on PostgreSQL (database {name})", flush=True)
        return pytest({"FAIRAPP_TEST_DATABASE_URL": f"{base}/{name}"})
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    sys.exit(main())
