"""A backup taken while job seekers keep registering and checking in, restored into a fresh instance and
a fresh database, holds every table exactly as it was at one instant between the backup's start and
end; the keys come back too (a ticket signed before the backup verifies after the restore).

How the instant is found: one thread (the load) registers a person through the API, then checks them in,
one request (one commit) at a time, and after each commit reads every table of the database (it is the
only writer, so each picture is the state between two commits). The restored database must equal exactly
one of those pictures, and one from the backup's window: every commit made before the backup started is
in it, none made after it ended."""

import threading
import time
from datetime import timedelta
from itertools import count

import sqlalchemy as sa
from sqlalchemy import event

from fairapp.attendees.models import Registration
from fairapp.auth import services as auth_services
from fairapp.auth.models import Role, User
from fairapp.demo.seed import seed_demo
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.tickets import signing
from tests.backup.conftest import REFERENCE_TABLES, picture, read_picture

NAMES = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khoa", "Lan", "Minh", "Nam")


class Load(threading.Thread):
    """Registers and checks in job seekers through the API until stopped; a picture after each commit."""

    def __init__(self, app, fair_id: int, token: str):
        super().__init__(daemon=True)
        self.app, self.fair_id, self.headers = app, fair_id, {"Authorization": f"Bearer {token}"}
        self.pictures: list[dict] = []  # pictures[k]: the database after k requests of the load
        self.committed = 0
        self.errors: list[str] = []
        self.halt = threading.Event()
        self._commits = 0

    def _count_commit(self, _connection):
        if threading.get_ident() == self.ident:
            self._commits += 1

    def run(self):
        with self.app.app_context():
            engine = db.engine
            event.listen(engine, "commit", self._count_commit)
            client = self.app.test_client()
            try:
                # Before the first picture: the token's first use is recorded in a commit of its own
                client.get(f"/api/v1/fairs/{self.fair_id}/stats", headers=self.headers)
                self.pictures.append(self._picture(engine))
                for n in count(1):
                    if self.halt.is_set():
                        break
                    payload = self._step(client, n, "register", None)
                    self._step(client, n, "check in", payload)
            except Exception as error:  # reported by the test, never hidden
                self.errors.append(repr(error))
            finally:
                event.remove(engine, "commit", self._count_commit)
                db.session.remove()

    def _step(self, client, n: int, what: str, payload):
        self._commits = 0
        if what == "register":
            response = client.post(
                f"/api/v1/fairs/{self.fair_id}/registrations",
                json={
                    "full_name": "Người " + " ".join(NAMES[int(digit)] for digit in str(n)),
                    "phone": f"0912{n:06d}",
                    "birth_year": 1995,
                    "gender": "female" if n % 2 else "male",
                    "ward_code": "05528",
                    "priority_group": ("none", "poor", "near_poor")[n % 3],
                    "consent_personal_data": True,
                },
                headers=self.headers,
            )
            assert response.status_code == 201, response.get_data(as_text=True)
            result = response.get_json()["ticket"]["qr_payload"]
        else:
            response = client.post(
                "/api/v1/checkins",
                json={"fair_id": self.fair_id, "qr_payload": payload, "scan_id": f"load-{n}"},
                headers=self.headers,
            )
            assert response.get_json()["result"] == "ok", response.get_data(as_text=True)
            result = None
        assert self._commits == 1, f"{what} made {self._commits} commits: the pictures would miss a state"
        self.committed += 1
        self.pictures.append(self._picture(db.engine))
        return result

    def _picture(self, engine):
        names = set(sa.inspect(engine).get_table_names()) - REFERENCE_TABLES
        return read_picture(engine, names)


def _wait(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_backup_under_load_restores_every_table(
    app, make_app, fresh_database, passphrase_file, tmp_path, monkeypatch
):
    # A token's use is recorded in a commit of its own, at most once a minute: here once, before the
    # first picture, however slow the machine
    monkeypatch.setattr(auth_services, "TOKEN_TOUCH_INTERVAL", timedelta(days=1))
    source = make_app(tmp_path / "source-instance", app.config["SQLALCHEMY_DATABASE_URI"])
    with source.app_context():
        if db.engine.dialect.name == "sqlite":
            # What the load commits stays in the WAL file (no checkpoint copies it into the database
            # file, as when readers starve checkpoints): a copy of the file alone would miss it.
            event.listen(
                db.engine,
                "connect",
                lambda connection, _record: connection.execute("PRAGMA wal_autocheckpoint=0"),
            )
    (tmp_path / "source-instance" / "config.py").write_text('REPORT_PLACE = "Sông Công"\n', encoding="utf-8")
    with source.app_context():
        seed_demo()
        admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN))
        _token, secret = auth_services.issue_token(admin, "load")
        fair = db.session.scalar(sa.select(Fair).where(Fair.title.contains("đang diễn ra")))
        registration = db.session.scalar(sa.select(Registration).filter_by(fair_id=fair.id).limit(1))
        ticket_before = signing.ticket_payload(registration)  # signed with the source's key
        fair_id, registration_id = fair.id, registration.id
        db.session.commit()
        db.session.remove()

    load = Load(source, fair_id, secret)
    load.start()
    _wait(lambda: load.committed >= 4 or load.errors)
    before = load.committed
    started = time.monotonic()
    with source.app_context():
        backed_up = source.test_cli_runner().invoke(
            args=["backup", str(tmp_path), "--passphrase-file", str(passphrase_file)]
        )
    took = time.monotonic() - started
    after = load.committed
    _wait(lambda: load.committed >= after + 2 or load.errors)
    load.halt.set()
    load.join(60)
    assert not load.errors, load.errors
    assert backed_up.exit_code == 0, backed_up.output
    assert after > before, f"no write of the load during the {took:.1f} s backup: not a backup under load"
    (archive,) = tmp_path.glob("fairapp-backup-*.tar")
    assert archive.stat().st_mode & 0o777 == 0o600

    with source.app_context():
        with db.engine.connect() as connection:
            source_reference = picture(connection, REFERENCE_TABLES)
            source_tables = set(sa.inspect(connection).get_table_names())
            backup_entries = connection.execute(
                sa.text("SELECT details FROM audit_entries WHERE action = 'backup.create'")
            ).all()
        db.engine.dispose()
    assert len(backup_entries) == 1

    target = make_app(tmp_path / "target-instance", fresh_database())
    with target.app_context():
        restored = target.test_cli_runner().invoke(
            args=["restore", str(archive), "--passphrase-file", str(passphrase_file)]
        )
        assert restored.exit_code == 0, restored.output
        with db.engine.connect() as connection:
            restored_tables = set(sa.inspect(connection).get_table_names())
            restored_picture = picture(connection, restored_tables - REFERENCE_TABLES)
            restored_reference = picture(connection, REFERENCE_TABLES)
            restore_entries = connection.execute(
                sa.text("SELECT actor_label, details FROM audit_entries WHERE action = 'backup.restore'")
            ).all()

        # Every table, alembic_version included, and nothing else
        assert restored_tables == source_tables
        assert "alembic_version" in restored_tables and len(restored_tables) > 40
        assert restored_reference == source_reference
        matches = [k for k, seen in enumerate(load.pictures) if seen == restored_picture]
        if not matches:
            nearest = min(load.pictures, key=lambda seen: sum(seen[t] != restored_picture[t] for t in seen))
            differ = sorted(t for t in nearest if nearest[t] != restored_picture[t])
            raise AssertionError(f"the restored database is no state the load went through; tables {differ}")
        (instant,) = matches
        print(
            f"load: {load.committed} requests; backup {took:.2f} s from {before} to {after}; "
            f"restored: after {instant}"
        )
        assert before <= instant <= after + 1, (before, instant, after)
        filled = [t for t, (rows, _digest) in restored_picture.items() if rows]
        assert len(filled) >= 25, filled  # data across many tables, not a near-empty database

        assert len(restore_entries) == 1 and restore_entries[0].actor_label.startswith("cli")

        # The keys: the archive's, byte for byte; a ticket signed before the backup verifies
        for name in ("secret_key", "ticket_signing_key.pem", "config.py"):
            assert (tmp_path / "target-instance" / name).read_bytes() == (
                tmp_path / "source-instance" / name
            ).read_bytes(), name
            assert (tmp_path / "target-instance" / name).stat().st_mode & 0o777 == 0o600
        claims = signing.verify(ticket_before)
        assert (claims.fair_id, claims.registration_id) == (fair_id, registration_id)

        # The restored database takes new writes (PostgreSQL: its sequences came back too)
        client = target.test_client()
        response = client.post(
            f"/api/v1/fairs/{fair_id}/registrations",
            json={
                "full_name": "Người sau khôi phục",
                "phone": "0913000001",
                "birth_year": 1990,
                "gender": "male",
                "ward_code": "05528",
                "priority_group": "none",
                "consent_personal_data": True,
            },
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        db.session.remove()
