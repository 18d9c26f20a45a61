"""Racing requests recording the same hire: the database decides. Eight threads recording one person's
hire by one employer from one start date make one hire and its three follow-ups. Runs on the test
database, SQLite (a file) or PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

from fairapp.auth.models import User
from fairapp.extensions import db as _db
from fairapp.outcomes import services
from fairapp.outcomes.models import FollowUp, Hire, HireSource
from fairapp.transactions import run_in_transaction
from tests.outcomes.helpers import count, today

THREADS = 8


def _race(app, hiring, user_id, source):
    start = threading.Barrier(THREADS)

    def send(_n):
        with app.app_context():
            try:
                start.wait()

                def work():
                    by = _db.session.get(User, user_id)
                    return services.record_hire(hiring, by=by, source=source).hire.id

                return run_in_transaction(work, writes=True)
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(send, range(THREADS)))


def test_racing_records_of_one_hire_make_one_hire_and_three_follow_ups(app, seen):
    person = seen()
    hiring = services.Hiring(attendee_id=person.attendee_id, start_date=today())
    ids = _race(app, hiring, person.employer_user.id, HireSource.EMPLOYER)
    assert len(set(ids)) == 1
    assert (count(Hire), count(FollowUp)) == (1, 3)


def test_racing_records_of_an_employer_without_an_account_make_one_hire(app, seen, organiser):
    person = seen()
    hiring = services.Hiring(
        attendee_id=person.attendee_id, start_date=today(), employer_name="Xưởng gỗ An Phát"
    )
    ids = _race(app, hiring, organiser.id, HireSource.ORGANISER)
    assert len(set(ids)) == 1
    assert (count(Hire), count(FollowUp)) == (1, 3)
