"""The outcome reports on a province-sized data set (bench/province_data.py: 100,000 job seekers,
500 fairs, 200,000 registrations, 60,000 interviews, 20,000 hires, 50,000 follow-ups), served by
gunicorn over HTTP, as the product's pages ask for them: the admin signs in through the sign-in form
(a cookie session) and opens the outcome dashboard for the year (whole province, then one ward), and
downloads the yearly report as PDF and xlsx; an integration asks the API with its bearer token.

    .venv/bin/python bench/report_bench.py        (or: make bench ONLY=reports)

Targets (issue #14): dashboard for a year and the whole province ≤ 300 ms, for one ward ≤ 100 ms; the
yearly PDF ≤ 3 s; the xlsx ≤ 2 s — on SQLite and PostgreSQL. Printed: p50/p95 wall ms per request,
the bodies' sizes, the load average. FAIRAPP_BENCH_SCALE (default 1.0) scales the data set."""

import os
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import on_both_databases, serve, signed_in, stop, wait_until_up  # noqa: E402
from bench.province_data import PASSWORD  # noqa: E402

YEAR = 2026
SCALE = float(os.environ.get("FAIRAPP_BENCH_SCALE", "1.0"))
RUNS = int(os.environ.get("FAIRAPP_BENCH_RUNS", "7"))
ADMIN = "admin@thainguyen.bench.vn"
SERVER = os.environ.get("FAIRAPP_BENCH_SERVER", "--workers 2 --worker-class sync --timeout 120").split()
PG_SERVER = os.environ.get("FAIRAPP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TARGETS_MS = {
    "dashboard, province, year": 300,
    "dashboard, one ward, year": 100,
    "API outcomes, province, year": 300,
    "yearly report PDF": 3000,
    "yearly report xlsx": 2000,
}


def _prepare(folder: Path, url: str) -> tuple[str, str]:
    """The data set, and (a busy ward's code, an API token of the admin)."""
    os.environ["FAIRAPP_INSTANCE_PATH"] = str(folder)
    import sqlalchemy as sa

    from bench.province_data import generate, prepare
    from fairapp import create_app
    from fairapp.auth import services as auth_services
    from fairapp.auth.models import User
    from fairapp.extensions import db
    from fairapp.fairs.models import Fair

    prepare(url)
    engine = sa.create_engine(url)
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    started = time.perf_counter()
    with app.app_context():  # the settings: the follow-up months counted
        counts = generate(engine, scale=SCALE, year=YEAR)
    seconds = time.perf_counter() - started
    engine.dispose()
    print(
        f"  data set: {counts['attendees']:,} job seekers, {counts['fairs']:,} fairs, "
        f"{counts['registrations']:,} registrations, {counts['interviews']:,} interviews, "
        f"{counts['hires']:,} hires, {counts['follow_ups']:,} follow-ups ({seconds:.0f} s)",
        flush=True,
    )
    with app.app_context():
        ward = db.session.scalar(
            sa.select(Fair.ward_code).group_by(Fair.ward_code).order_by(sa.func.count().desc()).limit(1)
        )
        admin = db.session.scalar(sa.select(User).where(User.email == ADMIN))
        _token, secret = auth_services.issue_token(admin, "bench")
        db.session.commit()
        db.engine.dispose()
    return ward, secret


def _time(open_url, url: str, runs: int = RUNS) -> dict:
    open_url(url)  # warm up: templates compiled, statements cached
    samples, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(open_url(url))
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "kb": size // 1024,
        "runs": runs,
    }


def run_one(backend: str, url: str, folder: Path) -> dict:
    ward, token = _prepare(folder, url)
    environment = {
        **os.environ,
        "FAIRAPP_INSTANCE_PATH": str(folder),
        "FAIRAPP_SECRET_KEY": "bench",
        "FAIRAPP_DATABASE_URL": url,
    }
    server, base = serve(SERVER, "fairapp.wsgi:app", environment)
    try:
        wait_until_up(base, server)
        opener = signed_in(base, ADMIN, PASSWORD)

        def page(address: str) -> bytes:
            with opener.open(address) as answer:
                assert answer.status == 200 and "/login" not in answer.url, answer.url
                return answer.read()

        def api(address: str) -> bytes:
            request = urllib.request.Request(address, headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(request) as answer:
                return answer.read()

        year = f"date_from={YEAR}-01-01&date_to={YEAR}-12-31"
        report = f"period=year&year={YEAR}"
        return {
            "backend": backend,
            "dashboard, province, year": _time(page, f"{base}/manage/dashboard?{year}"),
            "dashboard, one ward, year": _time(page, f"{base}/manage/dashboard?{year}&ward_code={ward}"),
            "API outcomes, province, year": _time(api, f"{base}/api/v1/reports/outcomes?{year}"),
            "yearly report PDF": _time(page, f"{base}/manage/reports/period.pdf?{report}", runs=3),
            "yearly report xlsx": _time(page, f"{base}/manage/reports/period.xlsx?{report}", runs=3),
            # A busy minute at the fairs: 1,000 people written since the worker last counted (the
            # triggers note them); the dashboard counts them from the facts meanwhile.
            WAITING: _waiting(url, lambda: _time(page, f"{base}/manage/dashboard?{year}", runs=5)),
        }
    finally:
        stop(server)


WAITING = "dashboard, province, year, 1,000 people not counted yet"


def _waiting(url: str, measure) -> dict:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:  # an UPDATE OF birth_year: the triggers note each person
            connection.exec_driver_sql(
                "UPDATE attendees SET birth_year = birth_year"
                " WHERE id IN (SELECT id FROM attendees ORDER BY id LIMIT 1000)"
            )
            noted = connection.exec_driver_sql("SELECT count(*) FROM reach_dirty").scalar()
        assert noted == 1000, noted
        return measure()
    finally:
        engine.dispose()


def _report(figures: dict) -> None:
    backend = figures["backend"]
    for name, target in TARGETS_MS.items():
        result = figures[name]
        verdict = "meets" if result["p95_ms"] <= target else "MISSES"
        print(
            f"[{backend}] {name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms "
            f"({result['runs']} requests, {result['kb']} KB; {verdict} ≤ {target} ms)",
            flush=True,
        )
    waiting = figures[WAITING]
    print(
        f"[{backend}] {WAITING}: p50 {waiting['p50_ms']} ms, p95 {waiting['p95_ms']} ms (no target)",
        flush=True,
    )
    print(f"[{backend}] load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


def run() -> dict:
    """SQLite, then PostgreSQL when reachable. Prints the figures and returns them by backend."""
    return on_both_databases(run_one, _report, PG_SERVER, "report-bench", needs_wrk=False)


if __name__ == "__main__":
    run()
