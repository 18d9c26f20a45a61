"""Job suggestions on pages: the ticket page ("Gian hàng nên ghé", the booths shared with and their
withdrawal), the walk-in desk after a registration, and the organisers' outreach page."""

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import PriorityGroup, Registration
from fairapp.audit.models import AuditEntry
from fairapp.auth.access import access_rule
from fairapp.interviews import consent
from fairapp.interviews.models import BoothConsent
from tests.attendees.test_walk_in import walk_in_data
from tests.checkins.conftest import BACH_QUANG, SONG_CONG
from tests.conftest import csrf_token_from
from tests.interviews.match_factories import employer_booth, school_booth, seeker  # noqa: F401


@pytest.mark.parametrize(
    ("method", "endpoint", "expected"),
    [
        ("GET", "interviews.matches", "roles:admin,organiser"),
        ("POST", "interviews.withdraw_booth_consent", "public"),
    ],
)
def test_the_new_routes_declare_who_may_use_them(app, method, endpoint, expected):
    assert access_rule(app, endpoint, method) == expected


# --- The ticket page --------------------------------------------------------------------------------


def test_the_ticket_page_shows_the_booths_to_visit(client, make_fair, employer_booth, school_booth, seeker):
    fair = make_fair()
    employer_booth(fair, "A1", "Kế toán")
    employer_booth(fair, "A7", "Công nhân may", name="Công ty TNHH May Sông Công")
    school_booth(fair, "C2", "Điện công nghiệp")
    registration = seeker(
        fair, desired_jobs="công nhân may", wants_training=True, training_wish="Điện công nghiệp"
    )

    page = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)

    assert "Gian hàng nên ghé" in page and "data-suggestions" in page
    assert "Đúng công việc bạn muốn: Công nhân may" in page
    assert "Bạn muốn học nghề: Điện công nghiệp" in page
    suggested = page[page.index("data-suggestions") : page.index("data-all-booths")]
    assert suggested.index("Công ty TNHH May Sông Công") < suggested.index("Trường nghề C2")
    assert "Các gian hàng tại phiên" in page  # every booth is still listed below


def test_a_closed_fair_suggests_nothing(db, client, make_fair, employer_booth, seeker):
    from fairapp.fairs.models import FairStatus

    fair = make_fair()
    employer_booth(fair, "A1", "Công nhân may")
    registration = seeker(fair, desired_jobs="công nhân may")
    fair.status = FairStatus.CANCELLED
    db.session.commit()

    page = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)

    assert "data-suggestions" not in page


def test_withdrawing_a_booth_consent_through_the_ticket_link(db, client, make_fair, employer_booth, seeker):
    fair = make_fair()
    booth, _vacancies = employer_booth(fair, "A4", "Bảo vệ", name="Công ty Bảo vệ Thái Nguyên")
    other, _ = employer_booth(fair, "A5", "Lái xe", name="Công ty Vận tải Sông Công")
    registration = seeker(fair)
    consent.give(booth, registration)
    consent.give(other, registration)
    db.session.commit()
    secret = registration.ticket_secret

    page = client.get(f"/t/{secret}").get_data(as_text=True)
    assert "data-booth-consents" in page and "Công ty Bảo vệ Thái Nguyên" in page and "Rút lại" in page
    action = f"/t/{secret}/booth-consents/{booth.id}/withdraw"
    assert action in page

    response = client.post(action, data={"csrf_token": csrf_token_from(page)})

    assert response.status_code == 303 and response.headers["Location"].endswith(f"/t/{secret}")
    db.session.expire_all()
    in_force = {given.booth_id for given in consent.given_to(registration)}
    assert in_force == {other.id}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "consent.booth_withdraw"))
    assert entry.details == {"booth_id": booth.id}
    page = client.get(f"/t/{secret}").get_data(as_text=True)
    assert "Đã rút lại đồng ý" in page
    assert "Công ty Vận tải Sông Công" in page and f"booth-consents/{booth.id}/withdraw" not in page


def test_a_wrong_secret_is_not_found_and_csrf_is_needed(db, client, make_fair, employer_booth, seeker):
    fair = make_fair()
    booth, _vacancies = employer_booth(fair, "A4", "Bảo vệ")
    registration = seeker(fair)
    consent.give(booth, registration)
    db.session.commit()
    page = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)
    token = csrf_token_from(page)

    wrong = client.post(f"/t/{'x' * 20}/booth-consents/{booth.id}/withdraw", data={"csrf_token": token})
    no_token = client.post(f"/t/{registration.ticket_secret}/booth-consents/{booth.id}/withdraw")

    assert wrong.status_code == 404
    assert no_token.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(sa.select(BoothConsent.withdrawn_at)) is None


# --- The walk-in desk -------------------------------------------------------------------------------


def test_the_walk_in_desk_shows_where_to_send_the_person(db, client, auth, make_fair, employer_booth):
    fair = make_fair()
    employer_booth(fair, "A2", {"title": "Bảo vệ", "age_min": 18, "age_max": 60})
    employer_booth(fair, "A3", {"title": "Phụ bếp", "age_max": 25})
    auth.login("gate")
    html = client.get(f"/manage/fairs/{fair.id}/walk-in").get_data(as_text=True)

    response = client.post(f"/manage/fairs/{fair.id}/walk-in", data=walk_in_data(html))
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "data-walk-in-suggestions" in page and "Gian hàng nên ghé:" in page
    assert "Phù hợp độ tuổi: Bảo vệ" in page and "Phụ bếp" not in page  # born 1988: too old for A3
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


# --- The outreach page ------------------------------------------------------------------------------


def test_the_outreach_page_lists_priority_groups_first(db, client, auth, make_fair, employer_booth, seeker):
    fair = make_fair()
    employer_booth(fair, "A1", "Lái xe")
    seeker(fair, "An Văn Bình", desired_jobs="lái xe")
    seeker(fair, "Cao Thị Dung", priority_group=PriorityGroup.NEAR_POOR, desired_jobs="lái xe")
    auth.login("organiser", ward_codes=[BACH_QUANG])

    response = client.get(f"/manage/fairs/{fair.id}/matches")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index("Cao Thị Dung") < page.index("An Văn Bình")
    assert "Hộ cận nghèo" in page and "Muốn đúng công việc: Lái xe" in page
    assert response.headers["Cache-Control"] == "no-store"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "matches.view"))
    assert entry is not None and len(entry.details["registration_ids"]) == 2


@pytest.mark.parametrize(("role", "wards", "status"), [("organiser", [SONG_CONG], 403), ("admin", None, 200)])
def test_the_outreach_page_is_for_the_fair_ward(client, auth, make_fair, role, wards, status):
    fair = make_fair()
    auth.login(role, **({"ward_codes": wards} if wards else {}))
    assert client.get(f"/manage/fairs/{fair.id}/matches").status_code == status
