"""A citizen ID held by a record with another name: refused online with one message that says nothing
about the holder, and with it for no other reason; audited (masked); limited per address and per
number; shown to staff as a conflict to settle at the desk."""

import pytest
import sqlalchemy as sa

from fairapp.attendees.citizen_ids import PUBLIC_MESSAGE
from fairapp.attendees.models import Attendee, Channel, Registration
from fairapp.audit.models import AuditEntry
from fairapp.auth import services as auth_services
from tests.attendees.conftest import person, register_committed
from tests.conftest import csrf_token_from

HOLDER = person()  # Nguyễn Thị Lan, 019195001234
OTHER_NAME = person(full_name="Lê Thị Mai", phone="0987654321")


def url(fair):
    return f"/api/v1/fairs/{fair.id}/registrations"


@pytest.fixture()
def bearer_for(db):
    def issue(user):
        _token, secret = auth_services.issue_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return issue


def test_refused_online_without_saying_why_and_audited(client, db, make_fair):
    fair = make_fair()
    holder = register_committed(fair.id, HOLDER, channel=Channel.ONLINE).registration
    response = client.post(url(fair), json=OTHER_NAME)
    assert response.status_code == 422
    error = response.json["error"]
    assert set(error) == {"code", "message", "fields"} and error["code"] == "validation_error"
    assert error["fields"] == {"citizen_id": str(PUBLIC_MESSAGE)}
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "registration.citizen_id_conflict")
    )
    assert entry.object_type == "attendees" and entry.object_id == str(holder.attendee_id)
    assert entry.details == {"fair_id": fair.id, "citizen_id": "********1234", "channel": "online"}
    assert entry.actor_label == "online" and "019195001234" not in str(entry.details)
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 1


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (person(phone="0987654321"), 201),  # the holder's own name: the same person
        (person(full_name="NGUYEN THI LAN", phone="0987654321"), 201),  # the same name, folded
        (person(citizen_id="019195001235", full_name="Lê Thị Mai"), 201),  # a number nobody holds
        (person(citizen_id="01919500123", full_name="Lê Thị Mai"), 422),  # malformed
        (person(citizen_id="019196001234", full_name="Lê Thị Mai"), 422),  # does not match the birth year
    ],
)
def test_the_message_means_only_that(client, db, make_fair, raw, status):
    first, second = make_fair(), make_fair()
    register_committed(first.id, HOLDER, channel=Channel.ONLINE)
    response = client.post(url(second), json=raw)
    assert response.status_code == status
    assert str(PUBLIC_MESSAGE) not in response.get_data(as_text=True)


def test_a_closed_fair_says_closed_whoever_holds_the_number(client, db, make_fair):
    register_committed(make_fair().id, HOLDER, channel=Channel.ONLINE)
    response = client.post(url(make_fair(status="closed")), json=OTHER_NAME)
    assert response.status_code == 409 and response.json["error"]["code"] == "fair_closed"


def test_the_ticket_link_gives_the_same_message_next_to_the_field(client, db, make_fair):
    """The web form asks no citizen ID (it comes after the ticket, on the details page): there a
    number held under another name gets the very same refusal, saying nothing of the holder."""
    fair = make_fair()
    register_committed(fair.id, HOLDER, channel=Channel.ONLINE)
    other = register_committed(fair.id, {**OTHER_NAME, "citizen_id": None}, channel=Channel.ONLINE)
    page = f"/t/{other.registration.ticket_secret}/details"
    html = client.get(page).get_data(as_text=True)
    response = client.post(
        page, data={"csrf_token": csrf_token_from(html), "citizen_id": HOLDER["citizen_id"]}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and str(PUBLIC_MESSAGE) in body
    assert "Nguyễn Thị Lan" not in body and "họ tên khác" not in body


def test_limited_per_citizen_id(app, client, db, make_fair):
    app.config["REGISTRATION_LIMIT_PER_CITIZEN_ID"] = "3 per hour"
    fair = make_fair()
    register_committed(fair.id, HOLDER, channel=Channel.ONLINE)
    codes = [
        client.post(
            url(fair),
            json=person(full_name=f"Người thử {n}", phone=f"09876543{n:02d}", citizen_id="019 195 001 234"),
        ).status_code
        for n in range(4)
    ]
    assert codes == [422, 422, 422, 429]
    # another number, and registrations without one, go on
    assert (
        client.post(
            url(fair), json=person(full_name="Lê Thị Mai", phone="0987650000", citizen_id="019195009999")
        ).status_code
        == 201
    )
    assert (
        client.post(
            url(fair), json=person(full_name="Lò Thị Hoa", phone="0987650001", citizen_id=None)
        ).status_code
        == 201
    )


def test_refusals_limited_per_address_only_for_requests_with_a_citizen_id(app, client, db, make_fair):
    app.config["CITIZEN_ID_REFUSALS_PER_ADDRESS"] = "2 per hour"
    fair = make_fair()
    holders = ["019195001234", "019195001235", "019195001236"]
    for n, number in enumerate(holders):
        register_committed(
            fair.id,
            person(full_name=f"Chủ Số {chr(65 + n)}", phone=f"09123400{n:02d}", citizen_id=number),
            channel=Channel.ONLINE,
        )

    def probe(number, n):
        return client.post(
            url(fair),
            json=person(full_name=f"Kẻ Dò {chr(65 + n)}", phone=f"09876500{n:02d}", citizen_id=number),
        ).status_code

    # registrations that are not refused do not count
    assert probe("019195007777", 10) == 201 and probe("019195007778", 11) == 201
    assert [probe(number, n) for n, number in enumerate(holders)] == [422, 422, 429]
    assert probe("019195007779", 12) == 429  # any number from this address, for now
    assert (
        client.post(
            url(fair), json=person(full_name="Lò Thị Hoa", phone="0987650001", citizen_id=None)
        ).status_code
        == 201
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                AuditEntry.action == "registration.citizen_id_conflict"
            )
        )
        == 2
    )


def test_staff_see_the_conflict_with_its_code(client, db, make_fair, make_user, bearer_for):
    fair = make_fair()
    register_committed(fair.id, HOLDER, channel=Channel.ONLINE)
    gate = make_user("gate")
    response = client.post(url(fair), json=OTHER_NAME, headers=bearer_for(gate))
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "citizen_id_conflict" and "họ tên khác" in error["fields"]["citizen_id"]
    assert "Nguyễn Thị Lan" not in str(error)
    # and the holder's record is left as it was (staff used to overwrite it with the new name)
    attendee = db.session.scalar(sa.select(Attendee))
    assert (attendee.full_name, attendee.phone) == ("Nguyễn Thị Lan", "0912345678")
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "registration.citizen_id_conflict")
    )
    assert entry.actor_id == gate.id and entry.details["channel"] == "staff"


def test_the_walk_in_page_points_to_the_desk(client, db, auth, make_fair):
    fair = make_fair()
    register_committed(fair.id, HOLDER, channel=Channel.ONLINE)
    auth.login("gate")
    html = client.get(f"/manage/fairs/{fair.id}/walk-in").get_data(as_text=True)
    data = {key: str(value) for key, value in OTHER_NAME.items() if not isinstance(value, bool)}
    data.update(csrf_token=csrf_token_from(html), consent_personal_data="y")
    response = client.post(f"/manage/fairs/{fair.id}/walk-in", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "data-citizen-id-conflict" in body
    assert f'action="/manage/fairs/{fair.id}/desk/citizen-id"' in body
    assert 'name="citizen_id" value="019195001234"' in body
