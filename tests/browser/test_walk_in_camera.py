"""Gate staff register a walk-in by scanning the QR on a chip citizen ID card: Chromium's fake camera
plays a video of that QR (written here with Pillow as .y4m), the page fills the form, the staff
member adds the phone and ward, submits, and the walk-in registration exists."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from fairapp.attendees.models import Channel, Registration
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from tests.browser.camera import camera_page_playing, write_y4m
from tests.browser.conftest import MOBILE, screenshot, sign_in

pytestmark = pytest.mark.browser

CARD_TEXT = "019095004321|091234567|Hoàng Văn Nam|02041995|Nam|Tổ 5, phường Bách Quang, Thái Nguyên|15082021"


@pytest.fixture()
def camera_page(browser, live_url, tmp_path, app):
    """A page whose camera plays the card's QR."""
    video = tmp_path / "citizen-card.y4m"
    write_y4m(video, CARD_TEXT)
    yield from camera_page_playing(browser, live_url, video)


def test_scan_citizen_card_fills_the_form_and_registers(db, make_user, camera_page):
    starts_at = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    fair = Fair(
        title="Phiên giao dịch việc làm Bách Quang",
        ward_code="05528",
        venue_name="Nhà văn hoá",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
    )
    db.session.add(fair)
    db.session.commit()
    gate = make_user("gate")
    page = camera_page
    sign_in(page, gate.email)
    page.goto(f"/manage/fairs/{fair.id}/walk-in")
    form = page.locator("form[data-walk-in-form]")

    page.get_by_role("button", name="Quét CCCD").click()
    expect(form.locator("input[name=full_name]")).to_have_value("Hoàng Văn Nam")
    expect(form.locator("input[name=citizen_id]")).to_have_value("019095004321")
    expect(form.locator("input[name=birth_date]")).to_have_value("1995-04-02")
    expect(form.locator("input[name=birth_year]")).to_have_value("1995")
    expect(form.locator("input[name=gender][value=male]")).to_be_checked()
    expect(form.locator("input[name=address]")).to_have_value("Tổ 5, phường Bách Quang, Thái Nguyên")
    expect(form.locator("input[name=phone]")).to_be_focused()
    expect(page.locator("[data-qr-view]")).to_be_hidden()  # the camera stops after a card

    form.locator("input[name=phone]").fill("0912 345 678")
    picker = form.locator("[data-ward-picker]")
    picker.get_by_role("combobox").fill("Bach Quang")
    picker.get_by_role("option", name="Phường Bách Quang").first.click()
    form.get_by_label("Người lao động đã đồng ý").check()
    with page.expect_navigation():
        form.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("[data-walk-in-done]")).to_contain_text("Hoàng Văn Nam")
    screenshot(page, "walk-in", "after-scan-360")

    db.session.rollback()
    registration = db.session.scalar(sa.select(Registration).where(Registration.fair_id == fair.id))
    assert registration.channel == Channel.WALK_IN and registration.created_by == gate.id
    attendee = registration.attendee
    assert (
        attendee.full_name,
        attendee.citizen_id,
        attendee.phone,
        attendee.birth_year,
        attendee.gender.value,
        attendee.ward_code,
    ) == ("Hoàng Văn Nam", "019095004321", "0912345678", 1995, "male", "05528")
    assert page.console_errors == []


def test_keyboard_scanner_fills_the_form(db, make_user, page_at):
    """A USB scanner types the card's text into the box and presses Enter: same result, no camera."""
    starts_at = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    fair = Fair(
        title="Phiên Sông Công",
        ward_code="05528",
        venue_name="Nhà văn hoá",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
    )
    db.session.add(fair)
    db.session.commit()
    page = page_at(MOBILE[0])
    sign_in(page, make_user("organiser", ward_codes=["05528"]).email)  # the fair's ward
    page.goto(f"/manage/fairs/{fair.id}/walk-in")
    box = page.locator("[data-qr-manual]")
    box.fill(CARD_TEXT)
    box.press("Enter")
    form = page.locator("form[data-walk-in-form]")
    expect(form.locator("input[name=full_name]")).to_have_value("Hoàng Văn Nam")
    expect(form.locator("input[name=gender][value=male]")).to_be_checked()
    assert page.url.endswith("/walk-in")  # Enter in the box never submits anything
