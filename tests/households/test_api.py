"""POST /api/v1/households: created, updated by the same code, checked by the list's rules."""

import sqlalchemy as sa

from fairapp.auth import services as auth_services
from fairapp.households.models import Category, Household
from tests.households.conftest import BA_XUYEN, BACH_QUANG, LUONG_SON_OLD


def token_headers(user) -> dict:
    from fairapp.extensions import db

    _token, secret = auth_services.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def body(**overrides) -> dict:
    return {
        "ward_code": BACH_QUANG,
        "household_code": "BQ-100",
        "category": "poor",
        "year": 2026,
        "head_name": "Nguyễn Văn An",
        "members": [
            {"full_name": "Nguyễn Văn An", "birth_year": 1980, "gender": "male"},
            {
                "full_name": "Lê Thị Dung",
                "birth_year": 1975,
                "gender": "female",
                "citizen_id": "019175001234",
            },
        ],
        **overrides,
    }


def test_create_then_update_by_the_same_code(db, client, make_user):
    headers = token_headers(make_user("organiser", ward_codes=[BACH_QUANG]))
    created = client.post("/api/v1/households", json=body(), headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["members"] == 2
    again = client.post(
        "/api/v1/households", json=body(category="near_poor", members=body()["members"][:1]), headers=headers
    )
    assert again.status_code == 200 and again.get_json()["id"] == created.get_json()["id"]
    households = db.session.scalars(sa.select(Household)).all()
    assert len(households) == 1 and households[0].category == Category.NEAR_POOR
    assert [m.active for m in households[0].members] == [True, False]
    # An old commune's list (before the 2025 merger) is a unit of its own within today's ward
    old = client.post("/api/v1/households", json=body(ward_code=LUONG_SON_OLD), headers=headers)
    assert old.status_code == 201 and old.get_json()["ward_code"] == BACH_QUANG


def test_bad_bodies_name_the_field(db, client, make_user):
    headers = token_headers(make_user("organiser", ward_codes=[BACH_QUANG]))
    cases = [
        (body(category="rich"), "category"),
        (body(members=[]), "members"),
        (body(members=[{"full_name": "A", "birth_year": "1990"}]), "members.0.birth_year"),
        (
            body(members=[{"full_name": "Lê Thị Dung", "birth_year": 1976, "citizen_id": "019175001234"}]),
            "members.0.citizen_id",
        ),
        (body(members=[{"full_name": "X\x00Y", "birth_year": 1990}]), "members.0.full_name"),
        (body(ward_code=BA_XUYEN), "ward_code"),
        (body(year="2026"), "year"),
        (body(members=["nobody"]), "members.0"),
    ]
    for payload, field in cases:
        response = client.post("/api/v1/households", json=payload, headers=headers)
        assert response.status_code == 400, (field, response.get_json())
        assert field in response.get_json()["error"]["fields"], (field, response.get_json())
    assert (
        client.post(
            "/api/v1/households", data="[]", headers={**headers, "Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 0


def test_only_staff_may_send_lists(db, client, make_user):
    assert client.post("/api/v1/households", json=body()).status_code == 401
    assert (
        client.post("/api/v1/households", json=body(), headers=token_headers(make_user("gate"))).status_code
        == 403
    )
