"""What the public sees at a fair (fairapp.booths.services.public_offer) is the same on the fair's
page, the registration form and the ticket page: approved partners with a confirmed booth, and their
vacancies that are open, not past their deadline and not hidden."""

from datetime import timedelta

import pytest

from fairapp.attendees import services as attendees
from fairapp.booths import moderation
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.booths.services import public_offer
from fairapp.fairs.services import local_day
from fairapp.modelbase import utcnow
from fairapp.partners.models import PartnerStatus, Vacancy, VacancyStatus
from fairapp.tickets.services import booths_to_visit
from tests.tickets.conftest import make_registration  # noqa: F401


def surfaces(client, fair, registration) -> dict[str, str]:
    return {
        "fair page": client.get(f"/fairs/{fair.id}").get_data(as_text=True),
        "registration form": client.get(f"/fairs/{fair.id}/register").get_data(as_text=True),
        "ticket page": client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True),
    }


@pytest.mark.parametrize("decision", ["suspend", "reject"])
def test_a_suspended_or_rejected_employer_vanishes_from_every_public_surface(
    decision, client, db, make_fair, take_part, make_registration, make_user
):  # noqa: F811
    fair = make_fair()
    kept = take_part(fair, employer="Công ty CP Cơ khí Phổ Yên", vacancies=[("Thợ hàn", 10, None, None)])
    gone = take_part(
        fair, employer="Công ty TNHH Lừa Đảo", vacancies=[("Việc nhẹ lương cao", 50, None, None)]
    )
    registration = make_registration(fair)
    before = surfaces(client, fair, registration)
    assert "Công ty TNHH Lừa Đảo" in before["fair page"] and "Việc nhẹ lương cao" in before["fair page"]
    assert "Công ty TNHH Lừa Đảo" in before["ticket page"]
    assert "Việc nhẹ lương cao" in {choice.title for choice in attendees.fair_vacancies(fair.id)}

    moderation.decide(gone.employer, decision, "Tuyển dụng lừa đảo", by=make_user("organiser"))
    db.session.commit()

    assert db.session.get(Booth, gone.id).status == BoothStatus.CANCELLED
    for surface, html in surfaces(client, fair, registration).items():
        assert "Công ty TNHH Lừa Đảo" not in html, surface
        assert "Việc nhẹ lương cao" not in html, surface
    assert "Công ty CP Cơ khí Phổ Yên" in client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert [c.title for c in attendees.fair_vacancies(fair.id)] == ["Thợ hàn"]
    assert [b.name for b in booths_to_visit(fair.id)] == [kept.employer.name]


def test_a_suspended_school_vanishes_from_every_public_surface(
    client, db, make_fair, take_part, make_registration, make_user
):  # noqa: F811
    fair = make_fair()
    take_part(fair, school="Trường Cao đẳng Công nghiệp Thái Nguyên", programmes=["Điện công nghiệp"])
    gone = take_part(fair, school="Trung tâm Dạy nghề Ma", programmes=["Khoá học cấp tốc"])
    registration = make_registration(fair)
    assert attendees.fair_programmes(fair.id) == ["Khoá học cấp tốc", "Điện công nghiệp"]

    moderation.decide(gone.school, "suspend", "Không có giấy phép đào tạo", by=make_user("admin"))
    db.session.commit()

    for surface, html in surfaces(client, fair, registration).items():
        assert "Trung tâm Dạy nghề Ma" not in html and "Khoá học cấp tốc" not in html, surface
    assert attendees.fair_programmes(fair.id) == ["Điện công nghiệp"]
    assert [b.name for b in booths_to_visit(fair.id)] == ["Trường Cao đẳng Công nghiệp Thái Nguyên"]


def test_an_employer_not_approved_is_not_public_even_with_a_confirmed_booth(
    client, db, make_fair, take_part, make_registration
):  # noqa: F811
    """Visibility does not depend on a booth withdrawal having run: the partner's status alone hides it."""
    fair = make_fair()
    booth = take_part(fair, employer="Công ty Bị Treo", vacancies=[("Lái xe", 3, None, None)])
    booth.employer.status = PartnerStatus.PENDING
    db.session.commit()
    registration = make_registration(fair)
    for surface, html in surfaces(client, fair, registration).items():
        assert "Công ty Bị Treo" not in html and "Lái xe" not in html, surface
    assert public_offer(fair.id).booths == []


def test_only_open_current_unhidden_vacancies_of_confirmed_booths_are_public(
    client, db, make_fair, take_part, make_registration
):  # noqa: F811
    fair = make_fair()
    today = local_day(utcnow())
    booth = take_part(
        fair,
        employer="Công ty TNHH May Sông Công",
        vacancies=[
            ("Công nhân may", 30, None, None),
            ("Thợ cắt đã đóng", 2, None, None),
            ("Thợ là đã đủ", 2, None, None),
            ("Tổ trưởng hết hạn", 1, None, None),
            ("Kho vận hạn hôm nay", 4, None, None),
            ("Bảo vệ bị ẩn", 2, None, None),
        ],
    )
    by_title = {v.title: v for v in db.session.scalars(db.select(Vacancy))}
    by_title["Thợ cắt đã đóng"].status = VacancyStatus.CLOSED
    by_title["Thợ là đã đủ"].status = VacancyStatus.FILLED
    by_title["Tổ trưởng hết hạn"].deadline = today - timedelta(days=1)
    by_title["Kho vận hạn hôm nay"].deadline = today
    by_title["Bảo vệ bị ẩn"].hidden_at, by_title["Bảo vệ bị ẩn"].hide_reason = utcnow(), "Sai sự thật"
    # offered here by an employer whose booth is not confirmed (applied, invited, cancelled)
    for status, title in (
        (BoothStatus.APPLIED, "Việc chờ duyệt"),
        (BoothStatus.INVITED, "Việc được mời"),
        (BoothStatus.CANCELLED, "Việc đã huỷ"),
    ):
        take_part(fair, employer=f"Công ty {title}", vacancies=[(title, 5, None, None)], status=status)
    # the same employer's vacancy offered at another fair only
    other = make_fair()
    elsewhere = Vacancy(employer_id=booth.employer_id, title="Việc ở phiên khác", quantity=1)
    db.session.add(elsewhere)
    db.session.flush()
    db.session.add(VacancyOffer(fair_id=other.id, vacancy_id=elsewhere.id))
    db.session.commit()

    shown = ["Công nhân may", "Kho vận hạn hôm nay"]
    assert [v.title for v in public_offer(fair.id).vacancies] == shown
    assert sorted(c.title for c in attendees.fair_vacancies(fair.id)) == sorted(shown)
    assert [b.name for b in booths_to_visit(fair.id)] == ["Công ty TNHH May Sông Công"]
    hidden = [
        "Thợ cắt đã đóng",
        "Thợ là đã đủ",
        "Tổ trưởng hết hạn",
        "Bảo vệ bị ẩn",
        "Việc chờ duyệt",
        "Việc được mời",
        "Việc đã huỷ",
        "Việc ở phiên khác",
        "Công ty Việc chờ duyệt",
    ]
    registration = make_registration(fair)
    pages = surfaces(client, fair, registration)
    for title in shown:
        assert title in pages["fair page"]
    for surface, html in pages.items():
        for title in hidden:
            assert title not in html, (surface, title)


def test_the_fair_page_counts_only_what_the_public_sees(client, db, make_fair, take_part):
    fair = make_fair()
    take_part(fair, employer="Công ty A", vacancies=[("Thợ hàn", 10, None, None), ("Phụ hàn", 5, None, None)])
    db.session.scalars(db.select(Vacancy).where(Vacancy.title == "Phụ hàn")).one().hidden_at = utcnow()
    db.session.commit()
    from fairapp.public.services import participants

    counts = participants(fair).counts
    assert (counts.employers, counts.vacancies, counts.quota) == (1, 1, 10)
