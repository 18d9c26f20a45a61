"""One path for a check-in: the scanner page (its device token), an API client (an account's token and
X-Device-Id) and an offline device's upload reach the same service in the request's one transaction,
answer alike and store alike."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.checkins import services
from fairapp.checkins.models import CheckIn, Device, Scan
from fairapp.fairs.models import FairStatus
from fairapp.ids import MAX_ID
from fairapp.modelbase import utcnow
from fairapp.tickets.services import reissue_ticket
from tests.conftest import csrf_token_from


def _altered(payload: str) -> str:
    at = len(payload) - 20
    return payload[:at] + ("B" if payload[at] != "B" else "C") + payload[at + 1 :]


@pytest.fixture()
def scenario(db, make_fair, ticket):
    """An open fair with four tickets (one to be reissued), another open fair, a fair not open yet."""

    def make():
        fair, other = make_fair(), make_fair()
        later = make_fair(
            status=FairStatus.PUBLISHED,
            starts_at=utcnow() + timedelta(days=2),
            ends_at=utcnow() + timedelta(days=2, hours=4),
        )
        first, second, reissued = (ticket(fair)[1] for _ in range(3))
        registration, old = ticket(fair)
        reissue_ticket(registration)
        _r, elsewhere = ticket(other)
        _r, not_yet = ticket(later)
        db.session.commit()
        # (fair, payload) in order, and the result each must get
        return [
            ((fair, first), "ok"),
            ((fair, first), "already_checked_in"),
            ((fair, _altered(second)), "invalid"),
            ((fair, "F1.not-a-ticket"), "invalid"),
            ((fair, elsewhere), "wrong_fair"),
            ((fair, old), "revoked"),
            ((later, not_yet), "fair_not_open"),
            ((fair, second), "ok"),
            ((fair, reissued), "ok"),
        ]

    return make


def _page_device(client, fair) -> dict:
    html = client.get(f"/scan/{fair.id}").get_data(as_text=True)
    csrf = html.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]
    return client.post("/api/v1/devices", json={"name": "Cổng"}, headers={"X-CSRFToken": csrf}).get_json()


def _answers(client, headers, scans) -> list[dict]:
    answers = []
    for index, ((fair, payload), _expected) in enumerate(scans):
        response = client.post(
            "/api/v1/checkins",
            headers=headers,
            json={"fair_id": fair.id, "qr_payload": payload, "scan_id": f"s{index}"},
        )
        assert response.status_code == 200
        body = response.get_json()
        assert body.pop("scan_id") == f"s{index}"
        body.pop("checked_in_at", None)
        answers.append(body)
    return answers


def _stored(db, user_id) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        sa.select(Scan.scan_id, Scan.result, Scan.registration_id, Scan.source, Scan.device_id.is_not(None))
        .where(Scan.by_user_id == user_id)
        .order_by(Scan.id)
    ).all()


def test_the_page_the_api_and_the_offline_upload_answer_and_store_alike(
    app, client, db, auth, scenario, token_for, make_device, monkeypatch
):
    calls = []
    real = services.check_in
    monkeypatch.setattr(services, "check_in", lambda *a, **k: calls.append(k.get("source")) or real(*a, **k))

    # The scanner page: signed in, registered as a device, its check-ins with the device's token alone.
    page_user = auth.login("gate")
    device = _page_device(client, scenario()[0][0][0])
    page_scans = scenario()
    page = _answers(app.test_client(), {"Authorization": f"Bearer {device['token']}"}, page_scans)
    assert [a["result"] for a in page] == [expected for _scan, expected in page_scans]

    # An API client: an account's token, X-Device-Id naming its device.
    api_user, headers = token_for("gate")
    api_device = make_device(api_user)
    api_scans = scenario()
    api = _answers(app.test_client(), {**headers, "X-Device-Id": api_device.public_id}, api_scans)
    assert [a["result"] for a in api] == [expected for _scan, expected in api_scans]

    def without_people(answers):  # the same people are different registrations in each scenario
        return [{k: v for k, v in a.items() if k != "attendee"} | {"named": "attendee" in a} for a in answers]

    assert without_people(page) == without_people(api)
    assert [a["attendee"]["name"] for a in page if "attendee" in a] == [
        a["attendee"]["name"] for a in api if "attendee" in a
    ]

    # An offline upload of the same scans, from the page's device.
    sync_scans = scenario()
    response = app.test_client().post(
        "/api/v1/checkins/sync",
        headers={"Authorization": f"Bearer {device['token']}"},
        json={
            "device_id": device["device_id"],
            "scans": [
                {"scan_id": f"o{i}", "fair_id": f.id, "qr_payload": p, "scanned_at": utcnow().isoformat()}
                for i, ((f, p), _e) in enumerate(sync_scans)
            ],
        },
    )
    assert response.status_code == 200
    assert [r["result"] for r in response.get_json()["results"]] == [e for _s, e in sync_scans]

    # One service did all of it; every scan is kept with its device.
    assert calls == [None] * 18 + ["offline"] * 9
    page_rows, api_rows = _stored(db, page_user.id), _stored(db, api_user.id)
    assert [row[1] for row in page_rows] == [e for _s, e in page_scans] + [e for _s, e in sync_scans]
    assert [row[1] for row in api_rows] == [e for _s, e in api_scans]
    assert all(row[4] for row in page_rows + api_rows)  # a device on every scan
    page_device = db.session.scalar(sa.select(Device).where(Device.public_id == device["device_id"]))
    assert {
        c.device_id for c in db.session.scalars(sa.select(CheckIn).where(CheckIn.by_user_id == page_user.id))
    } == {page_device.id}


def test_refused_scans_are_committed_with_normal_sync_and_check_ins_with_full(
    app, db, make_fair, ticket, make_user, make_device
):
    """A refusal's record may be committed with synchronous=NORMAL; the connection is FULL again once
    the pool has it back, and a check-in is always FULL."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's synchronous setting")
    from fairapp.checkins import devices

    user = make_user("gate")
    _device, token = devices.register_device(user, name="Cổng")
    db.session.commit()
    fair = make_fair()
    _registration, payload = ticket(fair)
    seen = []

    @sa.event.listens_for(db.engine, "commit")
    def _committing(connection):
        seen.append(connection.exec_driver_sql("PRAGMA synchronous").scalar())

    client = app.test_client()
    for _ in range(2):  # admitted, then already_checked_in
        client.post(
            "/api/v1/checkins",
            headers={"Authorization": f"Bearer {token}"},
            json={"fair_id": fair.id, "qr_payload": payload},
        )
    sa.event.remove(db.engine, "commit", _committing)
    assert seen[-2:] == [2, 1]  # FULL for the check-in, NORMAL for the refusal's record


def test_ids_past_the_database_in_scanner_pages(client, db, make_fair, auth):
    fair = make_fair()
    auth.login("admin")
    for query in (f"walk_in={10**20}", f"walk_in={MAX_ID + 1}"):
        assert client.get(f"/scan/{fair.id}?{query}").status_code == 200
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    for registration_id in (MAX_ID + 1, 10**20):
        response = client.post(
            f"/scan/{fair.id}/manual",
            json={"registration_id": registration_id},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 422
        assert list(response.get_json()["error"]["fields"]) == ["registration_id"]
