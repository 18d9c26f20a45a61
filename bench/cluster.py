"""A deployment of several app servers on one machine, for the tests and the benchmarks that need one:
a new PostgreSQL database (or, with server_url "sqlite", a SQLite file and the embedded queue and
limits, for one server), one instance folder (the same keys on every server, as a deployment copies
them), gunicorn servers on free ports and `flask worker` processes, all sharing one Redis for the task
queue and the rate limits under names of their own. Everything started is stopped, and the database
and the Redis keys are removed, when the `with` block ends.

    with Cluster(server_url, servers=2, workers=2, tmp=folder) as cluster:
        seeded = cluster.seed(200)           # bench.cluster_seed, in a process of its own
        cluster.start()                      # the servers and the workers
        cluster.bases                        # ["http://127.0.0.1:PORT", ...]
        cluster.scalar("SELECT count(*) FROM check_ins")
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import psycopg
import redis
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("FAIRAPP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable(url: str = REDIS_URL) -> str | None:
    """None when Redis answers, else why not."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"{type(error).__name__}: {error}"
    return None


class Cluster:
    def __init__(
        self, server_url: str, *, servers: int = 2, web_workers: int = 2, workers: int = 1, tmp: Path
    ):
        self.name = f"servers_{secrets.token_hex(4)}"
        self.sqlite = server_url == "sqlite"
        if self.sqlite:
            self.url = f"sqlite:///{tmp / 'fairapp.sqlite3'}"
        else:
            server = make_url(server_url).set(drivername="postgresql+psycopg")
            self.admin_conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
            self.url = server.set(database=self.name).render_as_string(hide_password=False)
            self.conninfo = (
                make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
            )
        self.instance = tmp / "instance"
        self.logs = tmp / "logs"
        self.servers, self.web_workers, self.workers = servers, web_workers, workers
        self.processes: list[subprocess.Popen] = []
        self.server_processes: list[subprocess.Popen] = []
        self.worker_logs: list[Path] = []
        self.bases: list[str] = []

    # --- life cycle ------------------------------------------------------------------------------------

    def __enter__(self) -> "Cluster":
        if not self.sqlite:
            with psycopg.connect(self.admin_conninfo, autocommit=True, connect_timeout=5) as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
        self.instance.mkdir(mode=0o700, parents=True)
        self.logs.mkdir()
        settings = [
            f"SECRET_KEY = {secrets.token_urlsafe(32)!r}",
            f"SQLALCHEMY_DATABASE_URI = {self.url!r}",
            'PASSWORD_HASH_METHOD = "scrypt:1024:8:1"',  # cheap sign-ins; the rule is the same
            "BADGE_WORKERS = 1",
            "TASK_POLL_SECONDS = 0.2",
            # The organiser signs in with a password alone (two-factor sign-in is tested in tests/auth).
            "TWO_FACTOR_REQUIRED_ROLES = ()",
        ]
        if not self.sqlite:  # several servers: one Redis, under names of this cluster's own
            settings += [
                f"TASK_QUEUE_URL = {REDIS_URL!r}",
                f"TASK_QUEUE_NAME = {self.name!r}",
                f"RATELIMIT_STORAGE_URI = {REDIS_URL!r}",
                f"RATELIMIT_KEY_PREFIX = {self.name!r}",
                "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = False",  # a count lost to Redis must show
            ]
        (self.instance / "config.py").write_text("\n".join([*settings, ""]))
        return self

    def __exit__(self, *_exc) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                # the workers stop at once on SIGTERM; gunicorn's master stops its workers
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self.sqlite:
            return
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"*{self.name}*", count=1000))
        if keys:
            client.delete(*keys)
        with psycopg.connect(self.admin_conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def environment(self) -> dict:
        """The servers' environment: the instance folder's config.py alone configures them."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith("FAIRAPP_")}
        return {
            **environment,
            "FAIRAPP_INSTANCE_PATH": str(self.instance),
            "PYTHONUNBUFFERED": "1",
            "TZ": "UTC",
        }

    def seed(self, tickets: int) -> dict:
        result = subprocess.run(
            [sys.executable, "-m", "bench.cluster_seed", str(tickets)],
            cwd=ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            raise RuntimeError(f"seeding failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        """The workers first (their schedulers start on the same minute), then the servers; returns once
        every one answers."""
        for n in range(self.workers):
            log = self.logs / f"worker-{n}.log"
            self.worker_logs.append(log)
            self._spawn([str(BIN / "flask"), "--app", "fairapp", "worker"], log)
        for n in range(self.servers):
            port = free_port()
            process = self._spawn(
                [str(BIN / "gunicorn"), "--workers", str(self.web_workers), "--bind", f"127.0.0.1:{port}"]
                + ["--log-level", "warning", "fairapp.wsgi:app"],
                self.logs / f"server-{n}.log",
            )
            self.server_processes.append(process)
            self.bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(self.bases, self.server_processes, strict=True):
            self._wait_for_server(base, process)
        for log in self.worker_logs:
            self._wait_for_line(log, "worker: ")

    def _spawn(self, command: list[str], log: Path) -> subprocess.Popen:
        with log.open("w") as output:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment(),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def _wait_for_server(self, base: str, process: subprocess.Popen, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{base} exited at start:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{base} did not answer within {timeout} s:\n{self.log_text()}")

    def _wait_for_line(self, log: Path, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in log.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{log.name} did not say {text!r}:\n{self.log_text()}")

    def log_text(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in self.logs.iterdir()
        )

    # --- the database ------------------------------------------------------------------------------------

    def scalar(self, query: str, *params):
        return self.rows(query, *params)[0][0]

    def rows(self, query: str, *params) -> list[tuple]:
        if self.sqlite:
            import sqlite3

            with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as connection:
                return connection.execute(query.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.conninfo) as connection:
            return connection.execute(query, params).fetchall()

    def backend_pids(self) -> list[int]:
        """PostgreSQL's server processes serving this cluster's database (its app servers' connections)."""
        with psycopg.connect(self.conninfo) as connection:
            query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s"
            return [pid for (pid,) in connection.execute(query, (connection.info.backend_pid,))]
