"""Race safety: 16 threads redeem the same 500 tickets 3 times each. The database decides (UNIQUE
registration_id in a SAVEPOINT): exactly 500 check-ins, 1,000 already_checked_in, no error. Runs on the
test database, SQLite (a file) or PostgreSQL."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Channel, Gender, Registration
from fairapp.auth.models import User
from fairapp.checkins import services
from fairapp.checkins.models import CheckIn, Scan
from fairapp.extensions import db as _db
from fairapp.fairs.models import Fair
from fairapp.modelbase import utcnow
from fairapp.tickets.signing import ticket_payload
from fairapp.transactions import run_in_transaction as run_committed

TICKETS = 500
THREADS = 16
ROUNDS = 3


def _registrations(db, fair, n):
    attendees = [
        Attendee(
            full_name=f"Người lao động {i}",
            name_key=f"nguoi lao dong {i}",
            phone=f"0977{i:06d}",
            birth_year=1990,
            gender=Gender.MALE,
            ward_code=fair.ward_code,
        )
        for i in range(n)
    ]
    db.session.add_all(attendees)
    db.session.flush()
    registrations = [
        Registration(
            fair_id=fair.id,
            attendee_id=a.id,
            channel=Channel.ONLINE,
            consent_personal_data_version="2025-01",
            consent_personal_data_at=utcnow(),
        )
        for a in attendees
    ]
    db.session.add_all(registrations)
    db.session.commit()
    return [ticket_payload(r) for r in registrations]


def test_sixteen_threads_redeem_500_tickets_three_times(app, db, make_fair, make_user):
    gate = make_user("gate")
    fair = make_fair()
    payloads = _registrations(db, fair, TICKETS)
    fair_id, gate_id = fair.id, gate.id
    work = [p for _ in range(ROUNDS) for p in payloads]
    chunks = [work[i::THREADS] for i in range(THREADS)]
    start = threading.Barrier(THREADS)

    def redeem(chunk):
        results, errors = Counter(), []
        with app.app_context():
            try:
                start.wait()
                for payload in chunk:
                    try:

                        def scan(payload=payload):
                            fair_ = _db.session.get(Fair, fair_id)
                            return services.check_in(fair_, payload, by=_db.session.get(User, gate_id)).result

                        results[run_committed(scan)] += 1
                    except Exception as error:  # counted, never hidden
                        errors.append(repr(error))
            finally:
                _db.session.remove()
        return results, errors

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(redeem, chunks))
    results = sum((r for r, _e in outcomes), Counter())
    errors = [e for _r, es in outcomes for e in es]
    assert errors == []
    assert results == {"ok": TICKETS, "already_checked_in": (ROUNDS - 1) * TICKETS}
    db.session.rollback()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn))
    assert count == TICKETS
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(CheckIn.registration_id)))) == TICKETS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == ROUNDS * TICKETS


def test_the_same_scan_id_from_racing_threads_is_one_scan(app, db, make_fair, make_user, ticket):
    gate = make_user("gate")
    fair = make_fair()
    _registration, payload = ticket(fair)
    fair_id, gate_id = fair.id, gate.id
    start = threading.Barrier(8)

    def send(_n):
        with app.app_context():
            try:
                start.wait()
                return run_committed(
                    lambda: (
                        services.check_in(
                            _db.session.get(Fair, fair_id),
                            payload,
                            by=_db.session.get(User, gate_id),
                            scan_id="same-scan",
                        ).result
                    )
                )
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(send, range(8)))
    assert answers == ["ok"] * 8
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1
