"""Recording at the booth under load: POST /api/v1/fairs/{id}/interviews as the booth page sends it.

gunicorn serves fairapp.wsgi:app on a temporary SQLite database (WAL, synchronous=FULL, as in
production) and, when reachable, a temporary PostgreSQL database: one open fair with REGISTRATIONS job
seekers (a third of them sharing their profile), an employer's confirmed booth with a vacancy offered
at the fair, and the employer's recruiter. The bench does what the recruiter's phone does: signs in
through the sign-in form, opens the booth's page (/scan/booth/<id>) for its CSRF token and registers
the browser as a device (POST /api/v1/devices), which gives the device's token. `wrk`
(bench/interview.lua) then sends the page's own requests with that token: CONNECTIONS connections for
DURATION_S seconds, every request a person the booth has not recorded yet, outcome "shortlisted" for
the vacancy with a rating.

    .venv/bin/python bench/interview_bench.py            (needs `apt-get install -y wrk`)

Target (SQLite): ≥ 300 records/s at 16 concurrent clients, p99 ≤ 60 ms, 0 errors. Printed: requests/s,
p50/p99, errors (non-2xx, socket errors, and answers that stored no record), records and history
entries stored, CPU time of the gunicorn workers per request, RSS per worker, the load average."""

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
REGISTRATIONS = 12_000
PASSWORD = "bench-password-1"
SERVER = os.environ.get("FAIRAPP_BENCH_SERVER", "--workers 2 --worker-class sync").split()
PG_SERVER = os.environ.get("FAIRAPP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TARGET = {"sqlite": (300, 60), "postgresql": (None, None)}  # (records/s, p99 ms)
LUA = ROOT / "bench" / "interview.lua"


def _prepare(folder: Path, url: str) -> dict:
    """Migrate, load the units, create the fair, the booth and its vacancy, the recruiter and the
    registrations. Returns the ids the requests name and the ticket payloads."""
    os.environ["FAIRAPP_INSTANCE_PATH"] = str(folder)
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from fairapp import create_app
    from fairapp.attendees.models import Attendee, Registration, new_ticket_nonce, new_ticket_secret
    from fairapp.auth import services as auth_services
    from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
    from fairapp.extensions import db
    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.geo import loader
    from fairapp.modelbase import utcnow
    from fairapp.partners.models import Employer, PartnerStatus, Vacancy
    from fairapp.tickets.signing import encode_payload

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        loader.load_units()
        starts = utcnow().replace(microsecond=0) - timedelta(hours=1)
        fair = Fair(
            title="Phiên đo tải gian hàng",
            ward_code="05528",
            venue_name="Nhà văn hoá",
            starts_at=starts,
            ends_at=starts + timedelta(hours=8),
            status=FairStatus.OPEN,
            opened_at=starts,
        )
        employer = Employer(name="Công ty TNHH Đo Tải", tax_code="0101234565", status=PartnerStatus.APPROVED)
        db.session.add_all([fair, employer])
        db.session.flush()
        vacancy = Vacancy(employer_id=employer.id, title="Công nhân may công nghiệp", quantity=50)
        db.session.add(vacancy)
        db.session.flush()
        booth = Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED, label="A1")
        db.session.add_all([booth, VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id)])
        auth_services.create_user(
            email="booth@bench.vn",
            full_name="Tuyển dụng đo tải",
            role="employer",
            password=PASSWORD,
            employer_id=employer.id,
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
                    "gender": "female",
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
                    "consent_personal_data_version": "2026-12-v1",
                    "consent_personal_data_at": now,
                    "consent_share_version": "2026-12-v1" if n % 3 == 0 else None,
                    "consent_share_at": now if n % 3 == 0 else None,
                    "ticket_secret": new_ticket_secret(),
                    "ticket_nonce": new_ticket_nonce(),
                    "created_at": now,
                }
                for n, attendee_id in enumerate(attendee_ids)
            ],
        )
        rows = db.session.execute(
            sa.select(Registration.id, Registration.ticket_nonce)
            .where(Registration.fair_id == fair.id)
            .order_by(Registration.id)
        ).all()
        prepared = {
            "fair_id": fair.id,
            "booth_id": booth.id,
            "employer_id": employer.id,
            "vacancy_id": vacancy.id,
            "payloads": [encode_payload(fair.id, registration_id, nonce) for registration_id, nonce in rows],
        }
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return prepared


def _booth_device_token(base: str, booth_id: int) -> str:
    """What the recruiter's browser does before its first record: sign in through the form, open the
    booth's page, register the browser as a device with the page's CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"login": "booth@bench.vn", "password": PASSWORD, "csrf_token": csrf})
    opener.open(base + "/login", data=form.encode())
    page = opener.open(f"{base}/scan/booth/{booth_id}").read().decode()
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    request = urllib.request.Request(
        base + "/api/v1/devices",
        data=json.dumps({"name": "Booth bench"}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
    )
    return json.loads(opener.open(request).read())["token"]


def _script(folder: Path, name: str, payloads: list[str], prepared: dict, token: str) -> Path:
    lines = folder / f"{name}.txt"
    lines.write_text("\n".join(payloads) + "\n")
    script = folder / f"{name}.lua"
    text = LUA.read_text().replace("%(payloads)s", str(lines)).replace("%(token)s", token)
    for key in ("fair_id", "employer_id", "vacancy_id"):
        text = text.replace(f"%({key})s", str(prepared[key]))
    script.write_text(text)
    return script


def _scalar(url: str, query: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(query).scalar_one()
    finally:
        engine.dispose()


def run_one(backend: str, url: str, folder: Path) -> dict:
    wrk = shutil.which("wrk")
    prepared = _prepare(folder, url)
    environment = {
        **os.environ,
        "FAIRAPP_INSTANCE_PATH": str(folder),
        "FAIRAPP_SECRET_KEY": "bench",
        "FAIRAPP_DATABASE_URL": url,
    }
    server, base = serve(SERVER, "fairapp.wsgi:app", environment)
    try:
        wait_until_up(base, server)
        token = _booth_device_token(base, prepared["booth_id"])
        payloads = prepared["payloads"]
        warm = _script(folder, "warm", payloads[-300:], prepared, token)
        subprocess.run(
            [wrk, "-t1", "-c8", "-d1s", "-s", str(warm), base, "--", "1", "w"],
            capture_output=True,
            check=True,
            timeout=30,
        )
        before = _scalar(url, "SELECT count(*) FROM interviews")
        cpu_before = worker_cpu_seconds(server.pid)
        completed = subprocess.run(
            [wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION_S}s", "--latency", "-s"]
            + [
                str(_script(folder, "first", payloads[:-300], prepared, token)),
                base,
                "--",
                str(THREADS),
                "f",
            ],
            capture_output=True,
            text=True,
            timeout=DURATION_S + 60,
            check=True,
        )
        time.sleep(1.5)  # requests still queued when wrk stopped are answered (and committed)
        figures = parse_wrk(completed.stdout)
        figures["cpu_ms"] = (worker_cpu_seconds(server.pid) - cpu_before) * 1000 / max(1, figures["requests"])
        figures["records"] = _scalar(url, "SELECT count(*) FROM interviews") - before
        figures["entries"] = _scalar(url, "SELECT count(*) FROM interview_entries")
        figures["not_stored"] = max(0, figures["requests"] - figures["records"])
        figures["rss_mb"] = worker_rss_mb(server.pid)
    finally:
        stop(server)
    return {"backend": backend, **figures}


def _report(figures: dict) -> None:
    backend = figures["backend"]
    rate, p99 = TARGET[backend]
    errors = figures["errors"] + figures["not_stored"]
    if rate is None:
        verdict = "no target"
    else:
        met = figures["requests_per_s"] >= rate and figures["p99_ms"] <= p99 and errors == 0
        verdict = f"{'meets' if met else 'MISSES'} the target ≥ {rate}/s, p99 ≤ {p99} ms"
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"[{backend}] booth records, the booth page's requests: {figures['requests_per_s']:.0f}/s at "
        f"{CONNECTIONS} connections, p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
        f"CPU {figures['cpu_ms']:.2f} ms/request, {errors} errors; {figures['records']} records stored "
        f"({verdict})",
        flush=True,
    )
    print(
        f"[{backend}] gunicorn {' '.join(SERVER)}; RSS per worker: "
        f"{', '.join(f'{mb} MB' for mb in figures['rss_mb'])}; load average {load}",
        flush=True,
    )


def run() -> dict:
    """SQLite, then PostgreSQL when reachable. Prints the figures and returns them by backend."""
    return on_both_databases(run_one, _report, PG_SERVER, "interview-bench")


if __name__ == "__main__":
    run()
