"""The public key endpoint, reissuing a ticket and the revocation list (service and API)."""

import base64
import hashlib

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fairapp.audit.models import AuditEntry
from fairapp.tickets import services, signing
from fairapp.tickets.models import RevokedTicket
from fairapp.tickets.signing import InvalidTicket


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_public_key_verifies_a_payload(client, make_registration):
    registration = make_registration()
    text = signing.ticket_payload(registration)

    response = client.get("/api/v1/tickets/public-key")

    assert response.status_code == 200
    body = response.json
    assert body["algorithm"] == "Ed25519"
    raw = _b64url(body["public_key"])
    assert len(raw) == 32
    assert body["key_id"] == hashlib.sha256(raw).hexdigest()[:8]
    key = Ed25519PublicKey.from_public_bytes(raw)
    head, signature = text.rsplit(".", 1)
    key.verify(base64.b32decode(signature + "=" * (-len(signature) % 8)), head.encode("ascii"))
    assert signing.verify(text, public_key=key).registration_id == registration.id


def test_reissue_revokes_the_old_nonce(db, make_registration, make_user):
    organiser = make_user("organiser", ward_codes=["05528"])
    registration = make_registration()
    old_payload, old_nonce = signing.ticket_payload(registration), registration.ticket_nonce

    services.reissue_ticket(registration, by=organiser, reason="Mất điện thoại")
    db.session.commit()

    assert registration.ticket_nonce != old_nonce and len(registration.ticket_nonce) == 8
    new_payload = signing.ticket_payload(registration)
    assert signing.verify(new_payload).nonce == registration.ticket_nonce
    # The old QR is still genuinely signed; the revocation list is what refuses it.
    assert signing.verify(old_payload).nonce == old_nonce
    assert services.is_revoked(registration.id, old_nonce)
    assert not services.is_revoked(registration.id, registration.ticket_nonce)
    row = db.session.scalar(sa.select(RevokedTicket))
    assert (row.registration_id, row.nonce, row.reason, row.revoked_by) == (
        registration.id,
        old_nonce,
        "Mất điện thoại",
        organiser.id,
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "ticket.reissue"))
    assert entry.object_id == str(registration.id) and entry.actor_id == organiser.id


def test_same_nonce_cannot_be_revoked_twice(db, make_registration):
    registration = make_registration()
    db.session.add(RevokedTicket(registration_id=registration.id, nonce="AAAAAAAA"))
    db.session.commit()
    db.session.add(RevokedTicket(registration_id=registration.id, nonce="AAAAAAAA"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_revocation_list_api(client, auth, db, make_fair, make_registration):
    fair, other_fair = make_fair(), make_fair()
    first, second = make_registration(fair), make_registration(fair)
    elsewhere = make_registration(other_fair)
    nonces = [first.ticket_nonce]
    services.reissue_ticket(first)
    nonces.append(first.ticket_nonce)
    services.reissue_ticket(first)
    services.reissue_ticket(elsewhere)
    db.session.commit()

    auth.login("gate")
    response = client.get(f"/api/v1/fairs/{fair.id}/revocations")

    assert response.status_code == 200
    items = [{"registration_id": i["registration_id"], "nonce": i["nonce"]} for i in response.json["items"]]
    assert items == [{"registration_id": first.id, "nonce": nonce} for nonce in nonces]
    assert second.id not in {i["registration_id"] for i in items}
    assert (
        client.get(f"/api/v1/fairs/{other_fair.id}/revocations").json["items"][0]["registration_id"]
        == elsewhere.id
    )
    assert client.get("/api/v1/fairs/999999/revocations").status_code == 404


@pytest.mark.parametrize(
    "role, status", [(None, 401), ("employer", 403), ("school", 403), ("gate", 200), ("admin", 200)]
)
def test_revocation_list_access(client, auth, make_fair, role, status):
    fair = make_fair()
    if role:
        auth.login(role)
    response = client.get(f"/api/v1/fairs/{fair.id}/revocations")
    assert response.status_code == status
    if status >= 400:
        assert "error" in response.json


def test_organiser_sees_only_fairs_of_their_wards(client, auth, make_fair):
    fair = make_fair()
    auth.login("organiser", ward_codes=["05518"])  # Phường Sông Công, not the fair's Bách Quang
    response = client.get(f"/api/v1/fairs/{fair.id}/revocations")
    assert response.status_code == 403
    auth.logout()
    auth.login("organiser", ward_codes=[fair.ward_code])
    assert client.get(f"/api/v1/fairs/{fair.id}/revocations").status_code == 200


def test_invalid_ticket_error_is_a_domain_error(app):
    with pytest.raises(InvalidTicket) as caught:
        signing.verify("F1.garbage")
    assert caught.value.code == "invalid" and caught.value.status == 400
