"""PostgreSQL restarting under load, with the application served as in production (gunicorn, 2 sync
workers) and the background worker (`flask worker`) running. The real server is shared, so the restart
is played by a TCP proxy between the application and it (bench/tcp_proxy.py): every connection is cut
at once and new ones are refused for OUTAGE_S, then accepted again.

What must hold: during the outage every failed request is a 503 database_unavailable with Retry-After
(never a 500 or a dropped connection); failures only around the outage; after it, requests succeed
again without restarting gunicorn (its workers are the same processes: the pool replaced its dead
connections); every registration acknowledged is in the database, and no request answered 503 left
anything behind; the worker runs a periodic job again after the outage."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.common import _children
from bench.fault_load import Load, flask_command, served, stored_phones, summary
from bench.tcp_proxy import TcpProxy
from fairapp.worker import init_app
from tests.faults.periodic import run_periodic, wait_for_run

BEFORE_S, OUTAGE_S, AFTER_S = 2.0, 3.0, 3.0
GRACE_S = 1.0  # a request that started just before the connections came back may still fail


@pytest.fixture()
def postgres_url(database_url) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server to restart (its faults: test_disk_full.py)")
    return database_url


def _published_fair(db) -> int:
    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.modelbase import utcnow

    starts_at = utcnow().replace(microsecond=0) + timedelta(days=7)
    fair = Fair(
        title="Phiên khởi động lại",
        ward_code="05528",
        venue_name="Nhà văn hoá",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
    )
    db.session.add(fair)
    db.session.commit()
    return fair.id


def test_a_postgresql_restart_under_load(app, db, postgres_url, tmp_path):
    fair_id = _published_fair(db)
    db.session.remove()
    proxy = TcpProxy(("127.0.0.1", make_url(postgres_url).port or 5432)).start()
    through_proxy = make_url(postgres_url).set(host="127.0.0.1", port=proxy.port).render_as_string(False)
    folder = Path(tmp_path)
    queue = {"FAIRAPP_TASK_QUEUE_URL": f"sqlite:///{folder}/tasks.sqlite3"}
    app.config.update(TASK_QUEUE_URL=queue["FAIRAPP_TASK_QUEUE_URL"], TASK_QUEUE_IMMEDIATE=False)
    init_app(app)
    worker = flask_command(folder, through_proxy, "worker", "--no-periodic", env=queue)
    try:
        with served(folder, through_proxy, queue) as (server, base):
            run_periodic("2030-01-01T00:00:00")
            started = wait_for_run(postgres_url, "2030-01-01T00:00:00", timeout=60)  # the worker starting up
            assert started, (folder / "worker.log").read_text()
            gunicorn_workers = _children(server.pid)
            window = []

            def restart():
                time.sleep(BEFORE_S)
                window.append(time.monotonic())
                proxy.restart(OUTAGE_S)
                window.append(time.monotonic())

            answers = Load(base, fair_id, threads=4).run(BEFORE_S + OUTAGE_S + AFTER_S, restart)
            figures = summary(answers, (window[0], window[1]))
            assert _children(server.pid) == gunicorn_workers and server.poll() is None
            # the worker's pooled connections were cut too: the next periodic job runs all the same
            run_periodic("2030-01-01T00:01:00")
            assert wait_for_run(postgres_url, "2030-01-01T00:01:00"), (folder / "worker.log").read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        proxy.close()

    assert figures["other"] == [], figures  # every failure is a 503 database_unavailable
    assert figures["unavailable_503"] > 0 and proxy.connections_cut > 0, figures
    assert all(a.retry_after and a.retry_after.isdigit() for a in answers if a.status == 503)
    for answer in answers:
        if answer.status != 201:
            assert window[0] - 0.1 <= answer.ended and answer.started <= window[1] + GRACE_S, figures
    assert figures["recovered_after_s"] is not None and figures["recovered_after_s"] < 2, figures
    ok = [a.phone for a in answers if a.status == 201]
    refused = [a.phone for a in answers if a.status == 503]
    assert len(ok) > 10
    stored = stored_phones(postgres_url, ok + refused)  # also: no person without a registration
    assert set(ok) <= stored
    assert not set(refused) & stored


def test_backends_terminated_under_load(app, db, postgres_url, tmp_path):
    """The real variant, on the test's own database only: pg_terminate_backend() on every connection the
    application holds, three times a second apart, while registrations come in."""
    fair_id = _published_fair(db)
    db.session.remove()
    admin = sa.create_engine(postgres_url, poolclass=sa.NullPool)
    kills = []
    try:
        with served(Path(tmp_path), postgres_url) as (_server, base):

            def terminate():
                for _ in range(3):
                    time.sleep(1.0)
                    with admin.connect() as connection:
                        kills.append(
                            connection.execute(
                                sa.text(
                                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                                )
                            ).scalar()
                        )

            answers = Load(base, fair_id, threads=4).run(5.0, terminate)
    finally:
        admin.dispose()
    figures = summary(answers, (answers[0].started, answers[-1].ended))
    assert sum(kills) > 0
    assert figures["other"] == [], figures
    ok = [a.phone for a in answers if a.status == 201]
    refused = [a.phone for a in answers if a.status == 503]
    stored = stored_phones(postgres_url, ok + refused)
    assert set(ok) <= stored
    assert not set(refused) & stored, "a request answered 503 was saved"
    assert answers[-1].status == 201 or any(a.status == 201 for a in answers[-8:])  # serving again
