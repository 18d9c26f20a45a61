"""The queue on the real Redis at 127.0.0.1:6379 (skipped when it does not answer): a task asked for
by a request is in Redis once the request committed, and a worker runs it from there. Each test
uses a queue name of its own and deletes its keys."""

import secrets

import pytest
import redis
from huey.storage import RedisStorage

from fairapp.worker import huey
from tests.worker.test_after_commit import _jobs, _route, seen

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture()
def redis_queue(queue_with):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} does not answer ({error}); start it to test the Redis queue")
    name = f"fairapp-test-{secrets.token_hex(6)}"
    queue = queue_with(TASK_QUEUE_URL=REDIS_URL, TASK_QUEUE_NAME=name)
    yield queue
    queue.storage.flush_all()
    client = redis.Redis.from_url(REDIS_URL)
    assert not client.keys(f"*{name}*"), "keys left behind"


@pytest.mark.fresh_app  # it adds a route
def test_a_request_queues_its_task_in_redis_after_commit(app, db, client, redis_queue):
    assert isinstance(huey.storage, RedisStorage)
    _route(app)
    seen.clear()
    assert client.post("/test/marker/in-redis/200").status_code == 200
    assert client.post("/test/marker/refused/409").status_code == 409
    assert redis_queue.pending_count() == 1 and seen == []
    redis_queue.execute(redis_queue.dequeue())
    assert seen == [{"marker": "in-redis", "row_committed": True, "in_unit": True}]
    assert _jobs(db) == {"in-redis", "in-redis-done"}
    assert redis_queue.pending_count() == 0
