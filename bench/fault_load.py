"""Load through a fault: the application under gunicorn, public registrations sent from threads (every
request a new person), and a fault in the middle. The fault benchmark (bench/faults_bench.py) prints
what this returns; tests/faults/ asserts on it, so both look at the same runs.

    served(folder, database_url, env)      gunicorn serving fairapp.wsgi:app (2 sync workers)
    Load(base, fair_id, threads).run(seconds, fault)
                                           the answers, each with its start and end time, status,
                                           error code and the phone it registered
    summary(answers, window)               ok / 503 / other, the last failure and the first success
                                           after the window
    stored_phones(database_url, phones)    which of those phones have an attendee (read directly)"""

import contextlib
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bench.common import serve, stop, wait_until_up

GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Nam")
SERVER = ["--workers", "2", "--worker-class", "sync", "--timeout", "60"]


@dataclass
class Answer:
    started: float
    ended: float
    status: int  # 0: no HTTP answer at all (the connection failed)
    code: str | None
    retry_after: str | None
    phone: str


@contextlib.contextmanager
def served(folder: Path, database_url: str, env: dict | None = None):
    """gunicorn on `database_url` with `folder` as its instance folder; yields (process, base URL).
    The per-address registration limit is raised: every request comes from 127.0.0.1."""
    config = folder / "config.py"
    if not config.exists():
        config.write_text('REGISTRATION_LIMIT_PER_ADDRESS = "10000000 per minute"\n')
    environment = {
        **os.environ,
        "FAIRAPP_INSTANCE_PATH": str(folder),
        "FAIRAPP_SECRET_KEY": "fault-bench",
        "FAIRAPP_DATABASE_URL": database_url,
        **(env or {}),
    }
    server, base = serve(SERVER, "fairapp.wsgi:app", environment)
    try:
        wait_until_up(base, server, timeout=60)
        yield server, base
    finally:
        stop(server)


def name_of(number: int) -> str:
    return "Người Thử " + " ".join(GIVEN[int(digit)] for digit in str(number))


def person(number: int) -> dict:
    return {
        "full_name": name_of(number),
        "phone": f"091{number:07d}",
        "birth_year": 1995,
        "gender": "female" if number % 2 else "male",
        "ward_code": "05528",
        "priority_group": "none",
        "consent_personal_data": True,
    }


class Load:
    """`threads` clients, each sending one registration after another (a new person each time) and
    waiting for its answer."""

    def __init__(self, base: str, fair_id: int, *, threads: int = 6, first_number: int = 1) -> None:
        self.base = base
        self.path = f"/api/v1/fairs/{fair_id}/registrations"
        self.threads = threads
        self.answers: list[Answer] = []
        self._numbers = iter(range(first_number, first_number + 10_000_000))
        self._lock = threading.Lock()
        self._until = 0.0

    def run(self, seconds: float, fault=None) -> list[Answer]:
        """Send for `seconds`; `fault()`, if given, runs in this thread meanwhile (it sleeps, breaks
        something, sleeps again). Returns the answers sorted by start time."""
        self._until = time.monotonic() + seconds
        workers = [threading.Thread(target=self._client, daemon=True) for _ in range(self.threads)]
        for worker in workers:
            worker.start()
        if fault is not None:
            fault()
        for worker in workers:
            worker.join(timeout=seconds + 60)
        return sorted(self.answers, key=lambda answer: answer.started)

    def _next(self) -> int:
        with self._lock:
            return next(self._numbers)

    def _client(self) -> None:
        host, port = self.base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while time.monotonic() < self._until:
            body = person(self._next())
            started = time.monotonic()
            status, code, retry_after = self._post(connection, body)
            if status == 0:
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
            with self._lock:
                self.answers.append(
                    Answer(started, time.monotonic(), status, code, retry_after, body["phone"])
                )
        connection.close()

    def _post(self, connection, body: dict) -> tuple[int, str | None, str | None]:
        try:
            connection.request(
                "POST", self.path, body=json.dumps(body), headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            return 0, None, None
        code = None
        if response.status >= 400:
            try:
                code = json.loads(data)["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = "not-json"
        return response.status, code, response.getheader("Retry-After")


def summary(answers: list[Answer], window: tuple[float, float]) -> dict:
    """Counts, and how the failures sit against the fault's window (monotonic start, end)."""
    start, end = window
    ok = [a for a in answers if a.status in (200, 201)]
    failed = [a for a in answers if a.status not in (200, 201)]
    first_ok_after = min((a.ended for a in ok if a.started >= end), default=None)
    last_failure = max((a.ended for a in failed), default=None)
    return {
        "requests": len(answers),
        "ok": len(ok),
        "unavailable_503": sum(a.status == 503 and a.code == "database_unavailable" for a in answers),
        "other": [
            (a.status, a.code) for a in failed if not (a.status == 503 and a.code == "database_unavailable")
        ],
        "outage_s": round(end - start, 2),
        "failures_from_s": round(min((a.started for a in failed), default=start) - start, 2),
        "last_failure_after_s": None if last_failure is None else round(last_failure - end, 2),
        "recovered_after_s": None if first_ok_after is None else round(first_ok_after - end, 2),
    }


def stored_phones(database_url: str, phones: list[str]) -> set[str]:
    """The phones among `phones` that have an attendee, read directly (not through a proxy)."""
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT a.phone FROM attendees a JOIN registrations r ON r.attendee_id = a.id")
            ).scalars()
            registered = set(rows) & set(phones)
            people = set(connection.execute(sa.text("SELECT phone FROM attendees")).scalars()) & set(phones)
    finally:
        engine.dispose()
    if people != registered:  # a person without a registration: half of a request was kept
        raise AssertionError(f"half-written registrations: {sorted(people - registered)[:5]}")
    return registered


def flask_command(folder: Path, database_url: str, *args: str, env: dict | None = None) -> subprocess.Popen:
    """`flask --app fairapp ARGS` (the worker, say) with the same instance folder and database, its
    output appended to worker.log there."""
    environment = {
        **os.environ,
        "FAIRAPP_INSTANCE_PATH": str(folder),
        "FAIRAPP_SECRET_KEY": "fault-bench",
        "FAIRAPP_DATABASE_URL": database_url,
        **(env or {}),
    }
    flask = str(Path(sys.executable).parent / "flask")
    with (folder / "worker.log").open("a") as log:
        return subprocess.Popen(
            [flask, "--app", "fairapp", *args],
            env=environment,
            start_new_session=True,
            stdout=log,
            stderr=log,
        )
