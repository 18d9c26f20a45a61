"""Racing requests sending the same household: the database decides. Six threads posting one ward's
household code make one household with its members once; on SQLite (a file) or PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from fairapp.auth.models import User
from fairapp.extensions import db as _db
from fairapp.households.models import Category, Household, HouseholdMember
from fairapp.households.services import ListRow, save_household
from fairapp.transactions import run_in_transaction
from tests.households.conftest import BACH_QUANG

THREADS = 6


def test_racing_posts_of_one_household_make_one(app, make_user):
    user_id = make_user("organiser", ward_codes=[BACH_QUANG]).id
    rows = [
        ListRow(
            0,
            BACH_QUANG,
            "BQ-9",
            Category.POOR,
            2026,
            None,
            None,
            None,
            name,
            year,
            None,
            None,
            None,
            None,
            None,
        )
        for name, year in (("Nguyễn Văn An", 1980), ("Lê Thị Dung", 1982))
    ]
    start = threading.Barrier(THREADS)

    def send(_n):
        with app.app_context():
            try:
                start.wait()

                def work():
                    household, created = save_household(rows, by=_db.session.get(User, user_id))
                    return household.id, created

                return run_in_transaction(work)
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(send, range(THREADS)))
    assert len({household_id for household_id, _created in answers}) == 1
    assert sum(created for _id, created in answers) == 1
    _db.session.rollback()  # a snapshot after the threads' commits
    count = lambda model: _db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    assert (count(Household), count(HouseholdMember)) == (1, 2)
