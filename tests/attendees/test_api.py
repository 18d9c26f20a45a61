"""POST /api/v1/fairs/{id}/registrations (DESIGN §7): shapes, codes, channels, limits."""

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import Channel, Registration
from fairapp.auth import services as auth_services
from fairapp.tickets.signing import verify
from tests.attendees.conftest import SONG_CONG, person


@pytest.fixture()
def bearer_for(db):
    def issue(user):
        _token, secret = auth_services.issue_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return issue


def url(fair):
    return f"/api/v1/fairs/{fair.id}/registrations"


def test_created_then_the_same_registration_again(client, db, make_fair):
    fair = make_fair()
    response = client.post(url(fair), json=person(desired_jobs="Thợ may"))
    assert response.status_code == 201, response.json
    body = response.json
    registration = db.session.get(Registration, body["registration_id"])
    assert body["attendee_id"] == registration.attendee_id
    assert body["created"] is True and body["channel"] == "online"
    claims = verify(body["ticket"]["qr_payload"])
    assert (claims.fair_id, claims.registration_id, claims.nonce) == (
        fair.id,
        registration.id,
        registration.ticket_nonce,
    )
    assert body["ticket"]["url"] == f"http://localhost/t/{registration.ticket_secret}"

    # the public again: that it is so, the phone's last three digits, and nothing else
    again = client.post(url(fair), json=person(phone="+84912345678"))
    assert again.status_code == 200
    assert again.json == {"already_registered": True, "phone_hint": "\u2026678"}


def test_staff_get_the_same_registration_again(client, db, make_fair, make_user, bearer_for):
    fair = make_fair()
    body = client.post(url(fair), json=person()).json
    again = client.post(url(fair), json=person(phone="+84912345678"), headers=bearer_for(make_user("gate")))
    assert again.status_code == 200
    assert again.json["registration_id"] == body["registration_id"] and again.json["created"] is False
    assert again.json["ticket"] == body["ticket"] and again.json["already_registered"] is True


def test_validation_errors_are_422_per_field(client, db, make_fair):
    response = client.post(
        url(make_fair()),
        json=person(
            phone="02083855123",
            citizen_id="019196001234",
            full_name="   ",
            ward_code="00000",
            priority_group="rich",
            consent_personal_data=False,
        ),
    )
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {
        "phone",
        "citizen_id",
        "full_name",
        "ward_code",
        "priority_group",
        "consent_personal_data",
    }
    assert error["fields"]["phone"].startswith("Số điện thoại:")


def test_missing_and_mistyped_fields_are_422(client, db, make_fair):
    response = client.post(url(make_fair()), json={"full_name": "Lan", "birth_year": "năm"})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert {"phone", "gender", "ward_code", "consent_personal_data", "birth_year"} <= set(fields)
    assert client.post(url(make_fair()), data="{", content_type="application/json").status_code == 400


def test_english_messages_on_request(client, db, make_fair):
    response = client.post(url(make_fair()) + "?lang=en", json=person(phone="123"))
    assert response.status_code == 422 and "phone" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("status", "code"),
    [("draft", "fair_not_published"), ("closed", "fair_closed"), ("cancelled", "fair_cancelled")],
)
def test_fair_status_refusals(client, db, make_fair, status, code):
    response = client.post(url(make_fair(status=status)), json=person())
    assert response.status_code == 409 and response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_unknown_fair_is_404(client, db):
    response = client.post("/api/v1/fairs/999999/registrations", json=person())
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_capacity_for_the_public_not_for_staff(client, db, make_fair, make_user, bearer_for):
    fair = make_fair(capacity=1)
    assert client.post(url(fair), json=person()).status_code == 201
    second = person(full_name="Trần Văn Hùng", gender="male", citizen_id=None, phone="0987654321")
    full = client.post(url(fair), json=second)
    assert full.status_code == 409 and full.json["error"]["code"] == "fair_full"
    headers = bearer_for(make_user("gate"))
    staff = client.post(url(fair), json=second, headers=headers)
    assert staff.status_code == 201 and staff.json["channel"] == "staff"
    walk_in = client.post(
        url(fair),
        headers=headers,
        json={**person(full_name="Lò Thị Mai", citizen_id=None, phone="0977654321"), "channel": "walk_in"},
    )
    assert walk_in.status_code == 201 and walk_in.json["channel"] == "walk_in"
    assert db.session.get(Registration, walk_in.json["registration_id"]).channel == Channel.WALK_IN


def test_channel_is_for_staff_only(client, db, make_fair):
    response = client.post(url(make_fair()), json={**person(), "channel": "walk_in"})
    assert response.status_code == 201 and response.json["channel"] == "online"


def test_organiser_of_another_ward_is_refused(client, db, make_fair, make_user, bearer_for):
    organiser = make_user("organiser", ward_codes=[SONG_CONG])
    response = client.post(url(make_fair()), json=person(), headers=bearer_for(organiser))
    assert response.status_code == 403


def test_per_phone_limit_and_generous_per_address(app, client, db, make_fair):
    app.config["REGISTRATION_LIMIT_PER_PHONE"] = "3 per hour"
    app.config["REGISTRATION_LIMIT_PER_ADDRESS"] = "600 per minute"
    fair = make_fair()
    codes = [client.post(url(fair), json=person()).status_code for _ in range(3)]
    assert codes == [201, 200, 200]  # the repeats: already registered
    limited = client.post(url(fair), json=person(phone="+84 912 345 678"))
    assert limited.status_code == 429 and limited.json["error"]["code"] == "rate_limited"
    # twenty other people through the same address are fine
    for n in range(20):
        response = client.post(
            url(fair),
            json=person(full_name=f"Người Thứ {chr(65 + n)}", citizen_id=None, phone=f"09876543{n:02d}"),
        )
        assert response.status_code == 201
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 21


def test_per_address_limit(app, client, db, make_fair):
    app.config["REGISTRATION_LIMIT_PER_ADDRESS"] = "5 per minute"
    fair = make_fair()
    codes = [
        client.post(
            url(fair),
            json=person(full_name=f"Người Thứ {chr(65 + n)}", citizen_id=None, phone=f"09876543{n:02d}"),
        ).status_code
        for n in range(6)
    ]
    assert codes == [201] * 5 + [429]


def test_listed_in_the_openapi_document(client, db):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/fairs/{fair_id}/registrations"]["post"]
    assert {"200", "201", "422"} <= set(operation["responses"])
