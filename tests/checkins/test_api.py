"""The check-in API: results over HTTP, malformed requests (400, never 500), sync replays, devices,
scanner data, stats, and who may call what."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import PriorityGroup
from fairapp.audit.models import AuditEntry
from fairapp.checkins.models import CheckIn, Device, Scan
from fairapp.geo.models import Ward
from fairapp.modelbase import utcnow
from fairapp.tickets.services import reissue_ticket
from tests.conftest import PASSWORD, csrf_token_from

BACH_QUANG, SONG_CONG = "05528", "05518"


def count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_check_in_over_http(client, db, make_fair, ticket, token_for):
    _user, headers = token_for("gate")
    fair = make_fair()
    registration, payload = ticket(fair, "Lò Thị Mai", priority_group=PriorityGroup.NEAR_POOR)
    response = client.post(
        "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload, "scan_id": "x1"}, headers=headers
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["result"] == "ok" and body["checked_in_at"]
    assert body["attendee"] == {"registration_id": registration.id, "name": "Lò Thị Mai", "priority": True}
    again = client.post(
        "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers
    ).get_json()
    assert again["result"] == "already_checked_in" and again["checked_in_at"] == body["checked_in_at"]
    repeat = client.post(
        "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload, "scan_id": "x1"}, headers=headers
    ).get_json()
    assert repeat["result"] == "ok"
    assert count(db, CheckIn) == 1 and count(db, Scan) == 2


@pytest.mark.parametrize("case", ["invalid", "wrong_fair", "revoked", "fair_not_open", "oversized"])
def test_every_refusal_code_over_http(case, client, db, make_fair, ticket, token_for):
    _user, headers = token_for("gate")
    fair = make_fair()
    registration, payload = ticket(fair)
    expected = case
    if case == "invalid":
        payload = payload[:40]
    elif case == "oversized":
        payload, expected = "F1." + "A" * 100_000, "invalid"
    elif case == "wrong_fair":
        _other, payload = ticket(make_fair())
    elif case == "revoked":
        reissue_ticket(registration)
        db.session.commit()
    elif case == "fair_not_open":
        fair = make_fair(starts_at=utcnow() + timedelta(days=2), status="published", opened_at=None)
        _r, payload = ticket(fair)
    response = client.post(
        "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers
    )
    assert response.status_code == 200 and response.get_json()["result"] == expected
    assert count(db, CheckIn) == 0 and count(db, Scan, Scan.result == expected) == 1


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "text",
        {"qr_payload": "x"},
        {"fair_id": "1", "qr_payload": "x"},
        {"fair_id": True, "qr_payload": "x"},
        {"fair_id": 1},
        {"fair_id": 1, "qr_payload": 5},
        {"fair_id": 1, "qr_payload": "x", "scan_id": "s" * 65},
        {"fair_id": 1, "qr_payload": "x", "scanned_at": "yesterday"},
        {"fair_id": 1, "qr_payload": "x", "scanned_at": "2026-11-28T07:45:00"},  # no offset
        {"fair_id": 10**30, "qr_payload": "x"},
    ],
)
def test_malformed_requests_are_400(body, client, token_for):
    _user, headers = token_for("gate")
    if body is None:
        response = client.post(
            "/api/v1/checkins", data="{not json", headers={**headers, "Content-Type": "application/json"}
        )
    else:
        response = client.post("/api/v1/checkins", json=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_missing_fair_is_404(client, token_for):
    _user, headers = token_for("gate")
    response = client.post("/api/v1/checkins", json={"fair_id": 999999, "qr_payload": "x"}, headers=headers)
    assert response.status_code == 404


def test_organiser_of_another_ward_is_refused(client, db, make_fair, ticket, token_for):
    organiser, headers = token_for("organiser")
    organiser.wards = [db.session.get(Ward, SONG_CONG)]
    db.session.commit()
    fair = make_fair()
    _registration, payload = ticket(fair)
    response = client.post(
        "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers
    )
    assert response.status_code == 403
    assert count(db, CheckIn) == 0


def _sync(client, headers, device_id, scans, **extra):
    return client.post(
        "/api/v1/checkins/sync", json={"device_id": device_id, "scans": scans, **extra}, headers=headers
    )


def test_sync_batch_replayed_three_times_adds_nothing(client, db, make_fair, ticket, token_for, make_device):
    user, headers = token_for("gate")
    device = make_device(user)
    fair = make_fair()
    now = utcnow()
    scans = []
    for n in range(5):
        _registration, payload = ticket(fair)
        scans.append(
            {
                "scan_id": f"d1-{n}",
                "fair_id": fair.id,
                "qr_payload": payload,
                "scanned_at": (now - timedelta(minutes=10 - n)).isoformat(),
            }
        )
    scans.append(
        {"scan_id": "d1-bad", "fair_id": fair.id, "qr_payload": "rác", "scanned_at": now.isoformat()}
    )
    answers = []
    for _ in range(3):
        response = _sync(client, headers, device.public_id, scans)
        assert response.status_code == 200
        answers.append(response.get_json()["results"])
    assert answers[0] == answers[1] == answers[2]
    assert [r["result"] for r in answers[0]] == ["ok"] * 5 + ["invalid"]
    assert [r["scan_id"] for r in answers[0]] == [s["scan_id"] for s in scans]
    assert count(db, CheckIn) == 5 and count(db, Scan) == 6
    assert count(db, AuditEntry, AuditEntry.action == "checkin.create") == 5
    first = db.session.scalar(sa.select(CheckIn).order_by(CheckIn.id))
    assert first.source == "offline" and first.device_id == device.id
    assert abs((first.checked_in_at - (now - timedelta(minutes=10))).total_seconds()) < 1


def test_two_devices_offline_uploaded_in_reverse_order(client, db, make_fair, ticket, token_for, make_device):
    user_a, headers_a = token_for("gate")
    user_b, headers_b = token_for("gate")
    phone_a, phone_b = make_device(user_a, "A"), make_device(user_b, "B")
    fair = make_fair()
    _registration, payload = ticket(fair)
    now = utcnow()
    early = {
        "scan_id": "a-1",
        "fair_id": fair.id,
        "qr_payload": payload,
        "scanned_at": (now - timedelta(minutes=20)).isoformat(),
    }
    late = {
        "scan_id": "b-1",
        "fair_id": fair.id,
        "qr_payload": payload,
        "scanned_at": (now - timedelta(minutes=15)).isoformat(),
    }
    assert _sync(client, headers_b, phone_b.public_id, [late]).get_json()["results"][0]["result"] == "ok"
    assert (
        _sync(client, headers_a, phone_a.public_id, [early]).get_json()["results"][0]["result"]
        == "already_checked_in"
    )
    scans = {s.scan_id: s for s in db.session.scalars(sa.select(Scan))}
    assert set(scans) == {"a-1", "b-1"}
    assert scans["a-1"].flagged and scans["a-1"].flag_reason == "offline_duplicate"
    assert scans["a-1"].device_id == phone_a.id and not scans["b-1"].flagged
    assert count(db, CheckIn) == 1


def test_sync_device_clock_two_hours_off_is_flagged(client, db, make_fair, ticket, token_for, make_device):
    user, headers = token_for("gate")
    device = make_device(user)
    fair = make_fair()
    _registration, payload = ticket(fair)
    now = utcnow()
    response = _sync(
        client,
        headers,
        device.public_id,
        [
            {
                "scan_id": "c-1",
                "fair_id": fair.id,
                "qr_payload": payload,
                "scanned_at": (now + timedelta(hours=2)).isoformat(),
            }
        ],
        sent_at=(now + timedelta(hours=2)).isoformat(),
    )
    assert response.get_json()["results"][0]["result"] == "ok"
    scan = db.session.scalar(sa.select(Scan))
    assert scan.flagged and "clock_skew" in scan.flag_reason and abs(scan.skew_seconds - 7200) < 5
    check_in = db.session.scalar(sa.select(CheckIn))
    assert check_in.checked_in_at <= utcnow()  # never in the future


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"device_id": "x"},
        {"scans": []},
        {"device_id": 5, "scans": []},
        {"device_id": "x", "scans": "nope"},
        {"device_id": "x", "scans": [5]},
        {
            "device_id": "x",
            "scans": [{"fair_id": 1, "qr_payload": "a", "scanned_at": "2026-01-01T00:00:00Z"}],
        },
        {"device_id": "x", "scans": [{"scan_id": "s", "fair_id": 1, "qr_payload": "a"}]},
        {
            "device_id": "x",
            "scans": [{"scan_id": "s", "qr_payload": "a", "scanned_at": "2026-01-01T00:00:00Z"}],
        },
    ],
)
def test_malformed_sync_is_400(body, client, token_for):
    _user, headers = token_for("gate")
    response = client.post("/api/v1/checkins/sync", json=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_sync_with_unknown_or_other_users_device(client, token_for, make_device, make_user):
    _user, headers = token_for("gate")
    other = make_device(make_user("gate"))
    assert _sync(client, headers, "nope", []).get_json()["error"]["code"] == "device_unknown"
    response = _sync(client, headers, other.public_id, [])
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "device_not_yours"


def test_device_registration_and_revocation(app, client, db, auth, make_fair, ticket, token_for):
    gate = auth.login("gate")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post(
        "/api/v1/devices", json={"name": "Điện thoại Lan", "gate": "Cổng 2"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201
    device_id = response.get_json()["device_id"]
    device = db.session.scalar(sa.select(Device).where(Device.public_id == device_id))
    assert device.user_id == gate.id and device.gate == "Cổng 2"
    # without the CSRF header a cookie session cannot register a device
    assert client.post("/api/v1/devices", json={}).status_code in (400, 403)

    fair = make_fair()
    _registration, payload = ticket(fair)
    headers = {"X-CSRFToken": token, "X-Device-Id": device_id}
    ok = client.post("/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers)
    assert ok.get_json()["result"] == "ok"
    assert db.session.scalar(sa.select(Scan)).device_id == device.id

    gate.wards = [db.session.get(Ward, BACH_QUANG)]  # the organiser's ward: theirs to revoke
    _organiser, organiser_headers = token_for("organiser", ward_codes=[BACH_QUANG])
    revoked = app.test_client().post(f"/api/v1/devices/{device.id}/revoke", headers=organiser_headers)
    assert revoked.status_code == 200
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "device.revoke")) is not None

    refused = client.post(
        "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers
    )
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "device_revoked"
    data = client.get(f"/api/v1/fairs/{fair.id}/scanner-data", headers=headers)
    assert data.status_code == 401 and data.get_json()["error"]["code"] == "device_revoked"
    # revoking signed the device out: its session is gone, so it cannot quietly register again
    assert client.get(f"/api/v1/fairs/{fair.id}/stats").status_code == 401
    assert client.post("/api/v1/devices", json={}, headers={"X-CSRFToken": token}).status_code in (400, 401)
    # the person may sign in again (a deliberate act), and is then served
    page = client.get("/login")
    assert (
        client.post(
            "/login",
            data={
                "login": gate.email,
                "password": PASSWORD,
                "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            },
        ).status_code
        == 302
    )
    assert client.get(f"/api/v1/fairs/{fair.id}/stats").status_code == 200


def test_unknown_device_header_is_refused_for_check_in(client, make_fair, ticket, token_for):
    _user, headers = token_for("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    response = client.post(
        "/api/v1/checkins",
        json={"fair_id": fair.id, "qr_payload": payload},
        headers={**headers, "X-Device-Id": "no-such-device"},
    )
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "device_unknown"


def test_stats(client, db, make_fair, ticket, register, token_for):
    _user, headers = token_for("organiser", ward_codes=[BACH_QUANG])
    fair = make_fair()
    _a, payload = ticket(fair, priority_group=PriorityGroup.POOR)
    register(fair, priority_group=PriorityGroup.ESCAPED_POVERTY)
    client.post("/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers)
    body = client.get(f"/api/v1/fairs/{fair.id}/stats", headers=headers).get_json()
    assert body["registered"] == 2 and body["checked_in"] == 1
    assert body["interviewed"] == 0 and body["hired"] == 0
    assert body["by_priority_group"]["poor"]["checked_in"] == 1
    assert body["by_priority_group"]["escaped_poverty"] == {
        "registered": 1,
        "checked_in": 0,
        "interviewed": 0,
        "shortlisted": 0,
        "offered": 0,
        "counselled": 0,
        "enrolled": 0,
        "hired": 0,
        "sustained": 0,
    }


def test_scanner_data(client, db, make_fair, ticket, token_for):
    _user, headers = token_for("gate")
    fair = make_fair()
    first, payload = ticket(fair, "Hoàng Văn Tú", priority_group=PriorityGroup.POOR)
    second, _payload = ticket(fair, "Đỗ Thị Hà")
    reissue_ticket(second)
    db.session.commit()
    client.post("/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers)
    body = client.get(f"/api/v1/fairs/{fair.id}/scanner-data", headers=headers).get_json()
    assert body["fair"]["id"] == fair.id and body["fair"]["status"] == "open"
    assert body["public_key"] and len(body["key_id"]) == 8
    assert body["registrations"] == [
        {"registration_id": first.id, "name": "Hoàng Văn Tú", "priority": True},
        {"registration_id": second.id, "name": "Đỗ Thị Hà", "priority": False},
    ]
    assert body["checked_in"] == [first.id]
    assert [r["registration_id"] for r in body["revocations"]] == [second.id]
    text = str(body)
    assert "0986" not in text and "poor" not in text  # no phone, no priority group


ROUTES = [
    ("post", "/api/v1/checkins", {"fair_id": 1, "qr_payload": "x"}),
    ("post", "/api/v1/checkins/sync", {"device_id": "x", "scans": []}),
    ("get", "/api/v1/fairs/{fair}/stats", None),
    ("get", "/api/v1/fairs/{fair}/scanner-data", None),
    ("post", "/api/v1/devices", {}),
    ("post", "/api/v1/devices/{device}/revoke", None),
]
EXPECTED = {  # role → statuses per route, in ROUTES order
    None: [401, 401, 401, 401, 401, 401],
    # employers and schools register devices for their booth scanner (fairapp.interviews)
    "employer": [403, 403, 403, 403, 201, 403],
    "school": [403, 403, 403, 403, 201, 403],
    "gate": [200, 401, 200, 200, 201, 403],  # sync with an unknown device: 401 device_unknown
    "organiser": [200, 401, 200, 200, 201, 200],
    "admin": [200, 401, 200, 200, 201, 200],
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_access_table(role, client, db, make_fair, token_for, make_device, make_user):
    fair = make_fair()
    device = make_device(make_user("gate", ward_codes=[BACH_QUANG]))  # an organiser of the fair's ward
    wards = {"ward_codes": [BACH_QUANG]} if role == "organiser" else {}
    headers = token_for(role, **wards)[1] if role else {}
    statuses = []
    for method, path, body in ROUTES:
        url = path.format(fair=fair.id, device=device.id)
        response = (
            getattr(client, method)(url, json=body, headers=headers)
            if body is not None
            else getattr(client, method)(url, headers=headers)
        )
        statuses.append(response.status_code)
    assert statuses == EXPECTED[role]
