"""The real thing: `flask --app fairapp worker` as a process, on the test database and a SQLite
queue. A badge job started through the web page is done by the worker; a worker killed in the middle
of a job leaves a row that says "running" until its heartbeat is STALE_AFTER old, then "interrupted",
and the job started again is done by the next worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from fairapp.registrations import jobs
from fairapp.registrations.models import BadgeJob, BadgeJobStatus
from tests.conftest import csrf_token_from
from tests.registrations.conftest import BACH_QUANG, make_fair, register  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent.parent


class Worker:
    """`flask --app fairapp worker` in its own instance folder, logging to a file."""

    def __init__(self, database_url: str, instance: Path, queue_url: str):
        self.log = instance / f"worker-{time.monotonic_ns()}.log"
        environment = {
            **{key: value for key, value in os.environ.items() if not key.startswith(("FAIRAPP_", "FLASK_"))},
            "FAIRAPP_INSTANCE_PATH": str(instance),
            "FAIRAPP_DATABASE_URL": database_url,
            "FAIRAPP_SECRET_KEY": "test-secret",
            "FAIRAPP_TASK_QUEUE_URL": queue_url,
        }
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "fairapp", "worker", "--workers", "2"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text()

    def stop(self, sig=signal.SIGINT, timeout=20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the worker did not stop on {sig!r}:\n{self.output()}") from None


@pytest.fixture()
def worker_at(app, tmp_path, queue_with):
    """worker_at(**badge_config) → start(): a worker process sharing the test's database and a SQLite
    queue with the test's app (whose enqueued tasks it runs); badge settings through its config.py."""
    instance = tmp_path / "worker-instance"
    instance.mkdir()
    queue_url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    queue_with(TASK_QUEUE_URL=queue_url)
    started: list[Worker] = []

    def configure(**config):
        (instance / "config.py").write_text("".join(f"{key} = {value!r}\n" for key, value in config.items()))

        def start() -> Worker:
            worker = Worker(app.config["SQLALCHEMY_DATABASE_URI"], instance, queue_url)
            started.append(worker)
            return worker

        return start

    configure.instance = instance
    yield configure
    for worker in started:
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait()


def _start_badges(client, fair) -> int:
    page = client.get(f"/manage/fairs/{fair.id}/badges")
    response = client.post(
        f"/manage/fairs/{fair.id}/badges", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _status(client, fair, job_id) -> dict:
    return client.get(f"/manage/fairs/{fair.id}/badges/{job_id}/status").get_json()


def _wait_for(client, fair, job_id, until, worker, timeout=90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(client, fair, job_id)
        if until(status):
            return status
        assert worker.process.poll() is None, worker.output()
        time.sleep(0.05)
    raise AssertionError(f"waited in vain, last {status}:\n{worker.output()}")


def _fair_with(db, make_fair, register, count: int):  # noqa: F811
    fair = make_fair()
    for n in range(count):
        register(fair, f"Nguyễn Thị Hồng Nhung {n:03d}", commit=False)
    db.session.commit()
    return fair


def test_the_worker_process_does_a_badge_job_started_on_the_page(
    app,
    db,
    make_fair,  # noqa: F811
    register,  # noqa: F811
    auth,
    client,
    worker_at,
):
    fair = _fair_with(db, make_fair, register, 12)
    auth.login("organiser", ward_codes=[BACH_QUANG])
    job_id = _start_badges(client, fair)
    assert _status(client, fair, job_id)["status"] == "queued"  # the web process only queued it
    worker = worker_at()()
    status = _wait_for(client, fair, job_id, lambda status: status["status"] == "done", worker)
    assert (status["pages_done"], status["pages_total"], status["badges_total"]) == (2, 2, 12)
    [pdf] = (worker_at.instance / "badges").glob(f"fair-{fair.id}-job-{job_id}-*.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert worker.stop(signal.SIGINT) == 0  # Ctrl-C: a clean stop
    output = worker.output()
    assert "worker: SqliteStorage queue 'fairapp', 2 threads" in output
    assert "render_badges" in output and "Traceback" not in output


def test_a_worker_killed_mid_job_leaves_it_interrupted_and_it_can_be_started_again(
    app,
    db,
    make_fair,  # noqa: F811
    register,  # noqa: F811
    auth,
    client,
    worker_at,
):
    start_worker = worker_at(BADGE_CHUNK_PAGES=1, BADGE_WORKERS=1)  # progress after every page
    fair = _fair_with(db, make_fair, register, 8 * 16)
    auth.login("organiser", ward_codes=[BACH_QUANG])
    job_id = _start_badges(client, fair)
    worker = start_worker()
    _wait_for(client, fair, job_id, lambda status: status["pages_done"] >= 2, worker)
    worker.process.send_signal(signal.SIGKILL)
    assert worker.process.wait(10) == -signal.SIGKILL

    # What the row says: running, part-way, its heartbeat the last page it wrote. The page says
    # "running" while the heartbeat is recent, then failed ("interrupted").
    db.session.rollback()
    job = db.session.get(BadgeJob, job_id)
    assert job.status == BadgeJobStatus.RUNNING and job.error is None and job.file_name is None
    assert 2 <= job.pages_done < job.pages_total == 16
    assert _status(client, fair, job_id)["status"] == "running"
    job.updated_at -= jobs.STALE_AFTER  # ten minutes later, nobody has written to it
    db.session.commit()
    status = _status(client, fair, job_id)
    assert status["status"] == "failed" and "gián đoạn" in status["error"]

    # Started again: a new job, done by the next worker; the killed task is not run again.
    again = _start_badges(client, fair)
    assert again != job_id
    worker = start_worker()
    status = _wait_for(client, fair, again, lambda status: status["status"] == "done", worker)
    assert status["pages_done"] == status["pages_total"] == 16
    db.session.rollback()
    old = db.session.get(BadgeJob, job_id)
    assert (old.status, old.error) == (BadgeJobStatus.FAILED, jobs.INTERRUPTED)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BadgeJob)) == 2
    assert worker.stop(signal.SIGTERM) == 0  # systemd's stop, when idle: a clean exit too
