"""POST /api/v1/checkins under load, as the gate's scanner page sends it, side by side with a floor.

gunicorn serves fairapp.wsgi:app on a temporary SQLite database (WAL, synchronous=FULL, as in
production) and, when reachable, a temporary PostgreSQL database: one open fair with REGISTRATIONS job
seekers and a gate user. The bench then does what the scanner page does: signs in through the sign-in
form, opens the fair's scanner page for its CSRF token and registers the browser as a device
(POST /api/v1/devices), which gives the device's token. `wrk` (bench/checkin.lua) sends the page's own
check-in requests with that token: its headers, and its body with a fresh scan id and the phone's time
for every scan. CONNECTIONS connections, DURATION_S seconds each:

    1. first-time check-ins (every request a ticket not yet admitted)
    2. repeated scans of tickets already admitted (already_checked_in, each kept as a scan)

The same runs, in the same process, against the floor (bench/floor_app.py: a bare Flask app doing one
transaction per scan, on the same database engine, under the same gunicorn settings) give the ratios.

    .venv/bin/python bench/checkin_bench.py            (needs `apt-get install -y wrk`)

Targets: SQLite first-time ≥ 0.6 × the floor with p99 ≤ 40 ms, repeated ≥ 0.5 × the floor with p99 ≤
15 ms; PostgreSQL first-time ≥ 0.5 × its floor; 0 errors. Printed: requests/s, p50/p99, errors (non-2xx
and socket errors, plus answers whose result was not the one expected), the check-ins stored, CPU time
of the gunicorn workers per request, RSS per worker, the load average.

FAIRAPP_BENCH_SERVER overrides the gunicorn options; FAIRAPP_BENCH_PG the PostgreSQL server URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/postgres; "off" skips it)."""

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    on_both_databases,
    parse_wrk,
    serve,
    stop,
    wait_until_up,
    worker_cpu_seconds,
    worker_rss_mb,
)

CONNECTIONS = 16
THREADS = 2
DURATION_S = 10
REGISTRATIONS = 20_000
REPEATED = 2_000  # the tickets re-scanned in the second run
PASSWORD = "bench-password-1"
# Sync workers (wrk then reconnects per request); on this 2-core machine they did better than gthread.
SERVER = os.environ.get("FAIRAPP_BENCH_SERVER", "--workers 2 --worker-class sync").split()
PG_SERVER = os.environ.get("FAIRAPP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# (ratio to the floor's requests/s, p99 in ms) for each run; None: no target
TARGETS = {
    "first": {"sqlite": (0.6, 40), "postgresql": (0.5, 40)},
    "repeat": {"sqlite": (0.5, 15), "postgresql": (None, None)},
}
LUA = ROOT / "bench" / "checkin.lua"


def _prepare(folder: Path, url: str) -> tuple[int, list[str]]:
    """Migrate, load the units, create an open fair with REGISTRATIONS registrations and a gate user.
    Returns (fair id, ticket payloads)."""
    os.environ["FAIRAPP_INSTANCE_PATH"] = str(folder)
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from fairapp import create_app
    from fairapp.attendees.models import Attendee, Registration, new_ticket_nonce, new_ticket_secret
    from fairapp.auth import services as auth_services
    from fairapp.extensions import db
    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.geo import loader
    from fairapp.modelbase import utcnow
    from fairapp.tickets.signing import encode_payload

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        loader.load_units()
        starts = utcnow().replace(microsecond=0) - timedelta(hours=1)
        fair = Fair(
            title="Phiên đo tải điểm danh",
            ward_code="05528",
            venue_name="Nhà văn hoá",
            starts_at=starts,
            ends_at=starts + timedelta(hours=8),
            status=FairStatus.OPEN,
            opened_at=starts,
        )
        db.session.add(fair)
        auth_services.create_user(
            email="gate@bench.vn", full_name="Cổng đo tải", role="gate", password=PASSWORD
        )
        now = utcnow()
        groups = ["none", "poor", "near_poor", "escaped_poverty"]
        db.session.execute(
            sa.insert(Attendee),
            [
                {
                    "full_name": f"Người đo tải {n}",
                    "name_key": f"nguoi do tai {n}",
                    "phone": f"09{n:08d}",
                    "birth_year": 1990,
                    "gender": "male",
                    "ward_code": "05528",
                    "priority_group": groups[n % 4],
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(REGISTRATIONS)
            ],
        )
        attendee_ids = db.session.scalars(sa.select(Attendee.id).order_by(Attendee.id)).all()
        db.session.execute(
            sa.insert(Registration),
            [
                {
                    "fair_id": fair.id,
                    "attendee_id": attendee_id,
                    "channel": "online",
                    "consent_personal_data_version": "2025-01",
                    "consent_personal_data_at": now,
                    "ticket_secret": new_ticket_secret(),
                    "ticket_nonce": new_ticket_nonce(),
                    "created_at": now,
                }
                for attendee_id in attendee_ids
            ],
        )
        rows = db.session.execute(
            sa.select(Registration.id, Registration.ticket_nonce)
            .where(Registration.fair_id == fair.id)
            .order_by(Registration.id)
        ).all()
        payloads = [encode_payload(fair.id, registration_id, nonce) for registration_id, nonce in rows]
        db.session.commit()
        fair_id = fair.id
        db.session.remove()
        db.engine.dispose()
    return fair_id, payloads


def _scanner_device_token(base: str, fair_id: int) -> str:
    """What the gate volunteer's browser does before its first scan: sign in through the form, open
    the fair's scanner page, register the browser as a device with the page's CSRF token. Returns the
    device's token, which the scanner page's check-ins carry."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"login": "gate@bench.vn", "password": PASSWORD, "csrf_token": csrf})
    opener.open(base + "/login", data=form.encode())
    page = opener.open(f"{base}/scan/{fair_id}").read().decode()
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    request = urllib.request.Request(
        base + "/api/v1/devices",
        data=json.dumps({"name": "Scanner bench"}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
    )
    return json.loads(opener.open(request).read())["token"]


def _scalar(url: str, query: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(query).scalar_one()
    finally:
        engine.dispose()


def _column(url: str, query: str) -> list:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.exec_driver_sql(query).scalars())
    finally:
        engine.dispose()


def _wrk(wrk: str, script: Path, base: str, tag: str, master_pid: int) -> dict:
    """One wrk run; its figures, with the workers' CPU time per request (ms)."""
    cpu_before = worker_cpu_seconds(master_pid)
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
            "--",
            str(THREADS),
            tag,
        ],
        capture_output=True,
        text=True,
        timeout=DURATION_S + 60,
        check=True,
    )
    time.sleep(1.5)  # requests still queued when wrk stopped are answered (and committed) before counting
    try:
        figures = parse_wrk(completed.stdout)
    except (AttributeError, KeyError):
        print(completed.stdout, completed.stderr)
        raise
    figures["cpu_ms"] = (worker_cpu_seconds(master_pid) - cpu_before) * 1000 / max(1, figures["requests"])
    return figures


def _script(folder: Path, name: str, payloads: list[str], fair_id: int, token: str) -> Path:
    lines = folder / f"{name}.txt"
    lines.write_text("\n".join(payloads) + "\n")
    script = folder / f"{name}.lua"
    script.write_text(
        LUA.read_text()
        .replace("%(payloads)s", str(lines))
        .replace("%(fair_id)s", str(fair_id))
        .replace("%(token)s", token)
    )
    return script


def _runs(wrk, folder, base, server, fair_id, token, first, repeat, name) -> dict:
    """Warm-up, then the first-time and repeated runs against one server."""
    warm = _script(folder, f"{name}-warm", first[-200:], fair_id, token)
    subprocess.run(
        [wrk, "-t1", "-c8", "-d1s", "-s", str(warm), base, "--", "1", f"{name}w"],
        capture_output=True,
        check=True,
        timeout=30,
    )
    return {
        "first": _wrk(
            wrk, _script(folder, f"{name}-first", first[:-200], fair_id, token), base, f"{name}f", server.pid
        ),
        "repeat": _wrk(
            wrk, _script(folder, f"{name}-repeat", repeat, fair_id, token), base, f"{name}r", server.pid
        ),
        "rss_mb": worker_rss_mb(server.pid),
    }


def run_one(backend: str, url: str, folder: Path) -> dict:
    """The floor's runs, then the application's, on one database. Returns their figures."""
    wrk = shutil.which("wrk")
    fair_id, payloads = _prepare(folder, url)
    base_environment = {**os.environ, "FAIRAPP_INSTANCE_PATH": str(folder), "FAIRAPP_SECRET_KEY": "bench"}

    # The floor: the same tickets, the same requests, on its own table of the same database engine.
    floor_url = f"sqlite:///{folder}/floor.sqlite3" if backend == "sqlite" else url
    from bench import floor_app

    floor_app.create_table(floor_url)
    server, base = serve(SERVER, "bench.floor_app:app", {**base_environment, "FLOOR_DATABASE": floor_url})
    try:
        wait_until_up(base, server, path="/up")
        floor = _runs(wrk, folder, base, server, fair_id, "none", payloads, payloads[:REPEATED], "floor")
    finally:
        stop(server)

    server, base = serve(SERVER, "fairapp.wsgi:app", {**base_environment, "FAIRAPP_DATABASE_URL": url})
    figures: dict = {"backend": backend, "floor": floor}
    try:
        wait_until_up(base, server)
        token = _scanner_device_token(base, fair_id)
        first = payloads
        warm = _script(folder, "warm", first[-200:], fair_id, token)
        subprocess.run(
            [wrk, "-t1", "-c8", "-d1s", "-s", str(warm), base, "--", "1", "w"],
            capture_output=True,
            check=True,
            timeout=30,
        )
        figures["first"] = _wrk(
            wrk, _script(folder, "first", first[:-200], fair_id, token), base, "f", server.pid
        )
        admitted = _scalar(url, "SELECT count(*) FROM check_ins")
        figures["first"]["check_ins"] = admitted
        first_scans = _scalar(url, "SELECT count(*) FROM scans WHERE result = 'ok'")
        # a request answered but not "ok" (a wrap-around of the list, a refusal) is an error here
        figures["first"]["not_ok"] = max(0, figures["first"]["requests"] - first_scans)
        # the tickets the first run admitted are the ones the second run scans again
        by_registration = {int(p.split(".")[2], 36): p for p in first}
        admitted_ids = _column(url, f"SELECT registration_id FROM check_ins ORDER BY id LIMIT {REPEATED}")
        repeat = [by_registration[i] for i in admitted_ids if i in by_registration]
        before = _scalar(url, "SELECT count(*) FROM scans")
        figures["repeat"] = _wrk(
            wrk, _script(folder, "repeat", repeat, fair_id, token), base, "r", server.pid
        )
        figures["repeat"]["check_ins_added"] = _scalar(url, "SELECT count(*) FROM check_ins") - admitted
        figures["repeat"]["scans_added"] = _scalar(url, "SELECT count(*) FROM scans") - before
        # every repeated scan answered is kept as a scan of its own (a few more may be kept: requests
        # still in flight when wrk stopped are answered, and stored, but not counted by it)
        figures["repeat"]["not_ok"] = max(0, figures["repeat"]["requests"] - figures["repeat"]["scans_added"])
        figures["rss_mb"] = worker_rss_mb(server.pid)
    finally:
        stop(server)
    return figures


def _report(figures: dict) -> None:
    backend = figures["backend"]
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    floor = figures["floor"]
    for run, title in (("first", "first-time check-ins"), ("repeat", "repeated scans")):
        f, bare = figures[run], floor[run]
        ratio_target, p99 = TARGETS[run][backend]
        errors = f["errors"] + f.get("not_ok", 0)
        ratio = f["requests_per_s"] / bare["requests_per_s"] if bare["requests_per_s"] else 0.0
        if ratio_target is None:
            verdict = "no target"
        else:
            met = ratio >= ratio_target and f["p99_ms"] <= p99 and errors == 0
            verdict = f"{'meets' if met else 'MISSES'} the target ≥ {ratio_target}× the floor, p99 ≤ {p99} ms"
        extra = (
            f"{f['check_ins']} check-ins stored"
            if run == "first"
            else f"{f['check_ins_added']} check-ins added, {f['scans_added']} scans kept"
        )
        print(
            f"[{backend}] {title}: floor {bare['requests_per_s']:.0f}/s (p99 {bare['p99_ms']:.1f} ms, "
            f"CPU {bare['cpu_ms']:.2f} ms/request); scanner page's requests {f['requests_per_s']:.0f}/s = "
            f"{ratio:.2f}× the floor, p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms, "
            f"CPU {f['cpu_ms']:.2f} ms/request, {errors} errors; {extra} ({verdict})",
            flush=True,
        )
    print(
        f"[{backend}] gunicorn {' '.join(SERVER)}; RSS per worker: "
        f"{', '.join(f'{mb} MB' for mb in figures['rss_mb'])} (floor: "
        f"{', '.join(f'{mb} MB' for mb in floor['rss_mb'])}); load average {load}",
        flush=True,
    )


def run() -> dict:
    """SQLite, then PostgreSQL when reachable. Prints the figures and returns them by backend."""
    return on_both_databases(run_one, _report, PG_SERVER, "checkin-bench")


if __name__ == "__main__":
    run()
