"""What the HTTP benchmarks share: a free port, gunicorn started, waited for and stopped, its workers'
CPU time and memory, reading wrk's report."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(
    base: str, process: subprocess.Popen, timeout: float = 30, path: str = "/api/v1/openapi.json"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with urllib.request.urlopen(base + path, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> dict:
    """requests, requests_per_s, p50_ms, p99_ms and errors (non-2xx answers and socket errors)."""
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)(?:\.000)?%\s+(\S+)\s*$", output, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    )
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": milliseconds(percentiles["50"]),
        "p99_ms": milliseconds(percentiles["99"]),
        "errors": errors,
    }


def serve(options: list[str], target: str, environment: dict) -> tuple[subprocess.Popen, str]:
    """gunicorn with `options` serving `target` on a free port: (the process, its base URL)."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), *options, "--bind", f"127.0.0.1:{port}"]
        + ["--log-level", "warning", target],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    return server, f"http://127.0.0.1:{port}"


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def _children(master_pid: int) -> list[str]:
    try:
        return Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []


def worker_cpu_seconds(master_pid: int) -> float:
    """User and system CPU time of the gunicorn workers (the master's children) so far."""
    total = 0
    for pid in _children(master_pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def worker_rss_mb(master_pid: int) -> list[float]:
    """VmRSS of each gunicorn worker (the master's children), in MB."""
    sizes = []
    for pid in _children(master_pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if match := re.search(r"^VmRSS:\s+(\d+) kB", status, re.M):
            sizes.append(round(int(match.group(1)) / 1024, 1))
    return sizes


def postgres_database(server_url: str, prefix: str):
    """(the URL of a new temporary database on `server_url`, a function dropping it), or None when
    PostgreSQL cannot be used (server_url "off", not reachable, no rights)."""
    if server_url == "off":
        return None
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        server = make_url(server_url)
        conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
        name = f"{prefix}_{secrets.token_hex(4)}"
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except Exception as error:  # not reachable, no rights: SQLite only
        print(f"PostgreSQL not used ({type(error).__name__}: {str(error).strip().splitlines()[0][:100]})")
        return None

    def drop():
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return server.set(database=name).render_as_string(hide_password=False), drop


def on_both_databases(run_one, report, server_url: str, name: str, *, needs_wrk: bool = True) -> dict:
    """run_one(backend, url, folder) on a temporary SQLite database, then on a temporary PostgreSQL
    database when reachable, each followed by report(figures). Returns the figures by backend."""
    import shutil
    import tempfile

    if needs_wrk and shutil.which("wrk") is None:
        print("wrk not found: apt-get install -y wrk")
        return {"skipped": "wrk not installed"}
    results = {}
    with tempfile.TemporaryDirectory(prefix=f"fairapp-{name}-") as folder:
        results["sqlite"] = run_one("sqlite", f"sqlite:///{folder}/bench.sqlite3", Path(folder))
        report(results["sqlite"])
    postgres = postgres_database(server_url, f"fa_{name.replace('-', '_')}")
    if postgres is not None:
        url, drop = postgres
        try:
            with tempfile.TemporaryDirectory(prefix=f"fairapp-{name}-") as folder:
                results["postgresql"] = run_one("postgresql", url, Path(folder))
                report(results["postgresql"])
        finally:
            drop()
    return results


def signed_in(base: str, login: str, password: str):
    """A urllib opener signed in through the sign-in form (its CSRF token, then the cookie session), as
    a person's browser is."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"login": login, "password": password, "csrf_token": csrf})
    opener.open(base + "/login", data=form.encode())
    return opener
