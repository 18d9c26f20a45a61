"""Issue 10, the critical part, end to end: a second PUBLIC registration with a victim's details (name
and phone; citizen ID and name; citizen ID and another name), through the API and the web form, gets
no ticket and no personal data, and changes no stored column of the victim's rows; what it typed waits
as a pending change that only the victim's own earlier ticket link (or staff) can confirm."""

import threading

import pytest
import sqlalchemy as sa

from fairapp.attendees.citizen_ids import PUBLIC_MESSAGE
from fairapp.attendees.models import Attendee, ChangeStatus, Channel, PendingChange, Registration
from fairapp.audit.models import AuditEntry
from tests.attendees.conftest import SONG_CONG, person, register_committed
from tests.conftest import csrf_token_from

BA_XUYEN = "05533"  # the victim's ward: not the fair's, so a page naming it would give it away
VICTIM = person(
    ward_code=BA_XUYEN,
    household_code="HCN-05533-042",
    address="Tổ 7, phường Bá Xuyên",
    education_level="upper_secondary",
)
# What an attacker types, by what they know of the victim
BY_NAME_AND_PHONE = person(
    citizen_id=None, birth_year=1990, ward_code=SONG_CONG, priority_group="poor", household_code="HN-GIA-1"
)
BY_CITIZEN_ID_AND_NAME = person(phone="0987654321", ward_code=SONG_CONG, priority_group="none")
BY_CITIZEN_ID_OTHER_NAME = person(full_name="Trần Thị Giả", phone="0987654322")
# What no answer to the attacker may contain (unless they typed it themselves)
SECRETS = ("0912345678", "019195001234", "HCN-05533-042", "Tổ 7, phường Bá Xuyên")


def assert_no_secrets(body: str, typed: dict | None = None) -> None:
    typed_values = {str(value) for value in (typed or {}).values()}
    for secret in SECRETS:
        if secret not in typed_values:
            assert secret not in body, secret


def url(fair):
    return f"/api/v1/fairs/{fair.id}/registrations"


def rows(db, registration_id: int) -> tuple[dict, dict]:
    """Every stored column of the registration and of its person, as the database has them."""
    registrations, attendees = Registration.__table__, Attendee.__table__
    registration = (
        db.session.execute(sa.select(registrations).where(registrations.c.id == registration_id))
        .mappings()
        .one()
    )
    attendee = (
        db.session.execute(sa.select(attendees).where(attendees.c.id == registration["attendee_id"]))
        .mappings()
        .one()
    )
    return dict(registration), dict(attendee)


def form_data(html: str, raw: dict) -> dict:
    data = {key: value for key, value in raw.items() if value is not None and not isinstance(value, bool)}
    data.update(csrf_token=csrf_token_from(html), consent_personal_data="y", wants_training="no")
    return {key: str(value) for key, value in data.items()}


def test_a_second_public_registration_gets_nothing_and_changes_nothing(client, db, make_fair):
    fair = make_fair()
    victim = client.post(url(fair), json=VICTIM)
    assert victim.status_code == 201
    registration_id = victim.json["registration_id"]
    before = rows(db, registration_id)
    ticket = before[0]["ticket_secret"]

    # the API without a token
    for attack in (BY_NAME_AND_PHONE, BY_CITIZEN_ID_AND_NAME):
        response = client.post(url(fair), json=attack)
        assert response.status_code == 200
        assert response.json == {"already_registered": True, "phone_hint": "\u2026678"}
    refused = client.post(url(fair), json=BY_CITIZEN_ID_OTHER_NAME)
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "validation_error"
    assert refused.json["error"]["fields"] == {"citizen_id": str(PUBLIC_MESSAGE)}

    # the web form: it asks no citizen ID (that comes after the ticket), so a number posted to it
    # is ignored, and a person with another phone is another person with a ticket of their own
    html = client.get(f"/fairs/{fair.id}/register").get_data(as_text=True)
    response = client.post(f"/fairs/{fair.id}/register", data=form_data(html, BY_NAME_AND_PHONE))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert ticket not in body and "/t/" not in body
    assert_no_secrets(body, BY_NAME_AND_PHONE)
    assert "data-already-registered" in body and "\u2026678" in body
    for attack in (BY_CITIZEN_ID_AND_NAME, BY_CITIZEN_ID_OTHER_NAME):
        response = client.post(f"/fairs/{fair.id}/register", data=form_data(html, attack))
        assert response.status_code == 303 and ticket not in response.location

    db.session.rollback()
    assert rows(db, registration_id) == before  # every stored column, both rows
    people = db.session.scalars(sa.select(Attendee).order_by(Attendee.id)).all()
    assert [a.phone for a in people] == ["0912345678", "0987654321", "0987654322"]
    assert [a.citizen_id for a in people] == ["019195001234", None, None]
    changes = db.session.scalars(sa.select(PendingChange).order_by(PendingChange.id)).all()
    assert {change.status for change in changes} == {ChangeStatus.PENDING}
    assert changes[0].proposed == {
        "birth_year": 1990,
        "ward_code": SONG_CONG,
        "priority_group": "poor",
        "household_code": "HN-GIA-1",
    }
    assert changes[1].proposed == {"phone": "0987654321", "ward_code": SONG_CONG, "priority_group": "none"}
    refusals = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "registration.citizen_id_conflict")
    ).all()
    assert len(refusals) == 1 and {e.details["citizen_id"] for e in refusals} == {"********1234"}


def test_the_pending_change_is_confirmed_only_through_the_victims_own_earlier_ticket(client, db, make_fair):
    first, second = make_fair(), make_fair()
    victim = client.post(url(first), json=VICTIM).json
    victim_ticket = victim["ticket"]["url"].removeprefix("http://localhost")
    attendee_before = rows(db, victim["registration_id"])[1]

    # an attacker with the name and phone registers the victim for another fair: a new registration,
    # whose ticket page shows nothing stored but the name
    response = client.post(url(second), json=BY_NAME_AND_PHONE)
    assert response.status_code == 201 and response.json["registration_id"] != victim["registration_id"]
    attacker_ticket = response.json["ticket"]["url"].removeprefix("http://localhost")
    page = client.get(attacker_ticket).get_data(as_text=True)
    assert "Nguyễn Thị Lan" in page and "data-pending-changes" not in page
    assert_no_secrets(page)
    assert "Bá Xuyên" not in page and "Hộ cận nghèo" not in page
    change = db.session.scalar(sa.select(PendingChange))
    assert change.registration_id == response.json["registration_id"]

    # neither that link, nor one the attacker gets by registering again later, may confirm
    client.post(url(second), json=BY_CITIZEN_ID_AND_NAME)  # already registered: a second pending change
    assert db.session.scalar(sa.select(sa.func.count(PendingChange.id))) == 2
    for pending in db.session.scalars(sa.select(PendingChange)).all():
        answer = client.post(
            f"{attacker_ticket}/changes/{pending.id}",
            data={"csrf_token": _csrf(client, victim_ticket), "decision": "confirm"},
        )
        assert answer.status_code == 404
    db.session.rollback()
    assert rows(db, victim["registration_id"])[1] == attendee_before

    # the victim's own ticket, older than the requests, shows what they would set (not what is stored)
    page = client.get(victim_ticket).get_data(as_text=True)
    assert "data-pending-changes" in page and f'data-change="{change.id}"' in page
    assert "HN-GIA-1" in page and "HCN-05533-042" not in page
    answer = client.post(
        f"{victim_ticket}/changes/{change.id}",
        data={"csrf_token": csrf_token_from(page), "decision": "reject"},
    )
    assert answer.status_code == 303
    db.session.rollback()
    assert db.session.get(PendingChange, change.id).status == ChangeStatus.REJECTED
    assert rows(db, victim["registration_id"])[1] == attendee_before
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendee.change_rejected"))
    assert entry.actor_label == "ticket" and entry.details["after"]["household_code"] == "HN-GIA-1"


def test_the_person_confirms_a_change_through_their_ticket_audited(client, db, make_fair):
    first, second = make_fair(), make_fair()
    victim = client.post(url(first), json=VICTIM).json
    ticket = victim["ticket"]["url"].removeprefix("http://localhost")
    moved = {**VICTIM, "ward_code": SONG_CONG, "address": "Tổ 1, phường Sông Công"}
    assert client.post(url(second), json=moved).status_code == 201
    change = db.session.scalar(sa.select(PendingChange))
    page = client.get(ticket).get_data(as_text=True)
    answer = client.post(
        f"{ticket}/changes/{change.id}", data={"csrf_token": csrf_token_from(page), "decision": "confirm"}
    )
    assert answer.status_code == 303
    db.session.rollback()
    attendee = db.session.get(Attendee, victim["attendee_id"])
    assert (attendee.ward_code, attendee.address) == (SONG_CONG, "Tổ 1, phường Sông Công")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendee.change_confirmed"))
    assert entry.details["before"] == {"ward_code": BA_XUYEN, "address": "Tổ 7, phường Bá Xuyên"}
    assert entry.details["after"] == {"ward_code": SONG_CONG, "address": "Tổ 1, phường Sông Công"}
    again = client.post(
        f"{ticket}/changes/{change.id}", data={"csrf_token": csrf_token_from(page), "decision": "confirm"}
    )
    assert again.status_code == 404  # decided: no longer there for the ticket


def test_a_ticket_handed_out_by_the_same_submission_cannot_confirm(client, db, make_fair, make_user):
    first, second = make_fair(), make_fair()
    # the person's record was made at the desk; then someone registers them online, with changes
    register_committed(first.id, VICTIM, channel=Channel.WALK_IN, by=make_user("gate"))
    response = client.post(url(second), json={**VICTIM, "ward_code": SONG_CONG})
    ticket = response.json["ticket"]["url"].removeprefix("http://localhost")
    change = db.session.scalar(sa.select(PendingChange))
    page = client.get(ticket).get_data(as_text=True)
    assert "data-pending-changes" not in page
    answer = client.post(
        f"{ticket}/changes/{change.id}", data={"csrf_token": csrf_token_from(page), "decision": "confirm"}
    )
    assert answer.status_code == 404
    db.session.rollback()
    assert db.session.get(PendingChange, change.id).status == ChangeStatus.PENDING
    assert db.session.scalar(sa.select(Attendee.ward_code)) == BA_XUYEN


@pytest.mark.parametrize("with_citizen_id", [True, False])
def test_concurrent_public_registrations_of_a_known_person_make_no_duplicates(
    app, db, make_fair, with_citizen_id
):
    first, second = make_fair(), make_fair()
    victim = VICTIM if with_citizen_id else {**VICTIM, "citizen_id": None}
    register_committed(first.id, victim, channel=Channel.ONLINE)
    registration_id = db.session.scalar(sa.select(Registration.id))
    before = rows(db, registration_id)
    attack = {**victim, "ward_code": SONG_CONG, "priority_group": "poor"}
    second_id = second.id
    barrier = threading.Barrier(8)
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                outcome = register_committed(second_id, dict(attack), channel=Channel.ONLINE)
                results.append(outcome.created)
            except Exception as error:  # reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sorted(results) == [False] * 7 + [True]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(PendingChange.id))) == 1
    assert rows(db, registration_id) == before


def _csrf(client, page_url: str) -> str:
    return csrf_token_from(client.get(page_url).get_data(as_text=True))


def test_the_openapi_document_describes_the_public_answer(client, db):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/fairs/{fair_id}/registrations"]["post"]
    assert "already_registered" in operation["description"] and "staff token" in operation["description"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    assert set(spec["components"]["schemas"][name]["properties"]) == {"already_registered", "phone_hint"}
