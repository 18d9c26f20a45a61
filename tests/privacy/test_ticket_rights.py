"""Rights through the ticket link: the section on the ticket page, withdrawing consent, erasure at
once (the link made the record) or as a request for the desk, the confirmation step, CSRF."""

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Registration
from fairapp.audit.models import AuditEntry
from fairapp.privacy.models import ErasureRequest, ErasureStatus
from tests.conftest import csrf_token_from


def _token(client, secret):
    return csrf_token_from(client.get(f"/t/{secret}").get_data(as_text=True))


def test_the_ticket_page_has_the_rights_section(client, make_fair, person):
    registration = person(make_fair()).registrations[0]
    page = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)
    assert "Quyền của bạn với dữ liệu cá nhân" in page
    assert f"/t/{registration.ticket_secret}/rights/share-consent/withdraw" in page
    assert f"/t/{registration.ticket_secret}/rights/erase" in page


def test_withdraw_consent_from_the_ticket_link_clears_every_registration(client, db, make_fair, person):
    attendee = person(make_fair(), make_fair())
    registration = attendee.registrations[0]
    secret = registration.ticket_secret

    response = client.post(
        f"/t/{secret}/rights/share-consent/withdraw", data={"csrf_token": _token(client, secret)}
    )

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/t/{secret}")
    db.session.expire_all()
    registrations = db.session.get(Attendee, attendee.id).registrations
    assert [r.consent_share_version for r in registrations] == [None, None]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "consent.withdraw_share"))
    assert entry.actor_label == "ticket_link" and entry.object_id == str(attendee.id)
    assert sorted(entry.details["withdrawn_on"]) == sorted(r.id for r in attendee.registrations)
    page = client.get(f"/t/{secret}").get_data(as_text=True)
    assert "data-consent-none" in page and "data-withdraw-consent" not in page


def test_without_csrf_nothing_changes(client, db, make_fair, person):
    attendee = person(make_fair())
    secret = attendee.registrations[0].ticket_secret
    for path in ("share-consent/withdraw", "erase/confirm"):
        assert client.post(f"/t/{secret}/rights/{path}").status_code == 400
    db.session.expire_all()
    attendee = db.session.get(Attendee, attendee.id)
    assert attendee.erased_at is None and attendee.registrations[0].consent_share_version is not None


def test_an_unknown_link_is_404(client, db):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    for path in ("share-consent/withdraw", "erase", "erase/confirm"):
        assert client.post(f"/t/nosuchsecret/rights/{path}", data={"csrf_token": token}).status_code == 404


def test_erasure_from_the_only_registration_happens_at_once_after_confirming(client, db, make_fair, person):
    attendee = person(make_fair())
    secret = attendee.registrations[0].ticket_secret
    token = _token(client, secret)

    confirm = client.post(f"/t/{secret}/rights/erase", data={"csrf_token": token})
    assert confirm.status_code == 200
    assert "data-erasure-at-once" in confirm.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Attendee, attendee.id).erased_at is None  # the first step changes nothing

    done = client.post(f"/t/{secret}/rights/erase/confirm", data={"csrf_token": token})

    assert done.status_code == 200 and 'data-erasure="erased"' in done.get_data(as_text=True)
    db.session.expire_all()
    erased = db.session.get(Attendee, attendee.id)
    assert erased.erased_at is not None and erased.full_name == "Đã xoá"
    assert client.get(f"/t/{secret}").status_code == 404  # the link is dead
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendee.erase"))
    assert entry.actor_label == "ticket_link" and entry.details["reason"] == "ticket_link"
    assert db.session.scalar(sa.select(sa.func.count(ErasureRequest.id))) == 0


def test_erasure_of_a_person_with_other_registrations_is_a_request_for_the_desk(
    client, db, make_fair, person
):
    """Whoever registered a victim's details for a new fair holds that link; it must not erase the
    victim's history."""
    victim = person(make_fair(), make_fair())
    secret = victim.registrations[1].ticket_secret
    token = _token(client, secret)

    confirm = client.post(f"/t/{secret}/rights/erase", data={"csrf_token": token})
    assert "data-erasure-request" in confirm.get_data(as_text=True)
    done = client.post(f"/t/{secret}/rights/erase/confirm", data={"csrf_token": token})

    assert done.status_code == 200 and 'data-erasure="requested"' in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Attendee, victim.id).erased_at is None
    request = db.session.scalar(sa.select(ErasureRequest))
    assert (request.attendee_id, request.registration_id, request.status) == (
        victim.id,
        victim.registrations[1].id,
        ErasureStatus.PENDING,
    )
    assert client.get(f"/t/{secret}").status_code == 200  # the ticket still works until the desk acts
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "erasure_request.create"))

    # Asking again: told it is waiting, still one request
    again = client.post(f"/t/{secret}/rights/erase", data={"csrf_token": token})
    assert "data-erasure-pending" in again.get_data(as_text=True)
    client.post(f"/t/{secret}/rights/erase/confirm", data={"csrf_token": token})
    assert db.session.scalar(sa.select(sa.func.count(ErasureRequest.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 2
