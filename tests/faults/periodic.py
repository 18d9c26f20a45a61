"""A periodic job run by a `flask worker` started for a test: queued by hand for a minute of the test's
choosing (as the worker's scheduler would queue it), then looked for in periodic_runs."""

import time
from datetime import UTC, datetime

import sqlalchemy as sa

from fairapp.worker import huey


def run_periodic(due: str) -> None:
    """Queue the periodic job count_reach for the minute `due`, as the worker's scheduler does."""
    import fairapp.worker.schedule  # noqa: F401  (declares the periodic tasks)

    task_class = huey._registry.string_to_task("fairapp.worker.schedule.periodic_count_reach")
    huey.enqueue(task_class(kwargs={"due": due}))


def wait_for_run(database_url: str, due: str, timeout: float = 20) -> bool:
    """Whether count_reach ran for the minute `due` within `timeout` seconds (read directly)."""
    from fairapp.worker.models import PeriodicRun

    wanted = datetime.fromisoformat(due).replace(tzinfo=UTC)
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    statement = sa.select(PeriodicRun.due_at).where(PeriodicRun.job == "count_reach")
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if wanted in set(connection.execute(statement).scalars()):
                    return True
            time.sleep(0.3)
        return False
    finally:
        engine.dispose()
