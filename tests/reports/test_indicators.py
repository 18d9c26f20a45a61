"""The indicators on the hand-made data set of tests/reports/dataset.py, against numbers worked out by
hand there: people counted once across fairs and booths, hires attributed to their fair (or, without
a fair, to their start month and ward), cancelled and draft fairs never counted, the year's edge in
Vietnam's time, and an organiser's wards."""

from datetime import date

import pytest

from fairapp.auth.scope import EVERYWHERE, WardScope
from fairapp.errors import Forbidden, ValidationError
from fairapp.modelbase import utcnow
from fairapp.reports.indicators import fair_facts, funnel, steps
from fairapp.reports.period import Filters, period_of
from tests.reports.dataset import BACH_QUANG, SONG_CONG


def numbers(**values) -> dict:
    return {step: values.get(step, 0) for step in steps()}


def year(scope=EVERYWHERE, **more):
    first, last = period_of("year", 2026)
    return Filters(scope, first, last, **more)


def test_the_year_counts_each_person_once_per_step(data):
    assert funnel(year()) == numbers(
        registered=6,  # A B C D G H: not E (2025), not G's 2027 fair counted again, not C's cancelled one
        checked_in=5,  # A (twice) B C G H
        interviewed=3,  # A (two employers) B C
        shortlisted=2,  # A C
        offered=1,  # C
        counselled=2,  # B H
        enrolled=1,  # B
        hired=3,  # A (F1), C (F2), D (no fair, May): not B (to confirm), H (dismissed), E (2025's fair)
        employed_1=2,  # A, D (changed employer); C left
        employed_3=1,
        employed_6=1,
        sustained=1,  # A
    )


def test_by_priority_group(data):
    by = funnel(year(), by="priority_group")
    assert by["poor"] == numbers(
        registered=2,
        checked_in=2,
        interviewed=1,
        shortlisted=1,
        hired=1,
        employed_1=1,
        employed_3=1,
        employed_6=1,
        sustained=1,
    )
    assert by["near_poor"] == numbers(registered=1, checked_in=1, interviewed=1, counselled=1, enrolled=1)
    assert by["escaped_poverty"] == numbers(registered=1, hired=1, employed_1=1)
    assert by["none"] == numbers(
        registered=2, checked_in=2, interviewed=1, shortlisted=1, offered=1, counselled=1, hired=1
    )


def test_by_ward_counts_where_the_fair_was_held_and_a_hire_without_a_fair_where_it_was_recorded(data):
    by = funnel(year(), by="ward")
    assert set(by) == {BACH_QUANG, SONG_CONG}
    assert by[BACH_QUANG] == numbers(
        registered=5,
        checked_in=4,
        interviewed=2,
        shortlisted=1,
        counselled=2,
        enrolled=1,
        hired=2,
        employed_1=2,
        employed_3=1,
        employed_6=1,
        sustained=1,
    )
    assert by[SONG_CONG] == numbers(
        registered=2, checked_in=2, interviewed=2, shortlisted=1, offered=1, hired=1
    )


def test_by_month_fair_sex_and_age(data):
    by_month = funnel(year(), by="month")
    assert {month: row["registered"] for month, row in by_month.items()} == {
        "2026-03": 4,
        "2026-07": 2,
        "2026-12": 1,
        "2026-05": 0,
    }
    assert by_month["2026-05"]["hired"] == 1  # D's hire without a fair, by its start month
    assert by_month["2026-03"]["hired"] == 2
    by_fair = funnel(year(), by="fair")
    assert by_fair[data.fairs["F1"].id]["registered"] == 3
    assert by_fair[data.fairs["F1"].id]["hired"] == 1
    assert by_fair[None] == numbers(hired=1, employed_1=1)
    by_sex = funnel(year(), by="gender")
    assert by_sex["female"]["registered"] == 3 and by_sex["male"]["registered"] == 3
    by_age = funnel(year(), by="age_band")
    assert {band: row["registered"] for band, row in by_age.items()} == {
        "35-44": 2,  # A (36), H (41)
        "25-34": 1,  # B (26)
        "45-54": 1,  # C (51)
        "65+": 1,  # D (66)
        "15-24": 1,  # G (21)
    }
    assert by_age["65+"]["hired"] == 1


def test_by_employer_and_vacancy(data):
    e1, e2 = data.employers["E1"].id, data.employers["E2"].id
    by = funnel(year(), by="employer")
    assert by[e1]["interviewed"] == 2 and by[e1]["hired"] == 2  # A, B seen; A (F1) and D hired
    assert by[e2]["interviewed"] == 2 and by[e2]["offered"] == 1 and by[e2]["hired"] == 1
    assert by[None]["counselled"] == 2  # the school's booth has no employer
    by_vacancy = funnel(year(), by="vacancy")
    assert by_vacancy[data.vacancies["V2"].id]["shortlisted"] == 1


def test_a_month_a_fair_and_a_ward(data):
    march = Filters(EVERYWHERE, *period_of("month", 2026, 3))
    assert funnel(march)["registered"] == 4
    assert funnel(march)["hired"] == 2  # D's May hire is not March's
    one_fair = year(fair_id=data.fairs["F1"].id)
    assert funnel(one_fair) == numbers(
        registered=3,
        checked_in=3,
        interviewed=2,
        shortlisted=1,
        counselled=2,
        enrolled=1,
        hired=1,
        employed_1=1,
        employed_3=1,
        employed_6=1,
        sustained=1,
    )
    assert funnel(year(ward_code=SONG_CONG))["registered"] == 2
    second_quarter = Filters(EVERYWHERE, *period_of("quarter", 2026, 2))
    assert funnel(second_quarter) == numbers(hired=1, employed_1=1)  # only D's hire without a fair


def test_an_organiser_sees_the_wards_given_to_them(data):
    song_cong = WardScope(ward_codes=frozenset({SONG_CONG}))
    assert funnel(year(song_cong))["registered"] == 2
    assert funnel(year(song_cong))["hired"] == 1
    with pytest.raises(Forbidden):
        Filters.parse({"ward_code": BACH_QUANG}, song_cong)


def test_a_period_with_no_data_is_all_zeros(data):
    assert funnel(Filters(EVERYWHERE, date(2030, 1, 1), date(2030, 12, 31))) == numbers()
    assert funnel(Filters(EVERYWHERE, date(2030, 1, 1), date(2030, 12, 31)), by="ward") == {}


def test_what_took_part(data):
    facts = fair_facts(year())
    started = sum(1 for name in ("F1", "F2", "F3", "F6") if data.fairs[name].starts_at <= utcnow())
    assert facts == {
        "fairs": 4,
        "fairs_held": started,
        "employers": 2,  # E1 (F1), E2 (F2); E1's booth at F3 was cancelled
        "schools": 1,
        "vacancies": 2,  # V1 at F1 and F3 counted once
        "quota": 15,
    }


@pytest.mark.parametrize(
    "args, field",
    [
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to"),
        ({"date_from": "1999-12-31"}, "date_from"),
        ({"ward_code": "05528; drop"}, "ward_code"),
        ({"fair_id": "-1"}, "fair_id"),
        ({"fair_id": "99999999999"}, "fair_id"),
    ],
)
def test_bad_filters_name_their_field(args, field):
    with pytest.raises(ValidationError) as refused:
        Filters.parse(args, EVERYWHERE)
    assert field in refused.value.fields


def test_two_dimensions_at_once_and_what_took_part_per_ward(data):
    by = funnel(year(), by=("ward", "priority_group"))
    assert by[BACH_QUANG, "poor"]["registered"] == 2  # A (F1, F3), G (F6)
    assert by[SONG_CONG, "none"] == numbers(
        registered=1, checked_in=1, interviewed=1, shortlisted=1, offered=1, hired=1
    )
    assert by[BACH_QUANG, "escaped_poverty"]["hired"] == 1
    per_ward = fair_facts(year(), by_ward=True)
    assert set(per_ward) == {BACH_QUANG, SONG_CONG}
    assert per_ward[BACH_QUANG]["fairs"] == 3 and per_ward[BACH_QUANG]["employers"] == 1
    assert (
        per_ward[BACH_QUANG]["vacancies"] == 1 and per_ward[BACH_QUANG]["quota"] == 10
    )  # V1 at F1 and F3: once
    assert per_ward[SONG_CONG] == {
        "fairs": 1,
        "fairs_held": 1,
        "employers": 1,
        "schools": 0,
        "vacancies": 1,
        "quota": 5,
    }
