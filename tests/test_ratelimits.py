"""fairapp.ratelimits: Flask-Limiter's counters in a SQLite file of the instance folder, counted once
for every worker process; expired windows start again; tests reset it."""

import multiprocessing
import os
import random
import sqlite3
import stat
import time
import uuid
from pathlib import Path

import pytest
from limits import parse
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from fairapp import create_app, ratelimits
from fairapp.extensions import limiter
from tests.auth.conftest import other_apps
from tests.conftest import _config


@pytest.fixture()
def app_with(app, _schema, instance_path):
    with other_apps(_schema, instance_path) as build:
        yield build


@pytest.fixture()
def storage(tmp_path):
    return storage_from_string(f"fairapp-sqlite://{tmp_path / 'limits.sqlite3'}")


def test_counts_per_key_and_a_window_starts_again_when_it_ends(storage, monkeypatch):
    assert isinstance(storage, ratelimits.SQLiteStorage)
    counter = FixedWindowRateLimiter(storage)
    limit = parse("3 per minute")
    assert [counter.hit(limit, "phone", "0912345678") for _ in range(4)] == [True, True, True, False]
    assert counter.hit(limit, "phone", "0987654321")  # another key counts apart
    key = limit.key_for("phone", "0912345678")
    assert storage.get(key) == 4
    assert time.time() + 55 < storage.get_expiry(key) <= time.time() + 60

    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert storage.get(key) == 0 and storage.get_expiry(key) == later  # ended: ignored when read
    assert counter.hit(limit, "phone", "0912345678")  # a new window, counted from one
    assert storage.get(key) == 1 and storage.get_expiry(key) == later + 60


def test_clear_reset_and_check(storage):
    storage.incr("a", 60)
    storage.incr("b", 60, amount=2)
    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 2)
    assert storage.reset() == 1 and storage.get("b") == 0
    assert storage.check()


def test_expired_counters_are_swept_from_the_file(storage, monkeypatch):
    storage.incr("old", 1)
    later = time.time() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    storage._next_sweep = 0  # the sweep is due
    storage.incr("new", 60)
    rows = storage._connection().execute("SELECT key FROM counters").fetchall()
    assert rows == [("new",)]


def test_the_file_is_the_owners_alone_and_in_wal_mode(storage):
    storage.incr("k", 60)
    assert stat.S_IMODE(os.stat(storage.path).st_mode) == 0o600
    assert storage._connection().execute("PRAGMA journal_mode").fetchone() == ("wal",)


def _hit_many(uri: str, times: int) -> list[bool]:
    """In a child process: hit one limit `times` times through limits, as Flask-Limiter does."""
    counter = FixedWindowRateLimiter(storage_from_string(uri))
    limit = parse("60 per minute")
    return [counter.hit(limit, "register-phone", "0912345678") for _ in range(times)]


def test_two_processes_hitting_one_limit_share_one_count(tmp_path):
    uri = f"fairapp-sqlite://{tmp_path / 'limits.sqlite3'}"
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.starmap(_hit_many, [(uri, 50), (uri, 50)])
    allowed = [hit for result in results for hit in result]
    # Counted apart, each process would allow all of its 50; counted together, 60 of the 100 pass.
    assert allowed.count(True) == 60
    assert storage_from_string(uri).get(parse("60 per minute").key_for("register-phone", "0912345678")) == 100


def test_the_app_counts_in_the_instance_folder_by_default(app, instance_path):
    assert app.config["RATELIMIT_STORAGE_URI"] == f"fairapp-sqlite://{instance_path / 'ratelimits.sqlite3'}"
    assert isinstance(limiter.storage, ratelimits.SQLiteStorage)
    assert limiter.storage.path == instance_path / "ratelimits.sqlite3"


def test_creating_the_app_opens_no_counter_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRAPP_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"].endswith("/ratelimits.sqlite3")
    assert not (tmp_path / "ratelimits.sqlite3").exists()


def test_the_test_suite_resets_the_counts(app):
    limiter.storage.incr("left-over", 3600)
    limiter.reset()
    assert limiter.storage.get("left-over") == 0


LOST_TICKET_LIMITS = {
    "LOST_TICKET_LIMIT_PER_ADDRESS": "6 per hour",
    "LOST_TICKET_LIMIT_PER_PHONE": "100 per hour",
}


def _look_up_lost_tickets(database_url: str, instance_path: str, times: int) -> list[int]:
    """In a child process, as another gunicorn worker: its own app on the same instance folder."""
    os.environ["FAIRAPP_INSTANCE_PATH"] = instance_path
    app = create_app(
        {**_config(database_url, Path(instance_path)), **LOST_TICKET_LIMITS, "WTF_CSRF_ENABLED": False}
    )
    client = app.test_client()
    return [
        client.post(
            "/fairs/999999/lost-ticket",
            data={"phone": f"09123456{n:02d}"},
            environ_base={"REMOTE_ADDR": "203.0.113.77"},
        ).status_code
        for n in range(times)
    ]


def test_a_limit_of_the_app_is_shared_by_two_worker_processes(app_with, _schema, instance_path):
    """lost-ticket allows 6 per address per hour: 3 in another process and 3 here use it up."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_look_up_lost_tickets, (_schema, str(instance_path), 3)) == [404] * 3
    here = app_with(**LOST_TICKET_LIMITS, WTF_CSRF_ENABLED=False).test_client()
    statuses = [
        here.post(
            "/fairs/999999/lost-ticket",
            data={"phone": f"09876543{n:02d}"},
            environ_base={"REMOTE_ADDR": "203.0.113.77"},
        ).status_code
        for n in range(4)
    ]
    assert statuses == [404, 404, 404, 429]


def test_limits_are_kept_in_redis_when_configured(app_with, monkeypatch):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    connection = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379; start it to test shared limits")
    monkeypatch.setenv("FAIRAPP_RATELIMIT_STORAGE_URL", url)
    # a real mobile number, so that the key holds it as typed: phonenumbers reads a random hex string
    # such as "927e288504" as 0927288504, and the marker was then not in the key (1 run in 28)
    marker = f"0912{random.randrange(10**6):06d}"
    ip = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    limits = {
        "LOST_TICKET_LIMIT_PER_ADDRESS": "100 per hour",
        "LOST_TICKET_LIMIT_PER_PHONE": "2 per hour",
        "WTF_CSRF_ENABLED": False,
    }
    try:
        served = app_with(**limits)
        assert served.config["RATELIMIT_STORAGE_URI"] == url
        assert isinstance(limiter.storage, RedisStorage)

        def look(built):
            return (
                built.test_client()
                .post("/fairs/999999/lost-ticket", data={"phone": marker}, environ_base={"REMOTE_ADDR": ip})
                .status_code
            )

        assert [look(served) for _ in range(2)] == [404, 404]
        assert [key.decode() for key in connection.scan_iter(match=f"*{marker}*")], (
            "no rate-limit counter for the phone in Redis"
        )
        # A second app server sharing the Redis store sees the same counter.
        assert look(app_with(**limits)) == 429
    finally:
        for pattern in (f"*{marker}*", f"*{ip}*"):
            for key in connection.scan_iter(match=pattern):
                connection.delete(key)


def test_a_store_that_failed_under_one_app_does_not_leave_the_next_counting_in_memory(app_with, monkeypatch):
    """Flask-Limiter's "store unreachable, count in memory" flag lives on the one global limiter: a
    counter file busy past its timeout in one test left every later app counting in memory, so the
    Redis test found no counter in Redis. Each new app starts on its own store."""
    limits = {"LOST_TICKET_LIMIT_PER_PHONE": "5 per hour", "WTF_CSRF_ENABLED": False}
    marker = uuid.uuid4().hex[:10]

    def look(built):
        return built.test_client().post("/fairs/999999/lost-ticket", data={"phone": marker}).status_code

    failing = app_with(**limits)

    def busy(*_args, **_kwargs):
        raise sqlite3.OperationalError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(ratelimits.SQLiteStorage, "incr", busy)
        assert look(failing) == 404  # the failure is swallowed; the limiter falls back to memory

    served = app_with(**limits)
    assert look(served) == 404
    with sqlite3.connect(limiter.storage.path) as counters:
        keys = [key for (key,) in counters.execute("SELECT key FROM counters")]
    assert any(marker in key for key in keys), keys
