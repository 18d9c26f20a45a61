"""The public registration form on a 360 px phone: only the essentials, short enough to see in about two
screens (issue 10: it was about 4,700 px tall), then the ticket, then the optional details through
the ticket's link."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from fairapp.attendees import consent
from fairapp.attendees.models import Registration
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, PartnerStatus, Vacancy
from tests.browser.conftest import MOBILE, screenshot

pytestmark = pytest.mark.browser

MAX_HEIGHT = 1600  # px at 360 px wide: the form, and the whole page with its header and footer


def fair_with_a_vacancy(db) -> tuple[Fair, Vacancy]:
    starts_at = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    fair = Fair(
        title="Phiên giao dịch việc làm Bách Quang",
        ward_code="05528",
        venue_name="Nhà văn hoá tổ 5",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
    )
    employer = Employer(name="Công ty May Sông Công", tax_code="0100109106", status=PartnerStatus.APPROVED)
    db.session.add_all([fair, employer])
    db.session.flush()
    vacancy = Vacancy(employer_id=employer.id, title="Công nhân may", quantity=30)
    db.session.add(vacancy)
    db.session.flush()
    db.session.add_all(
        [
            VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id),
            Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED),
        ]
    )
    db.session.commit()
    return fair, vacancy


def test_short_form_at_360px_then_ticket_then_details(db, page_at, console_errors):
    fair, vacancy = fair_with_a_vacancy(db)
    page = page_at(MOBILE[0])
    page.goto(f"/fairs/{fair.id}/register")
    page.evaluate("document.fonts.ready")
    form = page.locator("form[data-registration-form]")

    form_height = form.bounding_box()["height"]
    page_height = page.evaluate("document.documentElement.scrollHeight")
    screenshot(page, "registration", "form-360")
    assert form_height <= MAX_HEIGHT and page_height <= MAX_HEIGHT, (form_height, page_height)
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE[0]  # nothing sideways
    expect(form.locator("[type=submit]")).to_have_count(1)
    expect(page.get_by_text("Công nhân may")).to_have_count(0)  # wishes come after the ticket

    # Each consent: one sentence; the full text only when asked for.
    personal = form.locator("[data-consent=consent_personal_data]")
    full_text = personal.get_by_text(consent.personal_data().text)
    expect(full_text).to_be_hidden()
    personal.get_by_text("Đọc đầy đủ").click()
    expect(full_text).to_be_visible()

    # Submitting nothing: the errors stand next to their fields.
    with page.expect_navigation():
        form.get_by_role("button", name="Đăng ký").click()
    expect(page.locator(".field-full_name .invalid-feedback")).to_contain_text("Họ và tên")
    expect(page.locator(".field-consent_personal_data .invalid-feedback")).to_contain_text("cần đồng ý")

    form.get_by_label("Họ và tên").fill("Lò Thị Xuân")
    form.get_by_label("Số điện thoại di động").fill("0912 345 678")
    form.get_by_label("Năm sinh").fill("1996")
    form.get_by_label("Nữ", exact=True).check()
    picker = form.locator("[data-ward-picker]")
    picker.get_by_role("combobox").fill("Bach Quang")
    picker.get_by_role("option", name="Phường Bách Quang").first.click()
    form.get_by_label("Hộ nghèo", exact=True).check()
    form.get_by_label("Tôi đồng ý cho ban tổ chức").check()
    with page.expect_navigation():
        form.get_by_role("button", name="Đăng ký").click()

    expect(page.locator("[data-ticket-name]")).to_have_text("Lò Thị Xuân")
    db.session.rollback()
    registration = db.session.scalar(sa.select(Registration).where(Registration.fair_id == fair.id))
    assert page.url.endswith(f"/t/{registration.ticket_secret}")
    assert registration.attendee.priority_group.value == "poor"

    # The optional details, from the ticket.
    with page.expect_navigation():
        page.get_by_role("link", name="Bổ sung thông tin (không bắt buộc)").click()
    details = page.locator("form[data-details-form]")
    details.get_by_label("Công nhân may — Công ty May Sông Công").check()
    details.get_by_label("Công việc mong muốn").fill("Công nhân may, bán hàng")
    details.get_by_label("Trình độ học vấn").select_option("lower_secondary")
    details.get_by_label("Mã hộ (nếu biết)").fill("BQ-0042")
    with page.expect_navigation():
        details.get_by_role("button", name="Lưu thông tin").click()
    expect(page.locator("[data-details-saved]")).to_be_visible()
    screenshot(page, "registration", "details-saved-360")

    db.session.rollback()
    registration = db.session.get(Registration, registration.id)
    assert registration.desired_vacancy_ids == [vacancy.id]
    assert registration.desired_jobs == "Công nhân may, bán hàng"
    assert (registration.attendee.education_level, registration.attendee.household_code) == (
        "lower_secondary",
        "BQ-0042",
    )
    page.get_by_role("link", name="Quay lại vé").click()
    expect(page.locator("[data-ticket-name]")).to_have_text("Lò Thị Xuân")
    # the one refused submission is the only thing the console reports
    assert [e for e in console_errors if "status of 422" not in e] == []
    assert len(console_errors) == 1
