"""The task queue (huey): one instance for the process, configured from the app by init_app().

Tasks are declared at import time with `@task(...)`, before any app exists, so the instance is made
first with no storage and init_app() gives it one from the configuration (TASK_QUEUE_URL):

    unset             the embedded default: SQLite file instance/tasks.sqlite3, for one server (its
                      web workers and its `flask worker` share the file)
    sqlite:///PATH    the same at another path (sqlite:////absolute/path)
    redis://…         Redis (also rediss://, unix://), for several servers sharing one queue; a
                      Redis that does not answer fails an enqueue within REDIS_TIMEOUTS (the request
                      that asked for it still succeeds, and the job is sent again: see
                      enqueue_after_commit) instead of holding the request

The storage is opened when first used (an enqueue, the consumer), not by create_app(). Under
TESTING, or with TASK_QUEUE_IMMEDIATE = True, huey's immediate mode runs a task at once in the
process that enqueues it, in memory."""

import functools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage
from redis.connection import ConnectionPool, parse_url

from fairapp import transactions
from fairapp.config import ConfigError
from fairapp.extensions import db

log = logging.getLogger(__name__)
REDIS_SCHEMES = ("redis", "rediss", "unix")
# Seconds. The consumer blocks on the queue for 1 s at a time (huey's read_timeout): the socket's
# timeout must be longer.
REDIS_TIMEOUTS = {"socket_connect_timeout": 2.0, "socket_timeout": 5.0}


class Queue(Huey):
    """huey, with its storage chosen after import (configure()) and opened on first use, and each
    periodic task given the minute its scheduler read it for (`due`, see fairapp.worker.schedule)."""

    def __init__(self) -> None:
        self._storage = None
        self._storage_lock = threading.Lock()
        self.flask_app: Flask | None = None
        # Until configured: immediate mode in memory, so importing a task module writes nothing.
        super().__init__("fairapp", results=False, immediate=True)

    def configure(self, *, name: str, storage_class: type, storage_kwargs: dict, immediate: bool) -> None:
        self.name = name
        self.storage_class = storage_class
        self.storage_kwargs = storage_kwargs
        self._immediate = immediate
        self._storage = None

    @property
    def storage(self):
        if self._storage is None:
            with self._storage_lock:
                if self._storage is None:
                    self._storage = self.create_storage()
        return self._storage

    @storage.setter
    def storage(self, value) -> None:
        self._storage = value

    def read_periodic(self, timestamp):
        timestamp = timestamp or self._get_timestamp()
        due = timestamp.replace(second=0, microsecond=0).isoformat()  # UTC, huey's utc=True
        tasks = super().read_periodic(timestamp)
        for periodic in tasks:
            periodic.kwargs = {"due": due}
        return tasks


huey = Queue()


def init_app(app: Flask) -> None:
    """Give the queue its storage from app.config; a URL it cannot use is a ConfigError."""
    storage_class, storage_kwargs = storage_for(app)
    immediate = app.config["TASK_QUEUE_IMMEDIATE"]
    if immediate is None:
        immediate = bool(app.testing)
    huey.configure(
        name=app.config["TASK_QUEUE_NAME"],
        storage_class=storage_class,
        storage_kwargs=storage_kwargs,
        immediate=immediate,
    )
    huey.flask_app = app
    app.extensions["huey"] = huey


def storage_for(app: Flask) -> tuple[type, dict]:
    url = app.config.get("TASK_QUEUE_URL")
    if not url:
        return _sqlite(Path(app.instance_path) / "tasks.sqlite3")
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        if path == url or not path:
            raise ConfigError(
                f"TASK_QUEUE_URL {url!r}: write sqlite:///relative/path or sqlite:////absolute/path."
            )
        return _sqlite(Path(app.instance_path) / path)  # an absolute path stays itself
    if scheme in REDIS_SCHEMES:
        try:
            parse_url(url)
        except ValueError as error:
            raise ConfigError(f"TASK_QUEUE_URL is not a usable Redis URL: {error}") from None
        return RedisStorage, {"connection_pool": ConnectionPool.from_url(url, **REDIS_TIMEOUTS)}
    raise ConfigError(
        f"TASK_QUEUE_URL must be empty (SQLite in the instance folder), sqlite:///PATH or redis://…, "
        f"not {scheme or url!r}."
    )


def _sqlite(path: Path) -> tuple[type, dict]:
    # fsync: a task enqueued for a committed row survives a power cut (synchronous=FULL).
    return SqliteStorage, {"filename": str(path), "fsync": True}


def task(*, transaction: bool = True, **options) -> Callable:
    """Declare a background task. It runs in the worker inside a Flask app context; with
    `transaction` (the default) the whole call is one fairapp.transactions.run_in_transaction unit,
    committed when it returns; `transaction=False` for a task that runs several short transactions
    itself. `options` go to huey's task() (retries, retry_delay, priority, expires, name).

    Enqueue it with enqueue_after_commit(); calling the decorated function enqueues at once."""
    return lambda function: huey.task(**options)(_in_app(function, transaction))


def periodic_task(schedule: Callable, *, transaction: bool = True, **options) -> Callable:
    """A task the consumer's scheduler enqueues by itself when `schedule` (a huey crontab) matches
    the minute; declared through fairapp.worker.schedule.JOBS, which runs it once across workers."""
    return lambda function: huey.periodic_task(schedule, **options)(_in_app(function, transaction))


def _in_app(function: Callable, transaction: bool) -> Callable:
    @functools.wraps(function)  # huey names the task after the function and its module
    def run(*args, **kwargs):
        with _app().app_context():
            try:
                if transaction:
                    return transactions.run_in_transaction(lambda: function(*args, **kwargs))
                return function(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def _app() -> Flask:
    """Immediate mode runs a task in the thread that enqueued it: that thread's app. A consumer's
    threads have none: the app the worker command built."""
    if has_app_context():
        return current_app._get_current_object()
    if huey.flask_app is None:
        raise RuntimeError("the task queue has no app: create_app() was not called in this process")
    return huey.flask_app


def enqueue_after_commit(queued_task, *args, **kwargs) -> None:
    """Enqueue `queued_task(*args, **kwargs)` once the current transaction has committed, so that the
    task never runs before the rows it reads exist; nothing is enqueued if the transaction rolls back.

    Outside a transaction unit (a test or a benchmark calling a service directly, committing and
    running the work itself) nothing is enqueued. If enqueueing fails after the commit (the queue's
    store is down) the error is logged and the request still succeeds: what was committed stands,
    and the row it committed is what the work is found from again (a queued badge job or household
    import is sent again by the worker's every-minute `requeue_jobs`, fairapp.worker.schedule)."""
    if not transactions.in_unit():
        log.warning("%s not enqueued: called outside a transaction unit", queued_task.task_class.__name__)
        return
    transactions.after_commit(lambda: queued_task(*args, **kwargs))
