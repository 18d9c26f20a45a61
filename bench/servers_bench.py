"""Several app servers: the offline-sync storm, and the CPU time each request costs (for the README's
sizing table).

1. The storm. DEVICES gate phones come back online at once, each with BATCH scans queued offline, and
   each uploads its queue as the scanner page does (POST /api/v1/checkins/sync with its device token,
   200 scans a request), to two app servers round-robin (PostgreSQL, one Redis), then uploads it again
   to the other server (a retry whose answer was lost). Every scan must be stored exactly once and
   every ticket checked in once. On SQLite the same runs against one server.
2. CPU per request. On the PostgreSQL deployment: REQUESTS first-time check-ins (the scanner page's
   request), public registrations and booth records (interviews), from THREADS clients, after a
   warm-up; the CPU time of the gunicorn workers (from /proc, user + system) and of the PostgreSQL
   server processes serving the database (its backends: /proc of the pids pg_stat_activity names, so
   WAL writing done by the backends counts; the checkpointer and WAL writer do not), divided by the
   requests.

    make bench ONLY=servers          (FAIRAPP_BENCH_PG: the PostgreSQL server; "off" skips it)

Both the app servers and PostgreSQL run on this machine's 2 cores, so the rates are not what two
machines would do; the CPU times are what the sizing table is computed from."""

import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser import Browser, call, meta_token  # noqa: E402
from bench.cluster import Cluster, redis_reachable  # noqa: E402
from bench.common import worker_cpu_seconds  # noqa: E402

DEVICES = 100
BATCH = 200
REQUESTS = {"check-in": 1000, "registration": 400, "interview": 400}
WARM_UP = 20
STORM_TIMEOUT_S = 900  # a phone waits for its upload's answer as long as it takes (fetch has no limit)
THREADS = 8
PG_SERVER = os.environ.get("FAIRAPP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
MIDDLE = ("Văn", "Thị", "Minh", "Đức", "Thu")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khoa", "Lâm", "Mai", "Nga", "Oanh", "Phúc")


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _devices(cluster, fair_id: int, count: int) -> list[dict]:
    """`count` scanner devices of the gate user, registered as the scanner page does (signed in, the
    page's CSRF token)."""
    base = cluster.bases[0]
    browser = Browser()
    browser.sign_in(base, "gate@cluster.vn", cluster.seeded["password"])
    _status, page, _headers = browser.get(f"{base}/scan/{fair_id}")
    csrf = meta_token(page)
    devices = []
    for n in range(count):
        status, device, _headers = browser.call(
            base, "POST", "/api/v1/devices", {"name": f"Cổng {n}"}, csrf=csrf
        )
        assert status == 201, device
        devices.append(device)
    return devices


def storm(cluster) -> dict:
    seeded = cluster.seeded
    fair_id, payloads = seeded["fair_id"], seeded["payloads"]
    devices = _devices(cluster, fair_id, DEVICES)
    bases = cluster.bases

    def upload(n: int, base: str) -> dict:
        scans = [
            {
                "scan_id": f"d{n}-{k}",
                "fair_id": fair_id,
                "qr_payload": payloads[n * BATCH + k],
                "scanned_at": _now(),
            }
            for k in range(BATCH)
        ]
        device = devices[n]
        status, answer, _headers = call(
            base,
            "POST",
            "/api/v1/checkins/sync",
            {"device_id": device["device_id"], "sent_at": _now(), "scans": scans},
            token=device["token"],
            timeout=STORM_TIMEOUT_S,
        )
        assert status == 200, answer
        return {item["scan_id"]: item["result"] for item in answer["results"]}

    with ThreadPoolExecutor(DEVICES) as pool:
        started = time.monotonic()
        first = list(pool.map(lambda n: upload(n, bases[n % len(bases)]), range(DEVICES)))
        first_s = time.monotonic() - started
        started = time.monotonic()
        again = list(pool.map(lambda n: upload(n, bases[(n + 1) % len(bases)]), range(DEVICES)))
        again_s = time.monotonic() - started
    total = DEVICES * BATCH
    results = [result for answers in first for result in answers.values()]
    figures = {
        "servers": len(bases),
        "scans": total,
        "first_s": first_s,
        "again_s": again_s,
        "ok": results.count("ok"),
        "same_again": first == again,
        "scans_stored": cluster.scalar("SELECT count(*) FROM scans"),
        "distinct_scan_ids": cluster.scalar("SELECT count(DISTINCT scan_id) FROM scans"),
        "check_ins": cluster.scalar("SELECT count(*) FROM check_ins"),
    }
    assert figures["ok"] == total and figures["same_again"], figures
    assert figures["scans_stored"] == figures["distinct_scan_ids"] == figures["check_ins"] == total, figures
    return figures


def _name(n: int) -> str:
    return f"{FAMILY[n % 8]} {MIDDLE[n // 8 % 5]} {GIVEN[n // 40 % 12]}"


def _requests(cluster, kind: str, first: int, count: int, device: dict) -> list:
    """`count` callables sending requests of `kind`, numbered from `first`, round-robin over the servers."""
    seeded, bases = cluster.seeded, cluster.bases
    fair_id, payloads = seeded["fair_id"], seeded["payloads"]
    ticket0 = DEVICES * BATCH  # the tickets after the storm's

    def check_in(n):
        body = {
            "fair_id": fair_id,
            "qr_payload": payloads[ticket0 + n],
            "scan_id": f"c{n}",
            "scanned_at": _now(),
        }
        return call(bases[n % len(bases)], "POST", "/api/v1/checkins", body, token=device["token"])

    def register(n):
        body = {
            "full_name": _name(n),
            "phone": f"0913{n:06d}",
            "birth_year": 1990 + n % 20,
            "gender": ("male", "female")[n % 2],
            "ward_code": "05528",
            "priority_group": ("none", "poor", "near_poor", "escaped_poverty")[n % 4],
            "consent_personal_data": True,
        }
        return call(bases[n % len(bases)], "POST", f"/api/v1/fairs/{fair_id}/registrations", body)

    def record(n):
        body = {
            "qr_payload": payloads[ticket0 + n],
            "employer_id": seeded["employer_id"],
            "vacancy_id": seeded["vacancy_id"],
            "outcome": ("interviewed", "shortlisted", "offered", "not_suitable")[n % 4],
            "rating": 1 + n % 5,
            "scan_id": f"i{n}",
        }
        return call(
            bases[n % len(bases)],
            "POST",
            f"/api/v1/fairs/{fair_id}/interviews",
            body,
            token=seeded["tokens"]["employer"],
        )

    send = {"check-in": check_in, "registration": register, "interview": record}[kind]
    return [lambda n=n: send(n) for n in range(first, first + count)]


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(requests: list) -> tuple[float, list[int]]:
    started = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        statuses = [status for status, _answer, _headers in pool.map(lambda send: send(), requests)]
    return time.monotonic() - started, statuses


def cpu_per_request(cluster) -> dict:
    [device] = _devices(cluster, cluster.seeded["fair_id"], 1)
    figures = {}
    offset = 0
    for kind, count in REQUESTS.items():
        _elapsed, statuses = _run(_requests(cluster, kind, offset, WARM_UP, device))
        assert set(statuses) <= {200, 201}, statuses
        offset += WARM_UP
        backends = cluster.backend_pids()
        masters = [process.pid for process in cluster.server_processes]
        app_before = sum(worker_cpu_seconds(pid) for pid in masters)
        pg_before = {pid: _proc_cpu(pid) for pid in backends}
        elapsed, statuses = _run(_requests(cluster, kind, offset, count, device))
        offset += count
        app = sum(worker_cpu_seconds(pid) for pid in masters) - app_before
        # a backend that appeared meanwhile (a new pooled connection) counts from zero
        pg = sum(_proc_cpu(pid) - pg_before.get(pid, 0.0) for pid in cluster.backend_pids())
        assert set(statuses) <= {200, 201}, (kind, sorted(set(statuses)))
        figures[kind] = {
            "requests": count,
            "per_s": count / elapsed,
            "app_ms": 1000 * app / count,
            "pg_ms": 1000 * pg / count,
        }
    return figures


def _report_storm(backend: str, figures: dict) -> None:
    where = " at the other server" if figures["servers"] > 1 else ""
    print(
        f"[{backend}] storm: {DEVICES} devices × {BATCH} offline scans to {figures['servers']} server(s): "
        f"{figures['first_s']:.1f} s ({figures['scans'] / figures['first_s']:.0f} scans/s); the same batches "
        f"again{where}: {figures['again_s']:.1f} s ({figures['scans'] / figures['again_s']:.0f} "
        f"scans/s), answers identical: {figures['same_again']}; stored {figures['scans_stored']} scans "
        f"({figures['distinct_scan_ids']} distinct scan ids), {figures['check_ins']} check-ins "
        f"(every scan exactly once)",
        flush=True,
    )


def _report_cpu(figures: dict) -> None:
    for kind, f in figures.items():
        print(
            f"[postgresql] {kind}: {f['requests']} requests, {f['per_s']:.0f}/s on 2 servers; "
            f"CPU per request: app {f['app_ms']:.2f} ms, PostgreSQL {f['pg_ms']:.2f} ms",
            flush=True,
        )
    print(f"[postgresql] figures as JSON: {json.dumps(figures)}", flush=True)


def run() -> dict:
    results = {}
    tickets = DEVICES * BATCH + 2500  # the storm's, then the check-ins' and the booth's
    with (
        tempfile.TemporaryDirectory(prefix="fairapp-servers-") as folder,
        Cluster("sqlite", servers=1, workers=0, tmp=Path(folder)) as cluster,
    ):
        cluster.seeded = cluster.seed(DEVICES * BATCH)
        cluster.start()
        results["sqlite"] = storm(cluster)
        _report_storm("sqlite", results["sqlite"])
    if PG_SERVER == "off":
        return results
    if (reason := redis_reachable()) is not None:
        print(f"PostgreSQL runs skipped: several servers need Redis ({reason})")
        return results
    with (
        tempfile.TemporaryDirectory(prefix="fairapp-servers-") as folder,
        Cluster(PG_SERVER, servers=2, workers=0, tmp=Path(folder)) as cluster,
    ):
        cluster.seeded = cluster.seed(tickets)
        cluster.start()
        results["postgresql"] = storm(cluster)
        _report_storm("postgresql", results["postgresql"])
        results["cpu"] = cpu_per_request(cluster)
        _report_cpu(results["cpu"])
    print(f"load average after: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    return results


if __name__ == "__main__":
    run()
