"""POST /api/v1/hires: attribution, idempotency, employers without an account, who may record what, the
start date and the salary. Each refusal asserts its code and that nothing was saved."""

from datetime import timedelta

import sqlalchemy as sa

from fairapp.attendees.models import Channel, Registration
from fairapp.interviews import services as interviews
from fairapp.interviews.models import Outcome
from fairapp.modelbase import utcnow
from fairapp.outcomes.models import Hire, HireSource
from tests.checkins.conftest import SONG_CONG
from tests.outcomes.helpers import count, counts, days, post_hire, refused
from tests.partners.conftest import TAX_C

UNKNOWN_TAX = "0109000015"  # valid, and no employer of the tests has it


def seen_again(db, setup, attendee_id, outcome=Outcome.INTERVIEWED):
    """The booth of `setup` records a person of another test record (registered at its fair if not yet)."""
    registration = db.session.scalar(
        sa.select(Registration).filter_by(fair_id=setup.booth.fair_id, attendee_id=attendee_id)
    ) or Registration(
        fair_id=setup.booth.fair_id,
        attendee_id=attendee_id,
        channel=Channel.STAFF,
        consent_personal_data_version="2025-01",
        consent_personal_data_at=utcnow(),
    )
    db.session.add(registration)
    db.session.flush()
    recorded = interviews.record(
        setup.booth, registration, interviews.Recording(outcome=outcome), by=setup.user
    )
    db.session.commit()
    return recorded.interview


# --- Attribution and idempotency ----------


def test_an_employer_records_a_hire_of_a_person_its_booth_saw(client, db, seen):
    person = seen()
    response = post_hire(
        client,
        person.employer_headers,
        attendee_id=person.attendee_id,
        start_date=days(0),
        position="Công nhân may",
        monthly_salary=6_500_000,
        contract_type="fixed_12_plus",
        social_insurance=True,
        workplace_ward_code=SONG_CONG,
    )
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["warnings"] == {} and answer["created"] is True
    hire = db.session.get(Hire, answer["id"])
    assert (hire.fair_id, hire.interview_id) == (person.fair.id, person.interview.id)
    assert hire.employer_id == person.booth.employer_id and hire.source == HireSource.EMPLOYER
    assert hire.workplace_province_code == 19  # from the ward
    assert answer["follow_ups_due"] == [f.due_on.isoformat() for f in hire.follow_ups]
    assert len(answer["follow_ups_due"]) == 3

    again = post_hire(client, person.employer_headers, attendee_id=person.attendee_id, start_date=days(0))
    assert again.status_code == 200 and again.get_json()["id"] == answer["id"]
    assert again.get_json()["created"] is False
    assert counts() == (1, 3)


def test_staff_name_the_fair_and_the_hire_takes_that_fairs_record(
    client, db, seen, make_fair, make_booth, staff_headers
):
    first = seen()
    later_fair = make_fair(starts_at=(utcnow() - timedelta(minutes=30)).replace(microsecond=0))
    later_booth = make_booth(later_fair, holder=first.booth.employer)
    later_record = seen_again(db, later_booth, first.attendee_id)
    _user, headers = staff_headers()
    by_fair = post_hire(
        client,
        headers,
        attendee_id=first.attendee_id,
        employer_id=first.booth.employer_id,
        fair_id=first.fair.id,
        start_date=days(1),
    )
    assert by_fair.status_code == 201
    assert (by_fair.get_json()["fair_id"], by_fair.get_json()["interview_id"]) == (
        first.fair.id,
        first.interview.id,
    )
    latest = post_hire(
        client,
        headers,
        attendee_id=first.attendee_id,
        employer_id=first.booth.employer_id,
        start_date=days(2),
    )
    assert latest.get_json()["interview_id"] == later_record.id  # the employer's latest record
    assert db.session.get(Hire, latest.get_json()["id"]).source == HireSource.ORGANISER


def test_an_interview_of_another_person_or_employer_or_a_school_is_refused(
    client, db, seen, make_booth, staff_headers
):
    person, other = seen(), seen()
    school = make_booth(person.fair, kind="school")
    counselled = seen_again(db, school, person.attendee_id, Outcome.COUNSELLED)
    _user, headers = staff_headers()
    for interview_id, employer_id in [
        (other.interview.id, person.booth.employer_id),  # another person's record
        (person.interview.id, other.booth.employer_id),  # another employer's
        (counselled.id, person.booth.employer_id),  # a school's
    ]:
        response = post_hire(
            client,
            headers,
            attendee_id=person.attendee_id,
            employer_id=employer_id,
            interview_id=interview_id,
            start_date=days(0),
        )
        refused(response, 422, "interview_not_found", "interview_id")
    by_name = post_hire(
        client,
        headers,
        attendee_id=person.attendee_id,
        employer_name="Cơ sở may Hương Giang",
        interview_id=person.interview.id,
        start_date=days(0),
    )
    refused(by_name, 422, "interview_not_found", "interview_id")  # no booth was ever its own
    assert counts() == (0, 0)


def test_a_fair_that_is_not_the_records_is_refused(client, seen, make_fair, staff_headers):
    person = seen()
    elsewhere = make_fair()
    _user, headers = staff_headers()
    response = post_hire(
        client,
        headers,
        attendee_id=person.attendee_id,
        employer_id=person.booth.employer_id,
        interview_id=person.interview.id,
        fair_id=elsewhere.id,
        start_date=days(0),
    )
    refused(response, 422, "wrong_fair", "fair_id")
    assert count() == 0


def test_a_hire_without_a_fair(client, db, seen, staff_headers):
    person = seen()
    _user, headers = staff_headers()
    response = post_hire(
        client,
        headers,
        attendee_id=person.attendee_id,
        employer_name="Cửa hàng Minh Châu",
        start_date=days(0),
    )
    assert response.status_code == 201
    hire = db.session.get(Hire, response.get_json()["id"])
    assert (hire.fair_id, hire.interview_id, hire.employer_id) == (None, None, None)
    assert hire.employer_name == "Cửa hàng Minh Châu"


def test_several_hires_of_one_person_over_time(client, db, seen, staff_headers):
    person = seen()
    _user, headers = staff_headers()
    ids = {
        post_hire(
            client, person.employer_headers, attendee_id=person.attendee_id, start_date=days(0)
        ).get_json()["id"],
        post_hire(
            client,
            headers,
            attendee_id=person.attendee_id,
            employer_name="Cửa hàng Minh Châu",
            start_date=days(40),
        ).get_json()["id"],
        post_hire(  # the same employer again, a later start: another job
            client, person.employer_headers, attendee_id=person.attendee_id, start_date=days(90)
        ).get_json()["id"],
    }
    assert len(ids) == 3 and counts() == (3, 9)
    listed = client.get("/api/v1/hires", headers=headers).get_json()["items"]
    assert [item["start_date"] for item in listed] == [days(90), days(40), days(0)]


# --- Employers without an account ----------


def test_a_tax_code_found_among_the_employers_is_linked(client, db, seen, make_employer, staff_headers):
    person = seen()
    known = make_employer(tax_code=TAX_C)
    _user, headers = staff_headers()
    response = post_hire(
        client, headers, attendee_id=person.attendee_id, tax_code="4600 000 009", start_date=days(0)
    )
    assert response.status_code == 201
    hire = db.session.get(Hire, response.get_json()["id"])
    assert (hire.employer_id, hire.employer_tax_code) == (known.id, None)


def test_an_unknown_tax_code_or_a_name_is_kept_and_the_same_again_is_one_hire(
    client, db, seen, staff_headers
):
    person = seen()
    _user, headers = staff_headers()
    first = post_hire(
        client,
        headers,
        attendee_id=person.attendee_id,
        tax_code=UNKNOWN_TAX,
        employer_name="Xưởng gỗ An Phát",
        start_date=days(0),
    )
    assert first.status_code == 201
    hire = db.session.get(Hire, first.get_json()["id"])
    assert (hire.employer_id, hire.employer_tax_code, hire.employer_name) == (
        None,
        UNKNOWN_TAX,
        "Xưởng gỗ An Phát",
    )
    spaced = post_hire(
        client, headers, attendee_id=person.attendee_id, tax_code="0109.000.015", start_date=days(0)
    )
    assert (spaced.status_code, spaced.get_json()["id"]) == (200, hire.id)

    by_name = post_hire(
        client, headers, attendee_id=person.attendee_id, employer_name="Quán  Phở Bà Tư", start_date=days(0)
    )
    again = post_hire(
        client, headers, attendee_id=person.attendee_id, employer_name="quán phở bà tư", start_date=days(0)
    )
    assert by_name.status_code == 201 and (again.status_code, again.get_json()["id"]) == (
        200,
        by_name.get_json()["id"],
    )
    assert count() == 2


def test_a_wrong_tax_code_or_no_employer_is_refused(client, seen, staff_headers):
    person = seen()
    _user, headers = staff_headers()
    refused(
        post_hire(client, headers, attendee_id=person.attendee_id, tax_code="0109000016", start_date=days(0)),
        422,
        "invalid_tax_code",
        "tax_code",
    )
    refused(
        post_hire(client, headers, attendee_id=person.attendee_id, start_date=days(0)),
        422,
        "employer_required",
        "employer_name",
    )
    refused(
        post_hire(client, headers, attendee_id=person.attendee_id, employer_id=999_999, start_date=days(0)),
        422,
        "employer_not_found",
        "employer_id",
    )
    assert count() == 0


# --- Who may record ----------


def test_an_employer_hiring_a_person_it_never_saw_is_forbidden(client, seen, register):
    person = seen()
    stranger = register(person.fair, "Trần Văn Bình")
    response = post_hire(
        client, person.employer_headers, attendee_id=stranger.attendee_id, start_date=days(0)
    )
    refused(response, 403, "not_interviewed", "attendee_id")
    other = seen()  # seen by another employer only
    response = post_hire(client, person.employer_headers, attendee_id=other.attendee_id, start_date=days(0))
    refused(response, 403, "not_interviewed")
    assert counts() == (0, 0)


def test_an_employer_records_only_for_its_own_company(client, seen):
    person, other = seen(), seen()
    response = post_hire(
        client,
        person.employer_headers,
        attendee_id=person.attendee_id,
        employer_id=other.booth.employer_id,
        start_date=days(0),
    )
    refused(response, 422, "not_your_employer", "employer_id")
    assert count() == 0


def test_organisers_and_admins_record_hires_of_their_wards(client, seen, staff_headers):
    person = seen()
    for role in ("organiser", "admin"):
        _user, headers = staff_headers(role)
        response = post_hire(
            client,
            headers,
            attendee_id=person.attendee_id,
            employer_name=f"Hộ kinh doanh {role}",
            start_date=days(0),
        )
        assert response.status_code == 201, response.get_json()
    assert count() == 2


def test_an_organiser_outside_the_persons_wards_is_refused_and_sees_nothing(
    client, seen, hire, staff_headers
):
    person = seen()
    made = hire(person)
    _user, headers = staff_headers(wards=(SONG_CONG,))
    refused(
        post_hire(
            client, headers, attendee_id=person.attendee_id, employer_name="Cửa hàng", start_date=days(0)
        ),
        422,
        "attendee_not_found",
        "attendee_id",
    )
    refused(client.get(f"/api/v1/hires/{made.id}", headers=headers), 404, "not_found")
    refused(
        client.post(
            f"/api/v1/hires/{made.id}/follow-ups",
            json={"checked_on": days(0), "still_employed": True},
            headers=headers,
        ),
        404,
        "not_found",
    )
    assert client.get("/api/v1/hires", headers=headers).get_json()["items"] == []
    assert count() == 1


def test_an_organiser_of_the_fairs_ward_follows_a_person_from_elsewhere(client, seen, staff_headers):
    person = seen(ward_code=SONG_CONG)  # lives in Sông Công, came to the Bách Quang fair
    _user, headers = staff_headers()  # Bách Quang
    response = post_hire(
        client,
        headers,
        attendee_id=person.attendee_id,
        employer_id=person.booth.employer_id,
        start_date=days(0),
    )
    assert response.status_code == 201
    hire_id = response.get_json()["id"]
    assert client.get(f"/api/v1/hires/{hire_id}", headers=headers).status_code == 200
    assert [item["id"] for item in client.get("/api/v1/hires", headers=headers).get_json()["items"]] == [
        hire_id
    ]


# --- The start date and the salary ----------


def test_the_start_date_must_fit(client, past_fair, seen):
    person = seen(fair=past_fair(days_ago=30))
    cases = [
        (days(-31), "start_before_fair"),
        (days(181), "start_too_late"),
    ]
    for start, code in cases:
        response = post_hire(
            client, person.employer_headers, attendee_id=person.attendee_id, start_date=start
        )
        refused(response, 422, code, "start_date")
    assert counts() == (0, 0)
    response = post_hire(
        client, person.employer_headers, attendee_id=person.attendee_id, start_date=days(180)
    )
    assert response.status_code == 201


def test_a_salary_under_the_regional_minimum_is_saved_with_a_warning(client, db, app, seen):
    person = seen()
    response = post_hire(
        client,
        person.employer_headers,
        attendee_id=person.attendee_id,
        start_date=days(0),
        monthly_salary=3_000_000,
    )
    assert response.status_code == 201
    assert "monthly_salary" in response.get_json()["warnings"]
    assert db.session.get(Hire, response.get_json()["id"]).monthly_salary == 3_000_000


def test_a_negative_or_absurd_salary_is_refused(client, seen):
    person = seen()
    for salary, code in [(-1, "salary_negative"), (10**12, "salary_too_high")]:
        response = post_hire(
            client,
            person.employer_headers,
            attendee_id=person.attendee_id,
            start_date=days(0),
            monthly_salary=salary,
        )
        refused(response, 422, code, "monthly_salary")
    assert counts() == (0, 0)


def test_a_vacancy_of_another_employer_is_refused(client, seen):
    person, other = seen(), seen()
    vacancy_id = db_vacancy(other)
    response = post_hire(
        client,
        person.employer_headers,
        attendee_id=person.attendee_id,
        start_date=days(0),
        vacancy_id=vacancy_id,
    )
    refused(response, 422, "vacancy_not_found", "vacancy_id")
    assert count() == 0


def db_vacancy(person) -> int:
    from fairapp.extensions import db
    from fairapp.partners.models import Vacancy

    return db.session.scalar(sa.select(Vacancy.id).where(Vacancy.employer_id == person.booth.employer_id))
