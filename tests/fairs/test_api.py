"""The fair endpoints of DESIGN §7: shapes, error codes, conflicts and the access table."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.auth import services as auth_services
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from tests.fairs.conftest import BACH_QUANG, SONG_CONG


@pytest.fixture()
def bearer(make_user, db):
    """bearer(role, **user fields) → (headers, user)."""

    def make(role="admin", **overrides):
        user = make_user(role, **overrides)
        _token, secret = auth_services.issue_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}, user

    return make


def _body(**overrides):
    start = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    return {
        "title": "Phiên giao dịch việc làm Bách Quang",
        "ward_code": BACH_QUANG,
        "venue": "Nhà văn hoá tổ dân phố Mỏ Chè 2",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=4)).isoformat(),
        "capacity": 200,
        **overrides,
    }


def test_create_publish_open_close_round_trip(client, bearer, db):
    headers, _ = bearer("organiser", ward_codes=[BACH_QUANG])
    created = client.post(
        "/api/v1/fairs",
        json=_body(starts_at="2030-03-07T07:30:00+07:00", ends_at="2030-03-07T11:30:00+07:00"),
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert data["status"] == "draft" and data["venue"] == "Nhà văn hoá tổ dân phố Mỏ Chè 2"
    assert data["starts_at"] == "2030-03-07T07:30:00+07:00"
    stored = db.session.get(Fair, data["id"])
    assert stored.starts_at.isoformat() == "2030-03-07T00:30:00+00:00"
    for action, status in (("publish", "published"), ("open", "open"), ("close", "closed")):
        response = client.post(f"/api/v1/fairs/{data['id']}/{action}", headers=headers)
        assert response.status_code == 200 and response.get_json() == {"id": data["id"], "status": status}
    again = client.post(f"/api/v1/fairs/{data['id']}/open", headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "fair_read_only"


def test_list_and_get(client, bearer, make_fair):
    mine = make_fair(
        ward_code=BACH_QUANG, status=FairStatus.PUBLISHED, starts_at=utcnow() + timedelta(days=3)
    )
    other = make_fair(ward_code=SONG_CONG, starts_at=utcnow() + timedelta(days=3))
    headers, _ = bearer("gate")
    items = client.get("/api/v1/fairs", headers=headers).get_json()["items"]
    assert {item["id"] for item in items} == {mine.id, other.id}
    filtered = client.get(f"/api/v1/fairs?ward_code={SONG_CONG}&status=draft", headers=headers)
    assert [item["id"] for item in filtered.get_json()["items"]] == [other.id]
    assert client.get("/api/v1/fairs/999999", headers=headers).status_code == 404
    bad = client.get("/api/v1/fairs?status=nonsense", headers=headers)
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]


def test_organiser_lists_and_reads_only_their_wards(client, bearer, make_fair):
    mine = make_fair(
        ward_code=BACH_QUANG, status=FairStatus.PUBLISHED, starts_at=utcnow() + timedelta(days=3)
    )
    other = make_fair(ward_code=SONG_CONG, starts_at=utcnow() + timedelta(days=3))
    organiser, _ = bearer("organiser", ward_codes=[BACH_QUANG])
    assert [i["id"] for i in client.get("/api/v1/fairs", headers=organiser).get_json()["items"]] == [mine.id]
    assert client.get(f"/api/v1/fairs/{mine.id}", headers=organiser).get_json()["status"] == "published"
    refused = client.get(f"/api/v1/fairs/{other.id}", headers=organiser)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "ward_not_allowed"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        (
            {"ends_at": "2030-03-07T07:00:00+07:00", "starts_at": "2030-03-07T08:00:00+07:00"},
            "end_before_start",
            "ends_at",
        ),
        (
            {"starts_at": "2020-03-07T08:00:00+07:00", "ends_at": "2020-03-07T10:00:00+07:00"},
            "start_in_past",
            "starts_at",
        ),
        ({"capacity": 0}, "capacity_not_positive", "capacity"),
        ({"ward_code": "99999"}, "unknown_ward", "ward_code"),
        ({"starts_at": "2030-03-07T08:00:00"}, "validation_error", "starts_at"),
        ({"title": None}, "validation_error", "title"),
    ],
)
def test_bad_input_is_refused_with_codes_and_fields(client, bearer, db, overrides, code, field):
    headers, _ = bearer()
    response = client.post("/api/v1/fairs", json=_body(**overrides), headers=headers)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code and field in error["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Fair)) == 0


def test_publish_without_venue_names_the_venue_field(client, bearer, make_fair):
    fair = make_fair(venue_name=None)
    headers, _ = bearer()
    response = client.post(f"/api/v1/fairs/{fair.id}/publish", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "venue_required"
    assert "venue" in response.get_json()["error"]["fields"]


def test_conflict_is_409_with_the_clashes_unless_forced(client, bearer, db):
    headers, _ = bearer()
    first = client.post("/api/v1/fairs", json=_body(), headers=headers).get_json()
    clash = client.post("/api/v1/fairs", json=_body(venue="NHA VAN HOA TO DAN PHO MO CHE 2"), headers=headers)
    assert clash.status_code == 409
    error = clash.get_json()["error"]
    assert error["code"] == "conflict"
    assert error["conflicts"][0]["fair_id"] == first["id"] and error["conflicts"][0]["kind"] == "same_venue"
    forced = client.post("/api/v1/fairs", json=_body(force=True), headers=headers)
    assert forced.status_code == 201
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Fair)) == 2


def test_cancel_needs_a_reason(client, bearer, make_fair, db):
    fair = make_fair(starts_at=utcnow() + timedelta(days=2))
    headers, _ = bearer()
    missing = client.post(f"/api/v1/fairs/{fair.id}/cancel", json={}, headers=headers)
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    blank = client.post(f"/api/v1/fairs/{fair.id}/cancel", json={"reason": " "}, headers=headers)
    assert blank.get_json()["error"]["code"] == "reason_required"
    done = client.post(f"/api/v1/fairs/{fair.id}/cancel", json={"reason": "Mưa lớn"}, headers=headers)
    assert done.get_json() == {"id": fair.id, "status": "cancelled"}
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).cancel_reason == "Mưa lớn"


# --- the access table ------------------------------------------------------------------------------

WRITES = [
    ("post", "/api/v1/fairs", True),
    ("post", "/api/v1/fairs/{id}/publish", False),
    ("post", "/api/v1/fairs/{id}/cancel", False),
]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("gate", 403),
        ("employer", 403),
        ("school", 403),
        ("organiser_other_ward", 403),
        ("organiser", None),
        ("admin", None),
    ],
)
@pytest.mark.parametrize(("method", "path", "is_create"), WRITES)
def test_write_access_table(client, bearer, make_fair, db, who, expected, method, path, is_create):
    fair = make_fair(ward_code=BACH_QUANG, starts_at=utcnow() + timedelta(days=2))
    headers = {}
    if who == "organiser_other_ward":
        headers, _ = bearer("organiser", ward_codes=[SONG_CONG])
    elif who == "organiser":
        headers, _ = bearer("organiser", ward_codes=[BACH_QUANG])
    elif who != "anonymous":
        headers, _ = bearer(who)
    body = _body() if is_create else {"reason": "Trùng lịch họp"}
    response = client.open(path.format(id=fair.id), method=method, json=body, headers=headers)
    if expected is None:
        assert response.status_code in (200, 201), response.get_json()
    else:
        assert response.status_code == expected, response.get_json()
        refused = "ward_not_allowed" if who == "organiser_other_ward" else "forbidden"
        code = {401: "unauthorized", 403: refused}
        assert response.get_json()["error"]["code"] == code[expected]
        db.session.expire_all()
        assert db.session.get(Fair, fair.id).status == FairStatus.DRAFT
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Fair)) == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("employer", 403),
        ("school", 403),
        ("gate", 200),
        ("organiser", 200),
        ("admin", 200),
    ],
)
def test_read_access_table(client, bearer, make_fair, who, expected):
    fair = make_fair()
    headers = (
        {}
        if who == "anonymous"
        else bearer(who, **({"ward_codes": [BACH_QUANG]} if who == "organiser" else {}))[0]
    )
    assert client.get("/api/v1/fairs", headers=headers).status_code == expected
    assert client.get(f"/api/v1/fairs/{fair.id}", headers=headers).status_code == expected


def test_openapi_documents_the_fair_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/fairs",
        "/api/v1/fairs/{fair_id}",
        "/api/v1/fairs/{fair_id}/publish",
        "/api/v1/fairs/{fair_id}/cancel",
    ):
        assert path in spec["paths"], sorted(spec["paths"])
    assert "FairCreate" in spec["components"]["schemas"]
