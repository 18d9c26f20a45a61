"""The desk's privacy actions on a registration's detail page: withdraw consent, erase with a reason,
decide erasure requests, reissue a ticket; who may do each."""

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Registration
from fairapp.audit.models import AuditEntry
from fairapp.privacy import services as privacy
from fairapp.privacy.models import ErasureRequest, ErasureStatus
from fairapp.tickets import signing
from tests.conftest import csrf_token_from
from tests.privacy.conftest import BACH_QUANG, SONG_CONG


def _detail(fair, registration):
    return f"/manage/fairs/{fair.id}/registrations/{registration.id}"


def _token(client):
    return csrf_token_from(client.get("/").get_data(as_text=True))


def _attendee(db, attendee_id):
    db.session.expire_all()
    return db.session.get(Attendee, attendee_id)


def test_the_detail_page_shows_the_desk_actions(client, auth, make_fair, person):
    fair = make_fair()
    registration = person(fair).registrations[0]
    auth.login("organiser", ward_codes=[BACH_QUANG])
    page = client.get(_detail(fair, registration)).get_data(as_text=True)
    for marker in ("data-desk-privacy", "data-reissue", "data-withdraw-consent", "data-erase"):
        assert marker in page
    assert registration.ticket_secret not in page  # the link is shown only right after a reissue


def test_withdraw_consent_at_the_desk(client, auth, db, make_fair, person):
    fair = make_fair()
    attendee = person(fair, make_fair())
    organiser = auth.login("organiser", ward_codes=[BACH_QUANG])

    response = client.post(
        f"{_detail(fair, attendee.registrations[0])}/withdraw-consent", data={"csrf_token": _token(client)}
    )

    assert response.status_code == 302
    assert [r.consent_share_version for r in _attendee(db, attendee.id).registrations] == [None, None]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "consent.withdraw_share"))
    assert entry.actor_id == organiser.id


def test_erase_at_the_desk_needs_a_reason_and_the_check(client, auth, db, make_fair, person):
    fair = make_fair()
    attendee = person(fair)
    url = f"{_detail(fair, attendee.registrations[0])}/erase"
    auth.login("organiser", ward_codes=[BACH_QUANG])
    token = _token(client)

    missing = client.post(url, data={"csrf_token": token, "erase-reason": " ", "erase-checked": "y"})
    unchecked = client.post(url, data={"csrf_token": token, "erase-reason": "Yêu cầu tại bàn"})

    assert missing.status_code == 422 and "Lý do xoá: vui lòng ghi lý do." in missing.get_data(as_text=True)
    assert unchecked.status_code == 422
    assert "Yêu cầu tại bàn" in unchecked.get_data(as_text=True)  # what was typed is kept
    assert _attendee(db, attendee.id).erased_at is None

    done = client.post(
        url, data={"csrf_token": token, "erase-reason": "Yêu cầu tại bàn", "erase-checked": "y"}
    )

    assert done.status_code == 302
    assert _attendee(db, attendee.id).erased_at is not None
    page = client.get(_detail(fair, attendee.registrations[0])).get_data(as_text=True)
    assert "data-erased" in page and "data-erase>" not in page


@pytest.mark.parametrize("action", ["withdraw-consent", "erase", "reissue"])
def test_an_organiser_of_another_ward_is_refused(action, client, auth, db, make_fair, person):
    fair = make_fair()
    attendee = person(fair)
    registration = attendee.registrations[0]
    nonce = registration.ticket_nonce
    auth.login("organiser", ward_codes=[SONG_CONG])

    response = client.post(
        f"{_detail(fair, registration)}/{action}",
        data={"csrf_token": _token(client), "erase-reason": "x", "erase-checked": "y"},
    )

    assert response.status_code == 403
    attendee = _attendee(db, attendee.id)
    assert attendee.erased_at is None and attendee.registrations[0].consent_share_version is not None
    assert attendee.registrations[0].ticket_nonce == nonce


def test_reissue_revokes_the_old_qr_and_shows_the_new_link_once(
    client, auth, db, make_fair, person, token_for
):
    fair = make_fair()
    registration = person(fair).registrations[0]
    old_payload, old_secret = signing.ticket_payload(registration), registration.ticket_secret
    organiser = auth.login("organiser", ward_codes=[BACH_QUANG])

    response = client.post(
        f"{_detail(fair, registration)}/reissue",
        data={"csrf_token": _token(client), "reissue-reason": "Mất điện thoại"},
    )

    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    registration = db.session.get(Registration, registration.id)
    assert registration.ticket_secret != old_secret
    assert f"/t/{registration.ticket_secret}" in response.get_data(as_text=True)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "ticket.reissue"))
    assert entry.actor_id == organiser.id and entry.details["reason"] == "Mất điện thoại"
    _gate, headers = token_for("gate")
    old = client.post(
        "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": old_payload}, headers=headers
    )
    assert old.get_json()["result"] == "revoked"
    new = client.post(
        "/api/v1/checkins",
        json={"fair_id": fair.id, "qr_payload": signing.ticket_payload(registration)},
        headers=headers,
    )
    assert new.get_json()["result"] == "ok"
    assert client.get(f"/t/{old_secret}").status_code == 404
    assert client.get(f"/t/{registration.ticket_secret}").status_code == 200
    assert registration.ticket_secret not in client.get(_detail(fair, registration)).get_data(as_text=True)


def test_gate_staff_cannot_reissue(client, auth, db, make_fair, person):
    fair = make_fair()
    registration = person(fair).registrations[0]
    nonce = registration.ticket_nonce
    auth.login("gate")
    response = client.post(f"{_detail(fair, registration)}/reissue", data={"csrf_token": _token(client)})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).ticket_nonce == nonce


# --- erasure requests ---------------------------------------------------------------------------------


@pytest.fixture()
def requested(db, make_fair, person):
    """A person registered for two fairs who asked for erasure through the second one's link."""
    attendee = person(make_fair(), make_fair(), full_name="Lò Thị Mai")
    request = privacy.ask_erasure(attendee.registrations[1]).request
    db.session.commit()
    return attendee, request


def test_the_list_shows_requests_of_the_organisers_wards(client, auth, requested):
    attendee, request = requested
    auth.login("organiser", ward_codes=[BACH_QUANG])
    page = client.get("/manage/fairs/erasure-requests").get_data(as_text=True)
    assert f'data-request-id="{request.id}"' in page and "Lò Thị Mai" in page
    assert attendee.phone not in page  # masked in the list
    fair_page = client.get(f"/manage/fairs/{request.registration.fair_id}/registrations")
    assert "data-pending-erasures" in fair_page.get_data(as_text=True)

    auth.logout()
    auth.login("organiser", ward_codes=[SONG_CONG])
    page = client.get("/manage/fairs/erasure-requests").get_data(as_text=True)
    assert "Lò Thị Mai" not in page and "data-no-requests" in page


def test_carry_out_a_request_after_checking(client, auth, db, requested):
    attendee, request = requested
    auth.login("organiser", ward_codes=[BACH_QUANG])
    token = _token(client)
    url = f"/manage/fairs/erasure-requests/{request.id}/carry-out"

    client.post(url, data={"csrf_token": token})  # not ticked: nothing happens
    assert _attendee(db, attendee.id).erased_at is None

    response = client.post(url, data={"csrf_token": token, "carry-checked": "y", "carry-note": "Đã xem CCCD"})

    assert response.status_code == 302
    assert _attendee(db, attendee.id).erased_at is not None
    request = db.session.get(ErasureRequest, request.id)
    assert request.status == ErasureStatus.CARRIED_OUT and request.decision_note == "Đã xem CCCD"
    again = client.post(url, data={"csrf_token": token, "carry-checked": "y"}, follow_redirects=True)
    assert "Yêu cầu xoá này đã được xử lý." in again.get_data(as_text=True)


def test_decline_a_request_needs_a_note(client, auth, db, requested):
    attendee, request = requested
    auth.login("admin")
    token = _token(client)
    url = f"/manage/fairs/erasure-requests/{request.id}/decline"

    client.post(url, data={"csrf_token": token, "decline-note": ""})
    assert db.session.get(ErasureRequest, request.id).status == ErasureStatus.PENDING

    client.post(url, data={"csrf_token": token, "decline-note": "Người đến không khớp căn cước"})

    db.session.expire_all()
    request = db.session.get(ErasureRequest, request.id)
    assert request.status == ErasureStatus.DECLINED
    assert request.decision_note == "Người đến không khớp căn cước"
    assert _attendee(db, attendee.id).erased_at is None


@pytest.mark.parametrize("action", ["carry-out", "decline"])
def test_an_organiser_of_another_ward_cannot_decide(action, client, auth, db, requested):
    attendee, request = requested
    auth.login("organiser", ward_codes=[SONG_CONG])
    response = client.post(
        f"/manage/fairs/erasure-requests/{request.id}/{action}",
        data={"csrf_token": _token(client), "carry-checked": "y", "decline-note": "x"},
    )
    assert response.status_code == 403
    assert db.session.get(ErasureRequest, request.id).status == ErasureStatus.PENDING
    assert _attendee(db, attendee.id).erased_at is None
