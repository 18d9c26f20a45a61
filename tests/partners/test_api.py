"""API: employers, vacancies, schools, booths; the access table and tenancy."""

import pytest
import sqlalchemy as sa

from fairapp.booths.models import Booth, BoothStatus
from fairapp.partners.models import Vacancy
from tests.partners.conftest import BACH_QUANG, TAX_A, TAX_B


@pytest.fixture()
def world(db, make_user, make_employer, make_school, published_fair, bearer):
    a, b = make_employer(), make_employer()
    school = make_school()
    users = {
        "admin": make_user("admin"),
        "organiser": make_user("organiser", ward_codes=[BACH_QUANG]),
        "gate": make_user("gate"),
        "employer_a": make_user("employer", employer_id=a.id),
        "employer_b": make_user("employer", employer_id=b.id),
        "school": make_user("school", school_id=school.id),
    }
    return {
        "a": a,
        "b": b,
        "school": school,
        "fair": published_fair(),
        "h": {name: bearer(user) for name, user in users.items()},
    }


def test_organiser_creates_an_approved_employer(client, world):
    response = client.post(
        "/api/v1/employers",
        headers=world["h"]["organiser"],
        json={"name": "Công ty TNHH Điện tử Sông Công", "tax_code": "0100000003-002"},
    )
    assert response.status_code == 201
    assert response.json["status"] == "approved" and response.json["tax_code"] == "0100000003-002"


def test_employer_errors(client, world):
    response = client.post(
        "/api/v1/employers", headers=world["h"]["admin"], json={"name": "X", "tax_code": TAX_A}
    )
    assert response.status_code == 409 and response.json["error"]["code"] == "employer_exists"
    response = client.post(
        "/api/v1/employers",
        headers=world["h"]["admin"],
        json={"name": "", "tax_code": "01012345AB", "email": "sai"},
    )
    error = response.json["error"]
    assert response.status_code == 422 and error["code"] == "invalid_tax_code"
    assert {"name", "tax_code", "email"} <= set(error["fields"])
    response = client.post("/api/v1/employers", headers=world["h"]["admin"], json={"name": "Y"})
    assert response.status_code == 422 and "tax_code" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 201),
        ("organiser", 201),
        ("employer_a", 201),
        ("employer_b", 404),
        ("school", 403),
        ("gate", 403),
        (None, 401),
    ],
)
def test_vacancy_access_table(client, world, who, status):
    headers = world["h"][who] if who else {}
    response = client.post(
        f"/api/v1/employers/{world['a'].id}/vacancies",
        headers=headers,
        json={"title": "Công nhân lắp ráp", "quantity": 10, "salary_min": 6_000_000, "salary_max": 7_500_000},
    )
    assert response.status_code == status, response.json


def test_vacancy_rules_through_the_api(client, world, db):
    url = f"/api/v1/employers/{world['a'].id}/vacancies"
    response = client.post(
        url,
        headers=world["h"]["employer_a"],
        json={
            "title": "Bảo vệ",
            "quantity": 0,
            "salary_min": 8_000_000,
            "salary_max": 6_000_000,
            "deadline": "2020-01-01",
        },
    )
    error = response.json["error"]
    assert response.status_code == 422 and {"quantity", "salary_max", "deadline"} <= set(error["fields"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vacancy)) == 0
    response = client.post(
        url,
        headers=world["h"]["employer_a"],
        json={"title": "Bảo vệ", "quantity": 2, "fair_ids": [world["fair"].id]},
    )
    assert response.status_code == 201 and response.json["fair_ids"] == [world["fair"].id]


def test_tenancy_in_reads(client, world, db, make_user):
    from fairapp.partners import services

    services.create_vacancy(world["b"], {"title": "Vị trí của B", "quantity": 1}, by=make_user("admin"))
    db.session.commit()
    h = world["h"]["employer_a"]
    assert client.get(f"/api/v1/employers/{world['b'].id}", headers=h).status_code == 404
    assert client.get(f"/api/v1/employers/{world['b'].id}/vacancies", headers=h).status_code == 404
    listing = client.get("/api/v1/employers", headers=h).json["items"]
    assert [e["id"] for e in listing] == [world["a"].id]
    assert client.get(f"/api/v1/employers/{world['a'].id}", headers=h).json["tax_code"] == world["a"].tax_code
    assert client.get("/api/v1/employers", headers=world["h"]["school"]).status_code == 403
    assert client.get(f"/api/v1/schools/{world['school'].id}", headers=h).status_code == 403


def test_schools_and_booths(client, world, db):
    response = client.post(
        "/api/v1/schools",
        headers=world["h"]["organiser"],
        json={"name": "Trường Cao đẳng Công nghiệp Việt Đức"},
    )
    assert response.status_code == 201 and response.json["status"] == "approved"
    assert (
        client.post("/api/v1/schools", headers=world["h"]["employer_a"], json={"name": "X"}).status_code
        == 403
    )
    fair = world["fair"]
    response = client.post(
        f"/api/v1/fairs/{fair.id}/booths",
        headers=world["h"]["organiser"],
        json={"employer_id": world["b"].id, "label": "A1"},
    )
    assert response.status_code == 201 and response.json["status"] == "confirmed"
    response = client.post(
        f"/api/v1/fairs/{fair.id}/booths",
        headers=world["h"]["organiser"],
        json={"school_id": world["school"].id, "label": "A1"},
    )
    assert response.status_code == 409 and response.json["error"]["code"] == "label_taken"
    response = client.post(
        f"/api/v1/fairs/{fair.id}/booths",
        headers=world["h"]["employer_a"],
        json={"employer_id": world["a"].id},
    )
    assert response.status_code == 201 and response.json["status"] == "applied"
    response = client.post(
        f"/api/v1/fairs/{fair.id}/booths",
        headers=world["h"]["employer_a"],
        json={"employer_id": world["b"].id},
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/fairs/{fair.id}/booths",
        headers=world["h"]["employer_a"],
        json={"employer_id": world["a"].id},
    )
    assert response.status_code == 409 and response.json["error"]["code"] == "booth_exists"
    statuses = set(db.session.scalars(sa.select(Booth.status)))
    assert statuses == {BoothStatus.CONFIRMED, BoothStatus.APPLIED}
    listing = client.get(f"/api/v1/fairs/{fair.id}/booths", headers=world["h"]["admin"]).json["items"]
    assert len(listing) == 2
    assert client.get(f"/api/v1/fairs/{fair.id}/booths", headers=world["h"]["employer_a"]).status_code == 403


def test_duplicate_tax_b_message_mentions_contact(client, world):
    response = client.post(
        "/api/v1/employers", headers=world["h"]["admin"], json={"name": "Z", "tax_code": TAX_B}
    )
    assert "liên hệ" in response.json["error"]["message"]
