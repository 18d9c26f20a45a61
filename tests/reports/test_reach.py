"""reach, the people each step reached kept by the writes (fairapp.reports.reach): after every kind of
write the rows are those computed from the facts again, and counting them gives what counting the facts
gives, for every period, scope and breakdown it answers."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from bench.province_data import generate
from fairapp.attendees.models import Attendee, PriorityGroup, PriorityStatus, Registration
from fairapp.auth.scope import EVERYWHERE, WardScope
from fairapp.checkins.models import CheckIn
from fairapp.fairs.models import Fair, FairStatus
from fairapp.interviews.models import Interview, Outcome
from fairapp.outcomes.models import FollowUp, FollowUpOutcome, Hire, HireStatus
from fairapp.reports import reach
from fairapp.reports.indicators import _funnel_of_facts, funnel, funnels
from fairapp.reports.models import Reach, ReachDirty
from fairapp.reports.period import Filters
from tests.reports.dataset import BA_XUYEN, BACH_QUANG, SONG_CONG

COLUMNS = list(Reach.__table__.columns)
PERIODS = [
    (date(2026, 1, 1), date(2026, 12, 31)),  # a year
    (date(2026, 1, 1), date(2026, 3, 31)),  # a quarter
    (date(2026, 3, 1), date(2026, 3, 31)),  # a month
    (date(2026, 3, 10), date(2026, 3, 10)),  # one day: F1's
    (date(2026, 3, 11), date(2026, 5, 1)),  # days across months
    (date(2025, 6, 1), date(2026, 6, 30)),  # across two years
    (date(2025, 12, 31), date(2027, 1, 1)),  # a day of each end year and the whole year between
    (None, date(2026, 3, 24)),  # open at the start
    (date(2026, 3, 25), None),  # open at the end
    (None, None),  # everything
]
SCOPES = [
    {"scope": EVERYWHERE},
    {"scope": EVERYWHERE, "ward_code": BACH_QUANG},
    {"scope": WardScope(ward_codes=frozenset({SONG_CONG}))},
    {"scope": WardScope(ward_codes=frozenset({BACH_QUANG, SONG_CONG}))},
    {"scope": WardScope(ward_codes=frozenset({BACH_QUANG, SONG_CONG, BA_XUYEN})), "ward_code": SONG_CONG},
    {"scope": WardScope()},
]
BREAKDOWNS = [
    None,
    "priority_group",
    "gender",
    "age_band",
    "ward",
    "month",
    ("priority_group", "gender"),
    ("ward", "priority_group"),
    "priority_status",
    ("priority_group", "priority_status"),
]


def stored(db) -> set:
    return set(db.session.execute(sa.select(*COLUMNS)).all())


def recomputed(db) -> set:
    return set(db.session.execute(reach._rows(sa.select(Attendee.id))).all())


def noted(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ReachDirty))


def counted(db) -> None:
    """What the worker's job does each minute."""
    while reach.refresh(db.session):
        pass
    db.session.commit()


def assert_exact(db) -> None:
    assert noted(db) == 0
    assert stored(db) == recomputed(db)


def assert_counts_agree(filters_grid) -> int:
    compared = 0
    for (first, last), scope in filters_grid:
        filters = Filters(date_from=first, date_to=last, **scope)
        together = funnels(filters, BREAKDOWNS)  # read in one pass where they can be
        for by in BREAKDOWNS:
            found = reach.counts(filters, by)
            assert found is not None, (filters, by)
            expected = _funnel_of_facts(filters, by)
            assert found == expected, (first, last, scope, by)
            assert together[by] == expected, (first, last, scope, by, "together")
            compared += 1
    return compared


def test_the_hand_made_data_set_is_counted_as_the_facts_count_it_before_and_after_the_worker(db, data):
    grid = [(period, scope) for period in PERIODS for scope in SCOPES]
    assert noted(db) == len(data.people)  # written, not counted yet: read from the facts meanwhile
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reach)) == 0
    assert assert_counts_agree(grid) == len(PERIODS) * len(SCOPES) * len(BREAKDOWNS)
    counted(db)
    assert_exact(db)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reach)) > 0
    assert assert_counts_agree(grid) == len(PERIODS) * len(SCOPES) * len(BREAKDOWNS)


def test_a_generated_province_in_miniature_is_counted_as_the_facts_count_it(db):
    generate(db.session, scale=0.004, year=2026, seed=11)  # counts its people itself
    db.session.commit()
    assert_exact(db)
    wards = sorted(db.session.scalars(sa.select(Fair.ward_code).distinct()))
    scopes = [
        {"scope": EVERYWHERE},
        {"scope": EVERYWHERE, "ward_code": wards[0]},
        {"scope": WardScope(ward_codes=frozenset(wards[:2]))},
    ]
    periods = [PERIODS[0], PERIODS[1], PERIODS[4], PERIODS[5], PERIODS[9]]
    assert assert_counts_agree([(period, scope) for period in periods for scope in scopes])


def test_one_fair_and_the_fair_employer_and_vacancy_breakdowns_are_counted_from_the_facts(db, data):
    year = Filters(EVERYWHERE, date(2026, 1, 1), date(2026, 12, 31))
    for by in ("fair", "employer", "vacancy", ("ward", "month")):
        assert reach.counts(year, by) is None
    one_fair = Filters(EVERYWHERE, fair_id=data.fairs["F1"].id)
    assert reach.counts(one_fair) is None
    assert funnel(one_fair)["registered"] == 3  # A B H


def _person(data, key) -> Attendee:
    return data.people[key]


def _move(fair: Fair, by: timedelta) -> None:
    fair.starts_at, fair.ends_at = fair.starts_at + by, fair.ends_at + by


WRITES = {
    "a fair cancelled": lambda db, data: setattr(data.fairs["F2"], "recorded_status", FairStatus.CANCELLED),
    "a fair moved to the next year": lambda db, data: _move(data.fairs["F1"], timedelta(days=300)),
    "a fair moved to another ward": lambda db, data: setattr(data.fairs["F3"], "ward_code", SONG_CONG),
    "a person's group changed": lambda db, data: setattr(
        _person(data, "H"), "priority_group", PriorityGroup.POOR
    ),
    "a person's birth year corrected": lambda db, data: setattr(_person(data, "A"), "birth_year", 1950),
    "a person's group verified on the household list": lambda db, data: setattr(
        _person(data, "A"), "priority_status", PriorityStatus.VERIFIED
    ),
    "a check-in written by a statement": lambda db, data: db.session.execute(
        sa.insert(CheckIn).values(
            fair_id=data.fairs["F3"].id,
            registration_id=db.session.scalar(
                sa.select(Registration.id).where(
                    Registration.attendee_id == _person(data, "D").id,
                    Registration.fair_id == data.fairs["F3"].id,
                )
            ),
            checked_in_at=datetime(2026, 7, 5, 2, 0, tzinfo=UTC),
            source="online",
        )
    ),
    "check-ins deleted by a statement": lambda db, data: db.session.execute(sa.delete(CheckIn)),
    "an interview's outcome changed": lambda db, data: db.session.execute(
        sa.update(Interview).where(Interview.outcome == Outcome.OFFERED).values(outcome=Outcome.NOT_SUITABLE)
    ),
    "a hire confirmed": lambda db, data: setattr(data.hires["B"], "status", HireStatus.CONFIRMED),
    "a hire dismissed": lambda db, data: setattr(data.hires["A"], "status", HireStatus.DISMISSED),
    "a follow-up answered otherwise": lambda db, data: db.session.execute(
        sa.update(FollowUp).where(FollowUp.month == 6).values(outcome=FollowUpOutcome.LEFT)
    ),
    "a hire deleted with its follow-ups": lambda db, data: db.session.delete(data.hires["C"]),
    "a registration deleted": lambda db, data: db.session.execute(
        sa.delete(Registration).where(
            Registration.attendee_id == _person(data, "G").id, Registration.fair_id == data.fairs["F7"].id
        )
    ),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_kind_of_write_notes_its_people_and_is_counted_exactly(db, data, write):
    counted(db)
    before = stored(db)
    year = Filters(EVERYWHERE, date(2026, 1, 1), date(2026, 12, 31))
    WRITES[write](db, data)
    db.session.commit()
    assert noted(db) > 0
    pending = funnels(year, BREAKDOWNS)  # the people written are read from the facts
    assert pending == {by: _funnel_of_facts(year, by) for by in BREAKDOWNS}
    counted(db)
    assert_exact(db)
    assert stored(db) != before, "the write should have changed what is counted"
    assert funnels(year, BREAKDOWNS) == pending


def test_a_rolled_back_write_leaves_reach_and_nothing_noted(db, data):
    counted(db)
    before = stored(db)
    data.fairs["F1"].recorded_status = FairStatus.CANCELLED
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReachDirty)) > 0
    db.session.rollback()
    assert stored(db) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReachDirty)) == 0


def test_a_person_deleted_takes_their_rows_away(db, data):
    person = _person(data, "E")
    person_id = person.id
    db.session.execute(
        sa.delete(FollowUp).where(
            FollowUp.hire_id.in_(sa.select(Hire.id).where(Hire.attendee_id == person_id))
        )
    )
    db.session.execute(sa.delete(Hire).where(Hire.attendee_id == person_id))
    db.session.execute(
        sa.delete(CheckIn).where(
            CheckIn.registration_id.in_(
                sa.select(Registration.id).where(Registration.attendee_id == person_id)
            )
        )
    )
    db.session.execute(sa.delete(Registration).where(Registration.attendee_id == person_id))
    db.session.execute(sa.delete(Attendee).where(Attendee.id == person_id))
    db.session.commit()
    counted(db)
    assert_exact(db)
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Reach).where(Reach.attendee_id == person_id))
        == 0
    )


def test_rebuild_counts_everyone_again(db, data, runner):
    counted(db)
    before = stored(db)
    db.session.execute(sa.delete(Reach))
    db.session.commit()
    assert stored(db) == set()
    result = runner.invoke(args=["reports", "rebuild"])
    assert result.exit_code == 0, result.output
    assert str(len(data.people)) in result.output
    db.session.expire_all()
    assert stored(db) == before


def test_a_day_of_the_year_is_one_bit_of_one_column():
    assert reach._day_masks(date(2026, 1, 1), date(2026, 1, 1)) == [1, 0, 0, 0, 0, 0]
    assert reach._day_masks(date(2026, 3, 4), date(2026, 3, 4)) == [0, 1 << 0, 0, 0, 0, 0]  # day 62
    assert reach._day_masks(date(2024, 12, 31), date(2024, 12, 31)) == [0, 0, 0, 0, 0, 1 << (365 - 310)]
    year = reach._day_masks(date(2026, 1, 1), date(2026, 12, 31))
    assert [bin(mask).count("1") for mask in year] == [62, 62, 62, 62, 62, 55]
    assert all(0 <= mask < 1 << 62 for mask in year)


def test_the_worker_counts_the_noted_people_each_minute(app, db, data):
    from fairapp.worker import schedule

    job = next(job for job in schedule.JOBS if job.name == "count_reach")
    assert job.schedule(datetime(2026, 12, 7, 10, 17, tzinfo=UTC))  # every minute
    assert noted(db) > 0
    db.session.commit()
    assert schedule.run(job, datetime(2026, 12, 7, 10, 17, tzinfo=UTC))
    db.session.expire_all()
    assert_exact(db)


def test_a_person_noted_again_while_being_counted_stays_noted(db, data, monkeypatch):
    """A write that notes a person after the worker read the notes (on PostgreSQL, another
    transaction) raises the note's version: the worker takes away only what it counted."""
    person = _person(data, "A").id
    real = reach.milestones

    def meanwhile():
        db.session.execute(
            sa.update(ReachDirty)
            .where(ReachDirty.attendee_id == person)
            .values(version=ReachDirty.version + 1)
        )
        return real()

    monkeypatch.setattr(reach, "milestones", meanwhile)
    assert reach.refresh(db.session) == len(data.people)
    assert db.session.scalars(sa.select(ReachDirty.attendee_id)).all() == [person]
    monkeypatch.setattr(reach, "milestones", real)
    counted(db)
    assert_exact(db)


def test_the_worker_counts_in_batches(db, data, monkeypatch):
    monkeypatch.setattr(reach, "BATCH", 2)
    db.session.commit()
    assert reach.drain() == len(data.people)
    assert_exact(db)
