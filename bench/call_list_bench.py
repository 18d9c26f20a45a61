"""The ward official's call list: GET /manage/follow-ups?ward=… served by gunicorn over HTTP.

One ward (Phường Bách Quang) with HIRES hires and their 3 follow-ups each (6,000), started over the
last 400 days: most milestones already past are answered, a tenth of the open ones were unreachable
and wait for their retry date; a neighbouring ward holds as many hires again (what the ward filter
must skip). Also hires a job seeker told of (to confirm) and "still looking" self-reports. The bench
signs in as the ward's organiser through the sign-in form (a cookie session, as the phone does) and
times RUNS sequential requests of the page, and of its second page of the due section.

    .venv/bin/python bench/call_list_bench.py        (or: make bench ONLY=call_list)

Target: p95 ≤ 100 ms on SQLite and PostgreSQL. Printed: p50/p95 wall ms per request, the rows in
each section, the page's size, the load average."""

import os
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import on_both_databases, serve, signed_in, stop, wait_until_up  # noqa: E402

HIRES = 2_000
RUNS = 100
TARGET_MS = 100
WARD, OTHER_WARD = "05528", "05518"
PASSWORD = "bench-password-1"
SERVER = os.environ.get("FAIRAPP_BENCH_SERVER", "--workers 2 --worker-class sync").split()
PG_SERVER = os.environ.get("FAIRAPP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _prepare(folder: Path, url: str) -> None:
    os.environ["FAIRAPP_INSTANCE_PATH"] = str(folder)
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from fairapp import create_app
    from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, Registration
    from fairapp.auth import services as auth_services
    from fairapp.extensions import db
    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.fairs.services import local_day
    from fairapp.geo import loader
    from fairapp.modelbase import utcnow
    from fairapp.outcomes.models import FollowUp, FollowUpOutcome, Hire, HireSource, HireStatus, SelfReport
    from fairapp.outcomes.rules import add_months
    from fairapp.partners.models import Employer, PartnerStatus
    from fairapp.text import fold

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        loader.load_units()
        now = utcnow().replace(microsecond=0)
        today = local_day(now)
        fair = Fair(
            title="Phiên giao dịch việc làm lưu động",
            ward_code=WARD,
            venue_name="Nhà văn hoá",
            starts_at=now - timedelta(days=420),
            ends_at=now - timedelta(days=420) + timedelta(hours=4),
            status=FairStatus.CLOSED,
        )
        db.session.add(fair)
        employers = [
            Employer(
                name=f"Công ty TNHH Sản xuất Số {n}", tax_code=f"47{n:08d}", status=PartnerStatus.APPROVED
            )
            for n in range(20)
        ]
        db.session.add_all(employers)
        db.session.flush()
        people = 2 * HIRES
        db.session.execute(
            sa.insert(Attendee),
            [
                {
                    "full_name": (name := f"Nguyễn Thị Người Số {p}"),
                    "name_key": fold(name),
                    "phone": f"09{p:08d}",
                    "birth_year": 1990,
                    "gender": Gender.FEMALE,
                    "ward_code": WARD if p < HIRES else OTHER_WARD,
                    "priority_group": PriorityGroup.NONE,
                    "created_at": now,
                    "updated_at": now,
                }
                for p in range(people)
            ],
        )
        attendees = db.session.scalars(sa.select(Attendee.id).order_by(Attendee.id)).all()
        db.session.execute(
            sa.insert(Registration),
            [
                {
                    "fair_id": fair.id,
                    "attendee_id": a,
                    "channel": Channel.ONLINE,
                    "consent_personal_data_version": "2025-01",
                    "consent_personal_data_at": now,
                    "created_at": now,
                }
                for a in attendees
            ],
        )
        registrations = dict(db.session.execute(sa.select(Registration.attendee_id, Registration.id)).all())
        hires = []
        for p, attendee_id in enumerate(attendees):
            start = today - timedelta(days=p % 400)
            to_confirm = p % 40 == 0
            employer = employers[p % 20]
            hires.append(
                {
                    "attendee_id": attendee_id,
                    "fair_id": fair.id,
                    "ward_code": WARD if p < HIRES else OTHER_WARD,
                    "employer_id": employer.id,
                    "employer_key": f"id:{employer.id}",
                    "position": "Công nhân may",
                    "start_date": start,
                    "monthly_salary": 6_500_000,
                    "status": HireStatus.TO_CONFIRM if to_confirm else HireStatus.CONFIRMED,
                    "source": HireSource.JOB_SEEKER if to_confirm else HireSource.EMPLOYER,
                    "created_at": now,
                }
            )
        db.session.execute(sa.insert(Hire), hires)
        follow_ups = []
        for hire_id, start, status in db.session.execute(sa.select(Hire.id, Hire.start_date, Hire.status)):
            if status != HireStatus.CONFIRMED:
                continue
            for month in (1, 3, 6):
                due = add_months(start, month)
                answered = due < today - timedelta(days=20) and hire_id % 5 != 0
                unreachable = not answered and due <= today and hire_id % 10 == 0
                follow_ups.append(
                    {
                        "hire_id": hire_id,
                        "month": month,
                        "due_on": due,
                        "outcome": FollowUpOutcome.STILL_EMPLOYED if answered else None,
                        "checked_on": due if answered else None,
                        "retry_on": today - timedelta(days=hire_id % 5) if unreachable else None,
                        "attempts": 1 if answered or unreachable else 0,
                        "answered_by": "staff" if answered else None,
                    }
                )
        db.session.execute(sa.insert(FollowUp), follow_ups)
        db.session.execute(
            sa.insert(SelfReport),
            [
                {
                    "attendee_id": a,
                    "registration_id": registrations[a],
                    "ward_code": WARD,
                    "answer": "looking",
                    "client_key": f"bench-key-{a}",
                    "created_at": now,
                }
                for a in attendees[:HIRES:25]
            ],
        )
        auth_services.create_user(
            email="organiser@bench.vn",
            full_name="Cán bộ phường",
            role="organiser",
            password=PASSWORD,
            ward_codes=[WARD],
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # what autovacuum does soon after a bulk load
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        db.session.remove()
        db.engine.dispose()


def _time(opener, url: str) -> dict:
    for _ in range(5):  # warm up both workers: templates compiled, statements cached
        opener.open(url).read()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        with opener.open(url) as answer:
            body = answer.read()
            assert answer.status == 200 and "/login" not in answer.url, answer.url
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    text = body.decode()
    counts = {
        name: int(m.group(1)) if (m := re.search(rf'<h2 id="{name}-title"[^>]*>[^<]*\((\d+)\)', text)) else 0
        for name in ("due", "retry", "confirm", "reports", "soon")
    }
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1),
        "kb": len(body) // 1024,
        "counts": counts,
    }


def run_one(backend: str, url: str, folder: Path) -> dict:
    _prepare(folder, url)
    environment = {
        **os.environ,
        "FAIRAPP_INSTANCE_PATH": str(folder),
        "FAIRAPP_SECRET_KEY": "bench",
        "FAIRAPP_DATABASE_URL": url,
    }
    server, base = serve(SERVER, "fairapp.wsgi:app", environment)
    try:
        wait_until_up(base, server)
        opener = signed_in(base, "organiser@bench.vn", PASSWORD)
        return {
            "backend": backend,
            "first page": _time(opener, f"{base}/manage/follow-ups?ward={WARD}"),
            "second page of due": _time(opener, f"{base}/manage/follow-ups?ward={WARD}&p_due=2"),
        }
    finally:
        stop(server)


def _report(figures: dict) -> None:
    backend = figures["backend"]
    for name in ("first page", "second page of due"):
        result = figures[name]
        verdict = "meets" if result["p95_ms"] <= TARGET_MS else "MISSES"
        print(
            f"[{backend}] GET call list, {name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms "
            f"({RUNS} requests, {result['kb']} KB; sections {result['counts']}; "
            f"{verdict} p95 ≤ {TARGET_MS} ms)",
            flush=True,
        )
    print(f"[{backend}] load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


def run() -> dict:
    """SQLite, then PostgreSQL when reachable. Prints the figures and returns them by backend."""
    return on_both_databases(run_one, _report, PG_SERVER, "call-list-bench")


if __name__ == "__main__":
    run()
