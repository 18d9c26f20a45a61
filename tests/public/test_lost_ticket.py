""" "Lost your ticket?" with a second factor: phone and birth year can be found out, so a person with a
household code or a citizen ID on record gets the link only with one of those (the ID's last four
digits); a wrong one shows nothing, is audited and counts toward the limits."""

import sqlalchemy as sa

from fairapp.attendees.models import Channel
from fairapp.audit.models import AuditEntry
from tests.attendees.conftest import person, register_committed
from tests.conftest import csrf_token_from


def lookup(client, fair, *, phone="0912345678", year="1995", proof=None):
    page = client.get(f"/fairs/{fair.id}/lost-ticket").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "phone": phone, "birth_year": year}
    if proof is not None:
        data["proof"] = proof
    return client.post(f"/fairs/{fair.id}/lost-ticket", data=data)


def register(fair, **overrides):
    return register_committed(fair.id, person(**overrides), channel=Channel.ONLINE).registration


def audit_proofs(db) -> list:
    return [
        entry["proof"]
        for entry in db.session.scalars(
            sa.select(AuditEntry.details)
            .where(AuditEntry.action == "registration.lost_ticket_lookup")
            .order_by(AuditEntry.id)
        )
    ]


def test_a_citizen_id_on_record_asks_for_its_last_four_digits(client, db, make_fair):
    fair = make_fair()
    ticket = register(fair).ticket_secret
    first = lookup(client, fair)
    body = first.get_data(as_text=True)
    assert first.status_code == 200 and "data-needs-proof" in body and 'name="proof"' in body
    assert ticket not in body and "Nguyễn Thị Lan" not in body

    wrong = lookup(client, fair, proof="4321")
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and ticket not in body and "không khớp" in body

    right = lookup(client, fair, proof=" 1234 ")
    body = right.get_data(as_text=True)
    assert right.status_code == 200 and f'href="/t/{ticket}"' in body and "Nguyễn Thị Lan" in body
    assert audit_proofs(db) == [None, "wrong", "ok"]


def test_a_household_code_on_record_is_asked_for(client, db, make_fair):
    fair = make_fair()
    ticket = register(fair, citizen_id=None, household_code="HCN-05528-17").ticket_secret
    assert ticket not in lookup(client, fair).get_data(as_text=True)
    assert ticket not in lookup(client, fair, proof="1234").get_data(as_text=True)
    assert f'href="/t/{ticket}"' in lookup(client, fair, proof="hcn-05528-17").get_data(as_text=True)


def test_without_a_second_factor_phone_and_birth_year_are_enough(client, db, make_fair):
    fair = make_fair()
    ticket = register(fair, citizen_id=None, priority_group="none").ticket_secret
    body = lookup(client, fair).get_data(as_text=True)
    assert f'href="/t/{ticket}"' in body and "data-needs-proof" not in body


def test_the_names_of_others_stay_hidden(client, db, make_fair):
    fair = make_fair()
    guarded = register(fair).ticket_secret  # Nguyễn Thị Lan, with a citizen ID
    open_ = register(fair, full_name="Lò Thị Páo", citizen_id=None, priority_group="none").ticket_secret
    body = lookup(client, fair).get_data(as_text=True)
    assert f'href="/t/{open_}"' in body and "data-needs-proof" in body
    assert guarded not in body and "Nguyễn Thị Lan" not in body


def test_wrong_second_factors_count_toward_the_limit(app, client, db, make_fair):
    app.config["LOST_TICKET_LIMIT_PER_PHONE"] = "3 per hour"
    fair = make_fair()
    ticket = register(fair).ticket_secret
    assert [lookup(client, fair, proof=f"000{n}").status_code for n in range(3)] == [422] * 3
    refused = lookup(client, fair, proof="1234")
    assert refused.status_code == 429 and ticket not in refused.get_data(as_text=True)
    assert audit_proofs(db) == ["wrong"] * 3
