"""`flask --app fairapp worker`: the huey consumer, with the periodic jobs, logging to stderr.

SIGINT (Ctrl-C) stops gracefully: the running tasks finish first (a second Ctrl-C stops at once).
SIGTERM stops at once (huey's rule): a task cut short is lost from the queue, and a badge job's row
is reported "interrupted" (fairapp.registrations.jobs). The systemd unit in deploy/ sends SIGINT and
waits, so that a deploy lets a running job finish."""

import logging
import sys

import click
from flask import current_app

from fairapp.config import ConfigError
from fairapp.worker.queue import huey

TASK_MODULES = (
    "fairapp.registrations.jobs",
    "fairapp.webhooks.delivery",
    "fairapp.worker.schedule",
)  # imported: their tasks exist


@click.command("worker")
@click.option("--workers", type=int, help="Threads running tasks (default: TASK_WORKERS).")
@click.option("--no-periodic", is_flag=True, help="Do not run the periodic jobs from this worker.")
def worker_command(workers: int | None, no_periodic: bool) -> None:
    """Run the background worker: badge files, messages, reminders."""
    import importlib

    for module in TASK_MODULES:
        importlib.import_module(module)
    if huey.immediate:
        raise ConfigError(
            "The task queue runs in immediate mode (TESTING or TASK_QUEUE_IMMEDIATE): nothing to consume."
        )
    _log_to_stderr()
    consumer = huey.create_consumer(
        workers=workers or current_app.config["TASK_WORKERS"],
        worker_type="thread",
        periodic=not no_periodic,
        max_delay=current_app.config["TASK_POLL_SECONDS"],  # an idle queue is polled at least this often
        check_worker_health=True,
    )
    logging.getLogger(__name__).info(
        "worker: %s queue %r, %s threads", type(huey.storage).__name__, huey.name, consumer.workers
    )
    consumer.run()


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
