"""Registering: one person one record, one registration per fair, consent, capacity, fair status,
and eight simultaneous requests for the same person."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.attendees import consent, services
from fairapp.attendees.models import Attendee, ChangeStatus, Channel, PendingChange, Registration
from fairapp.attendees.validation import RegistrationInvalid
from fairapp.audit.models import AuditEntry
from fairapp.errors import NotFound
from fairapp.fairs.models import FairStatus
from fairapp.modelbase import utcnow
from tests.attendees.conftest import BACH_QUANG, SONG_CONG, person, register_committed


def register(fair, raw, channel=Channel.ONLINE, **kwargs):
    return register_committed(fair.id, raw, channel=channel, **kwargs)


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_registration_stores_person_consent_and_ticket(db, make_fair, offer_vacancy):
    fair = make_fair()
    vacancy = offer_vacancy(fair)
    outcome = register(
        fair,
        person(
            full_name="  Nguye\u0302\u0303n Thị  Lan ",
            desired_jobs="May mặc",
            desired_vacancy_ids=[vacancy.id],
            consent_share_with_employers=True,
            wants_training=True,
            training_wish="Điện dân dụng",
            education_level="upper_secondary",
            qualification="none",
            situation="unemployed",
            household_code="HN-05528-17",
        ),
    )
    assert outcome.created
    registration = db.session.get(Registration, outcome.registration.id)
    attendee = registration.attendee
    assert attendee.full_name == "Nguyễn Thị Lan" and attendee.name_key == "nguyen thi lan"
    assert (attendee.phone, attendee.citizen_id, attendee.birth_year) == ("0912345678", "019195001234", 1995)
    assert attendee.priority_group.value == "near_poor" and attendee.household_code == "HN-05528-17"
    assert (attendee.education_level, attendee.qualification, attendee.situation) == (
        "upper_secondary",
        "none",
        "unemployed",
    )
    assert registration.channel == Channel.ONLINE
    assert registration.consent_personal_data_version == consent.PERSONAL_DATA_VERSION == "2026-12-v1"
    assert registration.consent_share_version == consent.SHARE_VERSION
    assert abs(registration.consent_personal_data_at - utcnow()) < timedelta(minutes=1)
    assert registration.consent_share_at == registration.consent_personal_data_at
    assert registration.desired_vacancy_ids == [vacancy.id] and registration.desired_jobs == "May mặc"
    assert registration.wants_training and registration.training_wish == "Điện dân dụng"
    assert len(registration.ticket_nonce) == 8 and set(registration.ticket_nonce) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    )
    assert len(registration.ticket_secret) == 20
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registration.create"))
    assert entry.object_id == str(registration.id) and entry.details["channel"] == "online"


def test_share_consent_is_optional_and_not_stored_when_refused(db, make_fair):
    outcome = register(make_fair(), person(consent_share_with_employers=False))
    registration = db.session.get(Registration, outcome.registration.id)
    assert registration.consent_share_version is None and registration.consent_share_at is None


def test_personal_data_consent_is_required(db, make_fair):
    with pytest.raises(RegistrationInvalid) as caught:
        register(make_fair(), person(consent_personal_data=False))
    assert set(caught.value.fields) == {"consent_personal_data"}
    assert count(db, Registration) == 0 and count(db, Attendee) == 0


def test_same_fair_twice_online_says_so_without_the_ticket(db, make_fair):
    fair = make_fair()
    first = register(fair, person())
    again = register(fair, person(phone="+84 912 345 678", full_name="NGUYEN THI LAN", citizen_id=None))
    assert first.created and not again.created
    assert again.registration is None and again.phone_hint == "\u2026678"
    assert count(db, Registration) == 1 and count(db, Attendee) == 1


def test_same_fair_twice_by_staff_returns_the_same_registration(db, make_fair, make_user):
    fair = make_fair()
    first = register(fair, person())
    again = register(
        fair,
        person(phone="+84 912 345 678", full_name="NGUYEN THI LAN", citizen_id=None),
        Channel.STAFF,
        by=make_user("gate"),
    )
    assert not again.created and again.registration.id == first.registration.id
    assert again.registration.ticket_secret == first.registration.ticket_secret
    assert count(db, Registration) == 1 and count(db, Attendee) == 1


def test_found_again_by_citizen_id_with_a_new_phone(db, make_fair):
    first, second = make_fair(), make_fair()
    register(first, person())
    outcome = register(second, person(phone="0987654321", ward_code=SONG_CONG))
    attendee = db.session.get(Attendee, outcome.registration.attendee_id)
    assert count(db, Attendee) == 1 and count(db, Registration) == 2
    # online, the record is not updated: the difference waits as a pending change
    assert (attendee.phone, attendee.ward_code) == ("0912345678", BACH_QUANG)
    change = db.session.scalar(sa.select(PendingChange))
    assert change.proposed == {"phone": "0987654321", "ward_code": SONG_CONG}
    assert change.registration_id == outcome.registration.id and change.status == ChangeStatus.PENDING


def test_found_again_by_citizen_id_by_staff_updates_the_record_audited(db, make_fair, make_user):
    first, second = make_fair(), make_fair()
    register(first, person())
    gate = make_user("gate")
    outcome = register(second, person(phone="0987654321", ward_code=SONG_CONG), Channel.WALK_IN, by=gate)
    attendee = db.session.get(Attendee, outcome.registration.attendee_id)
    assert (attendee.phone, attendee.ward_code) == ("0987654321", SONG_CONG)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendee.update"))
    assert entry.actor_id == gate.id and entry.object_id == str(attendee.id)
    assert entry.details["before"] == {"phone": "0912345678", "ward_code": BACH_QUANG}
    assert entry.details["after"] == {"phone": "0987654321", "ward_code": SONG_CONG}
    assert count(db, PendingChange) == 0


def test_found_again_by_phone_and_folded_name(db, make_fair):
    first, second = make_fair(), make_fair()
    register(first, person(citizen_id=None))
    outcome = register(second, person(citizen_id=None, full_name="nguyen thi LAN", priority_group="poor"))
    assert count(db, Attendee) == 1
    attendee = db.session.get(Attendee, outcome.registration.attendee_id)
    assert attendee.priority_group.value == "near_poor" and attendee.full_name == "Nguyễn Thị Lan"
    assert db.session.scalar(sa.select(PendingChange.proposed)) == {
        "full_name": "nguyen thi LAN",
        "priority_group": "poor",
    }
    assert count(db, Registration) == 2


def test_citizen_id_added_later_to_the_record_found_by_phone_and_name(db, make_fair, make_user):
    first, second, third = make_fair(), make_fair(), make_fair()
    register(first, person(citizen_id=None))
    register(second, person())  # online: only asked for
    assert db.session.scalars(sa.select(Attendee.citizen_id)).all() == [None]
    assert db.session.scalar(sa.select(PendingChange.proposed)) == {"citizen_id": "019195001234"}
    register(third, person(), Channel.STAFF, by=make_user("organiser"))  # staff: added at once
    assert db.session.scalars(sa.select(Attendee.citizen_id)).all() == ["019195001234"]


def test_same_phone_other_name_is_another_person(db, make_fair):
    fair = make_fair()
    register(fair, person(citizen_id=None))
    register(fair, person(citizen_id=None, full_name="Trần Văn Hùng", gender="male"))
    assert count(db, Attendee) == 2 and count(db, Registration) == 2


def test_same_phone_and_name_with_another_citizen_id_is_another_person(db, make_fair):
    fair = make_fair()
    register(fair, person())
    register(fair, person(citizen_id="019195009999"))
    assert count(db, Attendee) == 2


def test_online_citizen_id_of_someone_else_is_refused(db, make_fair):
    fair = make_fair()
    register(fair, person())
    with pytest.raises(RegistrationInvalid) as caught:
        register(fair, person(full_name="Lê Thị Mai", phone="0987654321"))
    assert caught.value.code == "validation_error" and caught.value.status == 422
    assert caught.value.fields == {
        "citizen_id": "Chúng tôi không thể đăng ký số CCCD này trực tuyến. "
        "Vui lòng mang CCCD đến bàn đăng ký tại phiên."
    }
    assert db.session.scalar(sa.select(Attendee.phone)) == "0912345678"  # nothing overwritten


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (FairStatus.DRAFT, "fair_not_published"),
        (FairStatus.CLOSED, "fair_closed"),
        (FairStatus.CANCELLED, "fair_cancelled"),
    ],
)
@pytest.mark.parametrize("channel", [Channel.ONLINE, Channel.WALK_IN])
def test_fair_status_refusals(db, make_fair, status, code, channel):
    fair = make_fair(status=status)
    with pytest.raises(services.RegistrationClosed) as caught:
        register(fair, person(), channel)
    assert caught.value.code == code and caught.value.status == 409
    assert count(db, Registration) == 0


def test_a_fair_that_has_ended_closes_itself_and_refuses(db, make_fair):
    start = utcnow() - timedelta(hours=5)
    fair = make_fair(starts_at=start, ends_at=start + timedelta(hours=4))
    with pytest.raises(services.RegistrationClosed) as caught:
        register(fair, person())
    assert caught.value.code == "fair_closed"


def test_open_fair_accepts(db, make_fair):
    start = utcnow() - timedelta(hours=1)
    fair = make_fair(starts_at=start, ends_at=start + timedelta(hours=4))
    assert register(fair, person()).created
    assert db.session.get(type(fair), fair.id).status == FairStatus.OPEN


def test_unknown_fair(db):
    with pytest.raises(NotFound):
        register_committed(987654, person(), channel=Channel.ONLINE)


def test_capacity_refuses_online_but_not_walk_in_or_staff(db, make_fair, make_user):
    fair = make_fair(capacity=1)
    register(fair, person())
    with pytest.raises(services.FairFull) as caught:
        register(fair, person(full_name="Trần Văn Hùng", gender="male", citizen_id=None, phone="0987654321"))
    assert caught.value.code == "fair_full"
    # the person already registered still gets their registration back
    assert not register(fair, person()).created
    gate = make_user("gate")
    walk_in = register(
        fair,
        person(full_name="Trần Văn Hùng", gender="male", citizen_id=None, phone="0987654321"),
        Channel.WALK_IN,
        by=gate,
    )
    assert walk_in.created and db.session.get(Registration, walk_in.registration.id).created_by == gate.id
    assert register(
        fair,
        person(full_name="Lò Văn Páo", gender="male", citizen_id=None, phone="0977654321"),
        Channel.STAFF,
        by=gate,
    ).created
    assert count(db, Registration) == 3


def test_html_is_stored_as_typed(db, make_fair):
    outcome = register(
        make_fair(), person(full_name="H'Hen  Niê", citizen_id=None, desired_jobs="<b>bảo vệ</b>")
    )
    registration = db.session.get(Registration, outcome.registration.id)
    assert registration.attendee.full_name == "H'Hen Niê"  # markup in a name: refused (test_names.py)
    assert registration.desired_jobs == "<b>bảo vệ</b>"


@pytest.mark.parametrize("with_citizen_id", [True, False])
def test_eight_simultaneous_registrations_of_one_person(app, db, make_fair, with_citizen_id):
    fair = make_fair()
    fair_id = fair.id
    raw = person() if with_citizen_id else person(citizen_id=None)
    barrier = threading.Barrier(8)
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                outcome = register_committed(fair_id, dict(raw), channel=Channel.ONLINE)
                results.append((outcome.registration.id if outcome.created else None, outcome.created))
            except Exception as error:  # reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 8
    assert sum(created for _, created in results) == 1  # the other seven: already registered, no ticket
    db.session.rollback()  # this thread's snapshot predates the workers
    assert count(db, Registration) == 1 and count(db, Attendee) == 1
    assert count(db, PendingChange) == 0  # the same details: nothing to change


def test_lost_ticket_lookup_is_audited(db, make_fair):
    fair = make_fair()
    outcome = register(fair, person(citizen_id=None))
    found = services.find_lost_tickets(fair.id, "0912345678", 1995)
    assert [r.id for r in found.tickets] == [outcome.registration.id] and not found.needs_proof
    assert services.find_lost_tickets(fair.id, "0912345678", 1996).tickets == []
    db.session.commit()
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "registration.lost_ticket_lookup")
        .order_by(AuditEntry.id)
    ).all()
    assert [e.details["found"] for e in entries] == [1, 0]
    assert entries[0].details["phone"] == "091****678"
