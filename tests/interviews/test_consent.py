"""The consent boundary at the booth: what an employer's answers may hold (asserted on the raw bytes),
and consent given on the job seeker's own phone, for one employer only."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from fairapp.attendees.models import PriorityGroup
from fairapp.interviews import consent
from fairapp.interviews.models import BoothConsent
from fairapp.modelbase import utcnow
from tests.conftest import csrf_token_from

CITIZEN_ID, ADDRESS, HOUSEHOLD = "019190001234", "Tổ 5, Mỏ Chè 2, số nhà 17", "HN-2025-0042"


@pytest.fixture()
def person(db, ticket):
    """person(fair, share=False) → (registration, payload) of someone from a poor household, with a
    citizen ID, an address and a household code."""

    def make(fair, share=False):
        registration, payload = ticket(fair, "Trần Thị Mai Hương", priority_group=PriorityGroup.POOR)
        attendee = registration.attendee
        attendee.citizen_id, attendee.address, attendee.household_code = CITIZEN_ID, ADDRESS, HOUSEHOLD
        attendee.education_level, attendee.qualification = "upper_secondary", "short_course"
        registration.desired_jobs = "Công nhân may"
        if share:
            registration.consent_share_version, registration.consent_share_at = "2026-12-v1", utcnow()
        db.session.commit()
        return registration, payload

    return make


def assert_nothing_private(raw: bytes, phone: str):
    text = raw.decode()
    for secret in (
        CITIZEN_ID,
        ADDRESS,
        HOUSEHOLD,
        phone,
        "priority",
        "poor",
        "household",
        "citizen",
        "phone",
    ):
        assert secret not in text, secret


def _scan(client, fair, booth, payload):
    return client.post(
        f"/api/v1/fairs/{fair.id}/booth-scans", json={"qr_payload": payload}, headers=booth.headers
    )


def test_without_consent_the_booth_sees_an_initial_and_the_ticket_number(
    client, make_fair, make_booth, person
):
    fair = make_fair()
    booth = make_booth(fair)
    registration, payload = person(fair)
    answer = _scan(client, fair, booth, payload)
    assert answer.status_code == 200
    card = answer.get_json()["candidate"]
    assert card["name"] == "H." and card["shared"] is False
    assert card["ticket_number"] == f"{registration.id:06d}"
    assert card["age"] is None and card["desired_jobs"] is None
    assert "Trần" not in answer.get_data(as_text=True) and "Hương" not in answer.get_data(as_text=True)
    assert answer.get_json()["consent_url"] and answer.get_json()["consent_qr"].startswith(
        "data:image/png;base64,"
    )
    assert_nothing_private(answer.data, registration.attendee.phone)


def test_with_consent_the_card_shows_the_profile_and_still_nothing_private(
    client, make_fair, make_booth, person
):
    fair = make_fair()
    booth = make_booth(fair)
    registration, payload = person(fair, share=True)
    answer = _scan(client, fair, booth, payload)
    card = answer.get_json()["candidate"]
    assert card["name"] == "Trần Thị Mai Hương" and card["shared"] is True
    assert card["desired_jobs"] == "Công nhân may" and card["age"] == utcnow().year - 1990
    assert card["education_label"] and card["ward"] == "Phường Bách Quang"
    assert "consent_url" not in answer.get_json()
    recorded = client.post(
        f"/api/v1/fairs/{fair.id}/interviews",
        json={"qr_payload": payload, "outcome": "offered"},
        headers=booth.headers,
    )
    listed = client.get(f"/api/v1/fairs/{fair.id}/interviews", headers=booth.headers)
    for raw in (answer.data, recorded.data, listed.data):
        assert_nothing_private(raw, registration.attendee.phone)


def _agree(phone_client, url: str, ticket_text: str):
    page = phone_client.get(url)
    assert page.status_code == 200
    return phone_client.post(
        url, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "ticket": ticket_text}
    )


def test_consent_on_the_job_seekers_phone_unlocks_the_card_for_that_employer_only(
    app, client, db, make_fair, make_booth, person
):
    fair = make_fair()
    a, b = make_booth(fair), make_booth(fair)
    registration, payload = person(fair)
    link = _scan(client, fair, a, payload).get_json()["consent_url"]
    path = link.split("://", 1)[1].split("/", 1)[1]
    phone = app.test_client()
    agreed = _agree(phone, "/" + path, f"https://viec.example/t/{registration.ticket_secret}")
    assert agreed.status_code == 302 and agreed.headers["Location"].endswith(
        f"/t/{registration.ticket_secret}"
    )
    assert _scan(client, fair, a, payload).get_json()["candidate"]["name"] == "Trần Thị Mai Hương"
    assert _scan(client, fair, b, payload).get_json()["candidate"]["name"] == "H."
    given = db.session.scalar(sa.select(BoothConsent))
    assert given.booth_id == a.booth.id and given.version == "2026-12-v1"
    # withdrawn through the ticket link's service: the initial again, the record of it kept
    consent.withdraw(registration, a.booth.id)
    db.session.commit()
    assert _scan(client, fair, a, payload).get_json()["candidate"]["name"] == "H."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoothConsent)) == 1


def test_the_booths_own_phone_cannot_agree_for_the_job_seeker(
    app, client, db, make_fair, make_booth, person, ticket
):
    fair = make_fair()
    booth = make_booth(fair)
    _registration, payload = person(fair)
    someone_else, _other = ticket(fair, "Lê Văn Nam")
    link = _scan(client, fair, booth, payload).get_json()["consent_url"]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    phone = app.test_client()
    for text in ("", "not-a-ticket", someone_else.ticket_secret):
        refused = _agree(phone, path, text)
        assert refused.status_code == 403 and "data-consent-error" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoothConsent)) == 0


def test_a_forged_or_expired_consent_link_is_not_found(app, client, make_fair, make_booth, person):
    fair = make_fair()
    booth = make_booth(fair)
    registration, _payload = person(fair)
    assert client.get("/consent/forged-token").status_code == 404
    made_at = int((utcnow() - timedelta(seconds=consent.CONSENT_LINK_MAX_AGE + 60)).timestamp())

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return made_at

    expired = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="fairapp.booth-consent", signer=Earlier)
    current = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="fairapp.booth-consent")
    ids = [booth.booth.id, registration.id]
    assert client.get(f"/consent/{expired.dumps(ids)}").status_code == 404
    assert client.get(f"/consent/{current.dumps(ids)}").status_code == 200


def test_a_ticket_text_with_a_nul_is_no_ticket_on_every_database(
    app, client, db, make_fair, make_booth, person
):
    """A NUL in a ticket link's secret reached the database, and PostgreSQL failed the request (500)."""
    fair = make_fair()
    booth = make_booth(fair)
    _registration, payload = person(fair)
    link = _scan(client, fair, booth, payload).get_json()["consent_url"]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    refused = _agree(app.test_client(), path, "ab\x00cd")
    assert refused.status_code == 403 and "data-consent-error" in refused.get_data(as_text=True)
    assert client.get("/t/ab%00cd").status_code == 404
    assert client.get("/t/ab%00cd/qr.png").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoothConsent)) == 0
