"""A task asked for by a request runs only once the request's transaction has committed, and never
when it rolled back; it runs in the app context, in a transaction of its own."""

import pytest
import sqlalchemy as sa
from flask import abort

from fairapp.extensions import csrf
from fairapp.extensions import db as _db
from fairapp.modelbase import utcnow
from fairapp.transactions import after_commit, in_unit, run_in_transaction, write_point
from fairapp.worker import enqueue_after_commit, huey, task
from fairapp.worker.models import PeriodicRun

seen: list[dict] = []


@task()
def note_marker(marker: str) -> None:
    """Reads the marker row as the worker would (its own session) and writes one of its own."""
    committed = _db.session.scalar(sa.select(sa.func.count()).where(PeriodicRun.job == marker))
    seen.append({"marker": marker, "row_committed": committed == 1, "in_unit": in_unit()})
    _db.session.add(PeriodicRun(job=f"{marker}-done", due_at=utcnow()))


def _route(app):
    @app.post("/test/marker/<marker>/<int:status>")
    def write_marker(marker: str, status: int):
        write_point()
        _db.session.add(PeriodicRun(job=marker, due_at=utcnow()))
        _db.session.flush()
        queued, ran = huey.pending_count(), len(seen)
        enqueue_after_commit(note_marker, marker)
        assert (huey.pending_count(), len(seen)) == (queued, ran)  # nothing queued or run before the commit
        if status >= 400:
            abort(status)
        return "", status

    csrf.exempt(write_marker)


def _jobs(db) -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(sa.select(PeriodicRun.job)))


@pytest.mark.fresh_app  # it adds a route
def test_immediate_mode_runs_it_after_the_commit_only(app, db, client):
    _route(app)
    seen.clear()
    assert client.post("/test/marker/kept/200").status_code == 200
    assert seen == [{"marker": "kept", "row_committed": True, "in_unit": True}]
    assert _jobs(db) == {"kept", "kept-done"}  # the task's own transaction committed
    assert client.post("/test/marker/refused/409").status_code == 409
    assert client.get("/test/marker/read/200").status_code == 405
    assert len(seen) == 1 and _jobs(db) == {"kept", "kept-done"}


@pytest.mark.fresh_app  # it adds a route
def test_a_queue_holds_it_from_the_commit_on(app, db, client, queue_with):
    _route(app)
    queue = queue_with(TASK_QUEUE_URL=f"sqlite:///{app.instance_path}/after-commit.sqlite3")
    queue.flush()
    seen.clear()
    assert client.post("/test/marker/queued/200").status_code == 200
    assert client.post("/test/marker/refused/422").status_code == 422
    assert queue.pending_count() == 1 and seen == []
    queue.execute(queue.dequeue())  # what a worker thread does
    assert seen == [{"marker": "queued", "row_committed": True, "in_unit": True}]
    assert _jobs(db) == {"queued", "queued-done"}
    queue.flush()


def test_after_commit_runs_outside_the_unit_only_when_committed(app, db):
    ran = []

    def work(keep: bool):
        after_commit(lambda: ran.append((keep, in_unit())))
        return keep

    run_in_transaction(lambda: work(True), keep=bool)
    run_in_transaction(lambda: work(False), keep=bool)
    run_in_transaction(lambda: work(True), writes=False)
    with pytest.raises(ZeroDivisionError):
        run_in_transaction(lambda: [work(True), 1 / 0])
    assert ran == [(True, False)]


def test_an_action_that_fails_after_the_commit_is_logged_and_the_commit_stands(app, db, caplog):
    def work():
        _db.session.add(PeriodicRun(job="stands", due_at=utcnow()))
        after_commit(lambda: 1 / 0)

    run_in_transaction(work)
    assert _jobs(db) == {"stands"}
    assert "after commit failed" in caplog.text


def test_outside_a_unit_nothing_is_enqueued(app, caplog):
    seen.clear()
    enqueue_after_commit(note_marker, "direct")
    assert seen == [] and "not enqueued" in caplog.text
