"""GET /api/v1/hires and /api/v1/hires/{id}: what each caller sees. An employer: its own hires, the
person's name only with their consent to share, never the ward, priority group, phone or citizen ID,
nor the staff's notes of a call."""

from fairapp.extensions import db
from fairapp.outcomes.models import HireStatus
from tests.outcomes.helpers import days, post_follow_up, refused

PRIVATE = ("priority_group", "phone", "citizen_id", "address", "ward_code", "household_code")


def test_an_employer_sees_its_own_hires_and_a_name_only_with_consent(client, seen, hire):
    shy = seen(name="Lê Văn Khánh")
    made_shy = hire(shy)
    sharing = seen(setup=_setup_of(shy), name="Phạm Thị Mai")
    sharing.registration.consent_share_version = "2025-01"
    db.session.commit()
    made_sharing = hire(sharing)
    other = hire(seen(name="Đỗ Văn Hải"))

    items = client.get("/api/v1/hires", headers=shy.employer_headers).get_json()["items"]
    names = {item["id"]: item["person_name"] for item in items}
    assert names == {made_shy.id: "K.", made_sharing.id: "Phạm Thị Mai"}
    assert other.id not in names
    for item in items:
        assert not set(PRIVATE) & set(item)
    one = client.get(f"/api/v1/hires/{made_shy.id}", headers=shy.employer_headers).get_json()
    assert one["person_name"] == "K." and len(one["follow_ups"]) == 3
    assert "note" not in one["follow_ups"][0] and not set(PRIVATE) & set(one)
    refused(client.get(f"/api/v1/hires/{other.id}", headers=shy.employer_headers), 404, "not_found")


def _setup_of(person):
    from tests.interviews.conftest import BoothSetup

    return BoothSetup(person.booth, person.employer_user, person.employer_headers, [], [])


def test_staff_see_the_name_and_ward_of_their_wards_hires(client, seen, hire, staff_headers):
    made = hire(seen(name="Lê Văn Khánh"))
    _user, headers = staff_headers()
    items = client.get("/api/v1/hires", headers=headers).get_json()["items"]
    assert [(item["id"], item["person_name"], item["ward_code"]) for item in items] == [
        (made.id, "Lê Văn Khánh", "05528")
    ]
    assert not {"priority_group", "phone", "citizen_id"} & set(items[0])


def test_the_filters_and_pages(client, app, seen, hire, staff_headers):
    first = seen()
    made = [hire(first, start_in_days=n) for n in range(3)]
    other_fair = hire(seen())
    _user, headers = staff_headers()

    def ids(**query):
        answer = client.get("/api/v1/hires", query_string=query, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        return [item["id"] for item in answer.get_json()["items"]]

    assert ids(fair_id=first.fair.id) == [made[2].id, made[1].id, made[0].id]
    assert ids(employer_id=other_fair.employer_id) == [other_fair.id]
    assert ids(date_from=days(1), date_to=days(1)) == [made[1].id]
    assert ids(status=HireStatus.TO_CONFIRM.value) == []
    assert ids(ward_code="05518") == []
    assert sorted(ids(ward_code="05528")) == sorted([m.id for m in made] + [other_fair.id])

    import fairapp.outcomes.api as hires_api

    size, hires_api.PAGE_SIZE = hires_api.PAGE_SIZE, 3
    try:
        page_one = client.get("/api/v1/hires", headers=headers).get_json()
        assert len(page_one["items"]) == 3 and page_one["next_page"] == 2
        page_two = client.get("/api/v1/hires", query_string={"page": 2}, headers=headers).get_json()
        assert len(page_two["items"]) == 1 and "next_page" not in page_two
    finally:
        hires_api.PAGE_SIZE = size


def test_an_employer_filtering_by_another_employer_sees_nothing(client, seen, hire):
    own, other = seen(), seen()
    hire(own)
    hire(other)
    answer = client.get(
        "/api/v1/hires", query_string={"employer_id": other.booth.employer_id}, headers=own.employer_headers
    )
    assert answer.get_json()["items"] == []


def test_the_staff_notes_are_shown_to_staff(client, seen, hire, past_fair, staff_headers):
    made = hire(seen(fair=past_fair()), start_in_days=-200)
    _user, headers = staff_headers()
    post_follow_up(client, headers, made.id, checked_on=days(0), still_employed=True, note="Gọi lúc 9 giờ")
    shown = client.get(f"/api/v1/hires/{made.id}", headers=headers).get_json()
    assert shown["follow_ups"][0]["note"] == "Gọi lúc 9 giờ"
