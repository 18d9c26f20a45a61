"""The check-in lane (fairapp.checkins.lane) on faults: a database that cannot be used is answered 503
database_unavailable with the security headers (by the lane itself, not a 500 from the server), and a
body nested too deep is the view's 400 invalid_json."""

import sqlite3

import pytest
import sqlalchemy as sa
from flask import request_started

from fairapp import create_app
from fairapp.auth.models import ApiToken
from fairapp.checkins import lane
from fairapp.extensions import db as _db
from fairapp.ids import MAX_ID
from fairapp.modelbase import utcnow
from fairapp.security import HEADERS
from tests.api.test_faults import UNAVAILABLE, broken_url


@pytest.fixture()
def gate_headers(db, token_for):
    """A gate user's bearer header, its token's last use just written (the lane answers it itself)."""
    user, headers = token_for("gate")
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id).values(last_used_at=utcnow()))
    db.session.commit()
    return headers


@pytest.fixture()
def served_by_flask(app):
    seen = []

    def record(_sender, **_extra):
        seen.append(1)

    request_started.connect(record, app)
    yield seen
    request_started.disconnect(record, app)


def _assert_unavailable(response) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 503, text[:300]
    assert response.get_json() == {"error": {"code": "database_unavailable", "message": UNAVAILABLE}}
    assert "Traceback" not in text
    for name, value in HEADERS:
        assert response.headers.get(name) == value, name
    assert response.headers["Retry-After"].isdigit()


def test_unreachable_database_is_503_from_the_lane(app, database_url, gate_headers):
    broken = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": broken_url(database_url)}
    )
    try:
        response = broken.test_client().post(
            "/api/v1/checkins", json={"fair_id": 1, "qr_payload": "F1.x"}, headers=gate_headers
        )
        _assert_unavailable(response)
    finally:
        with broken.app_context():
            _db.engine.dispose()


@pytest.mark.parametrize(
    "error",
    [
        sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly")),
        sqlite3.OperationalError("disk I/O error"),  # the lane runs on the driver's connection
    ],
)
def test_connection_lost_in_the_lane_is_503_without_a_second_try(
    client, make_fair, ticket, gate_headers, served_by_flask, monkeypatch, error
):
    fair = make_fair()
    _registration, payload = ticket(fair)

    def lost(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(lane, "run_committed", lost)
    response = client.post(
        "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=gate_headers
    )
    _assert_unavailable(response)
    assert served_by_flask == []  # answered by the lane: the view did not try the database again


def test_lost_while_reading_the_token_is_503(client, gate_headers, monkeypatch):
    def lost(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("terminating connection"))

    monkeypatch.setattr(lane, "token_principal", lost)
    _assert_unavailable(
        client.post("/api/v1/checkins", json={"fair_id": 1, "qr_payload": "F1.x"}, headers=gate_headers)
    )


@pytest.mark.parametrize("levels", [33, 900, 100_000])  # the last is past lane.MAX_BODY: the view's
def test_deep_json_through_the_lane_is_400(client, gate_headers, levels):
    body = '{"fair_id": 1, "qr_payload": "x", "gate": ' + "[" * levels + "]" * levels + "}"
    response = client.post(
        "/api/v1/checkins", data=body.encode(), content_type="application/json", headers=gate_headers
    )
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "invalid_json"
    for name, value in HEADERS:
        assert response.headers.get(name) == value, name


@pytest.mark.parametrize("lane_on", [True, False])
def test_fair_id_past_the_database_is_a_malformed_request(app, client, gate_headers, lane_on):
    """fair_id past INTEGER (PostgreSQL refused it inside the lane: a bare 500 without headers)."""
    app.config["CHECKIN_LANE"] = lane_on
    for fair_id in (MAX_ID + 1, 3_000_000_000, 2**63, 10**20):
        response = client.post(
            "/api/v1/checkins", json={"fair_id": fair_id, "qr_payload": "F1.x"}, headers=gate_headers
        )
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
        assert "fair_id" in response.get_json()["error"]["fields"]
        for name, value in HEADERS:
            assert response.headers.get(name) == value, name


def test_any_other_error_in_the_lane_is_handed_to_the_view(
    client, make_fair, ticket, gate_headers, served_by_flask, monkeypatch
):
    fair = make_fair()
    _registration, payload = ticket(fair)

    def bug(*_args, **_kwargs):
        raise RuntimeError("a bug in the lane")

    monkeypatch.setattr(lane, "token_principal", bug)
    response = client.post(
        "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=gate_headers
    )
    assert response.status_code == 200 and response.get_json()["result"] == "ok"
    assert served_by_flask == [1]  # the view answered it


def test_ids_past_the_database_in_scanner_pages(client, db, make_fair, ticket, auth):
    from tests.conftest import csrf_token_from

    fair = make_fair()
    auth.login("admin")
    for query in (f"walk_in={10**20}", f"walk_in={MAX_ID + 1}"):
        assert client.get(f"/scan/{fair.id}?{query}").status_code == 200
    assert client.get(f"/manage/fairs/{fair.id}/walk-in?done={10**20}").status_code == 200
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    for registration_id in (MAX_ID + 1, 10**20):
        response = client.post(
            f"/scan/{fair.id}/manual",
            json={"registration_id": registration_id},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 422
        assert list(response.get_json()["error"]["fields"]) == ["registration_id"]
