"""The disk under an SQLite database fills up during registrations: every request that cannot be saved
answers 507 storage_full (JSON for the API, a page for people, Retry-After), never a 500 or a
traceback; everything acknowledged before is still there, the database passes its integrity check, and
once space is freed the same application saves again.

The disk is a real small filesystem: a tmpfs mounted for the test, which needs root (skipped
otherwise)."""

import contextlib
import logging
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.fault_load import person
from fairapp import create_app
from fairapp.extensions import db as _db
from fairapp.security import HEADERS

FULL = (
    "Bộ nhớ của máy chủ đã đầy nên thao tác này chưa được lưu; dữ liệu đã lưu trước đó vẫn còn "
    "nguyên. Vui lòng báo quản trị viên giải phóng dung lượng rồi thử lại."
)
SPARE_BYTES = 3 * 1024 * 1024  # room for the first registrations, the WAL and the rate-limit file


class SmallDisk:
    """A folder on a filesystem with little room: fill() takes the rest of it, free() gives it back."""

    def __init__(self, folder: Path, size: int) -> None:
        self.folder = folder
        self.ballast = folder / "ballast"
        folder.mkdir()
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
        )
        self.mounted = mounted.returncode == 0
        self.error = mounted.stderr.decode(errors="replace").strip()

    def fill(self) -> None:
        with self.ballast.open("wb") as ballast:
            block = b"\0" * 65536
            with contextlib.suppress(OSError):
                while True:
                    ballast.write(block)
                    ballast.flush()

    def free(self) -> None:
        self.ballast.unlink(missing_ok=True)

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.folder)], check=False)


@pytest.fixture()
def small_disk_app(app, database_url, tmp_path):
    """An application whose SQLite database (a copy of the test database, schema and units) lives on a
    small filesystem."""
    if not database_url.startswith("sqlite"):
        pytest.skip(
            "SQLite only: a full disk under PostgreSQL is the server's, answered the same way (53100)"
        )
    source = Path(sa.engine.make_url(database_url).database)
    disk = SmallDisk(tmp_path / "disk", source.stat().st_size + SPARE_BYTES)
    if not disk.mounted:
        pytest.skip(f"a small filesystem cannot be mounted here (needs root): {disk.error}")
    database = disk.folder / "fairapp.sqlite3"
    with (
        contextlib.closing(sqlite3.connect(source)) as original,
        contextlib.closing(sqlite3.connect(database)) as copy,
    ):
        original.backup(copy)
    instance = disk.folder / "instance"
    instance.mkdir()
    small = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "RATELIMIT_STORAGE_URI": f"fairapp-sqlite://{instance}/ratelimits.sqlite3",
        }
    )
    small.disk, small.database = disk, database
    try:
        yield small
    finally:
        with small.app_context():
            _db.engine.dispose()
        disk.free()
        disk.unmount()
        shutil.rmtree(tmp_path / "disk", ignore_errors=True)


def _published_fair(small) -> int:
    from datetime import timedelta

    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.modelbase import utcnow

    with small.app_context():
        starts_at = utcnow().replace(microsecond=0) + timedelta(days=7)
        fair = Fair(
            title="Phiên đầy đĩa",
            ward_code="05528",
            venue_name="Nhà văn hoá",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=4),
            status=FairStatus.PUBLISHED,
        )
        _db.session.add(fair)
        _db.session.commit()
        fair_id = fair.id
        _db.session.remove()
    return fair_id


def _phones(database: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        people = {row[0] for row in connection.execute("SELECT phone FROM attendees")}
        registered = {
            row[0]
            for row in connection.execute(
                "SELECT a.phone FROM attendees a JOIN registrations r ON r.attendee_id = a.id"
            )
        }
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert people == registered, "a person saved without the registration"
    return people


def test_a_full_disk_answers_507_keeps_what_was_saved_and_recovers(small_disk_app, caplog):
    small = small_disk_app
    fair_id = _published_fair(small)
    client = small.test_client()
    path = f"/api/v1/fairs/{fair_id}/registrations"
    number = iter(range(1, 100_000))
    acknowledged = []
    for _ in range(20):
        body = person(next(number))
        response = client.post(path, json=body)
        assert response.status_code == 201, response.get_data(as_text=True)[:300]
        acknowledged.append(body["phone"])

    small.disk.fill()
    refused, full_answers = [], 0
    with caplog.at_level(logging.ERROR):
        for _ in range(60):
            body = person(next(number))
            response = client.post(path, json=body)
            if response.status_code == 201:  # a page SQLite still had free
                acknowledged.append(body["phone"])
                continue
            text = response.get_data(as_text=True)
            assert response.status_code == 507, text[:500]
            assert response.get_json() == {"error": {"code": "storage_full", "message": FULL}}
            assert response.headers["Retry-After"].isdigit()
            for name, value in HEADERS:
                assert response.headers.get(name) == value, name
            refused.append(body["phone"])
            full_answers += 1
        page = client.get("/fairs")  # reading still works: nothing to write
        assert page.status_code == 200
    assert full_answers >= 40
    assert "Traceback" not in caplog.text
    assert caplog.text.count("storage full on POST") == 1  # logged once, not once per request
    assert "database or disk is full" in caplog.text

    small.disk.free()
    for _ in range(5):
        body = person(next(number))
        assert client.post(path, json=body).status_code == 201
        acknowledged.append(body["phone"])
    with small.app_context():
        _db.engine.dispose()
    stored = _phones(small.database)
    assert set(acknowledged) <= stored
    assert not set(refused) & stored


def test_a_full_disk_on_a_page_answers_a_page(app):
    """For people: the same message in an HTML page, with status 507."""
    from fairapp.errors import storage_full

    with app.test_request_context("/manage/fairs/new", method="POST"):
        body, status, headers = storage_full()
    assert status == 507 and headers["Retry-After"].isdigit()
    assert FULL in body and "Traceback" not in body


@pytest.mark.parametrize(
    ("error", "full"),
    [
        (sqlite3.OperationalError("database or disk is full"), False),  # no code: not recognised by text
        (OSError(28, "No space left on device"), True),
        (OSError(13, "Permission denied"), False),
    ],
)
def test_what_counts_as_a_full_disk(error, full):
    from fairapp.database import is_storage_full

    assert is_storage_full(error) is full


def test_sqlite_full_and_postgresql_disk_full_are_recognised():
    import psycopg

    from fairapp.database import is_storage_full

    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = 13
    assert is_storage_full(sa.exc.OperationalError("INSERT", {}, error))
    assert is_storage_full(
        sa.exc.OperationalError("INSERT", {}, psycopg.errors.DiskFull("could not extend file"))
    )
    assert not is_storage_full(
        sa.exc.OperationalError("INSERT", {}, psycopg.errors.AdminShutdown("shutting down"))
    )
