"""Racing requests at a booth: the database decides. Eight threads recording the same person at the
same booth first make one record and eight history entries; eight threads sending the same scan id
make one entry. Runs on the test database, SQLite (a file) or PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from fairapp.attendees.models import Registration
from fairapp.auth.models import User
from fairapp.booths.models import Booth
from fairapp.extensions import db as _db
from fairapp.interviews import services
from fairapp.interviews.models import Interview, InterviewEntry
from fairapp.transactions import run_in_transaction

THREADS = 8


def _race(app, booth_id, registration_id, user_id, scan_ids):
    start = threading.Barrier(len(scan_ids))

    def send(scan_id):
        with app.app_context():
            try:
                start.wait()

                def work():
                    booth = _db.session.get(Booth, booth_id)
                    registration = _db.session.get(Registration, registration_id)
                    recording = services.Recording(outcome="interviewed")
                    by = _db.session.get(User, user_id)
                    done = services.record(booth, registration, recording, by=by, scan_id=scan_id)
                    return done.interview.id

                return run_in_transaction(work, writes=True)
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(len(scan_ids)) as pool:
        return list(pool.map(send, scan_ids))


def _count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_first_records_of_one_person_racing_make_one_record(app, db, make_fair, ticket, make_booth):
    fair = make_fair()
    setup = make_booth(fair)
    registration, _payload = ticket(fair)
    ids = _race(app, setup.booth.id, registration.id, setup.user.id, [f"scan-{n}" for n in range(THREADS)])
    assert len(set(ids)) == 1
    assert _count(db, Interview) == 1 and _count(db, InterviewEntry) == THREADS


def test_one_scan_id_sent_by_racing_requests_is_one_entry(app, db, make_fair, ticket, make_booth):
    fair = make_fair()
    setup = make_booth(fair)
    registration, _payload = ticket(fair)
    ids = _race(app, setup.booth.id, registration.id, setup.user.id, ["same-scan"] * THREADS)
    assert len(set(ids)) == 1
    assert _count(db, Interview) == 1 and _count(db, InterviewEntry) == 1
