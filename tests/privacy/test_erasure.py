"""Erasure: what is emptied and what stays, tickets refused everywhere, the audit trail redacted, counts
unchanged, two erased people side by side, idempotence."""

from datetime import date

import pytest
import sqlalchemy as sa

from fairapp.attendees import consent
from fairapp.attendees.models import Attendee, Gender, PriorityGroup, Registration
from fairapp.audit import services as audit
from fairapp.audit.models import AuditEntry
from fairapp.checkins import services as checkins
from fairapp.kiosk import services as kiosk
from fairapp.privacy import services as privacy
from fairapp.privacy.models import ErasureRequest, ErasureStatus
from fairapp.privacy.redaction import REDACTED
from fairapp.tickets import services as tickets
from fairapp.tickets import signing
from fairapp.tickets.models import RevokedTicket

CITIZEN_ID = "019190001234"


def _entries(db, action):
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def test_erase_empties_what_identifies_and_keeps_what_reports_count(db, make_fair, person, make_user):
    fair, other = make_fair(), make_fair()
    attendee = person(
        fair,
        other,
        citizen_id=CITIZEN_ID,
        birth_date=date(1990, 5, 17),
        address="Tổ 5, phường Bách Quang",
        household_code="HN-0042",
        education_level="upper_secondary",
        situation="unemployed",
    )
    organiser = make_user("organiser", ward_codes=["05528"])

    result = privacy.erase(attendee, by=organiser, reason="Người lao động yêu cầu tại bàn")
    db.session.commit()

    assert result.erased and result.tickets_revoked == 2
    attendee = db.session.get(Attendee, attendee.id)
    assert attendee.full_name == privacy.ERASED_NAME and attendee.name_key == f"~{attendee.id}"
    assert (
        attendee.phone,
        attendee.citizen_id,
        attendee.birth_date,
        attendee.address,
        attendee.household_code,
    ) == ("", None, None, None, None)
    assert attendee.erased_at is not None
    # Kept for statistics: none names the person on its own
    assert (
        attendee.birth_year,
        attendee.gender,
        attendee.ward_code,
        attendee.priority_group,
        attendee.education_level,
        attendee.situation,
    ) == (1990, Gender.FEMALE, "05528", PriorityGroup.POOR, "upper_secondary", "unemployed")
    for registration in attendee.registrations:
        assert registration.desired_jobs is None and registration.consent_share_version is None
        assert registration.consent_personal_data_version == consent.PERSONAL_DATA_VERSION
    entry = _entries(db, "attendee.erase")[-1]
    assert entry.actor_id == organiser.id and entry.object_id == str(attendee.id)
    assert entry.details["reason"] == "Người lao động yêu cầu tại bàn"
    assert entry.details["tickets_revoked"] == 2


def test_erase_is_idempotent(db, make_fair, person):
    attendee = person(make_fair())
    privacy.erase(attendee, reason="retention")
    db.session.commit()
    erased_at = attendee.erased_at

    again = privacy.erase(attendee, reason="retention")
    db.session.commit()

    assert not again.erased and again.tickets_revoked == 0
    assert attendee.erased_at == erased_at
    assert len(_entries(db, "attendee.erase")) == 1
    assert db.session.scalar(sa.select(sa.func.count(RevokedTicket.id))) == 1


def test_two_erased_people_do_not_clash_on_unique_keys(db, make_fair, person):
    fair = make_fair()
    # Without citizen IDs, two records emptied alike (phone "", same folded name) would clash
    first = person(fair, full_name="Lò Văn Páo")
    second = person(fair, full_name="Lò Thị Mai")
    with_ids = [
        person(fair, full_name="Hà Văn Sơn", citizen_id="019190000001"),
        person(fair, full_name="Hà Thị Lan", citizen_id="019190000002"),
    ]

    for attendee in (first, second, *with_ids):
        privacy.erase(attendee, reason="test")
    db.session.commit()

    erased = db.session.scalars(sa.select(Attendee).where(Attendee.erased_at.is_not(None))).all()
    assert len(erased) == 4
    assert len({a.name_key for a in erased}) == 4
    assert {a.phone for a in erased} == {""} and {a.citizen_id for a in erased} == {None}


def test_counts_and_stats_are_unchanged_by_erasure(db, make_fair, person, make_user):
    fair = make_fair()
    gate = make_user("gate")
    people = [
        person(fair, priority_group=group)
        for group in (PriorityGroup.POOR, PriorityGroup.NEAR_POOR, PriorityGroup.NONE)
    ]
    first = people[0].registrations[0]
    assert checkins.check_in(fair, signing.ticket_payload(first), by=gate).result == "ok"
    db.session.commit()
    before = checkins.fair_counts(fair)

    privacy.erase(people[0], reason="test")
    privacy.erase(people[2], reason="test")
    db.session.commit()

    after = checkins.fair_counts(fair)
    assert after == before
    assert after["registered"] == 3 and after["checked_in"] == 1
    assert after["by_priority_group"]["poor"]["checked_in"] == 1
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 3


def test_erased_tickets_are_refused_by_the_scanner_api_and_the_ticket_page(
    client, db, make_fair, person, token_for
):
    fair = make_fair()
    attendee = person(fair)
    registration = attendee.registrations[0]
    old_payload = signing.ticket_payload(registration)
    tickets.reissue_ticket(registration)  # an earlier QR, already revoked
    db.session.commit()
    payload, secret = signing.ticket_payload(registration), registration.ticket_secret
    _user, headers = token_for("gate")
    assert client.get(f"/t/{secret}").status_code == 200

    privacy.erase(attendee, reason="test")
    db.session.commit()

    for scanned in (payload, old_payload):
        response = client.post(
            "/api/v1/checkins", json={"fair_id": fair.id, "qr_payload": scanned}, headers=headers
        )
        assert response.status_code == 200 and response.get_json()["result"] == "revoked"
    for path in ("", "/qr.png", "/ticket.pdf", "/manifest.webmanifest"):
        assert client.get(f"/t/{secret}{path}").status_code == 404, path
    # Found by another path (none is left: the link's secret was replaced), the ticket is gone
    with pytest.raises(tickets.TicketErased):
        tickets.get_by_secret(registration.ticket_secret)
    revoked = client.get(f"/api/v1/fairs/{fair.id}/revocations", headers=headers).get_json()["items"]
    assert {"registration_id": registration.id, "nonce": registration.ticket_nonce} in [
        {k: item[k] for k in ("registration_id", "nonce")} for item in revoked
    ]
    with pytest.raises(tickets.TicketErased):
        tickets.reissue_ticket(registration)


def test_audit_values_are_redacted_and_the_rows_kept(db, make_fair, person, make_user):
    fair = make_fair()
    attendee = person(fair, citizen_id=CITIZEN_ID, address="Số 12 đường Thắng Lợi", household_code="HN-0042")
    bystander = person(fair, full_name="Trần Văn Bình")
    registration = attendee.registrations[0]
    organiser = make_user("organiser")
    audit.record(
        "attendee.update",
        actor=organiser,
        target=attendee,
        details={
            "before": {"full_name": "Nguyễn Thị Hồng Nhung", "phone": attendee.phone, "ward_code": "05528"},
            "after": {"full_name": "Nguyễn Thị Hồng Nhung", "address": "Số 12 đường Thắng Lợi"},
        },
    )
    audit.record(
        "registration.note",
        actor=organiser,
        target=registration,
        details={"text": f"Gọi lại cho Nguyễn Thị Hồng Nhung số {attendee.phone}"},
    )
    audit.record(
        "pending_change.create",
        actor_label="public",
        target=fair,  # another object
        details={"changes": {"citizen_id": CITIZEN_ID}, "household": "HN-0042"},
    )
    audit.record(
        "kiosk.visit",
        actor_label="kiosk",
        details={"attendee_id": attendee.id, "name": "Nguyễn Thị Hồng Nhung"},
    )
    audit.record(
        "attendee.update",
        actor=organiser,
        target=bystander,
        details={"before": {"full_name": "Trần Văn Bình", "phone": bystander.phone}},
    )
    db.session.commit()
    rows_before = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))

    privacy.erase(attendee, by=organiser, reason="test")
    db.session.commit()

    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == rows_before + 1
    update, note = _entries(db, "attendee.update")[0], _entries(db, "registration.note")[0]
    assert update.details == {
        "before": {"full_name": REDACTED, "phone": REDACTED, "ward_code": "05528"},
        "after": {"full_name": REDACTED, "address": REDACTED},
    }
    assert note.details == {"text": f"Gọi lại cho {REDACTED} số {REDACTED}"}
    change = _entries(db, "pending_change.create")[0]
    assert change.details == {"changes": {"citizen_id": REDACTED}, "household": REDACTED}
    assert _entries(db, "kiosk.visit")[0].details == {"attendee_id": attendee.id, "name": REDACTED}
    untouched = _entries(db, "attendee.update")[1]
    assert untouched.details == {"before": {"full_name": "Trần Văn Bình", "phone": bystander.phone}}
    # Nothing personal is left anywhere in the log
    text = " ".join(str(d) for d in db.session.scalars(sa.select(AuditEntry.details)))
    for value in ("Nguyễn Thị Hồng Nhung", CITIZEN_ID, "Thắng Lợi", "HN-0042"):
        assert value not in text


def test_erasure_closes_a_pending_request(db, make_fair, person):
    fair = make_fair()
    attendee = person(fair, make_fair())
    asked = privacy.ask_erasure(attendee.registrations[0])
    db.session.commit()
    assert not asked.erased and asked.request.status == ErasureStatus.PENDING

    privacy.erase(attendee, reason="retention")
    db.session.commit()

    request = db.session.scalar(sa.select(ErasureRequest))
    assert request.status == ErasureStatus.CARRIED_OUT and request.decided_at is not None


def test_erase_needs_a_reason(db, make_fair, person):
    attendee = person(make_fair())
    with pytest.raises(privacy.ValidationError) as raised:
        privacy.erase(attendee, reason="   ")
    assert raised.value.code == "validation_error" and "reason" in raised.value.fields
    db.session.rollback()
    assert db.session.get(Attendee, attendee.id).erased_at is None


def test_the_kiosk_no_longer_finds_an_erased_person_by_their_link(db, make_fair, person):
    fair = make_fair()
    attendee = person(fair)
    secret = attendee.registrations[0].ticket_secret
    assert kiosk.find_by_ticket(fair, secret).attendee_id == attendee.id

    privacy.erase(attendee, reason="test")
    db.session.commit()

    with pytest.raises(kiosk.NotRegistered):
        kiosk.find_by_ticket(fair, secret)
