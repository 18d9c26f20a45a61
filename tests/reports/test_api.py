"""GET /api/v1/reports/outcomes on the hand-made data set: the documented shape and numbers, the
organiser's wards, refusals that name the field, and no 500 for junk."""

import pytest

from tests.reports.dataset import BACH_QUANG, SONG_CONG

URL = "/api/v1/reports/outcomes"
YEAR = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def test_the_year_for_an_admin(client, data, token_for):
    _admin, headers = token_for("admin")
    response = client.get(URL, query_string=YEAR, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert {
        key: body[key]
        for key in ("registered", "checked_in", "interviewed", "shortlisted", "hired", "sustained")
    } == {
        "registered": 6,
        "checked_in": 5,
        "interviewed": 3,
        "shortlisted": 2,
        "hired": 3,
        "sustained": 1,
    }
    assert set(body["by_priority_group"]) == {"none", "poor", "near_poor", "escaped_poverty"}
    assert body["by_priority_group"]["poor"]["registered"] == 2
    assert body["by_priority_group"]["escaped_poverty"]["hired"] == 1
    assert body["by_ward"][BACH_QUANG]["registered"] == 5 and body["by_ward"][SONG_CONG]["hired"] == 1
    assert body["fairs"]["fairs"] == 4 and body["fairs"]["quota"] == 15
    assert body["filters"] == {**YEAR, "ward_code": None, "fair_id": None}


def test_one_fair_and_one_ward(client, data, token_for):
    _admin, headers = token_for("admin")
    one_fair = client.get(URL, query_string={"fair_id": data.fairs["F2"].id}, headers=headers).get_json()
    assert (one_fair["registered"], one_fair["hired"]) == (2, 1)
    ward = client.get(URL, query_string={**YEAR, "ward_code": SONG_CONG}, headers=headers).get_json()
    assert set(ward["by_ward"]) == {SONG_CONG} and ward["registered"] == 2


def test_an_organiser_sees_their_wards_only(client, data, token_for):
    _organiser, headers = token_for("organiser", ward_codes=[SONG_CONG])
    mine = client.get(URL, query_string=YEAR, headers=headers).get_json()
    assert mine["registered"] == 2 and set(mine["by_ward"]) == {SONG_CONG}
    other = client.get(URL, query_string={**YEAR, "ward_code": BACH_QUANG}, headers=headers)
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "ward_not_allowed"
    other_fair = client.get(URL, query_string={"fair_id": data.fairs["F1"].id}, headers=headers)
    assert other_fair.status_code == 403


@pytest.mark.parametrize("role", ["employer", "gate", "school"])
def test_other_roles_are_refused(client, data, token_for, role):
    _user, headers = token_for(role)
    assert client.get(URL, headers=headers).status_code == 403


def test_without_a_token(client, data):
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize(
    "query, field",
    [
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_to": "\x00"}, "date_to"),
        ({"date_from": "2026-06-01", "date_to": "2026-01-01"}, "date_to"),
        ({"ward_code": "abc"}, "ward_code"),
        ({"fair_id": "1.5"}, "fair_id"),
        ({"fair_id": "9" * 40}, "fair_id"),
    ],
)
def test_junk_is_refused_naming_the_field(client, data, token_for, query, field):
    _admin, headers = token_for("admin")
    response = client.get(URL, query_string=query, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"]


def test_an_unknown_fair_is_404_and_an_empty_period_zeros(client, data, token_for):
    _admin, headers = token_for("admin")
    assert client.get(URL, query_string={"fair_id": 999999}, headers=headers).status_code == 404
    empty = client.get(URL, query_string={"date_from": "2031-01-01"}, headers=headers).get_json()
    assert empty["registered"] == 0 and empty["by_ward"] == {} and empty["fairs"]["fairs"] == 0
