"""Two app servers, as a deployment runs them: two gunicorn servers (2 sync workers each) and two
`flask worker` processes on one PostgreSQL database and one Redis (task queue and rate limits), one
instance folder's keys. The product's own requests go to both servers at once from many threads (the
scanner page's device token, the public registration, the booth's record, the organiser's badge
request) and the database must show exact counts: the same ticket at both gates at once is one
check-in, the same person registering at both is one person, the same booth scan is one record; a
device revoked through one server is refused by the other at once; a rate limit counts the requests of
both; a badge job asked of both servers is one job, rendered once; a periodic job, scheduled by both
workers, runs once.

Several servers need PostgreSQL (and Redis): on the SQLite pass this test is skipped."""

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import redis

from bench.browser import Browser, call, form_token, meta_token
from bench.cluster import REDIS_URL, Cluster, redis_reachable

TICKETS = 140
ONLINE = range(0, 80)  # each scanned at both servers at once, two scan ids
SAME_SCAN = range(80, 100)  # each sent to both servers at once with one scan id
OFFLINE = range(100, 140)  # an offline device's batch, uploaded to both servers at once
BOOTH = range(0, 20)  # recorded at the booth, one scan id sent to both servers at once
THREADS = 8


def _database_url() -> str:
    url = os.environ.get("FAIRAPP_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("several app servers share one PostgreSQL database: runs on the PostgreSQL pass")
    if (reason := redis_reachable()) is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable ({reason}); CI needs it")
        pytest.skip(f"Redis is not reachable ({reason})")
    return url


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    url = _database_url()
    with Cluster(url, servers=2, workers=2, tmp=tmp_path_factory.mktemp("cluster")) as running:
        running.seeded = running.seed(TICKETS)
        running.start()
        yield running


def at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, function):
        barrier.wait()
        results[index] = function()

    threads = [threading.Thread(target=run, args=(n, f)) for n, f in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _gate_device(cluster) -> dict:
    """The gate volunteer's phone: signs in at server A, opens the scanner page at server B (the cookie
    session is the deployment's, not a server's), registers itself as a device there."""
    a, b = cluster.bases
    fair_id = cluster.seeded["fair_id"]
    browser = Browser()
    browser.sign_in(a, "gate@cluster.vn", cluster.seeded["password"])
    status, page, _headers = browser.get(f"{b}/scan/{fair_id}")
    assert status == 200
    status, device, _headers = browser.call(
        b, "POST", "/api/v1/devices", {"name": "Cổng 1"}, csrf=meta_token(page)
    )
    assert status == 201, device
    return device


def test_two_servers_one_deployment(cluster):
    a, b = cluster.bases
    seeded = cluster.seeded
    fair_id, payloads = seeded["fair_id"], seeded["payloads"]
    started = time.monotonic()
    phases = []

    def phase(name):
        phases.append((name, time.monotonic()))

    # A badge job asked of both servers at once, while everything else goes on: one job.
    organiser = Browser()
    organiser.sign_in(b, "organiser@cluster.vn", seeded["password"])
    _status, page, _headers = organiser.get(f"{a}/manage/fairs/{fair_id}/badges")
    token = form_token(page)
    asked = at_once(
        *[
            lambda base=base: organiser.post_form(
                f"{base}/manage/fairs/{fair_id}/badges", {"csrf_token": token}
            )
            for base in (a, b)
        ]
    )
    assert sorted(status for status, _page, _headers in asked) == [302, 302]
    targets = sorted(headers["Location"] for _status, _page, headers in asked)
    [job_id] = cluster.rows("SELECT id FROM badge_jobs")[0]
    assert targets == [f"/manage/fairs/{fair_id}/badges", f"/manage/fairs/{fair_id}/badges/{job_id}"]

    device = _gate_device(cluster)
    token = device["token"]

    def check_in(base, n, scan_id):
        status, answer, _headers = call(
            base,
            "POST",
            "/api/v1/checkins",
            {"fair_id": fair_id, "qr_payload": payloads[n], "scan_id": scan_id, "scanned_at": _now()},
            token=token,
        )
        assert status == 200, answer
        return answer["result"]

    def sync(base, scans):
        status, answer, _headers = call(
            base,
            "POST",
            "/api/v1/checkins/sync",
            {"device_id": device["device_id"], "sent_at": _now(), "scans": scans},
            token=token,
        )
        assert status == 200, answer
        return {item["scan_id"]: item["result"] for item in answer["results"]}

    phase("badge request, device")
    # Check-ins: the same ticket at both gates at once (each its own scan), round-robin over threads.
    with ThreadPoolExecutor(THREADS) as pool:
        online = list(
            pool.map(
                lambda n: at_once(lambda: check_in(a, n, f"a-{n}"), lambda: check_in(b, n, f"b-{n}")), ONLINE
            )
        )
        same_scan = list(
            pool.map(
                lambda n: at_once(lambda: check_in(a, n, f"s-{n}"), lambda: check_in(b, n, f"s-{n}")),
                SAME_SCAN,
            )
        )
    assert all(sorted(results) == ["already_checked_in", "ok"] for results in online), online
    assert all(results == ["ok", "ok"] for results in same_scan), same_scan  # the first answer, again

    # An offline device's batch, uploaded to both servers at once (a retry that raced the first upload).
    batch = [
        {"scan_id": f"o-{n}", "fair_id": fair_id, "qr_payload": payloads[n], "scanned_at": _now()}
        for n in OFFLINE
    ]
    first, second = at_once(lambda: sync(a, batch), lambda: sync(b, batch))
    assert first == second and set(first.values()) == {"ok"} and len(first) == len(OFFLINE)

    assert cluster.scalar("SELECT count(*) FROM check_ins") == TICKETS
    assert cluster.scalar("SELECT count(DISTINCT registration_id) FROM check_ins") == TICKETS
    assert cluster.scalar("SELECT count(*) FROM scans") == 2 * len(ONLINE) + len(SAME_SCAN) + len(OFFLINE)
    assert cluster.scalar("SELECT count(*) FROM scans WHERE result = 'ok'") == TICKETS

    phase("check-ins")

    # Registrations: 40 people round-robin, and 10 more each sent to both servers at once.
    def register(base, n):
        status, answer, _headers = call(
            base,
            "POST",
            f"/api/v1/fairs/{fair_id}/registrations",
            {
                "full_name": _name(n),
                "phone": f"0912{n:06d}",
                "birth_year": 1995,
                "gender": "male",
                "ward_code": "05528",
                "priority_group": "near_poor",
                "consent_personal_data": True,
            },
        )
        assert status in (200, 201), answer
        return status, answer

    people_before = cluster.scalar("SELECT count(*) FROM attendees")
    with ThreadPoolExecutor(THREADS) as pool:
        alone = list(pool.map(lambda n: register((a, b)[n % 2], n), range(40)))
        twice = list(
            pool.map(lambda n: at_once(lambda: register(a, n), lambda: register(b, n)), range(40, 50))
        )
    assert [status for status, _answer in alone] == [201] * 40
    for pair in twice:
        assert sorted(status for status, _answer in pair) == [200, 201], pair
        assert sum("ticket" in answer for _status, answer in pair) == 1  # one ticket, handed out once
    assert cluster.scalar("SELECT count(*) FROM attendees") == people_before + 50
    assert cluster.scalar("SELECT count(*) FROM registrations") == TICKETS + 50

    phase("registrations")

    # The booth: one scan id sent to both servers at once is one record with one entry.
    def record(base, n):
        status, answer, _headers = call(
            base,
            "POST",
            f"/api/v1/fairs/{fair_id}/interviews",
            {
                "qr_payload": payloads[n],
                "employer_id": seeded["employer_id"],
                "vacancy_id": seeded["vacancy_id"],
                "outcome": "interviewed",
                "scan_id": f"booth-{n}",
            },
            token=seeded["tokens"]["employer"],
        )
        assert status in (200, 201), answer
        return answer["id"]

    with ThreadPoolExecutor(THREADS) as pool:
        recorded = list(pool.map(lambda n: at_once(lambda: record(a, n), lambda: record(b, n)), BOOTH))
    assert all(first == second for first, second in recorded)
    assert cluster.scalar("SELECT count(*) FROM interviews") == len(BOOTH)
    assert cluster.scalar("SELECT count(*) FROM interview_entries") == len(BOOTH)

    phase("booth")
    # A device revoked through server A is refused by server B at once, by token and by X-Device-Id.
    device_row = cluster.scalar("SELECT id FROM devices WHERE public_id = %s", device["device_id"])
    status, _answer, _headers = call(
        a, "POST", f"/api/v1/devices/{device_row}/revoke", {}, token=seeded["tokens"]["organiser"]
    )
    assert status == 200
    status, answer, _headers = call(
        b, "POST", "/api/v1/checkins", {"fair_id": fair_id, "qr_payload": payloads[0]}, token=token
    )
    assert (status, answer["error"]["code"]) == (401, "device_revoked")
    status, answer, _headers = call(
        b,
        "GET",
        f"/api/v1/fairs/{fair_id}/stats",
        token=seeded["tokens"]["organiser"],
        headers={"X-Device-Id": device["device_id"]},
    )
    assert (status, answer["error"]["code"]) == (401, "device_revoked")

    # A rate limit counts the requests of both servers: 10 an hour per phone (REGISTRATION_LIMIT_PER_PHONE),
    # sent alternately to A and B; each server alone has seen 6 when the 11th is refused.
    statuses = [register_status(base, fair_id) for base in (a, b) * 6]
    assert statuses == [201] + [200] * 9 + [429, 429], statuses
    assert list(redis.Redis.from_url(REDIS_URL).scan_iter(match=f"*{cluster.name}*phone*"))  # counted there

    phase("revocation, rate limit")
    # The badge job ran once, in one of the two workers, and its file downloads from either server.
    status = _wait_for_job(organiser, b, fair_id, job_id)
    assert status["status"] == "done", status
    executions = _worker_lines(cluster, "Executing fairapp.registrations.jobs.render_badges: ")
    assert len(executions) == 1, executions
    for base in (a, b):
        code, body, headers = organiser.get(f"{base}/manage/fairs/{fair_id}/badges/{job_id}/download")
        assert code == 200 and headers["Content-Type"] == "application/pdf"
    assert len(list((cluster.instance / "badges").glob("*.pdf"))) == 1

    phase("badge job")
    # The periodic jobs: each worker's scheduler enqueues every job each minute; a minute's run is
    # claimed once. Every execution either ran (its periodic_runs row) or found its minute taken.
    for job in ("send_messages", "count_reach"):
        _wait_for_periodic(cluster, job)
    phase("periodic jobs")

    previous = started
    for name, at in phases:
        print(f"two servers: {name} {at - previous:.1f} s")
        previous = at


def register_status(base: str, fair_id: int) -> int:
    status, _answer, _headers = call(
        base,
        "POST",
        f"/api/v1/fairs/{fair_id}/registrations",
        {
            "full_name": "Hoàng Thị Giới Hạn",
            "phone": "0977000111",
            "birth_year": 1990,
            "gender": "female",
            "ward_code": "05528",
            "priority_group": "none",
            "consent_personal_data": True,
        },
    )
    return status


def _wait_for_job(browser: Browser, base: str, fair_id: int, job_id: int, timeout: float = 120) -> dict:
    import json

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _code, body, _headers = browser.get(f"{base}/manage/fairs/{fair_id}/badges/{job_id}/status")
        status = json.loads(body)
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.5)
    raise AssertionError(f"badge job {job_id} did not finish: {status}")


def _wait_for_periodic(cluster, job: str, timeout: float = 130) -> None:
    """Until both workers competed for one of the job's minutes; the counts must add up throughout."""
    deadline = time.monotonic() + timeout
    while True:
        executions = len(_worker_lines(cluster, f"Executing fairapp.worker.schedule.periodic_{job}: "))
        taken = len(_worker_lines(cluster, f"periodic job {job} for "))
        runs = cluster.scalar("SELECT count(*) FROM periodic_runs WHERE job = %s", job)
        if taken >= 1 and executions == runs + taken:
            return
        assert executions <= runs + taken + 2, (job, executions, runs, taken)  # at most two just starting
        if time.monotonic() > deadline:
            raise AssertionError((job, executions, runs, taken, cluster.log_text()))
        time.sleep(1)


def _worker_lines(cluster, text: str) -> list[str]:
    return [
        line
        for log in cluster.worker_logs
        for line in log.read_text(errors="replace").splitlines()
        if text in line
    ]


FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khoa", "Lâm")


def _name(n: int) -> str:
    """A different name for each n below 64 (names hold letters only)."""
    return f"{FAMILY[n % 8]} Văn {GIVEN[n // 8]}"


def _now() -> str:
    return datetime.now(UTC).isoformat()
