"""Redis goes away while the application counts its limits and queues its tasks there (several servers'
set-up). The real Redis is shared, so a TCP proxy in front of it plays the outage (bench/tcp_proxy.py).

What must hold: registration and check-in keep working (never a 500); the limits still hold, counted
in each process's memory, with one line in the log; they count in Redis again once it is back; a badge
job asked for meanwhile is committed and reaches the queue later (the worker's every-minute
requeue_jobs), and runs once however many times it was sent."""

import logging
import secrets
import time
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa

from bench.fault_load import flask_command, person
from bench.tcp_proxy import TcpProxy
from fairapp import create_app
from fairapp.extensions import db as _db
from fairapp.extensions import limiter
from fairapp.worker import huey, init_app
from tests.faults.periodic import run_periodic, wait_for_run

REDIS = ("127.0.0.1", 6379)


@pytest.fixture()
def redis_proxy():
    try:
        redis.Redis(*REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {REDIS} does not answer ({error})")
    proxy = TcpProxy(REDIS).start()
    yield proxy
    proxy.close()


@pytest.fixture()
def redis_app(app, database_url, redis_proxy):
    """An application counting its limits and queueing its tasks in Redis, through the proxy, under a
    name of its own (its keys are deleted afterwards)."""
    name = f"fairapp-faults-{secrets.token_hex(6)}"
    limiter_state = dict(vars(limiter))  # the limiter and the queue are the process's: put them back
    # Flask-Limiter keeps the first application's key prefix for every later one; this one has its own.
    limiter._key_prefix = ""
    url = f"redis://127.0.0.1:{redis_proxy.port}/0"
    served = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": url,
            "RATELIMIT_KEY_PREFIX": name,
            "TASK_QUEUE_URL": url,
            "TASK_QUEUE_NAME": name,
            "TASK_QUEUE_IMMEDIATE": False,
            "REGISTRATION_LIMIT_PER_ADDRESS": "12 per minute",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    served.key_name = name
    yield served
    with served.app_context():
        _db.engine.dispose()
    vars(limiter).clear()
    vars(limiter).update(limiter_state)
    init_app(app)
    client = redis.Redis(*REDIS)
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)


def _published_fair(db):
    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.modelbase import utcnow

    starts_at = utcnow().replace(microsecond=0) + timedelta(days=7)
    fair = Fair(
        title="Phiên không có Redis",
        ward_code="05528",
        venue_name="Nhà văn hoá",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
    )
    db.session.add(fair)
    db.session.commit()
    return fair


def _limit_keys(name: str) -> int:
    return sum(1 for _key in redis.Redis(*REDIS).scan_iter(f"*{name}*"))


def test_limits_fall_back_to_memory_and_come_back(db, redis_app, redis_proxy, make_user, caplog):
    from fairapp.auth import services

    fair = _published_fair(db)
    gate = make_user("gate")
    _token, secret = services.issue_token(gate, "gate")
    db.session.commit()
    client = redis_app.test_client()
    path = f"/api/v1/fairs/{fair.id}/registrations"
    number = iter(range(1, 1000))

    assert client.post(path, json=person(next(number))).status_code == 201
    assert _limit_keys(redis_app.key_name) > 0  # counted in Redis

    redis_proxy.go_down()
    started = time.monotonic()
    with caplog.at_level(logging.INFO):
        answers = [client.post(path, json=person(next(number))) for _ in range(14)]
    assert time.monotonic() - started < 10  # no request waits on the missing Redis
    statuses = [answer.status_code for answer in answers]
    assert 500 not in statuses
    # still limited (12 a minute per address), now in this process's memory
    assert statuses.count(201) == 12 and statuses[12:] == [429, 429], statuses
    assert caplog.text.count("falling back to in-memory storage") == 1
    ticket = answers[0].get_json()["ticket"]["qr_payload"]
    checkin = client.post(
        "/api/v1/checkins",
        json={"fair_id": fair.id, "qr_payload": ticket, "scan_id": "s-1"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert checkin.status_code == 200 and checkin.get_json()["result"] in ("ok", "fair_not_open")

    redis_proxy.come_back()
    keys_before = _limit_keys(redis_app.key_name)
    deadline = time.monotonic() + 15
    with caplog.at_level(logging.INFO):
        while time.monotonic() < deadline and _limit_keys(redis_app.key_name) == keys_before:
            time.sleep(0.5)
            client.post(path, json=person(next(number)))  # Flask-Limiter looks for Redis as it backs off
    assert _limit_keys(redis_app.key_name) > keys_before, "the limits did not go back to Redis"
    assert "Rate limit storage recovered" in caplog.text


def test_a_badge_job_asked_for_while_redis_is_down_is_queued_later_and_runs_once(
    db, redis_app, redis_proxy, make_user, caplog
):
    from fairapp.modelbase import utcnow
    from fairapp.registrations import jobs
    from fairapp.registrations.models import BadgeJob, BadgeJobStatus
    from fairapp.transactions import run_in_transaction

    fair = _published_fair(db)
    organiser = make_user("admin")
    client = redis_app.test_client()
    assert client.post(f"/api/v1/fairs/{fair.id}/registrations", json=person(1)).status_code == 201
    with redis_app.app_context():
        redis_proxy.go_down()
        with caplog.at_level(logging.ERROR):
            job_id = run_in_transaction(
                lambda: jobs.start_job(_db.session.get(type(fair), fair.id), by=organiser).id
            )
        assert "an action after commit failed" in caplog.text  # logged; the request itself succeeded
        _db.session.remove()
        job = _db.session.get(BadgeJob, job_id)
        assert job.status == BadgeJobStatus.QUEUED  # committed: the database holds the job
        redis_proxy.come_back()
        assert huey.pending_count() == 0  # its task never reached the queue

        assert run_in_transaction(lambda: jobs.requeue_waiting(now=utcnow())) == 0  # not waited long enough
        later = utcnow() + jobs.REQUEUE_AFTER + timedelta(seconds=1)
        assert run_in_transaction(lambda: jobs.requeue_waiting(now=later)) == 1
        assert run_in_transaction(lambda: jobs.requeue_waiting(now=later)) == 0  # sent once per wait
        assert huey.pending_count() == 1

        # sent twice (the first one arrived late, say): the job is claimed once
        assert run_in_transaction(lambda: jobs._started(job_id)) is not None
        assert run_in_transaction(lambda: jobs._started(job_id)) is None
        _db.session.remove()
        assert (
            _db.session.scalar(sa.select(BadgeJob.status).where(BadgeJob.id == job_id))
            == BadgeJobStatus.RUNNING
        )
        huey.storage.flush_all()


def test_the_worker_survives_redis_going_away(app, database_url, redis_proxy, tmp_path):
    """`flask worker` on a Redis queue: while Redis is away its consumer logs and waits (an enqueue
    fails within seconds, never hangs); once Redis is back it runs what is queued, without a restart."""
    name = f"fairapp-faults-{secrets.token_hex(6)}"
    url = f"redis://127.0.0.1:{redis_proxy.port}/0"
    app.config.update(TASK_QUEUE_URL=url, TASK_QUEUE_NAME=name, TASK_QUEUE_IMMEDIATE=False)
    init_app(app)
    env = {"FAIRAPP_TASK_QUEUE_URL": url, "FAIRAPP_TASK_QUEUE_NAME": name}
    worker = flask_command(tmp_path, database_url, "worker", "--no-periodic", env=env)
    log = tmp_path / "worker.log"
    try:
        run_periodic("2030-02-01T00:00:00")
        assert wait_for_run(database_url, "2030-02-01T00:00:00", timeout=60), log.read_text()  # starting up

        redis_proxy.go_down()
        started = time.monotonic()
        with pytest.raises(redis.ConnectionError):
            run_periodic("2030-02-01T00:01:00")  # a request's enqueue: it fails, fast
        assert time.monotonic() - started < 5
        time.sleep(3)  # the consumer meets the missing Redis
        redis_proxy.come_back()

        run_periodic("2030-02-01T00:02:00")
        assert wait_for_run(database_url, "2030-02-01T00:02:00"), log.read_text()
        assert worker.poll() is None
        assert "Error reading" in log.read_text()  # it did meet the outage (its queue or schedule)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        client = redis.Redis(*REDIS)
        for key in client.scan_iter(f"*{name}*"):
            client.delete(key)
