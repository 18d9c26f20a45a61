"""The check-in lane (fairapp.checkins.lane): bearer-token check-ins answered before Flask's machinery
must answer exactly as the view does, store the same rows, and leave everything else to the view."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import request_started

from fairapp.attendees.models import PriorityGroup
from fairapp.audit.models import AuditEntry
from fairapp.auth.models import ApiToken
from fairapp.checkins.models import CheckIn, Scan
from fairapp.fairs.models import FairStatus
from fairapp.modelbase import utcnow
from fairapp.tickets.services import reissue_ticket


@pytest.fixture()
def served_by_flask(app):
    """A list that gets one entry per request Flask's machinery handled (the lane sends no signal)."""
    seen = []

    def record(_sender, **_extra):
        seen.append(1)

    request_started.connect(record, app)
    yield seen
    request_started.disconnect(record, app)


@pytest.fixture()
def used_token(db, token_for):
    """A gate user's token whose last use was just written (so the lane does not hand it over)."""

    def make(role="gate", **overrides):
        user, headers = token_for(role, **overrides)
        db.session.execute(
            sa.update(ApiToken).where(ApiToken.user_id == user.id).values(last_used_at=utcnow())
        )
        db.session.commit()
        return user, headers

    return make


def _altered(payload: str) -> str:
    """The payload with one character of its signature changed."""
    at = len(payload) - 20
    return payload[:at] + ("B" if payload[at] != "B" else "C") + payload[at + 1 :]


def _scans(client, headers, fair, payloads):
    answers = []
    for payload in payloads:
        response = client.post(
            "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers
        )
        assert response.status_code == 200
        body = response.get_json()
        body.pop("scan_id")
        body.pop("checked_in_at", None)
        answers.append(body)
    return answers


def test_lane_answers_as_the_view_does(app, db, client, make_fair, ticket, used_token, served_by_flask):
    """The same scans (ok, repeat, forged, another fair's, revoked, closed fair) through the lane and
    through the view (CHECKIN_LANE off) give the same answers and the same rows."""
    _user, headers = used_token()
    results = {}
    for lane in (True, False):
        app.config["CHECKIN_LANE"] = lane
        fair, other, closed = make_fair(), make_fair(), make_fair(status=FairStatus.CLOSED)
        _r1, admitted = ticket(fair, "Hà Thị Lan", priority_group=PriorityGroup.POOR)
        _r2, foreign = ticket(other, "Lý Văn Hùng")
        revoked_registration, revoked = ticket(fair, "Đinh Thị Hoa")
        reissue_ticket(revoked_registration)
        db.session.commit()
        _r4, late = ticket(closed, "Mai Văn Tú")
        served_by_flask.clear()
        answers = _scans(client, headers, fair, [admitted, admitted, _altered(admitted), foreign, revoked])
        answers += _scans(client, headers, closed, [late])
        results[lane] = (answers, len(served_by_flask))
    (lane_answers, lane_flask), (view_answers, view_flask) = results[True], results[False]
    for answer in lane_answers + view_answers:  # registration ids differ between the two rounds
        answer.get("attendee", {}).pop("registration_id", None)
    assert lane_answers == view_answers
    assert [a["result"] for a in lane_answers] == [
        "ok",
        "already_checked_in",
        "invalid",
        "wrong_fair",
        "revoked",
        "fair_not_open",
    ]
    assert lane_flask == 0 and view_flask == 6  # the lane served all six itself
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 12
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "checkin.create")
        )
        == 2
    )


def test_lane_keeps_the_scan_id_rule_and_the_device(
    db, client, make_fair, ticket, used_token, make_device, served_by_flask
):
    user, headers = used_token()
    device = make_device(user, gate="Cổng B")
    fair = make_fair()
    _registration, payload = ticket(fair, "Trương Thị Sen")
    headers = {**headers, "X-Device-Id": device.public_id}
    body = {"fair_id": fair.id, "qr_payload": payload, "scan_id": "d-1"}
    first = client.post("/api/v1/checkins", json=body, headers=headers).get_json()
    again = client.post("/api/v1/checkins", json=body, headers=headers).get_json()
    assert first["result"] == again["result"] == "ok" and first["scan_id"] == again["scan_id"] == "d-1"
    assert served_by_flask == []
    scan = db.session.scalar(sa.select(Scan))
    assert (scan.gate, scan.device_id, scan.by_user_id) == ("Cổng B", device.id, user.id)
    assert db.session.scalar(sa.select(CheckIn.device_id)) == device.id


def test_lane_hands_everything_else_to_the_view(
    db, client, make_fair, ticket, used_token, make_device, served_by_flask
):
    """Each of these is answered by the view, in full: its status, its code, its translated message."""
    gate, headers = used_token()
    _employer, employer_headers = used_token("employer")
    fair = make_fair()
    _registration, payload = ticket(fair)
    revoked_device = make_device(gate)
    revoked_device.revoked_at = utcnow()
    db.session.commit()
    cases = [
        ({"fair_id": fair.id}, headers, 400, "bad_request"),  # no payload
        ({"fair_id": "x", "qr_payload": payload}, headers, 400, "bad_request"),  # not an id
        (
            {"fair_id": fair.id, "qr_payload": payload},
            {"Authorization": "Bearer fa_nope"},
            401,
            "unauthorized",
        ),
        ({"fair_id": fair.id, "qr_payload": payload}, employer_headers, 403, "forbidden"),
        ({"fair_id": 999_999, "qr_payload": payload}, headers, 404, "not_found"),
        (
            {"fair_id": fair.id, "qr_payload": payload},
            {**headers, "X-Device-Id": revoked_device.public_id},
            401,
            "device_revoked",
        ),
        (
            {"fair_id": fair.id, "qr_payload": payload},
            {**headers, "X-Device-Id": "unknown-device"},
            401,
            "device_unknown",
        ),
    ]
    for body, request_headers, status, code in cases:
        served_by_flask.clear()
        response = client.post("/api/v1/checkins", json=body, headers=request_headers)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), body
        assert served_by_flask == [1]
    for body in ("{not json", "[" * 2000 + "]" * 2000, '{"a":' * 1500 + "1" + "}" * 1500, b"\xff\xfe"):
        response = client.post(
            "/api/v1/checkins", data=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 0  # nothing written


def test_lane_hands_over_when_the_token_use_is_due_and_when_a_fair_must_open(
    db, client, make_fair, ticket, token_for, served_by_flask
):
    _user, headers = token_for("gate")  # never used: its first use is written by the view
    fair = make_fair()
    _registration, payload = ticket(fair)
    assert (
        client.post(
            "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers
        ).get_json()["result"]
        == "ok"
    )
    assert served_by_flask == [1]
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None
    # A published fair whose start has passed opens on its first scan (written through the Session).
    starts = utcnow().replace(microsecond=0) - timedelta(minutes=5)
    opening = make_fair(status=FairStatus.PUBLISHED, opened_at=None, starts_at=starts)
    _registration, early = ticket(opening)
    served_by_flask.clear()
    assert (
        client.post(
            "/api/v1/checkins", json={"fair_id": opening.id, "qr_payload": early}, headers=headers
        ).get_json()["result"]
        == "ok"
    )
    assert served_by_flask == [1]
    db.session.refresh(opening)
    assert opening.status == FairStatus.OPEN


def test_lane_answers_carry_the_security_headers(client, make_fair, ticket, used_token, served_by_flask):
    _user, headers = used_token()
    fair = make_fair()
    _registration, payload = ticket(fair)
    response = client.post(
        "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers
    )
    assert served_by_flask == []
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers


def test_refused_scans_are_committed_with_normal_sync_and_check_ins_with_full(
    app, db, client, make_fair, ticket, used_token
):
    """A refusal's record may be committed with synchronous=NORMAL; the connection is FULL again once
    the pool has it back, and a check-in is always FULL."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's synchronous setting")
    seen = []

    @sa.event.listens_for(db.engine, "checkin")
    def _after(dbapi_connection, _record):
        seen.append(dbapi_connection.execute("PRAGMA synchronous").fetchone()[0])

    _user, headers = used_token()
    fair = make_fair()
    _registration, payload = ticket(fair)
    for _ in range(2):
        client.post("/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": payload}, headers=headers)
    sa.event.remove(db.engine, "checkin", _after)
    assert seen and set(seen) == {2}  # 2 = FULL, whenever a connection is back in the pool
