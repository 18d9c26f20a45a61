"""The check-in service: every result code, scan records, repeated scan ids, clocks, offline sync rules,
the audit entry and the numbers."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from fairapp.attendees.models import PriorityGroup
from fairapp.audit.models import AuditEntry
from fairapp.checkins import services
from fairapp.checkins.models import CheckIn, Scan
from fairapp.fairs.models import FairStatus
from fairapp.modelbase import utcnow
from fairapp.tickets import signing
from fairapp.tickets.services import reissue_ticket


def count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_first_scan_admits_and_records_scan_and_audit(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    registration, payload = ticket(fair, "Trần Văn Bình", priority_group=PriorityGroup.POOR)
    outcome = services.check_in(fair, payload, by=gate, scan_id="s-1", gate="Cổng A")
    db.session.commit()
    assert outcome.result == "ok" and outcome.first_scan
    assert (outcome.name, outcome.priority, outcome.registration_id) == (
        "Trần Văn Bình",
        True,
        registration.id,
    )
    row = db.session.scalar(sa.select(CheckIn))
    assert row.registration_id == registration.id and row.source == "scanner" and row.by_user_id == gate.id
    scan = db.session.scalar(sa.select(Scan))
    assert (scan.scan_id, scan.result, scan.gate, scan.registration_id) == (
        "s-1",
        "ok",
        "Cổng A",
        registration.id,
    )
    assert scan.payload_digest and len(scan.payload_digest) == 64
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "checkin.create"))
    assert entry.actor_id == gate.id and entry.object_id == str(row.id)


def test_second_scan_is_already_checked_in(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    assert services.check_in(fair, payload, by=gate).result == "ok"
    again = services.check_in(fair, payload, by=gate)
    db.session.commit()
    assert again.result == "already_checked_in" and again.checked_in_at is not None
    assert count(db, CheckIn) == 1 and count(db, Scan) == 2
    assert count(db, AuditEntry, AuditEntry.action == "checkin.create") == 1


def test_repeated_scan_id_gets_the_first_answer(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    first = services.check_in(fair, payload, by=gate, scan_id="abc")
    db.session.commit()
    repeat = services.check_in(fair, payload, by=gate, scan_id="abc")
    db.session.commit()
    assert first.result == repeat.result == "ok"
    assert not repeat.first_scan and repeat.name is not None
    assert count(db, Scan) == 1 and count(db, CheckIn) == 1
    # a refused scan id stays refused, even if its payload were now fine
    assert services.check_in(fair, "garbage", by=gate, scan_id="bad-1").result == "invalid"
    db.session.commit()
    assert services.check_in(fair, payload, by=gate, scan_id="bad-1").result == "invalid"


def test_garbage_truncated_oversized_and_forged_are_invalid(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    forged = payload[:-5] + ("AAAAA" if not payload.endswith("AAAAA") else "BBBBB")
    for bad in (
        "",
        "garbage",
        payload[:-10],
        payload + "A",
        "F1." + "A" * 5000,
        "x" * 100_000,
        forged,
        payload.lower(),
        "\x00\ud800",
        None,
        12345,
    ):
        assert services.check_in(fair, bad, by=gate).result == "invalid", bad
    db.session.commit()
    assert count(db, CheckIn) == 0 and count(db, Scan, Scan.result == "invalid") == 11


def test_another_fairs_ticket_is_wrong_fair(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    here, there = make_fair(), make_fair()
    _registration, payload = ticket(there)
    assert services.check_in(here, payload, by=gate).result == "wrong_fair"
    db.session.commit()
    assert count(db, CheckIn) == 0


def test_reissued_ticket_is_revoked(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    registration, old_payload = ticket(fair)
    reissue_ticket(registration)
    db.session.commit()
    assert services.check_in(fair, old_payload, by=gate).result == "revoked"
    assert services.check_in(fair, signing.ticket_payload(registration), by=gate).result == "ok"


def test_fair_not_open(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    later = make_fair(starts_at=utcnow() + timedelta(days=1), status=FairStatus.PUBLISHED, opened_at=None)
    closed = make_fair(status=FairStatus.CLOSED)
    draft = make_fair(status=FairStatus.DRAFT, opened_at=None)
    for fair in (later, closed, draft):
        _registration, payload = ticket(fair)
        assert services.check_in(fair, payload, by=gate).result == "fair_not_open"
    db.session.commit()
    assert count(db, CheckIn) == 0 and count(db, Scan, Scan.result == "fair_not_open") == 3


def test_fair_opens_by_itself_at_its_start(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair(starts_at=utcnow() - timedelta(minutes=1), status=FairStatus.PUBLISHED, opened_at=None)
    _registration, payload = ticket(fair)
    assert services.check_in(fair, payload, by=gate).result == "ok"
    db.session.commit()
    assert fair.status == FairStatus.OPEN


def test_clock_two_hours_off_is_flagged_and_not_trusted(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    now = utcnow().replace(microsecond=0)
    outcome = services.check_in(fair, payload, by=gate, scanned_at=now + timedelta(hours=2), now=now)
    db.session.commit()
    assert outcome.result == "ok"
    assert outcome.checked_in_at == now  # the server's time, not the device's
    scan = db.session.scalar(sa.select(Scan))
    assert scan.flagged and scan.flag_reason == "clock_skew" and scan.skew_seconds == 7200
    assert scan.device_time == now + timedelta(hours=2) and scan.server_time == now


def test_small_skew_is_recorded_not_flagged(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    now = utcnow().replace(microsecond=0)
    services.check_in(fair, payload, by=gate, scanned_at=now - timedelta(seconds=40), now=now)
    db.session.commit()
    scan = db.session.scalar(sa.select(Scan))
    assert not scan.flagged and scan.skew_seconds == -40


def test_offline_scan_keeps_device_time(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    now = utcnow().replace(microsecond=0)
    outcome = services.check_in(
        fair, payload, by=gate, scanned_at=now - timedelta(minutes=50), now=now, source="offline"
    )
    db.session.commit()
    assert outcome.result == "ok" and outcome.checked_in_at == now - timedelta(minutes=50)
    assert not db.session.scalar(sa.select(Scan)).flagged


def test_offline_scan_uploaded_after_close_counts_if_made_during_the_fair(db, make_fair, ticket, make_user):
    gate = make_user("gate")
    start = (utcnow() - timedelta(hours=6)).replace(microsecond=0)
    fair = make_fair(starts_at=start, ends_at=start + timedelta(hours=4), status=FairStatus.CLOSED)
    _r1, during = ticket(fair)
    _r2, after = ticket(fair)
    assert (
        services.check_in(
            fair, during, by=gate, scanned_at=start + timedelta(hours=1), source="offline"
        ).result
        == "ok"
    )
    assert (
        services.check_in(
            fair, after, by=gate, scanned_at=start + timedelta(hours=5), source="offline"
        ).result
        == "fair_not_open"
    )
    assert (
        services.check_in(fair, after, by=gate, scanned_at=start + timedelta(hours=1)).result
        == "fair_not_open"
    )  # online scans need the fair open now


def test_two_devices_offline_reverse_order_both_kept_one_flagged(
    db, make_fair, ticket, make_user, make_device
):
    gate = make_user("gate")
    phone_a, phone_b = make_device(gate, "A"), make_device(gate, "B")
    fair = make_fair()
    _registration, payload = ticket(fair)
    now = utcnow().replace(microsecond=0)
    # B scanned later (09:05) but uploads first; A scanned earlier (09:00) and uploads second.
    b = services.check_in(
        fair,
        payload,
        by=gate,
        device=phone_b,
        scan_id="b-1",
        source="offline",
        scanned_at=now - timedelta(minutes=25),
        now=now,
    )
    a = services.check_in(
        fair,
        payload,
        by=gate,
        device=phone_a,
        scan_id="a-1",
        source="offline",
        scanned_at=now - timedelta(minutes=30),
        now=now,
    )
    db.session.commit()
    assert (b.result, a.result) == ("ok", "already_checked_in")
    scans = {s.scan_id: s for s in db.session.scalars(sa.select(Scan))}
    assert set(scans) == {"a-1", "b-1"}
    assert not scans["b-1"].flagged
    assert scans["a-1"].flagged and scans["a-1"].flag_reason == "offline_duplicate"
    assert scans["a-1"].device_time == now - timedelta(minutes=30)
    assert db.session.scalar(sa.select(CheckIn)).device_id == phone_b.id


def test_check_in_registration_for_kiosk_and_walk_in(db, make_fair, register, make_user):
    organiser = make_user("organiser")
    fair = make_fair()
    registration = register(fair)
    outcome = services.check_in_registration(registration, by=None, source="kiosk")
    assert outcome.result == "ok" and db.session.scalar(sa.select(CheckIn.source)) == "kiosk"
    again = services.check_in_registration(registration, by=organiser, source="manual")
    assert again.result == "already_checked_in"
    closed = make_fair(status=FairStatus.CLOSED)
    assert (
        services.check_in_registration(register(closed), by=organiser, source="walk_in").result
        == "fair_not_open"
    )
    db.session.commit()
    assert count(db, CheckIn) == 1 and count(db, Scan) == 3


def test_fair_counts(db, make_fair, ticket, register, make_user):
    gate = make_user("gate")
    fair = make_fair()
    other = make_fair()
    _a, poor1 = ticket(fair, priority_group=PriorityGroup.POOR)
    _b, _poor2 = ticket(fair, priority_group=PriorityGroup.POOR)
    _c, near = ticket(fair, priority_group=PriorityGroup.NEAR_POOR)
    register(fair)
    _d, elsewhere = ticket(other)
    for payload in (poor1, near):
        services.check_in(fair, payload, by=gate)
    services.check_in(other, elsewhere, by=gate)
    db.session.commit()
    counts = services.fair_counts(fair)
    assert counts["registered"] == 4 and counts["checked_in"] == 2
    assert counts["by_priority_group"]["poor"] == {"registered": 2, "checked_in": 1}
    assert counts["by_priority_group"]["near_poor"]["checked_in"] == 1
    assert counts["by_priority_group"]["none"] == {"registered": 1, "checked_in": 0}
    assert counts["by_priority_group"]["escaped_poverty"]["registered"] == 0


def test_a_ticket_reissued_between_the_read_and_the_write_is_not_admitted(
    app, db, make_fair, ticket, make_user, monkeypatch
):
    """The guards read the ticket as current; before the write it is reissued, by another request on
    another connection. The INSERT checks the ticket again: revoked, no check-in."""
    from fairapp.attendees.models import Registration
    from fairapp.extensions import db as _db
    from fairapp.transactions import run_in_transaction as run_committed

    gate = make_user("gate")
    fair = make_fair()
    registration, payload = ticket(fair)
    registration_id = registration.id
    real_write_point = services.write_point

    def reissued_meanwhile(**kwargs):
        def other_request():
            with app.app_context():  # a request of its own: its own session and connection
                reissue_ticket(_db.session.get(Registration, registration_id))
                _db.session.commit()

        worker = threading.Thread(target=other_request)
        worker.start()
        worker.join()
        real_write_point(**kwargs)

    monkeypatch.setattr(services, "write_point", reissued_meanwhile)
    outcome = run_committed(lambda: services.check_in(fair, payload, by=gate))
    assert outcome.result == "revoked"
    db.session.rollback()
    assert count(db, CheckIn) == 0
    assert db.session.scalar(sa.select(Scan.result)) == "revoked"
