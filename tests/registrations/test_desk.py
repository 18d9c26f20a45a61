"""The registration desk (/manage/fairs/<id>/desk): pending changes confirmed or rejected by staff,
and citizen ID conflicts looked up and moved to the right person once the card has been seen."""

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import Attendee, ChangeStatus, Channel, PendingChange, Registration
from fairapp.audit.models import AuditEntry
from tests.attendees.conftest import register_committed
from tests.conftest import csrf_token_from
from tests.registrations.conftest import BACH_QUANG, SONG_CONG

OWNER = {
    "full_name": "Nguyễn Thị Lan",
    "phone": "0912345678",
    "birth_year": 1995,
    "gender": "female",
    "ward_code": BACH_QUANG,
    "priority_group": "near_poor",
    "citizen_id": "019195001234",
    "household_code": "HCN-17",
    "consent_personal_data": True,
}


def desk(fair) -> str:
    return f"/manage/fairs/{fair.id}/desk"


def pending_change(fair) -> PendingChange:
    """The owner registered online, then someone asked online to change their ward and group."""
    register_committed(fair.id, OWNER, channel=Channel.ONLINE)
    register_committed(
        fair.id, {**OWNER, "ward_code": SONG_CONG, "priority_group": "poor"}, channel=Channel.ONLINE
    )
    from fairapp.extensions import db

    return db.session.scalar(sa.select(PendingChange))


@pytest.mark.parametrize(
    ("role", "wards", "status"),
    [
        ("admin", None, 200),
        ("organiser", [BACH_QUANG], 200),
        ("gate", None, 200),
        ("organiser", [SONG_CONG], 403),
    ],
)
def test_who_may_view_the_desk(client, db, auth, make_fair, role, wards, status):
    fair = make_fair()
    auth.login(role, **({"ward_codes": wards} if wards else {}))
    assert client.get(desk(fair)).status_code == status


def test_staff_see_pending_changes_and_confirm_them_audited(client, db, auth, make_fair):
    fair = make_fair()
    change = pending_change(fair)
    organiser = auth.login("organiser", ward_codes=[BACH_QUANG])
    page = client.get(desk(fair)).get_data(as_text=True)
    assert f'data-change="{change.id}"' in page and "Nguyễn Thị Lan" in page
    assert "Hộ cận nghèo" in page and "Hộ nghèo" in page  # now, and asked for
    viewed = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendee_changes.view"))
    assert viewed.actor_id == organiser.id and viewed.details["change_ids"] == [change.id]

    response = client.post(
        f"{desk(fair)}/changes/{change.id}", data={"csrf_token": csrf_token_from(page), "decision": "confirm"}
    )
    assert response.status_code == 303
    db.session.rollback()
    attendee = db.session.scalar(sa.select(Attendee))
    assert (attendee.ward_code, attendee.priority_group.value) == (SONG_CONG, "poor")
    decided = db.session.get(PendingChange, change.id)
    assert (decided.status, decided.decided_by, decided.decided_through) == (
        ChangeStatus.CONFIRMED,
        organiser.id,
        "desk",
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendee.change_confirmed"))
    assert entry.actor_id == organiser.id
    assert entry.details["before"] == {"ward_code": BACH_QUANG, "priority_group": "near_poor"}
    assert entry.details["after"] == {"ward_code": SONG_CONG, "priority_group": "poor"}
    page = client.get(desk(fair)).get_data(as_text=True)
    assert "data-no-changes" in page


def test_a_rejected_change_changes_nothing(client, db, auth, make_fair):
    fair = make_fair()
    change = pending_change(fair)
    auth.login("admin")
    page = client.get(desk(fair)).get_data(as_text=True)
    client.post(
        f"{desk(fair)}/changes/{change.id}", data={"csrf_token": csrf_token_from(page), "decision": "reject"}
    )
    db.session.rollback()
    assert db.session.get(PendingChange, change.id).status == ChangeStatus.REJECTED
    assert db.session.scalar(sa.select(Attendee.ward_code)) == BACH_QUANG
    again = client.post(
        f"{desk(fair)}/changes/{change.id}", data={"csrf_token": csrf_token_from(page), "decision": "confirm"}
    )
    assert again.status_code == 303  # "already decided", nothing applied
    db.session.rollback()
    assert db.session.scalar(sa.select(Attendee.ward_code)) == BACH_QUANG


def test_gate_staff_view_but_do_not_decide(client, db, auth, make_fair):
    fair = make_fair()
    change = pending_change(fair)
    auth.login("gate")
    page = client.get(desk(fair)).get_data(as_text=True)
    assert f'data-change="{change.id}"' in page and 'value="confirm"' not in page
    response = client.post(
        f"{desk(fair)}/changes/{change.id}", data={"csrf_token": csrf_token_from(page), "decision": "confirm"}
    )
    assert response.status_code == 403
    db.session.rollback()
    assert db.session.get(PendingChange, change.id).status == ChangeStatus.PENDING


def test_a_change_of_someone_not_at_this_fair_is_not_found(client, db, auth, make_fair):
    fair, other = make_fair(), make_fair()
    change = pending_change(other)
    auth.login("admin")
    page = client.get(desk(fair)).get_data(as_text=True)
    assert f'data-change="{change.id}"' not in page
    response = client.post(
        f"{desk(fair)}/changes/{change.id}", data={"csrf_token": csrf_token_from(page), "decision": "confirm"}
    )
    assert response.status_code == 404


def _squatted(fair):
    """Someone registered the owner's number online under a fake name."""
    return register_committed(
        fair.id, {**OWNER, "full_name": "Trần Văn Giả", "phone": "0987000111"}, channel=Channel.ONLINE
    )


def test_look_up_shows_the_holder_audited(client, db, auth, make_fair, register):
    fair = make_fair()
    _squatted(fair)
    organiser = auth.login("organiser", ward_codes=[BACH_QUANG])
    page = client.get(desk(fair)).get_data(as_text=True)
    response = client.post(
        f"{desk(fair)}/citizen-id",
        data={"csrf_token": csrf_token_from(page), "citizen_id": "019 195 001 234"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "data-holder" in body and "Trần Văn Giả" in body
    assert "1995" in body and "Bách Quang" in body and "data-move-form" in body
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendee.citizen_id_lookup"))
    assert entry.actor_id == organiser.id and entry.details["citizen_id"] == "********1234"
    nobody = client.post(
        f"{desk(fair)}/citizen-id", data={"csrf_token": csrf_token_from(page), "citizen_id": "019195009999"}
    )
    assert "data-no-holder" in nobody.get_data(as_text=True)
    bad = client.post(
        f"{desk(fair)}/citizen-id", data={"csrf_token": csrf_token_from(page), "citizen_id": "12"}
    )
    assert bad.status_code == 422 and "12 chữ số" in bad.get_data(as_text=True)


def test_the_owner_gets_their_number_at_the_desk_moved_to_their_registration(
    client, db, auth, make_fair, register
):
    fair = make_fair()
    squatter = _squatted(fair)
    owner = register(fair, "Nguyễn Thị Lan", phone="0912345678")  # registered without the number
    auth.login("organiser", ward_codes=[BACH_QUANG])
    detail = client.get(f"/manage/fairs/{fair.id}/registrations/{owner.id}").get_data(as_text=True)
    assert f'href="/manage/fairs/{fair.id}/desk?registration={owner.id}"' in detail
    page = client.get(f"{desk(fair)}?registration={owner.id}").get_data(as_text=True)
    looked = client.post(
        f"{desk(fair)}/citizen-id",
        data={
            "csrf_token": csrf_token_from(page),
            "citizen_id": "019195001234",
            "registration": str(owner.id),
        },
    )
    assert f'value="{owner.id}"' in looked.get_data(as_text=True)  # the target carried over

    unchecked = client.post(
        f"{desk(fair)}/citizen-id/move",
        data={
            "csrf_token": csrf_token_from(page),
            "citizen_id": "019195001234",
            "registration": str(owner.id),
        },
    )
    assert unchecked.status_code == 303
    db.session.rollback()
    assert db.session.get(Attendee, squatter.registration.attendee_id).citizen_id == "019195001234"

    moved = client.post(
        f"{desk(fair)}/citizen-id/move",
        data={
            "csrf_token": csrf_token_from(page),
            "citizen_id": "019195001234",
            "registration": str(owner.id),
            "card_checked": "y",
        },
    )
    assert moved.status_code == 303
    db.session.rollback()
    assert db.session.get(Attendee, owner.attendee_id).citizen_id == "019195001234"
    assert db.session.get(Attendee, squatter.registration.attendee_id).citizen_id is None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendee.citizen_id_moved"))
    assert entry.details == {
        "fair_id": fair.id,
        "citizen_id": "********1234",
        "from": squatter.registration.attendee_id,
        "to": owner.attendee_id,
    }


def test_released_at_the_desk_then_the_owner_is_registered_with_it(client, db, auth, make_fair, register):
    fair = make_fair()
    squatter = _squatted(fair)
    auth.login("admin")
    page = client.get(desk(fair)).get_data(as_text=True)
    moved = client.post(
        f"{desk(fair)}/citizen-id/move",
        data={"csrf_token": csrf_token_from(page), "citizen_id": "019195001234", "card_checked": "y"},
    )
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"/manage/fairs/{fair.id}/walk-in")
    html = client.get(f"/manage/fairs/{fair.id}/walk-in").get_data(as_text=True)
    walk_in = {key: str(value) for key, value in OWNER.items() if not isinstance(value, bool)}
    walk_in.update(csrf_token=csrf_token_from(html), consent_personal_data="y")
    assert client.post(f"/manage/fairs/{fair.id}/walk-in", data=walk_in).status_code == 303
    db.session.rollback()
    holder = db.session.scalar(sa.select(Attendee).where(Attendee.citizen_id == "019195001234"))
    assert holder.full_name == "Nguyễn Thị Lan" and holder.id != squatter.registration.attendee_id
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 2
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendee.citizen_id_moved"))
    assert entry.details["to"] is None


def test_gate_staff_may_not_move_numbers(client, db, auth, make_fair, register):
    fair = make_fair()
    _squatted(fair)
    auth.login("gate")
    page = client.get(desk(fair)).get_data(as_text=True)
    looked = client.post(
        f"{desk(fair)}/citizen-id", data={"csrf_token": csrf_token_from(page), "citizen_id": "019195001234"}
    )
    assert "data-holder" in looked.get_data(as_text=True)
    assert "data-move-form" not in looked.get_data(as_text=True)
    assert (
        client.post(
            f"{desk(fair)}/citizen-id/move",
            data={"csrf_token": csrf_token_from(page), "citizen_id": "019195001234", "card_checked": "y"},
        ).status_code
        == 403
    )


def test_the_list_header_links_the_desk(client, db, auth, make_fair):
    fair = make_fair()
    auth.login("admin")
    page = client.get(f"/manage/fairs/{fair.id}/registrations").get_data(as_text=True)
    assert f'href="/manage/fairs/{fair.id}/desk"' in page
