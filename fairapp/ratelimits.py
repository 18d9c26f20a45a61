"""Rate-limit counters in a small SQLite file, shared by every worker process of one server.

limits' own in-process storage counts per gunicorn worker: with four workers a limit of 10 silently
becomes 40. This one keeps Flask-Limiter's fixed-window counters in a file of their own in the instance
folder (not the application's database: counters are a cache, and a busy registration day must not
queue them behind real writes):

    RATELIMIT_STORAGE_URI = "fairapp-sqlite:///path/to/instance/ratelimits.sqlite3"   (the default)

Each hit is one statement (INSERT … ON CONFLICT DO UPDATE … RETURNING), so concurrent workers never
lose a count. WAL and synchronous=NORMAL: a commit does not wait for the disk; a power cut may forget
the last counts, which a cache may. A short busy timeout: a counter that cannot be written in time is an
error Flask-Limiter swallows (RATELIMIT_SWALLOW_ERRORS) rather than a request that hangs. One
connection per thread and process (never one carried across fork). Several servers share Redis
instead (redis://…)."""

import os
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from limits.errors import ConfigurationError
from limits.storage import Storage

BUSY_TIMEOUT_S = 0.25
SWEEP_INTERVAL_S = 60.0  # expired counters are ignored when read; deleting them only frees space

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, "
    "expires_at REAL NOT NULL) WITHOUT ROWID"
)
# The window restarts (count and expiry) when the stored one has ended; else the count grows.
_INCR = (
    "INSERT INTO counters (key, count, expires_at) VALUES (:key, :amount, :now + :expiry) "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN expires_at <= :now THEN excluded.count ELSE count + excluded.count END, "
    "expires_at = CASE WHEN expires_at <= :now THEN excluded.expires_at ELSE expires_at END "
    "RETURNING count"
)
_GET = "SELECT count, expires_at FROM counters WHERE key = ? AND expires_at > ?"


class SQLiteStorage(Storage):
    STORAGE_SCHEME = ["fairapp-sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        path = unquote(urlsplit(uri or "").path)
        if not path.startswith("/"):
            raise ConfigurationError(f"{uri!r}: give an absolute path, fairapp-sqlite:///path/file")
        self.path = Path(path)
        self.busy_timeout = float(options.pop("busy_timeout", BUSY_TIMEOUT_S))
        self._local = threading.local()
        self._next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use (creating the app opens nothing)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            # Opened by the parent before a fork: left alone (never used, never closed here).
            local.connection, local.pid = self._open(), os.getpid()
        return local.connection

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))  # owner-only from the start
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(_SCHEMA)
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_INTERVAL_S
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return connection.execute(
            _INCR, {"key": key, "amount": amount, "now": now, "expiry": expiry}
        ).fetchone()[0]

    def get(self, key: str) -> int:
        row = self._connection().execute(_GET, (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = self._connection().execute(_GET, (key, now)).fetchone()
        return row[1] if row else now

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True
