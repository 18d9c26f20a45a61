"""Booth record lists: a fair with 60 employer booths and 5,000 interviews (2,500 job seekers, two
booths each) in a temporary SQLite database, then the real page requests through the test client
(routing, sign-in session, CSRF-free GETs, the request's transaction, templates):

    GET /booth/candidates                        as the biggest employer (1,000 of the records)
    GET /booth/candidates?outcome=…&min_rating=… the same, filtered
    GET /booth/candidates?tag=…                  the same, by tag (a JSON list)
    GET /booth/candidates?page=20                its last page
    GET /booth/candidates                        as an employer with a typical 68 records
    GET /manage/fairs/<id>/interviews            the organiser's view (counts over the 5,000, one page)
    GET /booth/candidates/export.xlsx            the big employer's 1,000 rows (a few runs only)

    .venv/bin/python bench/interview_list_bench.py

Target: the candidate list of a fair with 5,000 interviews ≤ 150 ms (p95). Prints p50/p95 wall ms and the
median CPU ms of this process per request: wall times depend on what else runs on the machine (check
`uptime` first), CPU time hardly does."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BOOTHS = 60
PEOPLE = 2_500  # two booths each: 5,000 records
BIG_BOOTH_PEOPLE = 1_000  # the first booth's share: the employer whose list is timed
RUNS = 60
EXPORT_RUNS = 5
TARGET_MS = 150
PASSWORD = "bench-password-1"
OUTCOMES = ("interviewed", "shortlisted", "offered", "not_suitable")
TAGS = (["có kinh nghiệm"], [], ["ở gần", "cần xe đưa đón"], [])
GIVEN = ["Nhung", "Đức", "Thảo", "Việt", "Trâm", "Ánh", "Lượng", "Dương", "Khoa", "Ước"]
FAMILY = ["Nguyễn Thị", "Trần Văn", "Lê Hoàng", "Phạm Quốc", "Đặng Thị", "Bùi Thị", "Hoàng Văn", "Vũ Thị"]


def _booths_of(person: int) -> tuple[int, int]:
    """The two booths (0-based) a person visited: booth 0 takes the first BIG_BOOTH_PEOPLE."""
    first = 0 if person < BIG_BOOTH_PEOPLE else 1 + person % (BOOTHS - 1)
    second = 1 + (person * 7) % (BOOTHS - 1)
    if second == first:
        second = 1 + (second % (BOOTHS - 1))
    return first, second


def _seed(db):
    """The fair, its booths and vacancies, 2,500 registrations (most checked in, half consenting), the
    5,000 records with one history entry each; returns (fair, big employer's user, typical one's, admin)."""
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, Registration
    from fairapp.auth.services import create_user
    from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
    from fairapp.checkins.models import CheckIn
    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.interviews.models import Interview, InterviewEntry
    from fairapp.partners.models import Employer, PartnerStatus, Vacancy
    from fairapp.text import fold

    now = datetime.now(UTC).replace(microsecond=0)
    fair = Fair(
        title="Phiên giao dịch việc làm lưu động phường Bách Quang",
        ward_code="05528",
        venue_name="Nhà văn hoá tổ dân phố Mỏ Chè 2",
        starts_at=now - timedelta(hours=3),
        ends_at=now + timedelta(hours=1),
        status=FairStatus.OPEN,
        opened_at=now - timedelta(hours=3),
    )
    db.session.add(fair)
    db.session.flush()
    booths, vacancies = [], []
    for n in range(BOOTHS):
        employer = Employer(
            name=f"Công ty TNHH May mặc Số {n + 1}", tax_code=f"46{n:08d}", status=PartnerStatus.APPROVED
        )
        db.session.add(employer)
        db.session.flush()
        own = [Vacancy(employer_id=employer.id, title=t, quantity=20) for t in ("Công nhân may", "Thợ điện")]
        db.session.add_all(own)
        booth = Booth(
            fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED, label=f"A{n + 1}"
        )
        db.session.add(booth)
        db.session.flush()
        db.session.add_all(VacancyOffer(fair_id=fair.id, vacancy_id=v.id) for v in own)
        booths.append(booth)
        vacancies.append([v.id for v in own])
    groups = list(PriorityGroup)
    db.session.execute(
        sa.insert(Attendee),
        [
            {
                "full_name": (name := f"{FAMILY[p % 8]} {GIVEN[(p // 8) % 10]}"),
                "name_key": fold(name),
                "phone": f"09{p:08d}",
                "citizen_id": f"0019{p:08d}",
                "birth_year": 1975 + p % 30,
                "gender": Gender.FEMALE if p % 2 else Gender.MALE,
                "ward_code": ("05528", "05518", "05533")[p % 3],
                "priority_group": groups[p % 4],
                "education_level": "upper_secondary",
                "qualification": "short_course",
            }
            for p in range(PEOPLE)
        ],
    )
    attendees = db.session.scalars(sa.select(Attendee.id).order_by(Attendee.id)).all()
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "fair_id": fair.id,
                "attendee_id": attendee_id,
                "channel": Channel.ONLINE,
                "consent_personal_data_version": "2025-01",
                "consent_personal_data_at": now,
                "consent_share_version": "2025-01" if p % 2 else None,
                "desired_jobs": "Công nhân may, thợ điện",
            }
            for p, attendee_id in enumerate(attendees)
        ],
    )
    registrations = db.session.scalars(sa.select(Registration.id).order_by(Registration.id)).all()
    db.session.execute(
        sa.insert(CheckIn),
        [
            {
                "fair_id": fair.id,
                "registration_id": r,
                "checked_in_at": now - timedelta(hours=2),
                "source": "online",
            }
            for p, r in enumerate(registrations)
            if p % 5
        ],
    )
    records = []
    for p, (registration_id, attendee_id) in enumerate(zip(registrations, attendees, strict=True)):
        for visit, b in enumerate(_booths_of(p)):
            k = 2 * p + visit
            records.append(
                {
                    "fair_id": fair.id,
                    "booth_id": booths[b].id,
                    "employer_id": booths[b].employer_id,
                    "registration_id": registration_id,
                    "attendee_id": attendee_id,
                    "vacancy_id": vacancies[b][k % 2],
                    "outcome": OUTCOMES[k % 4],
                    "rating": 1 + k % 5,
                    "notes": "Có kinh nghiệm hai năm" if k % 3 == 0 else None,
                    "tags": TAGS[k % 4],
                    "created_at": now - timedelta(hours=2) + timedelta(seconds=k),
                    "updated_at": now - timedelta(minutes=30) + timedelta(seconds=k) if k % 7 == 0 else None,
                }
            )
    db.session.execute(sa.insert(Interview), records)
    db.session.execute(
        sa.insert(InterviewEntry),
        [
            {
                "interview_id": interview_id,
                "fair_id": fair.id,
                "outcome": outcome,
                "vacancy_id": vacancy_id,
                "rating": rating,
                "tags": tags,
                "source": "online",
                "recorded_at": created_at,
            }
            for interview_id, outcome, vacancy_id, rating, tags, created_at in db.session.execute(
                sa.select(
                    Interview.id,
                    Interview.outcome,
                    Interview.vacancy_id,
                    Interview.rating,
                    Interview.tags,
                    Interview.created_at,
                )
            )
        ],
    )
    users = [
        create_user(
            email=email, full_name=name, role="employer", password=PASSWORD, employer_id=booth.employer_id
        )
        for email, name, booth in (
            ("big@example.vn", "Tuyển dụng lớn", booths[0]),
            ("typical@example.vn", "Tuyển dụng vừa", booths[5]),
        )
    ]
    admin = create_user(email="admin@example.vn", full_name="Quản trị", role="admin", password=PASSWORD)
    db.session.commit()
    counts = {
        "records": db.session.scalar(sa.select(sa.func.count()).select_from(Interview)),
        "big_booth": db.session.scalar(sa.select(sa.func.count()).where(Interview.booth_id == booths[0].id)),
        "typical_booth": db.session.scalar(
            sa.select(sa.func.count()).where(Interview.booth_id == booths[5].id)
        ),
    }
    return fair.id, users[0].email, users[1].email, admin.email, counts


def _signed_in(app, email: str):
    import re

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"login": email, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302, answer.status_code
    return client


def _time(client, url: str, runs: int) -> dict:
    answer = client.get(url)  # warm up: templates compiled, statements cached
    assert answer.status_code == 200, (url, answer.status_code)
    samples, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        answer = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert answer.status_code == 200
    ordered = sorted(samples)
    return {
        "runs": runs,
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),  # this process's CPU: what other work cannot inflate
        "bytes": len(answer.data),
    }


def run() -> dict:
    """Seed, then time each page RUNS times; print and return {name: {runs, p50_ms, p95_ms, bytes}}."""
    with tempfile.TemporaryDirectory(prefix="fairapp-interview-bench-") as folder:
        os.environ["FAIRAPP_INSTANCE_PATH"] = folder
        from flask_migrate import upgrade

        from fairapp import create_app
        from fairapp.extensions import db
        from fairapp.geo import loader

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
            started = time.perf_counter()
            fair_id, big, typical, admin, counts = _seed(db)
            seeded_s = time.perf_counter() - started
            db.session.remove()
        print(
            f"seeded {counts['records']} records at {BOOTHS} booths in {seeded_s:.1f} s "
            f"(timed employers: {counts['big_booth']} and {counts['typical_booth']} records)"
        )
        big_client, typical_client = _signed_in(app, big), _signed_in(app, typical)
        staff_client = _signed_in(app, admin)
        cases = {
            "candidates (1,000 records)": (big_client, "/booth/candidates", RUNS),
            "candidates filtered by outcome and rating": (
                big_client,
                "/booth/candidates?outcome=shortlisted&min_rating=3",
                RUNS,
            ),
            "candidates filtered by tag": (
                big_client,
                "/booth/candidates?tag=c%C3%B3+kinh+nghi%E1%BB%87m",
                RUNS,
            ),
            "candidates, last page": (big_client, "/booth/candidates?page=20", RUNS),
            f"candidates ({counts['typical_booth']} records)": (typical_client, "/booth/candidates", RUNS),
            "organiser view (5,000 records)": (staff_client, f"/manage/fairs/{fair_id}/interviews", RUNS),
            "export .xlsx (1,000 rows)": (big_client, "/booth/candidates/export.xlsx", EXPORT_RUNS),
        }
        results = {}
        for name, (client, url, runs) in cases.items():
            results[name] = figures = _time(client, url, runs)
            print(
                f"GET {name}: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                f"CPU p50 {figures['cpu_p50_ms']} ms "
                f"({figures['runs']} requests, {figures['bytes'] // 1024} KB)"
            )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    worst = max(v["p95_ms"] for k, v in results.items() if k.startswith("candidates"))
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(
        f"target: candidate list p95 ≤ {TARGET_MS} ms: {verdict} "
        f"(worst p95 {worst} ms; load average {os.getloadavg()[0]:.2f})"
    )
    return results


if __name__ == "__main__":
    run()
