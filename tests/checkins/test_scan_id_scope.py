"""A repeated scan id gets the stored answer only from the same account at the same fair: anyone else
(through the service, the scanner's session or device token, an account's token or an offline sync) gets
a fresh scan,
never the first answer's name or priority flag, and keeps its own scan record."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from fairapp.attendees.models import PriorityGroup
from fairapp.checkins import services
from fairapp.checkins.models import CheckIn, Scan
from fairapp.extensions import db as _db
from fairapp.modelbase import UTCDateTime, utcnow
from tests.checkins.conftest import BACH_QUANG, SONG_CONG
from tests.models.test_migrations import scratch_app, scratch_url  # noqa: F401 (a fixture)

SCAN_ID = "phone-a-0001"


@pytest.fixture()
def first_scan(db, make_fair, ticket, make_user):
    """An organiser of Bách Quang admits a poor household's member at their fair with SCAN_ID."""
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    fair = make_fair(ward_code=BACH_QUANG)
    registration, payload = ticket(fair, "Lò Thị Xuân", priority_group=PriorityGroup.POOR)
    outcome = services.check_in(fair, payload, by=organiser, scan_id=SCAN_ID)
    db.session.commit()
    assert (outcome.result, outcome.name, outcome.priority) == ("ok", "Lò Thị Xuân", True)
    return organiser, fair, registration


def _scans(db, **where):
    return db.session.scalars(sa.select(Scan).filter_by(scan_id=SCAN_ID, **where).order_by(Scan.id)).all()


def test_another_account_repeating_a_scan_id_gets_a_fresh_scan(db, first_scan, make_fair, ticket, make_user):
    organiser, fair, registration = first_scan
    elsewhere = make_fair(ward_code=SONG_CONG)
    other = make_user("organiser", ward_codes=[SONG_CONG])

    refused = services.check_in(elsewhere, "not a ticket", by=other, scan_id=SCAN_ID)
    assert (refused.result, refused.name, refused.priority, refused.registration_id) == (
        "invalid",
        None,
        False,
        None,
    )
    assert refused.first_scan

    # A genuine ticket of their own fair under the same scan id: admitted, its own check-in and scan.
    own, payload = ticket(elsewhere, "Hà Văn Khải", ward_code=SONG_CONG)
    gate = make_user("gate")
    admitted = services.check_in(elsewhere, payload, by=gate, scan_id=SCAN_ID)
    db.session.commit()
    assert (admitted.result, admitted.name, admitted.registration_id) == ("ok", "Hà Văn Khải", own.id)
    assert db.session.scalar(sa.select(CheckIn.scan_id).where(CheckIn.registration_id == own.id)) == SCAN_ID
    assert [(s.by_user_id, s.result) for s in _scans(db)] == [
        (organiser.id, "ok"),
        (other.id, "invalid"),
        (gate.id, "ok"),
    ]


def test_the_same_account_gets_the_stored_answer_at_the_same_fair_only(db, first_scan, make_fair):
    organiser, fair, registration = first_scan
    again = services.check_in(fair, "whatever was read", by=organiser, scan_id=SCAN_ID)
    assert (again.result, again.name, again.registration_id, again.first_scan) == (
        "ok",
        "Lò Thị Xuân",
        registration.id,
        False,
    )
    # The same account at another fair of its ward: a fresh scan.
    other_fair = make_fair(ward_code=BACH_QUANG)
    fresh = services.check_in(other_fair, "whatever was read", by=organiser, scan_id=SCAN_ID)
    db.session.commit()
    assert (fresh.result, fresh.name, fresh.first_scan) == ("invalid", None, True)
    assert [s.fair_id for s in _scans(db, by_user_id=organiser.id)] == [fair.id, other_fair.id]


def test_manual_check_in_with_a_scan_id_of_another_account_is_fresh(
    db, first_scan, make_fair, register, make_user
):
    _organiser, _fair, _registration = first_scan
    elsewhere = make_fair(ward_code=SONG_CONG)
    person = register(elsewhere, "Vi Thị Na", ward_code=SONG_CONG)
    outcome = services.check_in_registration(person, by=make_user("gate"), source="manual", scan_id=SCAN_ID)
    db.session.commit()
    assert (outcome.result, outcome.name, outcome.registration_id) == ("ok", "Vi Thị Na", person.id)


def test_through_the_scanner_session(client, db, auth, first_scan, make_fair):
    """The scanner page's JSON call (POST /api/v1/checkins with the session cookie)."""
    elsewhere = make_fair(ward_code=SONG_CONG)
    auth.login("organiser", ward_codes=[SONG_CONG])
    html = client.get(f"/scan/{elsewhere.id}").get_data(as_text=True)
    token = html.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/api/v1/checkins",
        headers={"X-CSRFToken": token},
        json={"fair_id": elsewhere.id, "qr_payload": "not a ticket", "scan_id": SCAN_ID},
    )
    body = response.get_json()
    assert response.status_code == 200 and body["result"] == "invalid"
    assert "attendee" not in body and "Xuân" not in response.get_data(as_text=True)
    assert len(_scans(db)) == 2


def test_through_the_scanner_device_token(client, db, auth, first_scan, make_fair):
    """The scanner page's own check-in request: its device's token alone, no cookie."""
    elsewhere = make_fair(ward_code=SONG_CONG)
    auth.login("organiser", ward_codes=[SONG_CONG])
    html = client.get(f"/scan/{elsewhere.id}").get_data(as_text=True)
    csrf = html.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]
    device = client.post("/api/v1/devices", json={"name": "Cổng"}, headers={"X-CSRFToken": csrf}).get_json()
    response = client.application.test_client().post(  # a client without the session's cookie
        "/api/v1/checkins",
        headers={"Authorization": f"Bearer {device['token']}"},
        json={"fair_id": elsewhere.id, "qr_payload": "not a ticket", "scan_id": SCAN_ID},
    )
    body = response.get_json()
    assert response.status_code == 200 and body["result"] == "invalid" and "attendee" not in body
    assert len(_scans(db)) == 2


def test_through_an_account_token(client, db, first_scan, make_fair, token_for):
    elsewhere = make_fair(ward_code=SONG_CONG)
    user, headers = token_for("organiser", ward_codes=[SONG_CONG])
    response = client.post(
        "/api/v1/checkins",
        headers=headers,
        json={"fair_id": elsewhere.id, "qr_payload": "not a ticket", "scan_id": SCAN_ID},
    )
    body = response.get_json()
    assert response.status_code == 200 and body["result"] == "invalid" and "attendee" not in body
    assert [s.by_user_id for s in _scans(db)][1:] == [user.id]


def test_through_an_offline_sync(client, db, first_scan, make_fair, token_for, make_device):
    elsewhere = make_fair(ward_code=SONG_CONG)
    user, headers = token_for("gate")
    device = make_device(user)
    response = client.post(
        "/api/v1/checkins/sync",
        headers=headers,
        json={
            "device_id": device.public_id,
            "scans": [
                {
                    "scan_id": SCAN_ID,
                    "fair_id": elsewhere.id,
                    "qr_payload": "not a ticket",
                    "scanned_at": utcnow().isoformat(),
                }
            ],
        },
    )
    assert response.status_code == 200
    assert response.get_json()["results"] == [{"scan_id": SCAN_ID, "result": "invalid"}]
    kept = [(s.by_user_id, s.device_id, s.result) for s in _scans(db)]
    assert kept[1:] == [(user.id, device.id, "invalid")]


# --- The key in the schema -----------------------------------------------------------------------------


def test_downgrade_keeps_every_scan_under_a_unique_id(scratch_url, tmp_path, monkeypatch):  # noqa: F811
    """Back to one scan per scan id: a reused id's later scans keep their rows under a server-made id."""
    monkeypatch.setenv("FAIRAPP_INSTANCE_PATH", str(tmp_path))
    scans = sa.table(
        "scans",
        sa.column("id"),
        sa.column("scan_id"),
        sa.column("result"),
        sa.column("source"),
        sa.column("server_time", UTCDateTime()),
        sa.column("flagged"),
    )
    with scratch_app(scratch_url, tmp_path):
        upgrade()
        row = {
            "scan_id": "dup",
            "result": "invalid",
            "source": "scanner",
            "server_time": utcnow(),
            "flagged": False,
        }
        with _db.engine.begin() as connection:  # no account, no fair: the new key lets them repeat
            connection.execute(scans.insert(), [row, row, {**row, "scan_id": "single"}])
        downgrade(revision="7d0a00000001")
        with _db.engine.connect() as connection:
            kept = connection.execute(sa.select(scans.c.id, scans.c.scan_id).order_by(scans.c.id)).all()
        assert [scan_id for _id, scan_id in kept] == ["dup", f"downgraded-{kept[1][0]}", "single"]
        with pytest.raises(sa.exc.IntegrityError), _db.engine.begin() as connection:
            connection.execute(scans.insert(), [{**row, "scan_id": "single"}])
        upgrade()
