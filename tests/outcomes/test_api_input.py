"""The hire API never answers 500 to a malformed request: each bad value is 400 (not the documented
shape) or 422 (a rule of the domain), naming the field, and nothing is saved. And who may call what."""

import pytest

from fairapp.outcomes.models import FollowUp, Hire
from tests.outcomes.helpers import count, days

NUL = "Công ty\x00 An"
HUGE = 10**40


def _hire_body(person, **change):
    body = {"attendee_id": person.attendee_id, "start_date": days(0)}
    body.update(change)
    return {key: value for key, value in body.items() if value is not ...}


HIRE_CASES = [
    ({"attendee_id": "12"}, "attendee_id"),
    ({"attendee_id": -1}, "attendee_id"),
    ({"attendee_id": HUGE}, "attendee_id"),
    ({"attendee_id": 2**31}, "attendee_id"),
    ({"attendee_id": 1.5}, "attendee_id"),
    ({"attendee_id": True}, "attendee_id"),
    ({"attendee_id": ...}, "attendee_id"),
    ({"attendee_id": 999_999}, "attendee_id"),  # 422 attendee_not_found
    ({"start_date": ...}, "start_date"),
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"start_date": "07/12/2026"}, "start_date"),
    ({"start_date": "2026-12-07T00:00:00"}, "start_date"),
    ({"start_date": 20261207}, "start_date"),
    ({"start_date": ["2026-12-07"]}, "start_date"),
    ({"start_date": "\x002026-12-0"}, "start_date"),
    ({"employer_id": "x"}, "employer_id"),
    ({"employer_id": HUGE}, "employer_id"),
    ({"employer_name": NUL}, "employer_name"),
    ({"employer_name": 12}, "employer_name"),
    ({"employer_name": "a" * 201}, "employer_name"),
    ({"tax_code": NUL}, "tax_code"),
    ({"tax_code": {"a": 1}}, "tax_code"),
    ({"tax_code": "0101234567"}, "tax_code"),  # wrong check digit: 422
    ({"vacancy_id": "1"}, "vacancy_id"),
    ({"vacancy_id": 999_999}, "vacancy_id"),
    ({"fair_id": [1]}, "fair_id"),
    ({"fair_id": 999_999}, "fair_id"),
    ({"interview_id": {}}, "interview_id"),
    ({"interview_id": 999_999}, "interview_id"),
    ({"position": NUL}, "position"),
    ({"position": "x" * 201}, "position"),
    ({"monthly_salary": -5}, "monthly_salary"),
    ({"monthly_salary": "6000000"}, "monthly_salary"),
    ({"monthly_salary": 6.5e6}, "monthly_salary"),
    ({"monthly_salary": HUGE}, "monthly_salary"),
    ({"monthly_salary": True}, "monthly_salary"),
    ({"contract_type": "forever"}, "contract_type"),
    ({"contract_type": 1}, "contract_type"),
    ({"social_insurance": "yes"}, "social_insurance"),
    ({"social_insurance": 1}, "social_insurance"),
    ({"workplace_ward_code": "99999"}, "workplace_ward_code"),
    ({"workplace_ward_code": "0\x00528"}, "workplace_ward_code"),
    ({"workplace_ward_code": "055280"}, "workplace_ward_code"),
    ({"workplace_ward_code": 5528}, "workplace_ward_code"),
    ({"workplace_province_code": 999}, "workplace_province_code"),
    ({"workplace_province_code": HUGE}, "workplace_province_code"),
    ({"workplace_province_code": "19"}, "workplace_province_code"),
]


@pytest.mark.parametrize(("change", "field"), HIRE_CASES, ids=lambda v: repr(v)[:40])
def test_a_bad_hire_value_is_refused_naming_the_field(client, seen, staff_headers, change, field):
    person = seen()
    _user, headers = staff_headers()
    body = _hire_body(person, employer_id=person.booth.employer_id)
    if field in ("employer_name", "tax_code"):
        del body["employer_id"]
    body.update({k: v for k, v in change.items() if v is not ...})
    for key, value in change.items():
        if value is ...:
            body.pop(key, None)
    response = client.post("/api/v1/hires", json=body, headers=headers)
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"], response.get_json()
    assert (count(Hire), count(FollowUp)) == (0, 0)


@pytest.mark.parametrize(
    "raw",
    [b"[]", b'"hire"', b"null", b"{", b'{"attendee_id": 1,}', b"\xff\xfe", b"[" * 5000 + b"]" * 5000],
    ids=["array", "string", "null", "cut", "trailing comma", "not utf-8", "deep"],
)
def test_a_body_that_is_no_object_is_400(client, staff_headers, raw):
    _user, headers = staff_headers()
    response = client.post("/api/v1/hires", data=raw, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("bad_request", "invalid_json")
    response = client.post(
        "/api/v1/hires/1/follow-ups", data=raw, content_type="application/json", headers=headers
    )
    assert response.status_code in (400, 404)


FOLLOW_UP_CASES = [
    ({"checked_on": ...}, "checked_on"),
    ({"checked_on": "yesterday"}, "checked_on"),
    ({"checked_on": 1}, "checked_on"),
    ({"still_employed": ...}, "still_employed"),
    ({"still_employed": "true"}, "still_employed"),
    ({"still_employed": 1}, "still_employed"),
    ({"outcome": "fired"}, "outcome"),
    ({"outcome": "left", "still_employed": True}, "outcome"),
    ({"outcome": "changed_employer"}, "new_employer"),
    ({"reason": "bored", "still_employed": False}, "reason"),
    ({"still_employed": False}, "reason"),  # 422 reason_required
    ({"month": 0}, "month"),
    ({"month": "6"}, "month"),
    ({"month": HUGE}, "month"),
    ({"month": 2}, "month"),  # 422 no_such_follow_up
    ({"retry_in_days": 0, "outcome": "unreachable"}, "retry_in_days"),
    ({"retry_in_days": HUGE, "outcome": "unreachable"}, "retry_in_days"),
    ({"note": NUL}, "note"),
    ({"note": "n" * 501}, "note"),
    ({"new_employer": NUL}, "new_employer"),
    ({"new_employer": ["a"]}, "new_employer"),
    ({"checked_on": "1999-01-01"}, "checked_on"),  # 422 before_start
]


@pytest.mark.parametrize(("change", "field"), FOLLOW_UP_CASES, ids=lambda v: repr(v)[:40])
def test_a_bad_follow_up_value_is_refused_naming_the_field(
    client, db, seen, hire, past_fair, staff_headers, change, field
):
    made = hire(seen(fair=past_fair()), start_in_days=-200)
    _user, headers = staff_headers()
    body = {"checked_on": days(0), "still_employed": True}
    body.update({k: v for k, v in change.items() if v is not ...})
    for key, value in change.items():
        if value is ...:
            body.pop(key, None)
    response = client.post(f"/api/v1/hires/{made.id}/follow-ups", json=body, headers=headers)
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"], response.get_json()
    db.session.rollback()
    assert {(f.outcome, f.attempts) for f in db.session.get(Hire, made.id).follow_ups} == {(None, 0)}


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/hires", {"fair_id": "x"}, "fair_id"),
        ("/api/v1/hires", {"fair_id": str(HUGE)}, "fair_id"),
        ("/api/v1/hires", {"employer_id": "-1"}, "employer_id"),
        ("/api/v1/hires", {"status": "hired"}, "status"),
        ("/api/v1/hires", {"date_from": "2026-13-01"}, "date_from"),
        ("/api/v1/hires", {"date_to": "today"}, "date_to"),
        ("/api/v1/hires", {"page": "0"}, "page"),
        ("/api/v1/hires", {"page": "١"}, "page"),  # an Arabic-Indic digit
        ("/api/v1/hires", {"ward_code": "0\x00528"}, "ward_code"),
        ("/api/v1/hires", {"ward_code": "055281"}, "ward_code"),
        ("/api/v1/follow-ups", {"due_before": "2026-02-30"}, "due_before"),
        ("/api/v1/follow-ups", {"page": str(HUGE)}, "page"),
    ],
)
def test_a_bad_query_is_400_naming_the_field(client, staff_headers, path, query, field):
    _user, headers = staff_headers()
    response = client.get(path, query_string=query, headers=headers)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"]


# --- Who may call what --------------------------------------------------------------------------------------

ROLES = ("admin", "organiser", "employer", "gate", "school")
ALLOWED = {
    ("POST", "/api/v1/hires"): {"admin", "organiser", "employer"},
    ("GET", "/api/v1/hires"): {"admin", "organiser", "employer"},
    ("GET", "/api/v1/hires/{id}"): {"admin", "organiser", "employer"},
    ("POST", "/api/v1/hires/{id}/follow-ups"): {"admin", "organiser", "employer"},
    ("GET", "/api/v1/follow-ups"): {"admin", "organiser"},
}


@pytest.mark.parametrize(("method", "path"), list(ALLOWED), ids=lambda v: str(v))
def test_every_role_on_every_hire_endpoint(client, seen, hire, token_for, make_employer, method, path):
    person = seen()
    made = hire(person)
    url = path.replace("{id}", str(made.id))
    body = {"checked_on": days(0), "still_employed": True} if "follow-ups" in path else {}
    anonymous = client.open(url, method=method, json=body)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"
    for role in ROLES:
        if role == "organiser":
            _user, headers = token_for(role, ward_codes=["05528"])
        elif role == "employer":
            _user, headers = person.employer_user, person.employer_headers
        else:
            _user, headers = token_for(role)
        response = client.open(url, method=method, json=body, headers=headers)
        if role in ALLOWED[(method, path)]:
            assert response.status_code not in (401, 403, 500), (role, response.get_json())
        else:
            assert response.status_code == 403, (role, response.get_json())
            assert response.get_json()["error"]["code"] == "forbidden"
