"""A worker killed mid-request loses no committed check-in: gunicorn (2 sync workers) serves the test
database; while clients check in tickets, its workers are killed with SIGKILL again and again. Every
check-in answered "ok" must be in the database, with its scan record and its audit entry (all or
nothing: they share one transaction)."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.checkins.models import CheckIn, Scan
from tests.checkins.test_concurrency import _registrations

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
TICKETS = 200
KILLS = 6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _workers(master: int) -> list[int]:
    try:
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def _wait_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed")
def test_killed_workers_lose_no_committed_check_in(app, db, make_fair, token_for, instance_path):
    _user, headers = token_for("gate")
    fair = make_fair()
    payloads = _registrations(db, fair, TICKETS)
    fair_id = fair.id
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "FAIRAPP_INSTANCE_PATH": str(instance_path),
        "FAIRAPP_SECRET_KEY": "test",
        "FAIRAPP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "critical",
            "fairapp.wsgi:app",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    answered_ok, failures, kills = [], [], []
    lock = threading.Lock()
    done = threading.Event()

    def send(payload: str) -> None:
        body = json.dumps({"fair_id": fair_id, "qr_payload": payload}).encode()
        request = urllib.request.Request(
            base + "/api/v1/checkins",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                result = json.load(response)["result"]
        # the worker died under us: before answering, or half-way through its answer (IncompleteRead)
        except (OSError, http.client.HTTPException, ValueError) as error:
            with lock:
                failures.append(repr(error))
            return
        with lock:
            if result == "ok":
                answered_ok.append(payload)

    def killer() -> None:
        """Kill a worker that has been serving for a moment (so it is mid-request), KILLS times."""
        while not done.is_set() and len(kills) < KILLS:
            done.wait(0.4)
            for pid in _workers(server.pid)[:1]:
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills.append(pid)
                except ProcessLookupError:
                    pass
            time.sleep(0.8)  # let the master start a new one

    try:
        _wait_up(base, server)
        murderer = threading.Thread(target=killer)
        murderer.start()
        try:
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(send, payloads))
        finally:
            done.set()
            murderer.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)

    assert kills, "no worker was killed"
    assert answered_ok, f"nothing was answered: {failures[:3]}"
    db.session.rollback()
    stored = set(db.session.scalars(sa.select(CheckIn.registration_id)))
    answered_ids = {int(p.split(".")[2], 36) for p in answered_ok}
    assert answered_ids <= stored, f"answered ok but lost: {sorted(answered_ids - stored)[:10]}"
    # all or nothing: every check-in has its scan and its audit entry
    ok_scans = db.session.scalar(sa.select(sa.func.count()).select_from(Scan).where(Scan.result == "ok"))
    audits = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "checkin.create")
    )
    assert len(stored) == ok_scans == audits
