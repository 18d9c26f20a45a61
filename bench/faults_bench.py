"""`make bench ONLY=faults`: public registrations under load (gunicorn, 2 sync workers, 6 client
threads) while a store goes away in the middle, played by a TCP proxy (bench/tcp_proxy.py) so that the
real servers keep running:

    PostgreSQL restart   every connection cut, new ones refused for OUTAGE_S, then accepted again
    Redis down           the limits' Redis (FAIRAPP_RATELIMIT_STORAGE_URL) gone for OUTAGE_S

Printed: requests ok / 503 database_unavailable / anything else, the outage window, when failures
started and ended against it, how long the first success took once the store was back, and whether
every acknowledged registration is stored (and nothing of a refused one). tests/faults/ asserts on the
same runs, shorter."""

import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.common import postgres_database
from bench.fault_load import Load, served, stored_phones, summary
from bench.tcp_proxy import TcpProxy

BEFORE_S, OUTAGE_S, AFTER_S = 3.0, 5.0, 4.0
THREADS = 6
POSTGRES = os.environ.get("FAIRAPP_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS = ("127.0.0.1", 6379)


def _prepare(folder: Path, database_url: str) -> int:
    """Migrate, load the units, create a published fair; its id."""
    os.environ["FAIRAPP_INSTANCE_PATH"] = str(folder)
    from flask_migrate import upgrade

    from fairapp import create_app
    from fairapp.extensions import db
    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.geo import loader
    from fairapp.modelbase import utcnow

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        loader.load_units()
        starts = utcnow().replace(microsecond=0) + timedelta(days=7)
        fair = Fair(
            title="Phiên đo sự cố",
            ward_code="05528",
            venue_name="Nhà văn hoá",
            starts_at=starts,
            ends_at=starts + timedelta(hours=4),
            status=FairStatus.PUBLISHED,
        )
        db.session.add(fair)
        db.session.commit()
        fair_id = fair.id
        db.session.remove()
        db.engine.dispose()
    return fair_id


def _under_fault(base: str, fair_id: int, proxy: TcpProxy) -> tuple[list, dict]:
    window = []

    def fault():
        time.sleep(BEFORE_S)
        window.append(time.monotonic())
        proxy.restart(OUTAGE_S)
        window.append(time.monotonic())

    answers = Load(base, fair_id, threads=THREADS).run(BEFORE_S + OUTAGE_S + AFTER_S, fault)
    return answers, summary(answers, (window[0], window[1]))


def _print(title: str, figures: dict, stored: str) -> None:
    print(
        f"  {title}: {figures['requests']} requests: {figures['ok']} ok, "
        f"{figures['unavailable_503']} × 503 database_unavailable, {len(figures['other'])} other "
        f"{sorted(set(figures['other']))[:3]}; outage {figures['outage_s']} s; failures from "
        f"{figures['failures_from_s']} s after it began to {figures['last_failure_after_s']} s after it "
        f"ended; first success {figures['recovered_after_s']} s after; {stored}",
        flush=True,
    )


def postgres_restart() -> dict:
    database = postgres_database(POSTGRES, "fa_faults")
    if database is None:
        return {"skipped": "PostgreSQL not reachable"}
    url, drop = database
    proxy = TcpProxy(("127.0.0.1", make_url(url).port or 5432)).start()
    through_proxy = make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(False)
    try:
        with tempfile.TemporaryDirectory(prefix="fairapp-faults-") as name:
            folder = Path(name)
            fair_id = _prepare(folder, url)
            with served(folder, through_proxy) as (_server, base):
                answers, figures = _under_fault(base, fair_id, proxy)
        ok = {a.phone for a in answers if a.status in (200, 201)}
        refused = {a.phone for a in answers if a.status not in (200, 201)}
        stored = stored_phones(url, sorted(ok | refused))
        check = f"acknowledged missing: {len(ok - stored)}, refused but stored: {len(refused & stored)}"
        _print("PostgreSQL restart", figures, check)
        return figures
    finally:
        proxy.close()
        drop()


def redis_down() -> dict:
    import redis

    try:
        redis.Redis(*REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        print(f"  Redis down: skipped, Redis at {REDIS} does not answer ({error})")
        return {"skipped": "Redis not reachable"}
    proxy = TcpProxy(REDIS).start()
    prefix = f"fairapp-bench-faults-{os.getpid()}"
    try:
        with tempfile.TemporaryDirectory(prefix="fairapp-faults-") as name:
            folder = Path(name)
            database = f"sqlite:///{folder}/bench.sqlite3"
            fair_id = _prepare(folder, database)
            env = {
                "FAIRAPP_RATELIMIT_STORAGE_URL": f"redis://127.0.0.1:{proxy.port}/0",
                "FAIRAPP_TASK_QUEUE_NAME": prefix,
            }
            (folder / "config.py").write_text(
                f'REGISTRATION_LIMIT_PER_ADDRESS = "10000000 per minute"\nRATELIMIT_KEY_PREFIX = "{prefix}"\n'
            )
            with served(folder, database, env) as (_server, base):
                _answers, figures = _under_fault(base, fair_id, proxy)
        _print("Redis down (limits)", figures, "limits counted in memory meanwhile")
        return figures
    finally:
        proxy.close()
        client = redis.Redis(*REDIS)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


def run() -> dict:
    return {"postgresql_restart": postgres_restart(), "redis_down": redis_down()}


if __name__ == "__main__":
    run()
