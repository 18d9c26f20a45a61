"""The self check-in kiosk end to end: a tablet (one browser context, signed in as gate staff) shows
the rotating QR; the job seeker's own phone (a second context, 360 px) has opened its ticket page
once, so the ticket is saved there, then opens the kiosk's URL and checks in with the saved ticket."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from fairapp.attendees.models import Attendee, Channel, Gender, Registration
from fairapp.checkins.models import CheckIn
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.text import fold
from fairapp.tickets import qr
from tests.browser.conftest import MOBILE, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def open_fair(db) -> Fair:
    starts_at = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    fair = Fair(
        title="Phiên giao dịch việc làm Bách Quang",
        ward_code="05528",
        venue_name="Nhà văn hoá tổ dân phố Mỏ Chè 2",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=FairStatus.OPEN,
        opened_at=starts_at,
    )
    db.session.add(fair)
    db.session.commit()
    return fair


def register(db, fair: Fair, full_name: str, phone: str) -> Registration:
    attendee = Attendee(
        full_name=full_name,
        name_key=fold(full_name),
        phone=phone,
        birth_year=1996,
        gender=Gender.FEMALE,
        ward_code=fair.ward_code,
    )
    db.session.add(attendee)
    db.session.flush()
    registration = Registration(
        fair_id=fair.id,
        attendee_id=attendee.id,
        channel=Channel.ONLINE,
        consent_personal_data_version="2025-01",
        consent_personal_data_at=utcnow(),
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def test_kiosk_check_in_with_the_ticket_saved_on_the_phone(db, make_user, page_at, console_errors):
    fair = open_fair(db)
    registration = register(db, fair, "Lường Thị Mai", "0912345670")
    walker = register(db, fair, "Đinh Văn Tú", "0912345671")
    gate = make_user("gate")

    # The tablet at the entrance.
    tablet = page_at(1024, 768)
    sign_in(tablet, gate.email)
    tablet.goto(f"/manage/fairs/{fair.id}/kiosk")
    screen = tablet.locator("[data-kiosk-screen]")
    image = tablet.locator("[data-kiosk-qr-image]")
    expect(image).to_be_visible()
    tablet.wait_for_function("() => document.querySelector('[data-kiosk-qr-image]').naturalWidth > 300")
    kiosk_url = screen.get_attribute("data-kiosk-url")
    token = screen.get_attribute("data-token")
    assert kiosk_url.endswith(f"/k/{fair.id}/{token}")
    # The image the tablet shows is the QR of exactly that URL.
    shown = tablet.request.get(image.get_attribute("src"))
    assert shown.ok and shown.body() == qr.qr_png(kiosk_url, box_size=12)
    screenshot(tablet, "kiosk", "kiosk-tablet")

    # The job seeker's phone: the ticket page once (it saves the ticket), then the kiosk's QR.
    phone = page_at(MOBILE[0])
    phone.goto(f"/t/{registration.ticket_secret}")
    expect(phone.locator("[data-ticket-name]")).to_have_text("Lường Thị Mai")
    saved = phone.evaluate("() => JSON.parse(localStorage.getItem('fairapp.tickets'))")
    assert saved == [{"fair_id": fair.id, "secret": registration.ticket_secret}]
    phone.goto(kiosk_url)
    button = phone.get_by_role("button", name="Điểm danh bằng vé đã lưu")
    expect(button).to_be_visible()
    screenshot(phone, "kiosk", "kiosk-phone-landing-360")
    button.click()
    expect(phone.locator("[data-kiosk-result=ok]")).to_be_visible()
    expect(phone.get_by_text("Đã điểm danh", exact=True)).to_be_visible()
    expect(phone.locator("[data-kiosk-name]")).to_have_text("L. T. Mai")  # shortened, never in full
    assert_fits(phone, MOBILE[0])
    screenshot(phone, "kiosk", "kiosk-phone-done-360")
    db.session.rollback()  # a fresh snapshot: the live server committed the check-in
    row = db.session.scalar(sa.select(CheckIn).where(CheckIn.registration_id == registration.id))
    assert row is not None and row.source == "kiosk"

    # Another phone without a saved ticket: phone number and year of birth.
    other = page_at(MOBILE[0])
    other.goto(kiosk_url)
    expect(other.get_by_role("button", name="Điểm danh bằng vé đã lưu")).to_be_hidden()
    other.get_by_label("Số điện thoại đã đăng ký").fill("0912 345 671")
    other.get_by_label("Năm sinh").fill("1996")
    other.get_by_role("button", name="Điểm danh", exact=True).click()
    expect(other.locator("[data-kiosk-name]")).to_have_text("Đ. V. Tú")
    db.session.rollback()  # a fresh snapshot: the live server committed the check-in
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(CheckIn).where(CheckIn.registration_id == walker.id)
        )
        == 1
    )

    # The tablet draws the next QR by itself once the 30-second window turns.
    expect(screen).not_to_have_attribute("data-token", token, timeout=35_000)
    new_token = screen.get_attribute("data-token")
    expect(image).to_have_attribute("src", f"/manage/fairs/{fair.id}/kiosk/qr/{new_token}.png")
    tablet.wait_for_function(
        "() => document.querySelector('[data-kiosk-qr-image]').complete "
        "&& document.querySelector('[data-kiosk-qr-image]').naturalWidth > 300"
    )
    assert console_errors == []
