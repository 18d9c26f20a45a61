"""Several workers, and a worker killed mid-send. Runs on the test database (SQLite file or PostgreSQL).

- Eight threads queueing the same cause make one message.
- Four workers sending at once send each message once (the claim gives every message to one worker).
- A worker process killed while the gateway holds one of its requests (after accepting it) marks
  nothing; once its lease has expired the next run sends everything again with the same keys, the
  gateway deduplicates them, and every message ends sent with the id of its first acceptance."""

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from fairapp.extensions import db as _db
from fairapp.messages import outbox
from fairapp.messages.fake_gateway import FakeGateway
from fairapp.messages.models import MessageKind, MessageStatus
from fairapp.transactions import run_in_transaction
from tests.messages.conftest import NOON, messages, queue_committed

THREADS = 8
ROOT = Path(__file__).resolve().parents[2]


def test_racing_threads_queue_one_message(app, db):
    start = threading.Barrier(THREADS)

    def queue(n):
        with app.app_context():
            try:
                start.wait()

                def work():
                    message = outbox.queue(
                        MessageKind.REGISTRATION,
                        key="registration:1",
                        phone="0912345678",
                        text=f"#{n}",
                        params={},
                    )
                    return message is not None

                return run_in_transaction(work)
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(THREADS) as pool:
        created = list(pool.map(queue, range(THREADS)))
    assert created.count(True) == 1
    assert len(messages(db)) == 1


def test_workers_at_once_send_each_message_once(app, db, gateway):
    app.config.update(MESSAGE_CLAIM_BATCH=3, MESSAGE_SEND_CONCURRENCY=2)
    for n in range(30):
        queue_committed(f"k{n}")
    start = threading.Barrier(4)

    def work(_n):
        with app.app_context():
            try:
                start.wait()
                return outbox.send_due(now=NOON)["sent"]
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(4) as pool:
        sent = sum(pool.map(work, range(4)))
    assert sent == 30 and len(gateway.accepted) == 30 and not gateway.resent
    assert {m.status for m in messages(db)} == {MessageStatus.SENT}


WORKER = """
import sys
from datetime import datetime
from fairapp import create_app
from fairapp.messages import outbox

url, gateway_url, now = sys.argv[1:4]
app = create_app({
    "TESTING": True, "SECRET_KEY": "worker", "SQLALCHEMY_DATABASE_URI": url,
    "MESSAGE_SENDER": "sms_http", "SMS_GATEWAY": {"url": gateway_url, "timeout": 30},
    "MESSAGE_CLAIM_BATCH": 10, "MESSAGE_SEND_CONCURRENCY": 4,
})
with app.app_context():
    outbox.send_due(now=datetime.fromisoformat(now))
"""


def test_a_worker_killed_mid_send_loses_and_duplicates_nothing(app, db):
    keys = [f"registration:{n}" for n in range(10)]
    for key in keys:
        queue_committed(key)
    gateway = FakeGateway(hold_key=keys[6]).start()
    try:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                app.config["SQLALCHEMY_DATABASE_URI"],
                gateway.sms_url,
                NOON.isoformat(),
            ],
            cwd=ROOT,
            env=dict(os.environ),
        )
        try:
            assert gateway.holding.wait(60), "the worker never reached the gateway"
            deadline = time.monotonic() + 10
            while len(gateway.accepted) < len(keys) and time.monotonic() < deadline:
                time.sleep(0.05)  # the worker's other threads send the rest of its batch
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        gateway.hold_key = None
        gateway.release.set()
        first_ids = dict(gateway.accepted)
        assert len(first_ids) == len(keys)
        assert {m.status for m in messages(db)} == {MessageStatus.SENDING}  # killed before marking

        assert outbox.send_due(now=NOON + timedelta(minutes=1))["sent"] == 0  # the lease still holds
        app.config.update(MESSAGE_SENDER="sms_http", SMS_GATEWAY={"url": gateway.sms_url, "timeout": 5})
        counts = outbox.send_due(now=NOON + timedelta(minutes=3))
    finally:
        gateway.stop()
    assert counts["sent"] == len(keys)
    assert gateway.accepted == first_ids  # every key accepted once: the resends were deduplicated
    assert sum(gateway.resent.values()) == len(keys)
    rows = messages(db)
    assert {m.status for m in rows} == {MessageStatus.SENT}
    assert {m.key: m.provider_id for m in rows} == first_ids
    assert {m.attempts for m in rows} == {2}
