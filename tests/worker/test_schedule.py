"""Periodic jobs: each runs once per scheduled minute however many consumers' schedulers read the
schedule, calls its functions by dotted path with now=, and a function that is missing or fails is
logged without stopping the others or the consumer."""

import sys
import types
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from huey.consumer import Scheduler

from fairapp.worker import schedule
from fairapp.worker.models import PeriodicRun


class Calls(list):
    module: object


@pytest.fixture()
def calls(monkeypatch):
    """The functions the schedule names, replaced by recorders (their modules are other areas')."""
    calls = Calls()

    def module(name: str, **functions):
        fake = types.ModuleType(name)
        for attribute, function in functions.items():
            setattr(fake, attribute, function)
        monkeypatch.setitem(sys.modules, name, fake)

    def recorder(label):
        return lambda *, now: calls.append((label, now))

    module("fairapp.messages.outbox", send_due=recorder("send_due"))
    module("fairapp.messages.reminders", queue_fair_reminders=recorder("fair_reminders"))
    module("fairapp.outcomes.reminders", queue_follow_up_messages=recorder("follow_ups"))
    calls.module = module
    return calls


def _tick(queue, *seconds, minute=datetime(2026, 12, 8, 3, 0)):
    """Each consumer's scheduler reads the schedule at its own second of `minute` (naive UTC, as huey
    passes it) and enqueues; then the workers run everything queued."""
    for second in seconds:
        Scheduler(queue, interval=1, periodic=True).enqueue_periodic_tasks(minute.replace(second=second))
    while (task := queue.dequeue()) is not None:
        queue.execute(task)


def test_two_consumers_in_the_same_minute_run_each_job_once(app, db, calls, queue_with):
    queue = queue_with(TASK_QUEUE_URL=f"sqlite:///{app.instance_path}/schedule.sqlite3")
    queue.flush()
    _tick(queue, 1, 40)  # 03:00 UTC: every-minute and hourly jobs are due
    assert sorted(label for label, _now in calls) == ["fair_reminders", "follow_ups", "send_due"]
    assert all(now.tzinfo is not None for _label, now in calls)
    runs = db.session.execute(sa.select(PeriodicRun.job, PeriodicRun.due_at)).all()
    due = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    assert sorted(runs) == [
        ("count_reach", due),
        ("deliver_webhooks", due),
        ("queue_reminders", due),
        ("requeue_jobs", due),
        ("send_messages", due),
    ]
    calls.clear()
    _tick(queue, 2, 59, minute=datetime(2026, 12, 8, 3, 30))  # every minute, and the badge files
    assert [label for label, _now in calls] == ["send_due"]
    purges = sa.select(sa.func.count()).where(PeriodicRun.job == "purge_badge_files")
    db.session.rollback()  # a fresh read: the workers committed since
    assert db.session.scalar(purges) == 1
    calls.clear()
    _tick(queue, 5, minute=datetime(2026, 12, 8, 3, 31))
    assert [label for label, _now in calls] == ["send_due"]
    queue.flush()


def test_a_missing_or_failing_function_is_logged_and_the_others_run(app, db, calls, caplog):
    calls.module("fairapp.messages.reminders")  # not written yet: no queue_fair_reminders

    def fails(*, now):
        raise RuntimeError("provider down")

    calls.module("fairapp.messages.outbox", send_due=fails)
    job = next(job for job in schedule.JOBS if job.name == "queue_reminders")
    assert schedule.run(job, datetime(2026, 12, 8, 4, 0, tzinfo=UTC))
    assert [label for label, _now in calls] == ["follow_ups"]
    assert "cannot find fairapp.messages.reminders.queue_fair_reminders" in caplog.text
    send = next(job for job in schedule.JOBS if job.name == "send_messages")
    assert schedule.run(send, datetime(2026, 12, 8, 4, 0, tzinfo=UTC))
    assert "send_messages: fairapp.messages.outbox.send_due failed" in caplog.text
    assert not schedule.run(send, datetime(2026, 12, 8, 4, 0, tzinfo=UTC))  # that minute is taken


def test_a_function_writes_in_its_own_committed_transaction(app, db, calls):
    from fairapp.extensions import db as _db
    from fairapp.modelbase import utcnow

    def writes(*, now):
        _db.session.add(PeriodicRun(job="written-by-reminders", due_at=now))

    calls.module("fairapp.messages.reminders", queue_fair_reminders=writes)
    reminders = next(job for job in schedule.JOBS if job.name == "queue_reminders")
    now = utcnow()
    schedule.run(reminders, datetime(2026, 12, 8, 5, 0, tzinfo=UTC), now=now)
    db.session.rollback()
    assert db.session.get(PeriodicRun, ("written-by-reminders", now)) is not None


def test_the_sender_runs_outside_any_transaction_as_it_runs_its_own(app, db, calls):
    from fairapp.transactions import in_unit

    seen = []
    calls.module("fairapp.messages.outbox", send_due=lambda *, now: seen.append(in_unit()))
    send = next(job for job in schedule.JOBS if job.name == "send_messages")
    schedule.run(send, datetime(2026, 12, 8, 5, 0, tzinfo=UTC), now=datetime(2026, 12, 8, 5, 0, tzinfo=UTC))
    assert seen == [False]


def test_every_job_names_functions_by_dotted_path():
    for job in schedule.JOBS:
        assert job.functions and all(path.count(".") >= 2 for path in job.functions), job
    assert schedule.resolve("fairapp.registrations.jobs.purge_expired").__name__ == "purge_expired"
