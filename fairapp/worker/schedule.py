"""Periodic jobs: what the worker runs by the clock, each with its huey crontab (in UTC; Vietnam is
UTC+7, so 08:00 there is crontab(hour="1", minute="0")) and the functions it calls.

Every consumer's scheduler reads the schedule, so with several workers or servers each job would be
enqueued once per consumer: the job first claims its minute in the database (a periodic_runs row,
keyed by job and minute) and only the consumer that claims it runs it.

A function is named by its dotted path and imported when the job runs, so a job may name code that
is not there yet: a function that cannot be imported, or that raises, is logged as an error and the
job's other functions still run; the consumer carries on. Each function is called as
`function(now=<aware UTC datetime>)`, in one transaction (fairapp.transactions.run_in_transaction)
unless its job says `transaction=False` (a function that runs its own short transactions).

To add a periodic job: add a PeriodicJob to JOBS below. Nothing else registers it."""

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from huey import crontab
from sqlalchemy.exc import IntegrityError

from fairapp.extensions import db
from fairapp.modelbase import utcnow
from fairapp.transactions import run_in_transaction, write_point
from fairapp.worker.models import PeriodicRun
from fairapp.worker.queue import periodic_task

log = logging.getLogger(__name__)
KEEP_RUNS_FOR = timedelta(days=7)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    schedule: Callable[[datetime], bool]  # a huey crontab
    functions: tuple[str, ...]  # dotted paths, called in order with now=
    transaction: bool = True


JOBS = (
    PeriodicJob("send_messages", crontab(), ("fairapp.messages.outbox.send_due",), transaction=False),
    PeriodicJob(
        "queue_reminders",
        crontab(minute="0"),
        (
            "fairapp.messages.reminders.queue_fair_reminders",
            "fairapp.outcomes.reminders.queue_follow_up_messages",
        ),
    ),
    # The people written since the last minute, counted into reach (fairapp.reports.reach).
    PeriodicJob("count_reach", crontab(), ("fairapp.reports.reach.drain",), transaction=False),
    # Webhooks due (fairapp.webhooks.delivery): first attempts, retries, replays.
    PeriodicJob("deliver_webhooks", crontab(), ("fairapp.webhooks.delivery.send_due",), transaction=False),
    PeriodicJob("purge_webhook_log", crontab(minute="45"), ("fairapp.webhooks.retention.purge",)),
    # Jobs queued by a request whose task never reached the queue (its store was down): sent again.
    PeriodicJob(
        "requeue_jobs",
        crontab(),
        ("fairapp.registrations.jobs.requeue_waiting", "fairapp.outreach.imports.requeue_waiting"),
    ),
    # Badge PDFs are deleted a day after they were made, even when nobody starts another job.
    PeriodicJob("purge_badge_files", crontab(minute="30"), ("fairapp.registrations.jobs.purge_expired",)),
)


def run(job: PeriodicJob, due: datetime, *, now: datetime | None = None) -> bool:
    """Run the job for its scheduled minute `due` unless another worker claimed that minute; True if
    it ran here. Needs an app context."""
    if not _claim(job.name, due):
        log.info("periodic job %s for %s already taken by another worker", job.name, due)
        return False
    for path in job.functions:
        _call(job, path, now or utcnow())
    return True


def _claim(name: str, due: datetime) -> bool:
    def claim():
        write_point()
        db.session.execute(
            sa.delete(PeriodicRun).where(PeriodicRun.job == name, PeriodicRun.due_at < due - KEEP_RUNS_FOR)
        )
        db.session.add(PeriodicRun(job=name, due_at=due))
        db.session.flush()

    try:
        run_in_transaction(claim)
    except IntegrityError:
        return False
    return True


def _call(job: PeriodicJob, path: str, now: datetime) -> None:
    try:
        function = resolve(path)
    except (ImportError, AttributeError) as error:
        log.error("periodic job %s: cannot find %s (%s)", job.name, path, error)
        return
    try:
        if job.transaction:
            run_in_transaction(lambda: function(now=now))
        else:
            function(now=now)
    except Exception:
        log.exception("periodic job %s: %s failed", job.name, path)
    finally:
        db.session.remove()


def resolve(path: str) -> Callable:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _due(value: str | None) -> datetime:
    if value is None:  # run by hand rather than by a scheduler
        return utcnow().replace(second=0, microsecond=0)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _register(job: PeriodicJob) -> None:
    def periodic(due: str | None = None) -> None:
        run(job, _due(due))

    periodic.__name__ = periodic.__qualname__ = f"periodic_{job.name}"
    periodic_task(job.schedule, transaction=False)(periodic)


for _job in JOBS:
    _register(_job)
