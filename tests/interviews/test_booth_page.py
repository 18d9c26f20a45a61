"""The booth scanner page (/scan/booth/<id>), the chooser (/scan/booths) and the booth data the page
keeps for offline work (GET /api/v1/fairs/{id}/booth-data): who may open them, what they show, and
that the data names no job seeker."""

import re
from datetime import timedelta

import pytest

from fairapp.booths.models import BoothStatus
from fairapp.fairs.models import FairStatus
from fairapp.modelbase import utcnow
from fairapp.tickets.services import reissue_ticket
from tests.checkins.conftest import SONG_CONG

EMPLOYER_OUTCOMES = ("interviewed", "shortlisted", "offered", "not_suitable")
SCHOOL_OUTCOMES = ("counselled", "enrolled")


@pytest.fixture()
def fair(make_fair):
    return make_fair()


@pytest.fixture()
def employer_booth(fair, make_booth):
    return make_booth(fair, vacancies=("Công nhân may công nghiệp", "Thợ điện bảo trì"), label="A3")


def page(client, booth_id: int):
    return client.get(f"/scan/booth/{booth_id}")


# --- Who may open the page --------------------------------------------------------------------------


def test_the_booths_own_employer_opens_its_page(client, auth, employer_booth, fair):
    auth.login("employer", employer_id=employer_booth.booth.employer_id)
    response = page(client, employer_booth.booth.id)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    assert "data-booth-scanner" in html and f'data-fair-id="{fair.id}"' in html
    assert f'data-holder-id="{employer_booth.booth.employer_id}"' in html
    assert 'data-holder-field="employer_id"' in html


def test_another_employers_booth_is_not_found(client, auth, employer_booth, make_employer):
    other = make_employer()
    auth.login("employer", employer_id=other.id)
    assert page(client, employer_booth.booth.id).status_code == 404
    assert page(client, 999_999).status_code == 404


def test_a_school_cannot_open_an_employers_booth(client, auth, employer_booth, fair, make_booth):
    school = make_booth(fair, "school")
    auth.login("school", school_id=school.booth.school_id)
    assert page(client, employer_booth.booth.id).status_code == 404
    assert page(client, school.booth.id).status_code == 200


def test_gate_staff_are_forbidden(client, auth, employer_booth):
    auth.login("gate", ward_codes=["05528"])
    assert page(client, employer_booth.booth.id).status_code == 403
    assert client.get("/scan/booths").status_code == 403


def test_organisers_of_the_fairs_ward_and_admins_may_help(client, auth, employer_booth):
    auth.login("organiser", ward_codes=["05528"])
    assert page(client, employer_booth.booth.id).status_code == 200
    auth.logout()
    auth.login("admin")
    assert page(client, employer_booth.booth.id).status_code == 200


def test_an_organiser_of_another_ward_does_not_find_the_booth(client, auth, employer_booth):
    auth.login("organiser", ward_codes=[SONG_CONG])
    assert page(client, employer_booth.booth.id).status_code == 404


def test_a_cancelled_booth_has_no_page(client, auth, fair, make_booth):
    setup = make_booth(fair, status=BoothStatus.CANCELLED)
    auth.login("employer", employer_id=setup.booth.employer_id)
    assert page(client, setup.booth.id).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, employer_booth):
    response = page(client, employer_booth.booth.id)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- What the page shows ----------------------------------------------------------------------------


def outcomes_on(html: str) -> list[str]:
    return re.findall(r'data-outcome="([a-z_]+)"', html)


def test_an_employers_page_offers_the_employer_outcomes_and_its_vacancies(client, auth, employer_booth):
    auth.login("employer", employer_id=employer_booth.booth.employer_id)
    html = page(client, employer_booth.booth.id).get_data(as_text=True)
    assert outcomes_on(html) == list(EMPLOYER_OUTCOMES)
    assert "Sơ tuyển đạt" in html and "Đã phỏng vấn" in html and "Chưa phù hợp" in html
    assert 'name="vacancy_id"' in html and "<select" in html
    for vacancy in employer_booth.vacancies:
        assert f'<option value="{vacancy.id}">{vacancy.title}</option>' in html
    assert 'name="programme_id"' not in html and 'name="intake_date"' not in html
    assert 'name="next_step_at"' in html and 'name="next_step_place"' in html
    assert html.count('data-star="') == 5
    assert "Thêm chi tiết" in html and "Xin đồng ý chia sẻ" in html and ">Lưu<" in html


def test_a_single_vacancy_is_preselected(client, auth, fair, make_booth):
    setup = make_booth(fair, vacancies=("Công nhân may công nghiệp",))
    auth.login("employer", employer_id=setup.booth.employer_id)
    html = page(client, setup.booth.id).get_data(as_text=True)
    assert f'<input type="hidden" name="vacancy_id" value="{setup.vacancies[0].id}" data-single>' in html


def test_a_schools_page_offers_counselling_and_enrolment(client, auth, fair, make_booth):
    setup = make_booth(fair, "school")
    auth.login("school", school_id=setup.booth.school_id)
    html = page(client, setup.booth.id).get_data(as_text=True)
    assert outcomes_on(html) == list(SCHOOL_OUTCOMES)
    assert "Đã tư vấn" in html and "Đăng ký học nghề" in html and "Sơ tuyển đạt" not in html
    assert f'<option value="{setup.programmes[0].id}">Điện công nghiệp</option>' in html
    assert 'name="intake_date"' in html and 'name="vacancy_id"' not in html
    assert 'name="next_step_at"' not in html
    assert 'data-holder-field="school_id"' in html


def test_other_confirmed_booths_are_offered_for_referral(client, auth, fair, employer_booth, make_booth):
    school = make_booth(fair, "school", label="B1")
    applied = make_booth(fair, status=BoothStatus.APPLIED)
    auth.login("employer", employer_id=employer_booth.booth.employer_id)
    html = page(client, employer_booth.booth.id).get_data(as_text=True)
    targets = html.split('id="booth-refer-to"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{school.booth.id}">B1 · {school.booth.school.name}</option>' in targets
    assert f'<option value="{applied.booth.id}">' not in targets
    assert f'<option value="{employer_booth.booth.id}">' not in targets


def test_the_page_says_when_nothing_can_be_recorded_yet(client, auth, make_fair, make_booth):
    later = make_fair(
        status=FairStatus.PUBLISHED,
        opened_at=None,
        starts_at=(utcnow() + timedelta(days=2)).replace(microsecond=0),
    )
    setup = make_booth(later)
    auth.login("employer", employer_id=setup.booth.employer_id)
    html = page(client, setup.booth.id).get_data(as_text=True)
    assert "data-not-recording" in html


# --- The chooser, the navigation and the booths page -------------------------------------------------


def test_the_chooser_lists_the_accounts_booths_at_current_and_coming_fairs(
    client, auth, make_fair, make_booth, make_employer
):
    employer = make_employer()
    today = make_fair(title="Phiên hôm nay")
    past = make_fair(
        title="Phiên tháng trước",
        starts_at=(utcnow() - timedelta(days=30)).replace(microsecond=0),
        status=FairStatus.CLOSED,
    )
    coming = make_fair(
        title="Phiên tuần sau",
        status=FairStatus.PUBLISHED,
        opened_at=None,
        starts_at=(utcnow() + timedelta(days=7)).replace(microsecond=0),
    )
    open_booth = make_booth(today, holder=employer).booth
    make_booth(past, holder=employer)
    pending = make_booth(coming, holder=employer, status=BoothStatus.APPLIED).booth
    auth.login("employer", employer_id=employer.id)
    response = client.get("/scan/booths")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="/scan/booth/{open_booth.id}"' in html
    assert "Phiên hôm nay" in html and "Phiên tuần sau" in html and "Phiên tháng trước" not in html
    assert f'data-booth-id="{pending.id}"' in html and f'href="/scan/booth/{pending.id}"' not in html
    assert 'data-nav="interviews.booth_chooser"' in html


def test_the_booths_page_links_confirmed_booths_of_a_started_fair(client, auth, fair, make_fair, make_booth):
    setup = make_booth(fair)
    coming = make_fair(
        status=FairStatus.PUBLISHED,
        opened_at=None,
        starts_at=(utcnow() + timedelta(days=7)).replace(microsecond=0),
    )
    later = make_booth(coming, holder=setup.booth.employer).booth
    auth.login("employer", employer_id=setup.booth.employer_id)
    html = client.get("/booths").get_data(as_text=True)
    assert f'href="/scan/booth/{setup.booth.id}" data-booth-scanner-link' in html
    assert f'href="/scan/booth/{later.id}"' not in html


# --- The booth data ---------------------------------------------------------------------------------


def booth_data(client, fair, booth_id, headers):
    return client.get(f"/api/v1/fairs/{fair.id}/booth-data?booth_id={booth_id}", headers=headers)


def test_booth_data_has_what_offline_work_needs_and_no_person(
    client, db, fair, employer_booth, make_booth, ticket
):
    school = make_booth(fair, "school", label="B1")
    registration, _payload = ticket(fair, "Trần Văn Quyết")
    other, _other_payload = ticket(fair, "Lê Thị Mai Anh")
    reissue_ticket(other)
    db.session.commit()
    response = booth_data(client, fair, employer_booth.booth.id, employer_booth.headers)
    assert response.status_code == 200, response.get_json()
    assert "no-store" in response.headers["Cache-Control"]
    data = response.get_json()
    assert data["fair"] == {
        "id": fair.id,
        "title": fair.title,
        "status": "open",
        "starts_at": fair.starts_at.isoformat(),
        "ends_at": fair.ends_at.isoformat(),
    }
    assert data["public_key"] and data["key"]["algorithm"] == "Ed25519"
    assert [r["registration_id"] for r in data["revocations"]] == [other.id]
    assert data["booth"] == {
        "id": employer_booth.booth.id,
        "kind": "employer",
        "label": "A3",
        "name": employer_booth.booth.employer.name,
        "employer_id": employer_booth.booth.employer_id,
        "school_id": None,
        "status": "confirmed",
    }
    assert sorted(v["title"] for v in data["vacancies"]) == ["Công nhân may công nghiệp", "Thợ điện bảo trì"]
    assert data["programmes"] == []
    assert [o["value"] for o in data["outcomes"]] == list(EMPLOYER_OUTCOMES)
    assert data["booths"] == [{"id": school.booth.id, "label": "B1", "name": school.booth.school.name}]
    assert "registrations" not in data and "checked_in" not in data

    raw = response.get_data()
    for person in (registration, other):
        attendee = person.attendee
        assert attendee.full_name.encode() not in raw
        assert attendee.full_name.encode("unicode_escape") not in raw
        assert attendee.phone.encode() not in raw
    for word in (b"Quy", b"Mai Anh", b"full_name", b"phone", b"priority", b"citizen"):
        assert word not in raw


def test_a_schools_booth_data_lists_its_programmes(client, fair, make_booth):
    setup = make_booth(fair, "school")
    data = booth_data(client, fair, setup.booth.id, setup.headers).get_json()
    assert data["booth"]["kind"] == "school" and data["vacancies"] == []
    assert data["programmes"] == [{"id": setup.programmes[0].id, "name": "Điện công nghiệp"}]
    assert [o["value"] for o in data["outcomes"]] == list(SCHOOL_OUTCOMES)


def test_booth_data_without_a_booth_id_is_the_holders_own(client, fair, employer_booth):
    response = client.get(f"/api/v1/fairs/{fair.id}/booth-data", headers=employer_booth.headers)
    assert response.status_code == 200
    assert response.get_json()["booth"]["id"] == employer_booth.booth.id


def test_booth_data_of_another_holders_booth_is_not_found(
    client, fair, employer_booth, make_booth, token_for
):
    other = make_booth(fair)
    assert booth_data(client, fair, other.booth.id, employer_booth.headers).status_code == 404
    _user, gate = token_for("gate", ward_codes=["05528"])
    assert booth_data(client, fair, other.booth.id, gate).status_code == 403
    _user, elsewhere = token_for("organiser", ward_codes=[SONG_CONG])
    assert booth_data(client, fair, other.booth.id, elsewhere).status_code == 404
    _user, organiser = token_for("organiser", ward_codes=["05528"])
    assert booth_data(client, fair, other.booth.id, organiser).status_code == 200


def test_booth_data_of_a_booth_at_another_fair_is_not_found(
    client, fair, make_fair, employer_booth, make_booth
):
    elsewhere = make_booth(make_fair(), holder=employer_booth.booth.employer)
    response = booth_data(client, fair, elsewhere.booth.id, elsewhere.headers)
    assert response.status_code == 404


def test_the_page_lists_referrals_and_people_who_may_fit_as_cards(client, db, auth, fair, make_booth, ticket):
    from fairapp.interviews import services
    from fairapp.modelbase import utcnow

    tailor = make_booth(fair, vacancies=("Công nhân may công nghiệp",), label="A1")
    other = make_booth(fair, vacancies=("Kế toán",), label="A2")
    wanting, _p = ticket(fair, "Phạm Thị Thu Trang")
    wanting.desired_jobs, wanting.consent_share_version, wanting.consent_share_at = (
        "Công nhân may công nghiệp",
        "2026-12-v1",
        utcnow(),
    )
    wanting.attendee.citizen_id = "019190004321"
    referred, _q = ticket(fair, "Đỗ Văn Hải")
    db.session.commit()
    services.refer(other.booth, referred, tailor.booth.id, note="Anh ấy biết may", by=other.user)
    db.session.commit()
    auth.login("employer", employer_id=tailor.booth.employer_id)
    html = page(client, tailor.booth.id).get_data(as_text=True)
    assert f'data-suggested-person="{wanting.id}"' in html and "Phạm Thị Thu Trang" in html
    assert f'data-referral="{referred.id}"' in html and "Anh ấy biết may" in html
    assert "Đỗ Văn Hải" not in html and "H." in html  # no consent to share: the initial only
    assert "019190004321" not in html and wanting.attendee.phone not in html


def test_in_english_the_refer_button_says_refer(client, auth, employer_booth, fair, make_booth):
    make_booth(fair, vacancies=("Kế toán",), label="B1")  # another booth to refer to
    auth.login("employer", employer_id=employer_booth.booth.employer_id)
    html = client.get(f"/scan/booth/{employer_booth.booth.id}?lang=en").get_data(as_text=True)
    assert "Refer to the selected booth" in html
    assert ">Description<" not in html  # the fair form's field once lent the button its English
