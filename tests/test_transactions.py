"""The one transaction mechanism (fairapp.transactions) as requests meet it: a refused form or button
keeps nothing it flushed, an error rolls back, a GET commits nothing (the audit entry of a read is
written in a transaction of its own), a locked SQLite database runs the work again.

What is stored is read on a connection of its own, which sees only what was committed."""

import sqlite3
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp import transactions
from fairapp.attendees.models import Channel
from fairapp.audit.models import AuditEntry
from fairapp.audit.services import record
from fairapp.errors import Conflict, ValidationError
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer
from tests.attendees.conftest import person, register_committed
from tests.conftest import csrf_token_from

BACH_QUANG = "05528"
TEST_ACTION = "test.flushed_then_refused"


def committed(db, statement):
    """`statement`'s answer as another connection sees it: what was committed only."""
    with db.engine.connect() as connection:
        return connection.execute(statement).scalar()


def count(db, model, *where) -> int:
    return committed(db, sa.select(sa.func.count()).select_from(model).where(*where))


def flushed_audit_entries(db) -> int:
    return count(db, AuditEntry, AuditEntry.action == TEST_ACTION)


def post_form(client, url, data):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


@pytest.fixture()
def fair(db):
    """A published fair in Bách Quang that began an hour ago: its status is due to become open."""
    starts_at = utcnow().replace(microsecond=0) - timedelta(hours=1)
    fair = Fair(
        title="Phiên giao dịch việc làm Bách Quang",
        ward_code=BACH_QUANG,
        venue_name="Nhà văn hoá tổ dân phố Mỏ Chè 2",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
        published_at=starts_at - timedelta(days=7),
    )
    db.session.add(fair)
    db.session.commit()
    return fair


def _flush_then(error):
    """A service that writes and flushes, then refuses."""

    def service(*_args, **_kwargs):
        record(TEST_ACTION)
        from fairapp.extensions import db

        db.session.flush()
        raise error

    return service


# --- A refusal keeps nothing -------------------------------------------------------------------------


def test_a_refused_partner_form_shows_the_message_keeps_the_input_and_writes_nothing(client, auth, db):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    response = post_form(
        client, "/manage/employers/new", {"name": "Công ty May Sông Công", "tax_code": "0101234566"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "chữ số kiểm tra" in html
    assert 'value="0101234566"' in html and 'value="Công ty May Sông Công"' in html
    assert count(db, Employer) == 0


def test_a_fair_form_with_a_clash_warns_and_writes_nothing(client, auth, db):
    auth.login("admin")
    day = (utcnow() + timedelta(days=10)).strftime("%d/%m/%Y")
    data = {
        "title": "Phiên giao dịch việc làm Bách Quang",
        "ward_code": BACH_QUANG,
        "venue_name": "Nhà văn hoá tổ dân phố Mỏ Chè 2",
        "date": day,
        "start_time": "07:30",
        "end_time": "11:30",
    }
    assert post_form(client, "/manage/fairs/new", data).status_code == 302
    entries = count(db, AuditEntry)
    clash = post_form(client, "/manage/fairs/new", {**data, "title": "Phiên thứ hai"})
    html = clash.get_data(as_text=True)
    assert clash.status_code == 200 and "Cùng địa điểm, trùng giờ" in html and 'value="Phiên thứ hai"' in html
    assert count(db, Fair) == 1 and count(db, AuditEntry) == entries


def test_a_form_whose_service_flushed_then_refused_writes_nothing(client, auth, db, monkeypatch):
    from fairapp.partners import services

    auth.login("organiser", ward_codes=[BACH_QUANG])
    refusal = ValidationError(fields={"name": "Tên doanh nghiệp: bị từ chối."})
    monkeypatch.setattr(services, "create_employer", _flush_then(refusal))
    response = post_form(client, "/manage/employers/new", {"name": "Công ty May", "tax_code": "0101234565"})
    assert response.status_code == 200 and "Tên doanh nghiệp: bị từ chối." in response.get_data(as_text=True)
    assert flushed_audit_entries(db) == 0


def test_a_button_whose_service_flushed_then_refused_writes_nothing(client, auth, db, fair, monkeypatch):
    from fairapp.booths import services

    auth.login("organiser", ward_codes=[BACH_QUANG])
    monkeypatch.setattr(services, "set_booth_limit", _flush_then(Conflict("Không đổi được.")))
    url = f"/manage/fairs/{fair.id}/booths"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(f"{url}/limit", data={"booth_limit": "5", "csrf_token": token})
    assert response.status_code == 302
    assert "Không đổi được." in client.get(url).get_data(as_text=True)  # flashed
    assert flushed_audit_entries(db) == 0


def test_an_api_call_whose_service_flushed_then_refused_writes_nothing(client, db, make_user, monkeypatch):
    from fairapp.auth import services as auth_services
    from fairapp.partners import services

    _token, secret = auth_services.issue_token(make_user("admin"), "test")
    db.session.commit()
    monkeypatch.setattr(services, "create_employer", _flush_then(Conflict("Đã có.", code="employer_exists")))
    response = client.post(
        "/api/v1/employers",
        json={"name": "Công ty May", "tax_code": "0101234565"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 409 and response.json["error"]["code"] == "employer_exists"
    assert flushed_audit_entries(db) == 0


def test_the_same_flush_is_committed_when_the_service_succeeds(client, auth, db, monkeypatch):
    """The control of the tests above: what they look for is there when nothing refuses."""
    from fairapp.partners import services

    auth.login("organiser", ward_codes=[BACH_QUANG])
    create = services.create_employer

    def flush_then_create(*args, **kwargs):
        record(TEST_ACTION)
        return create(*args, **kwargs)

    monkeypatch.setattr(services, "create_employer", flush_then_create)
    response = post_form(client, "/manage/employers/new", {"name": "Công ty May", "tax_code": "0101234565"})
    assert response.status_code == 302
    assert flushed_audit_entries(db) == 1 and count(db, Employer) == 1


# --- A GET commits nothing -------------------------------------------------------------------------


@pytest.fixture()
def commits(db):
    """The COMMITs on the engine while the test runs (a list, one item per commit)."""
    seen = []

    def on_commit(_connection):
        seen.append(1)

    sa.event.listen(db.engine, "commit", on_commit)
    yield seen
    sa.event.remove(db.engine, "commit", on_commit)


def test_get_pages_commit_nothing(client, auth, db, fair, commits):
    """Pages of every area an organiser reads, with a fair whose status is due to change (a read
    brings it up to date without storing it)."""
    auth.login("organiser", ward_codes=[BACH_QUANG])
    commits.clear()
    pages = [
        "/",
        "/account/",
        "/manage/fairs/",
        "/manage/fairs/calendar",
        f"/manage/fairs/{fair.id}",
        f"/manage/fairs/{fair.id}/edit",
        f"/manage/fairs/{fair.id}/booths",
        f"/manage/fairs/{fair.id}/registrations",
        f"/manage/fairs/{fair.id}/badges",
        f"/manage/fairs/{fair.id}/desk",
        f"/manage/fairs/{fair.id}/walk-in",
        f"/manage/fairs/{fair.id}/kiosk",
        f"/manage/fairs/{fair.id}/kiosk/token.json",
        "/manage/fairs/erasure-requests",
        "/manage/employers",
        "/manage/schools",
        "/manage/import/",
        "/manage/devices/",
        "/scan/",
        f"/scan/{fair.id}",
        "/fairs",
        f"/fairs/{fair.id}",
        f"/fairs/{fair.id}/register",
        f"/fairs/{fair.id}/lost-ticket",
        f"/api/v1/fairs/{fair.id}",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert client.head(page).status_code == 200, page
    assert commits == []
    assert (
        committed(db, sa.select(Fair.recorded_status).where(Fair.id == fair.id)) == FairStatus.PUBLISHED.value
    )


def test_a_read_of_personal_data_commits_its_audit_entry_alone(client, auth, db, fair, commits):
    registration = register_committed(fair.id, person(), channel=Channel.ONLINE).registration
    auth.login("organiser", ward_codes=[BACH_QUANG])
    entries = count(db, AuditEntry)
    commits.clear()
    response = client.get(f"/manage/fairs/{fair.id}/registrations/{registration.id}")
    assert response.status_code == 200 and "Nguyễn Thị Lan" in response.get_data(as_text=True)
    assert len(commits) == 1  # the audit entry's own transaction, once the request's was rolled back
    assert count(db, AuditEntry) == entries + 1
    assert count(db, AuditEntry, AuditEntry.action == "registration.view_personal") == 1
    assert (
        committed(db, sa.select(Fair.recorded_status).where(Fair.id == fair.id)) == FairStatus.PUBLISHED.value
    )


# --- The mechanism itself ----------------------------------------------------------------------------


def _locked():
    return sa.exc.OperationalError("UPDATE fairs", {}, sqlite3.OperationalError("database is locked"))


def test_a_locked_database_runs_the_work_again_and_drops_what_the_failed_attempt_asked_afterwards(app, db):
    attempts, afterwards = [], []

    def work():
        attempts.append(1)
        transactions.afterwards(lambda: afterwards.append(len(attempts)))
        record(TEST_ACTION)
        if len(attempts) == 1:
            raise _locked()
        return "done"

    assert transactions.run_in_transaction(work) == "done"
    assert len(attempts) == 2 and afterwards == [2]
    assert flushed_audit_entries(db) == 1  # the second attempt's, committed; the first rolled back


def test_afterwards_runs_when_the_work_raises_and_units_do_not_nest(app, db):
    def work():
        transactions.afterwards(lambda: record("test.kept"))
        record(TEST_ACTION)
        raise Conflict()

    with pytest.raises(Conflict):
        transactions.run_in_transaction(work)
    assert flushed_audit_entries(db) == 0
    assert count(db, AuditEntry, AuditEntry.action == "test.kept") == 1
    with pytest.raises(RuntimeError):
        transactions.run_in_transaction(lambda: transactions.run_in_transaction(lambda: None))


def test_a_read_only_unit_rolls_back(app, db):
    transactions.run_in_transaction(lambda: record(TEST_ACTION), writes=False)
    assert flushed_audit_entries(db) == 0


@pytest.mark.fresh_app
def test_a_view_run_again_after_a_lock_starts_from_the_session_as_sent(app, client):
    from flask import flash, get_flashed_messages, jsonify

    runs = []

    def view():
        runs.append(1)
        flash("Đã lưu.")
        if len(runs) == 1:
            raise _locked()
        return jsonify(get_flashed_messages())

    app.add_url_rule("/test/flash-then-locked", "test_flash_then_locked", view)
    assert client.get("/test/flash-then-locked").json == ["Đã lưu."] and len(runs) == 2
