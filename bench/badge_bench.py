"""Badges: 1,000 registrations in a temporary SQLite database, the whole fair's badge PDF built end to
end the way the web worker does it (query, sign, HTML, parallel WeasyPrint chunks, pypdf join, file).

    .venv/bin/python bench/badge_bench.py

Prints wall seconds, CPU seconds, pages, and peak resident memory of the web process and of the worker
processes (target: ≤ 8 s for 1,000 badges on two cores, ≤ 250 MB per process). CPU seconds do not
depend on what else the machine is doing; wall seconds do (check `uptime` first)."""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BADGES = 1_000
FIRST_NAMES = [
    "Nguyễn Thị Hồng",
    "Trần Văn",
    "Lê Hoàng Phương",
    "Phạm Quốc",
    "Đặng Thị Huyền",
    "Bùi Thị Ngọc",
    "Hoàng Văn",
    "Vũ Thị Thuỳ",
    "Đỗ Minh",
    "Ông Văn",
]
LAST_NAMES = ["Nhung", "Đức", "Thảo", "Việt", "Trâm", "Ánh", "Lượng", "Dương", "Khoa", "Ước"]


def _seed(db, count: int):
    from datetime import UTC, datetime, timedelta

    from fairapp.attendees.models import Attendee, Channel, Gender, Registration
    from fairapp.auth.models import Role
    from fairapp.auth.services import create_user
    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.text import fold

    starts = datetime(2026, 12, 12, 0, 30, tzinfo=UTC)
    fair = Fair(
        title="Phiên giao dịch việc làm lưu động phường Bách Quang tháng 12",
        ward_code="05528",
        venue_name="Nhà văn hoá tổ dân phố Mỏ Chè 2",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
    )
    db.session.add(fair)
    user = create_user(
        email="bench@example.vn", full_name="Bench", role=Role.ADMIN.value, password="bench-password-1"
    )
    db.session.flush()
    now = datetime.now(UTC)
    for n in range(count):
        name = f"{FIRST_NAMES[n % 10]} {LAST_NAMES[(n // 10) % 10]}"
        attendee = Attendee(
            full_name=name,
            name_key=fold(name),
            phone=f"09{n:08d}",
            birth_year=1980 + n % 25,
            gender=Gender.FEMALE if n % 2 else Gender.MALE,
            ward_code=("05528", "05518", "05533")[n % 3],
        )
        db.session.add(attendee)
        db.session.flush()
        db.session.add(
            Registration(
                fair_id=fair.id,
                attendee_id=attendee.id,
                channel=Channel.ONLINE,
                consent_personal_data_version="2025-01",
                consent_personal_data_at=now,
            )
        )
    db.session.commit()
    return fair, user


def _peak_mb(who) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def run(count: int = BADGES) -> dict:
    """Seed `count` registrations for one fair, run one badge job synchronously and return
    {"badges", "pages", "seconds", "web_process_cpu_seconds", "worker_cpu_seconds", "web_process_peak_mb",
    "web_process_peak_before_job_mb", "worker_peak_mb", "chunks", "pdf_mb"}, printing them too."""
    with tempfile.TemporaryDirectory(prefix="fairapp-badge-bench-") as folder:
        os.environ["FAIRAPP_INSTANCE_PATH"] = folder
        from flask_migrate import upgrade

        from fairapp import create_app
        from fairapp.extensions import db
        from fairapp.geo import loader
        from fairapp.registrations import jobs
        from fairapp.registrations.models import BadgeJob

        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            }
        )
        with app.app_context():
            upgrade()
            loader.load_units()
            db.session.commit()
            fair, user = _seed(db, count)
            job = jobs.start_job(fair, by=user)
            db.session.commit()
            job_id = job.id
            db.session.remove()

            stats: dict = {}
            peak_before = _peak_mb(resource.RUSAGE_SELF)  # migrations, units and seeding included
            cpu_started = time.process_time()
            started = time.perf_counter()
            jobs.run_job(app, job_id, stats=stats)
            seconds = time.perf_counter() - started
            job = db.session.get(BadgeJob, job_id)
            assert job.status.value == "done", job.error
            path = jobs.file_path(job)
            figures = {
                "badges": job.badges_total,
                "pages": job.pages_total,
                "seconds": round(seconds, 2),
                # CPU time does not depend on what else runs on the machine; wall time does
                "web_process_cpu_seconds": round(time.process_time() - cpu_started, 2),
                "worker_cpu_seconds": round(stats.get("worker_cpu_seconds", 0.0), 2),
                "web_process_peak_mb": _peak_mb(resource.RUSAGE_SELF),
                "web_process_peak_before_job_mb": peak_before,
                "worker_peak_mb": stats.get("worker_peak_rss_mb"),
                "chunks": stats.get("chunks"),
                "pdf_mb": round(path.stat().st_size / 1024 / 1024, 2),
            }
            db.session.remove()
            db.engine.dispose()
    print(
        f"badges: {figures['badges']} on {figures['pages']} pages in {figures['seconds']} s "
        f"(chunks {figures['chunks']}); CPU: web process {figures['web_process_cpu_seconds']} s, "
        f"workers {figures['worker_cpu_seconds']} s; "
        f"peak memory: web process {figures['web_process_peak_mb']} MB "
        f"({figures['web_process_peak_before_job_mb']} MB before the job), "
        f"each worker ≤ {figures['worker_peak_mb']} MB; PDF {figures['pdf_mb']} MB",
        flush=True,
    )
    return figures


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else BADGES)
