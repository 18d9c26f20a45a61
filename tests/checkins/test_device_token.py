"""The scanner page's credential: its device's token. It signs a request in as the device's user and
names the device; it stops working when the device is revoked, when the user signs out on that
browser, when the user is signed out everywhere or deactivated; a cookie beside it changes nothing."""

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth.models import User
from fairapp.checkins.models import CheckIn, Device, Scan
from tests.conftest import csrf_token_from


def _scanner(client, fair) -> tuple[dict, str]:
    """What the scanner page does: open it, register the browser as a device. Returns (device, CSRF)."""
    html = client.get(f"/scan/{fair.id}").get_data(as_text=True)
    csrf = html.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]
    response = client.post("/api/v1/devices", json={"name": "Cổng 1"}, headers={"X-CSRFToken": csrf})
    assert response.status_code == 201
    return response.get_json(), csrf


def _check_in(app, token, fair, payload, **extra):
    return app.test_client().post(  # the page's request: no cookie, the token alone
        "/api/v1/checkins",
        headers={"Authorization": f"Bearer {token}"},
        json={"fair_id": fair.id, "qr_payload": payload, "scan_id": "s-1", **extra},
    )


def test_the_scanner_page_checks_in_with_its_device_token_alone(app, client, db, auth, make_fair, ticket):
    gate = auth.login("gate")
    fair = make_fair()
    registration, payload = ticket(fair)
    device, _csrf = _scanner(client, fair)
    assert device["token"].startswith("fad_") and device["device_id"]
    stored = db.session.scalar(sa.select(Device).where(Device.public_id == device["device_id"]))
    assert stored.token_hash and device["token"] not in stored.token_hash  # only its hash is kept

    response = _check_in(app, device["token"], fair, payload)
    assert response.status_code == 200 and response.get_json()["result"] == "ok"
    check_in = db.session.scalar(sa.select(CheckIn))
    assert (check_in.registration_id, check_in.by_user_id, check_in.device_id) == (
        registration.id,
        gate.id,
        stored.id,
    )
    assert "Set-Cookie" not in response.headers  # no session is made for it


def test_a_revoked_device_token_is_refused(app, client, db, auth, make_fair, ticket, token_for):
    auth.login("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    device, _csrf = _scanner(client, fair)
    _admin, admin = token_for("admin")
    stored = db.session.scalar(sa.select(Device).where(Device.public_id == device["device_id"]))
    assert app.test_client().post(f"/api/v1/devices/{stored.id}/revoke", headers=admin).status_code == 200

    response = _check_in(app, device["token"], fair, payload)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "device_revoked"
    data = app.test_client().get(
        f"/api/v1/fairs/{fair.id}/scanner-data", headers={"Authorization": f"Bearer {device['token']}"}
    )
    assert data.status_code == 401 and data.get_json()["error"]["code"] == "device_revoked"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 0


def test_signing_out_on_the_scanner_ends_its_device(app, client, db, auth, make_fair, ticket):
    gate = auth.login("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    device, _csrf = _scanner(client, fair)
    page = client.get(f"/scan/{fair.id}").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token_from(page), "device_id": device["device_id"]})

    response = _check_in(app, device["token"], fair, payload)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "device_revoked"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "device.sign_out"))
    assert entry is not None and entry.actor_id == gate.id


def test_signing_out_names_only_ones_own_device(app, client, db, auth, make_fair, make_user, make_device):
    other = make_device(make_user("gate"))
    auth.login("gate")
    page = client.get("/scan/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token_from(page), "device_id": other.public_id})
    db.session.refresh(other)
    assert other.revoked_at is None


def test_signed_out_everywhere_or_deactivated_the_token_stops(app, client, db, auth, make_fair, ticket):
    gate = auth.login("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    device, _csrf = _scanner(client, fair)
    gate_id = gate.id
    db.session.execute(
        sa.update(User).where(User.id == gate_id).values(session_version=User.session_version + 1)
    )
    db.session.commit()
    response = _check_in(app, device["token"], fair, payload)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"

    auth.login("gate", email="gate2@example.vn")
    second, _csrf = _scanner(client, fair)
    db.session.execute(sa.update(User).where(User.email == "gate2@example.vn").values(active=False))
    db.session.commit()
    assert _check_in(app, second["token"], fair, payload).status_code == 401


def test_a_token_wins_over_a_cookie_and_a_forged_one_is_refused(app, client, db, auth, make_fair, ticket):
    auth.login("organiser")  # a session of another account in the same browser
    fair = make_fair()
    _registration, payload = ticket(fair)
    forged = client.post(
        "/api/v1/checkins",
        headers={"Authorization": "Bearer fad_not-a-real-token"},
        json={"fair_id": fair.id, "qr_payload": payload},
    )
    assert forged.status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 0


def test_the_page_needs_no_csrf_token_with_its_device_token_but_a_cookie_does(
    app, client, db, auth, make_fair, ticket
):
    auth.login("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    _device, _csrf = _scanner(client, fair)
    without_csrf = client.post("/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload})
    assert without_csrf.status_code == 400 and without_csrf.get_json()["error"]["code"] == "csrf_failed"
