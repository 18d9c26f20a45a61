"""Walk-in registration by staff at /manage/fairs/<id>/walk-in."""

import re

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Channel, Registration
from tests.attendees.conftest import BACH_QUANG, SONG_CONG
from tests.conftest import csrf_token_from, static_url


def walk_in_data(html: str, **overrides) -> dict:
    data = {
        "csrf_token": csrf_token_from(html),
        "full_name": "Hoàng Văn Nam",
        "phone": "0987654321",
        "birth_year": "1988",
        "birth_date": "1988-04-02",
        "gender": "male",
        "ward_code": BACH_QUANG,
        "citizen_id": "019088004321",
        "address": "Tổ 5, phường Bách Quang",
        "priority_group": "poor",
        "consent_personal_data": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("employer", 403), ("school", 403), ("gate", 200), ("organiser", 200), ("admin", 200)],
)
def test_who_may_open_the_walk_in_page(client, auth, make_fair, role, status):
    fair = make_fair()
    if role == "employer":
        auth.login(role, employer_id=_employer_id())
    elif role == "school":
        auth.login(role, school_id=_school_id())
    elif role == "organiser":
        auth.login(role, ward_codes=[BACH_QUANG])  # an organiser without wards sees no fair
    elif role:
        auth.login(role)
    response = client.get(f"/manage/fairs/{fair.id}/walk-in")
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]


def _employer_id():
    from fairapp.extensions import db
    from fairapp.partners.models import Employer, PartnerStatus

    employer = Employer(name="Công ty A", tax_code="0100109106", status=PartnerStatus.APPROVED)
    db.session.add(employer)
    db.session.commit()
    return employer.id


def _school_id():
    from fairapp.extensions import db
    from fairapp.partners.models import PartnerStatus, School

    school = School(name="Trường nghề", status=PartnerStatus.APPROVED)
    db.session.add(school)
    db.session.commit()
    return school.id


def test_page_has_the_scanner_and_short_form(client, auth, make_fair):
    fair = make_fair()
    auth.login("gate")
    html = client.get(f"/manage/fairs/{fair.id}/walk-in").get_data(as_text=True)
    assert "data-qr-camera" in html and "Quét CCCD" in html and re.search(static_url("js/qr-camera.js"), html)
    assert "Người lao động đã đồng ý" in html
    assert "<script>" not in html.replace("<script src=", "")  # no inline JavaScript


def test_walk_in_registers_with_channel_and_staff(client, auth, db, make_fair):
    fair = make_fair(capacity=1)
    user = auth.login("gate")
    html = client.get(f"/manage/fairs/{fair.id}/walk-in").get_data(as_text=True)
    response = client.post(f"/manage/fairs/{fair.id}/walk-in", data=walk_in_data(html))
    assert response.status_code == 303
    registration = db.session.scalar(sa.select(Registration))
    assert registration.channel == Channel.WALK_IN and registration.created_by == user.id
    attendee = registration.attendee
    assert (attendee.citizen_id, str(attendee.birth_date), attendee.address) == (
        "019088004321",
        "1988-04-02",
        "Tổ 5, phường Bách Quang",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "data-walk-in-done" in page and "Hoàng Văn Nam" in page

    # capacity (1) does not stop walk-ins
    second = client.post(
        f"/manage/fairs/{fair.id}/walk-in",
        data=walk_in_data(html, full_name="Lò Thị Mai", gender="female", citizen_id="", phone="0977654321"),
    )
    assert second.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 2


def test_walk_in_needs_the_consent_box_and_keeps_input(client, auth, db, make_fair):
    fair = make_fair()
    auth.login("organiser", ward_codes=[BACH_QUANG])
    html = client.get(f"/manage/fairs/{fair.id}/walk-in").get_data(as_text=True)
    response = client.post(
        f"/manage/fairs/{fair.id}/walk-in",
        data=walk_in_data(html, consent_personal_data=None, citizen_id="019089004321"),
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "cần đồng ý" in body and "năm sinh 1988" in body
    assert 'value="Hoàng Văn Nam"' in body
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 0


@pytest.mark.parametrize("status", ["draft", "closed", "cancelled"])
def test_walk_in_refused_outside_published_or_open(client, auth, db, make_fair, status):
    fair = make_fair(status=status)
    auth.login("admin")
    response = client.get(f"/manage/fairs/{fair.id}/walk-in")
    assert response.status_code == 409 and "data-refusal" in response.get_data(as_text=True)


def test_organiser_of_another_ward_is_refused(client, auth, make_fair):
    fair = make_fair()
    auth.login("organiser", ward_codes=[SONG_CONG])
    assert client.get(f"/manage/fairs/{fair.id}/walk-in").status_code == 403


def _walk_in(client, fair, **overrides):
    html = client.get(f"/manage/fairs/{fair.id}/walk-in").get_data(as_text=True)
    response = client.post(f"/manage/fairs/{fair.id}/walk-in", data=walk_in_data(html, **overrides))
    assert response.status_code == 303
    return response.headers["Location"]


def test_done_shows_the_ticket_link_only_to_whoever_registered_and_for_minutes(client, auth, db, make_fair):
    fair = make_fair()
    auth.login("gate")
    first_done = _walk_in(client, fair)
    first = db.session.scalar(sa.select(Registration))
    page = client.get(first_done).get_data(as_text=True)
    assert "data-walk-in-done" in page and first.ticket_secret in page

    # Another gate account: the first one's ?done= shows nothing, not even the name.
    auth.logout()
    auth.login("gate")
    page = client.get(first_done).get_data(as_text=True)
    assert "data-walk-in-done" not in page and first.ticket_secret not in page and "Hoàng Văn Nam" not in page
    own_done = _walk_in(
        client, fair, full_name="Lò Thị Mai", gender="female", citizen_id="", phone="0977654321"
    )
    own = db.session.scalar(sa.select(Registration).where(Registration.id != first.id))
    assert own.ticket_secret in client.get(own_done).get_data(as_text=True)
    # Only the registration just made: any other id of the fair (enumerated) shows nothing.
    for registration_id in (first.id, own.id + 1, 0):
        page = client.get(f"/manage/fairs/{fair.id}/walk-in?done={registration_id}").get_data(as_text=True)
        assert "data-walk-in-done" not in page and first.ticket_secret not in page

    # A few minutes later (WALK_IN_TICKET_SECONDS, default 5 minutes) the link is gone.
    with client.session_transaction() as session:
        session["walk_in_done"] = {**session["walk_in_done"], "at": session["walk_in_done"]["at"] - 301}
    page = client.get(own_done).get_data(as_text=True)
    assert "data-walk-in-done" not in page and own.ticket_secret not in page


def test_done_link_window_is_a_setting(app, client, auth, db, make_fair):
    app.config["WALK_IN_TICKET_SECONDS"] = 0
    fair = make_fair()
    auth.login("organiser", ward_codes=[BACH_QUANG])
    done = _walk_in(client, fair)
    with client.session_transaction() as session:
        session["walk_in_done"] = {**session["walk_in_done"], "at": session["walk_in_done"]["at"] - 1}
    assert "data-walk-in-done" not in client.get(done).get_data(as_text=True)
