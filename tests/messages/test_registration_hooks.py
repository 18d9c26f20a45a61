"""Messages queued at their cause: a new registration's confirmation with the ticket link (not the
"already registered" answer), and the day-before reminders (once, however often the job runs)."""

from datetime import timedelta

from fairapp.attendees.models import Attendee, Channel
from fairapp.messages.models import MessageKind, MessageStatus
from fairapp.messages.reminders import queue_fair_reminders
from fairapp.modelbase import utcnow
from fairapp.transactions import run_in_transaction
from tests.attendees.conftest import make_fair, person, register_committed  # noqa: F401
from tests.messages.conftest import local, messages

BASE = "https://vieclam.example.vn"


def test_a_new_registration_queues_its_confirmation(app, db, make_fair):
    app.config["PUBLIC_BASE_URL"] = BASE
    fair = make_fair(starts_at=local(2030, 7, 12, 7, 30))
    outcome = register_committed(fair.id, person(), channel=Channel.ONLINE)
    [message] = messages(db)
    registration = outcome.registration
    link = f"{BASE}/t/{registration.ticket_secret}"
    assert message.key == f"registration:{registration.id}" and message.kind == MessageKind.REGISTRATION
    assert message.phone == "0912345678" and message.attendee_id == registration.attendee_id
    assert message.text == f"Bạn đã đăng ký phiên giao dịch việc làm ngày 12/07/2030. Vé QR của bạn: {link}"
    assert message.params == {"date": "12/07/2030", "link": link}

    again = register_committed(fair.id, person(), channel=Channel.ONLINE)
    assert again.created is False and len(messages(db)) == 1  # "already registered": nothing sent


def test_a_walk_in_registration_is_confirmed_too(app, db, make_fair, make_user):
    staff = make_user("gate")
    fair = make_fair()
    register_committed(fair.id, person(phone="0987654321"), channel=Channel.WALK_IN, by=staff)
    [message] = messages(db)
    assert message.phone == "0987654321" and message.status == MessageStatus.QUEUED


def _reminders(now):
    return run_in_transaction(lambda: queue_fair_reminders(now=now))


def test_reminders_for_tomorrows_fairs_are_queued_once(app, db, make_fair):
    app.config["PUBLIC_BASE_URL"] = BASE
    now = local(2030, 7, 11, 9, 0)
    tomorrow = make_fair(starts_at=local(2030, 7, 12, 7, 30), venue_name="Nhà văn hoá tổ 5")
    late_tomorrow = make_fair(starts_at=local(2030, 7, 12, 23, 30))
    make_fair(starts_at=local(2030, 7, 13, 0, 0))  # the day after: not yet
    make_fair(starts_at=local(2030, 7, 11, 23, 0))  # today: too late for a day-before reminder
    for n, fair in enumerate((tomorrow, late_tomorrow)):
        register_committed(
            fair.id, person(phone=f"098765432{n}", citizen_id=f"01919500123{n}"), channel=Channel.ONLINE
        )
    erased = register_committed(
        tomorrow.id,
        person(full_name="Trần Văn Nam", phone="0977000111", citizen_id=None),
        channel=Channel.ONLINE,
    )
    db.session.get(Attendee, erased.registration.attendee_id).erased_at = utcnow()
    db.session.commit()
    before = {m.key for m in messages(db)}

    queued = _reminders(now)
    reminders = [m for m in messages(db) if m.kind == MessageKind.FAIR_REMINDER]
    assert queued == len(reminders) == 2
    assert f"fair_reminder:{erased.registration.id}" not in {m.key for m in reminders}
    assert {m.key.split(":")[0] for m in reminders} == {"fair_reminder"}
    first = next(m for m in reminders if "Nhà văn hoá tổ 5" in m.text)
    assert "07:30 ngày 12/07/2030" in first.text and BASE + "/t/" in first.text
    assert _reminders(now) == 0 and _reminders(now + timedelta(hours=3)) == 0
    assert len(messages(db)) == len(before) + queued


def test_a_cancelled_or_draft_fair_is_not_reminded(app, db, make_fair):
    from fairapp.fairs.models import FairStatus

    now = local(2030, 7, 11, 9, 0)
    for status in (FairStatus.CANCELLED, FairStatus.DRAFT):
        fair = make_fair(starts_at=local(2030, 7, 12, 8, 0))
        register_committed(fair.id, person(), channel=Channel.ONLINE)
        fair.status = status
        db.session.commit()
        assert _reminders(now) == 0
        db.session.rollback()
