"""POST /api/v1/fairs/{id}/registrations under load: gunicorn on a temporary SQLite database (WAL,
synchronous=FULL, as in production) with one published fair, loaded by `wrk` with a Lua script that
sends a different valid person (own phone, own CCCD) on every request.

    .venv/bin/python bench/registration_bench.py            (needs `apt-get install -y wrk`)

Target (issue 5): ≥ 300 requests/s at 16 connections with p99 ≤ 60 ms.

Server (SERVER; FAIRAPP_BENCH_SERVER overrides it for experiments): 2 gunicorn sync workers, the same
as the check-in bench. Measured here, they beat 2 gthread workers × 8 threads (with --reuse-port) by a
quarter in throughput and halve p99: threads in one process contend for its GIL, and a sync worker
spends its CPU on one request at a time. A plain SQLite commit (WAL, synchronous=FULL) takes about
0.2 ms on this disk, so fsync is not the limit: CPU is, and the writers' turns. Registering writers
queue on a thread lock and an flock beside the database (fairapp.database.write_turn), not on SQLite's
sleeping busy handler. Besides the figures from wrk the bench prints the gunicorn processes' CPU time
per request, which says more than requests per second when other work shares the machine.

Rate limit: wrk sends everything from 127.0.0.1, so the per-address limit would throttle the whole
run (600 a minute is 10 a second). The bench raises REGISTRATION_LIMIT_PER_ADDRESS in the temporary
instance/config.py; production keeps the default, which is what one commune behind a shared address
needs. The per-phone limit stays as it is: each request carries a different phone."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, parse_wrk, wait_until_up  # noqa: E402

CONNECTIONS = 16
THREADS = 2
DURATION_S = 10
SERVER = os.environ.get("FAIRAPP_BENCH_SERVER", "--workers 2 --worker-class sync").split()
TARGET_RPS = 300
TARGET_P99_MS = 60

LUA = r"""
-- Every request a new person: phone 09xx from the thread number and a counter, CCCD to match.
local counter = 0
thread_number = 0  -- set per thread by setup()
local threads = {}
local next_thread = 1

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

-- A name holds letters only (the server refuses digits in a name): one given name per digit of n.
local given = {"An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Nam"}
local function name_of(n)
  local parts = {}
  for digit in tostring(n):gmatch("%d") do table.insert(parts, given[tonumber(digit) + 1]) end
  return "Người Thử " .. table.concat(parts, " ")
end

function request()
  counter = counter + 1
  local n = thread_number * 1000000 + counter
  local body = string.format(
    '{"full_name":"%s","phone":"091%07d","birth_year":1995,"gender":"male",' ..
    '"ward_code":"05528","priority_group":"none","citizen_id":"019095%06d",' ..
    '"desired_jobs":"Công nhân","consent_personal_data":true}', name_of(n), n,
    thread_number * 100000 + counter)
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/json"}, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
"""


def _prepare(folder: Path) -> int:
    """Migrate the database, load the units, create a published fair; return its id."""
    os.environ["FAIRAPP_INSTANCE_PATH"] = str(folder)
    from flask_migrate import upgrade

    from fairapp import create_app
    from fairapp.extensions import db
    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.geo import loader
    from fairapp.modelbase import utcnow

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"})
    with app.app_context():
        upgrade()
        loader.load_units()
        starts = utcnow().replace(microsecond=0) + timedelta(days=7)
        fair = Fair(
            title="Phiên đo tải",
            ward_code="05528",
            venue_name="Nhà văn hoá",
            starts_at=starts,
            ends_at=starts + timedelta(hours=4),
            capacity=None,
            status=FairStatus.PUBLISHED,
        )
        db.session.add(fair)
        db.session.commit()
        fair_id = fair.id
        db.session.remove()
        db.engine.dispose()
    return fair_id


def _post(base: str, path: str, body: dict) -> int:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status


def _cpu_seconds(root_pid: int) -> float:
    """User + system CPU time so far of a process and its children (the gunicorn workers)."""
    total, pending = 0.0, [root_pid]
    ticks = os.sysconf("SC_CLK_TCK")
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, IndexError, ValueError):
            continue
    return total


def run() -> dict:
    """Start gunicorn on a fresh database, load it with wrk for DURATION_S, stop it. Prints and returns
    {"requests", "requests_per_s", "p50_ms", "p99_ms", "errors", "registrations"}."""
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk not found: apt-get install -y wrk")
        return {"skipped": "wrk not installed"}
    with tempfile.TemporaryDirectory(prefix="fairapp-registration-bench-") as name:
        folder = Path(name)
        database = folder / "bench.sqlite3"
        fair_id = _prepare(folder)
        (folder / "config.py").write_text(
            "# wrk sends every request from 127.0.0.1: see bench/registration_bench.py\n"
            'REGISTRATION_LIMIT_PER_ADDRESS = "10000000 per minute"\n'
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        environment = {
            **os.environ,
            "FAIRAPP_INSTANCE_PATH": str(folder),
            "FAIRAPP_SECRET_KEY": "bench",
            "FAIRAPP_DATABASE_URL": f"sqlite:///{database}",
        }
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                *SERVER,
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "fairapp.wsgi:app",
            ],
            cwd=ROOT,
            env=environment,
            start_new_session=True,
        )
        try:
            wait_until_up(base, server)
            path = f"/api/v1/fairs/{fair_id}/registrations"
            warm = {
                "full_name": "Khởi động",
                "phone": "0988000000",
                "birth_year": 1990,
                "gender": "male",
                "ward_code": "05528",
                "consent_personal_data": True,
            }
            for worker_round in range(4):  # every worker and thread: the signing key, the caches
                warm["phone"] = f"098800000{worker_round}"
                assert _post(base, path, warm) in (200, 201)
            script = folder / "register.lua"
            script.write_text(LUA.replace("%(path)s", path))
            server_cpu = _cpu_seconds(server.pid)
            completed = subprocess.run(
                [
                    wrk,
                    f"-t{THREADS}",
                    f"-c{CONNECTIONS}",
                    f"-d{DURATION_S}s",
                    "--latency",
                    "-s",
                    str(script),
                    base,
                ],
                capture_output=True,
                text=True,
                timeout=DURATION_S + 60,
                check=True,
            )
            server_cpu = _cpu_seconds(server.pid) - server_cpu
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        try:
            figures = parse_wrk(completed.stdout)
        except (AttributeError, KeyError):
            print(completed.stdout, completed.stderr)
            raise
        figures["server_cpu_ms_per_request"] = server_cpu * 1000 / max(figures["requests"], 1)
        import sqlite3

        with sqlite3.connect(database) as connection:
            figures["registrations"] = connection.execute("SELECT count(*) FROM registrations").fetchone()[0]
    verdict = (
        "meets"
        if figures["requests_per_s"] >= TARGET_RPS
        and figures["p99_ms"] <= TARGET_P99_MS
        and figures["errors"] == 0
        else "MISSES"
    )
    print(
        f"POST /api/v1/fairs/{{id}}/registrations, {CONNECTIONS} connections, {DURATION_S} s, "
        f"gunicorn {' '.join(SERVER)}: {figures['requests_per_s']:.0f} requests/s, "
        f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, {figures['errors']} errors, "
        f"{figures['registrations']} registrations stored, "
        f"server CPU {figures['server_cpu_ms_per_request']:.2f} ms per request, load average "
        f"{os.getloadavg()[0]:.2f} "
        f"({verdict} the target ≥ {TARGET_RPS}/s, p99 ≤ {TARGET_P99_MS} ms)"
    )
    return figures


if __name__ == "__main__":
    run()
