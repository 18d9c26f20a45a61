"""A job seeker on a 360 px phone answers "Bạn đã có việc làm chưa?" on their ticket page; the ward's
organiser, signed in in another browser, finds it on the call list as a hire to confirm, confirms it,
and the follow-ups at 1, 3 and 6 months appear on the hire's page."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from fairapp.modelbase import utcnow
from tests.browser.conftest import DESKTOP, MOBILE, screenshot, sign_in
from tests.checkins.conftest import BACH_QUANG, make_fair, register  # noqa: F401
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_job_seeker_says_they_got_a_job_and_the_organiser_confirms_it(
    page_at, console_errors, make_fair, register, make_user
):
    fair = make_fair(starts_at=utcnow() - timedelta(days=20))
    registration = register(fair, "Trần Thị Thu Trang")
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])

    phone = page_at(*MOBILE)
    phone.goto(f"/t/{registration.ticket_secret}")
    card = phone.locator("[data-job-card]")
    expect(card).to_contain_text("Bạn đã có việc làm chưa?")
    card.get_by_text("Tôi đã có việc làm").click()
    card.get_by_label("Tên nơi làm việc").fill("Công ty TNHH May Sông Công")
    assert card.get_by_label("Ngày bắt đầu làm").input_value()  # today, already filled
    box = card.locator(".job-send").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 280  # a big tap target on the phone
    with phone.expect_navigation():
        card.locator(".job-send").click()
    expect(phone.locator(".flash-messages")).to_contain_text("Cảm ơn bạn đã trả lời")
    expect(phone.locator("[data-last-answer]")).to_contain_text("Công ty TNHH May Sông Công")
    assert phone.evaluate("document.documentElement.scrollWidth") <= MOBILE[0]
    screenshot(phone, "outcomes", "ticket-job-answer-360")

    office = page_at(*DESKTOP)
    sign_in(office, organiser.email, PASSWORD)
    office.goto(f"/manage/follow-ups?ward={BACH_QUANG}")
    to_confirm = office.locator("section#confirm")
    expect(to_confirm).to_contain_text("Trần Thị Thu Trang")
    expect(to_confirm).to_contain_text("Công ty TNHH May Sông Công")
    expect(to_confirm.locator(f'a[href="tel:{registration.attendee.phone}"]')).to_be_visible()
    with office.expect_navigation():
        to_confirm.get_by_role("button", name="Đúng, xác nhận").click()
    expect(office.locator(".flash-messages")).to_contain_text("Đã xác nhận việc làm của Trần Thị Thu Trang")
    expect(office.locator("section#confirm")).not_to_contain_text("Trần Thị Thu Trang")
    assert "#confirm" in office.url

    office.goto("/manage/hires")
    with office.expect_navigation():
        office.get_by_role("link", name="Trần Thị Thu Trang").click()
    rows = office.locator("table.hire-follow-ups tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("1 tháng")
    expect(rows.nth(2)).to_contain_text("6 tháng")
    screenshot(office, "outcomes", "hire-confirmed")
    assert not console_errors, console_errors
