"""The message outbox: 1,000 queued messages sent through a fake SMS gateway on 127.0.0.1 (a threaded
http.server, fairapp.messages.fake_gateway) that fails one request in five with a 500, on a temporary
SQLite database, then PostgreSQL when reachable (FAIRAPP_BENCH_PG, "off" to skip).

    .venv/bin/python bench/outbox_bench.py

send_due runs as the worker runs it (claim with a lease, send outside any transaction with
MESSAGE_SEND_CONCURRENCY at once, mark), with no retry backoff so that the failed fifth comes back at
once, until nothing is left to send. Prints the time, messages sent, lost (queued but never accepted
by the gateway: 0) and duplicates (a key accepted, then sent again: 0). Target: ≤ 10 s."""

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import postgres_database  # noqa: E402

MESSAGES = 1_000
FAIL_EVERY = 5
TARGET_S = 10.0
PG_SERVER = os.environ.get("FAIRAPP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def run_one(backend: str, url: str, folder: Path) -> dict:
    os.environ["FAIRAPP_INSTANCE_PATH"] = str(folder)
    from flask_migrate import upgrade

    from fairapp import create_app
    from fairapp.extensions import db
    from fairapp.fairs.services import LOCAL_TZ
    from fairapp.messages import outbox
    from fairapp.messages.fake_gateway import FakeGateway
    from fairapp.messages.models import MessageKind, MessageStatus
    from fairapp.transactions import run_in_transaction

    gateway = FakeGateway(fail_every=FAIL_EVERY).start()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "MESSAGE_SENDER": "sms_http",
            "SMS_GATEWAY": {"url": gateway.sms_url, "timeout": 5, "ascii": True},
            "MESSAGE_RETRY_DELAYS": (0,),
            "MESSAGE_MAX_ATTEMPTS": 10,
        }
    )
    noon = datetime(2025, 7, 10, 12, tzinfo=LOCAL_TZ).astimezone(UTC)  # outside quiet hours
    try:
        with app.app_context():
            upgrade()

            def fill():
                for n in range(MESSAGES):
                    outbox.queue(
                        MessageKind.REGISTRATION,
                        key=f"registration:{n}",
                        phone=f"0912{n:06d}",
                        text=f"Bạn đã đăng ký phiên giao dịch việc làm ngày 12/07/2025. Vé QR: https://x.vn/t/{n}",
                        params={},
                        now=noon,
                    )

            run_in_transaction(fill)
            db.session.remove()
            started = time.perf_counter()
            totals = dict.fromkeys(("sent", "failed", "retried", "skipped", "deferred"), 0)
            calls = 0
            while True:
                now = noon + timedelta(seconds=time.perf_counter() - started)  # the clock moves on
                counts = outbox.send_due(now=now, limit=MESSAGES)
                calls += 1
                for name, number in counts.items():
                    totals[name] += number
                if not any(counts.values()):
                    break
            elapsed = time.perf_counter() - started
            statuses = dict(
                db.session.execute(
                    db.select(outbox.Message.status, db.func.count()).group_by(outbox.Message.status)
                ).all()
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        gateway.stop()
    return {
        "backend": backend,
        "seconds": round(elapsed, 2),
        "sent": statuses.get(MessageStatus.SENT, 0),
        "lost": MESSAGES - len(gateway.accepted),
        "duplicates": sum(gateway.resent.values()),
        "requests": gateway.requests,
        "refused_500": gateway.failed,
        "retried": totals["retried"],
        "send_due_calls": calls,
        "within_target": elapsed <= TARGET_S,
    }


def _report(figures: dict) -> None:
    print(
        f"{figures['backend']}: {MESSAGES} messages in {figures['seconds']} s (target ≤ {TARGET_S:g} s), "
        f"sent {figures['sent']}, lost {figures['lost']}, duplicates {figures['duplicates']}; "
        f"{figures['requests']} requests to the gateway, {figures['refused_500']} answered 500 and retried",
        flush=True,
    )


def run() -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix="fairapp-outbox-bench-") as folder:
        results["sqlite"] = run_one("sqlite", f"sqlite:///{folder}/bench.sqlite3", Path(folder))
        _report(results["sqlite"])
    postgres = postgres_database(PG_SERVER, "fa_outbox")
    if postgres is not None:
        url, drop = postgres
        try:
            with tempfile.TemporaryDirectory(prefix="fairapp-outbox-bench-") as folder:
                results["postgresql"] = run_one("postgresql", url, Path(folder))
                _report(results["postgresql"])
        finally:
            drop()
    return results


if __name__ == "__main__":
    run()
