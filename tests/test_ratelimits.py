"""fairapp.ratelimits: the in-process counters count as limits' own do, and sweep rarely."""

import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from fairapp import ratelimits


def test_counts_and_expires_like_memory_storage(monkeypatch):
    storage = storage_from_string("fairapp-memory://")
    assert isinstance(storage, ratelimits.SweepingMemoryStorage)
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("3 per minute")
    assert [limiter.hit(limit, "phone", "0912345678") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(limit, "phone", "0987654321")  # another key counts apart
    # A counter past its expiry is ignored when read, sweep or no sweep.
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert limiter.hit(limit, "phone", "0912345678")


def test_the_sweep_waits_seconds_not_milliseconds():
    storage = storage_from_string("fairapp-memory://")
    storage.timer.join()  # the one MemoryStorage starts when it is made
    storage.incr("key", expiry=60)
    assert storage.timer.is_alive() and storage.timer.daemon
    assert storage.timer.interval == ratelimits.SWEEP_INTERVAL_S >= 1
    storage.timer.cancel()


def test_the_app_uses_it_by_default(app):
    from fairapp.extensions import limiter

    assert app.config["RATELIMIT_STORAGE_URI"] == "fairapp-memory://"
    assert isinstance(limiter.storage, ratelimits.SweepingMemoryStorage)
