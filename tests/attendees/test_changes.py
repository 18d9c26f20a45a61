"""Pending changes (fairapp.attendees.changes): who may decide them through a ticket, what deciding does."""

import pytest
import sqlalchemy as sa

from fairapp.attendees import changes
from fairapp.attendees.models import Attendee, ChangeStatus, Channel, PendingChange, Registration
from fairapp.errors import NotFound
from fairapp.modelbase import utcnow
from tests.attendees.conftest import SONG_CONG, person, register_committed


def registration(db, outcome) -> Registration:
    return db.session.get(Registration, outcome.registration.id)


def test_the_same_request_twice_is_one_pending_change(db, make_fair):
    fair = make_fair()
    register_committed(fair.id, person(), channel=Channel.ONLINE)
    for _ in range(2):
        register_committed(fair.id, person(ward_code=SONG_CONG), channel=Channel.ONLINE)
    register_committed(fair.id, person(ward_code=SONG_CONG, priority_group="poor"), channel=Channel.ONLINE)
    assert [c.proposed for c in db.session.scalars(sa.select(PendingChange).order_by(PendingChange.id))] == [
        {"ward_code": SONG_CONG},
        {"ward_code": SONG_CONG, "priority_group": "poor"},
    ]


def test_which_tickets_speak_for_the_person(db, make_fair, make_user):
    first, second, third = make_fair(), make_fair(), make_fair()
    own = registration(db, register_committed(first.id, person(), channel=Channel.ONLINE))
    later_online = registration(db, register_committed(second.id, person(), channel=Channel.ONLINE))
    by_staff = registration(
        db, register_committed(third.id, person(), channel=Channel.STAFF, by=make_user("gate"))
    )
    assert changes.speaks_for_person(own) and changes.speaks_for_person(by_staff)
    assert not changes.speaks_for_person(later_online)


def test_only_an_earlier_ticket_of_the_same_person_may_decide(db, make_fair):
    first, second = make_fair(), make_fair()

    def online(fair, **overrides):
        return registration(db, register_committed(fair.id, person(**overrides), channel=Channel.ONLINE))

    own = online(first)
    other = online(first, full_name="Lê Thị Mai", citizen_id=None, phone="0987654321")
    new = online(second, ward_code=SONG_CONG)
    change = db.session.scalar(sa.select(PendingChange))
    assert change.registration_id == new.id
    assert changes.may_decide(own, change)
    assert not changes.may_decide(new, change) and not changes.may_decide(other, change)
    for ticket in (new, other):
        with pytest.raises(NotFound):
            changes.decide_with_ticket(ticket, change.id, confirm=True)
    assert changes.decidable_with_ticket(own) == [change] and changes.decidable_with_ticket(new) == []


def test_a_change_that_would_clash_with_another_record_is_refused_and_stays_pending(db, make_fair):
    fair = make_fair()
    register_committed(fair.id, person(citizen_id=None), channel=Channel.ONLINE)
    other = register_committed(fair.id, person(citizen_id=None, phone="0987654321"), channel=Channel.ONLINE)
    # asks to take the first record's phone: the same phone and name without a citizen ID is one person
    change = PendingChange(
        attendee_id=other.registration.attendee_id,
        proposed={"phone": "0912345678"},
        origin="online",
        requested_at=utcnow(),
        status=ChangeStatus.PENDING,
    )
    db.session.add(change)
    db.session.commit()
    with pytest.raises(changes.ChangeClash) as caught:
        changes.decide(change, confirm=True)
    assert caught.value.code == "change_clash" and caught.value.status == 409
    db.session.rollback()
    assert db.session.get(PendingChange, change.id).status == ChangeStatus.PENDING
    assert db.session.get(Attendee, other.registration.attendee_id).phone == "0987654321"
    decided = changes.decide(db.session.get(PendingChange, change.id), confirm=False)
    with pytest.raises(changes.ChangeDecided):
        changes.decide(decided, confirm=True)
