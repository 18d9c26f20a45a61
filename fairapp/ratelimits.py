"""Rate-limit counters kept in the process, without a thread every 10 milliseconds.

limits' MemoryStorage starts a timer thread after (nearly) every hit that walks every counter to drop
the expired ones. The public registration keeps one counter per phone number for an hour, so under load
that walk runs a hundred times a second over thousands of keys, in the request path's GIL. Expired
counters are already ignored when read, so the walk only frees memory: here it runs at most every
SWEEP_INTERVAL_S seconds, in a daemon thread.

    RATELIMIT_STORAGE_URI = "fairapp-memory://"      (the default; Redis for several servers)"""

import threading

from limits.storage import MemoryStorage

SWEEP_INTERVAL_S = 5.0


class SweepingMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["fairapp-memory"]

    def _MemoryStorage__schedule_expiry(self) -> None:  # MemoryStorage.__schedule_expiry
        if not self.timer.is_alive():
            self.timer = threading.Timer(SWEEP_INTERVAL_S, self._MemoryStorage__expire_events)
            self.timer.daemon = True
            self.timer.start()
