"""A job seeker on a 360 px phone finds the fair, gets to the ticket, and still sees it offline:
the ticket service worker serves the cached page when the connection is gone.

The registration comes from the services until the public registration form exists (engineer 5a,
/fairs/<id>/register); then this test should fill that form instead."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from fairapp.attendees.models import Attendee, Channel, Gender, Registration
from fairapp.booths.models import Booth, BoothStatus
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, PartnerStatus
from fairapp.text import fold
from tests.browser.conftest import MOBILE, screenshot

pytestmark = pytest.mark.browser


def published_fair(db) -> Fair:
    starts_at = (utcnow() + timedelta(days=5)).replace(hour=0, minute=30, second=0, microsecond=0)
    fair = Fair(
        title="Phiên giao dịch việc làm Bách Quang",
        ward_code="05528",
        venue_name="Nhà văn hoá tổ dân phố Mỏ Chè 2",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
    )
    db.session.add(fair)
    db.session.flush()
    employer = Employer(
        name="Công ty TNHH Điện tử Sông Công", tax_code="0100109106", status=PartnerStatus.APPROVED
    )
    db.session.add(employer)
    db.session.flush()
    db.session.add(Booth(fair_id=fair.id, employer_id=employer.id, label="A1", status=BoothStatus.CONFIRMED))
    db.session.commit()
    return fair


def register(db, fair: Fair, full_name: str) -> Registration:
    attendee = Attendee(
        full_name=full_name,
        name_key=fold(full_name),
        phone="0912345678",
        birth_year=1998,
        gender=Gender.MALE,
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


def test_ticket_still_shows_offline_after_first_view(db, page_at, console_errors):
    fair = published_fair(db)
    page = page_at(MOBILE[0])
    page.goto(f"/fairs/{fair.id}")
    page.get_by_role("link", name="Đăng ký tham gia").first.click()
    page.wait_for_load_state()

    registration = register(db, fair, "Hoàng Văn Đức")
    page.goto(f"/t/{registration.ticket_secret}")
    qr = page.locator("img[data-ticket-qr]")
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", qr.element_handle()) > 300
    expect(page.locator("[data-ticket-name]")).to_have_text("Hoàng Văn Đức")
    expect(page.get_by_role("link", name="Tải vé PDF")).to_be_visible()

    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    expect(page.locator("[data-ticket]")).to_have_attribute("data-offline-ready", "true")
    scope = page.evaluate("() => navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope.endswith("/t/")
    screenshot(page, "tickets", "ticket-360-online")

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("img[data-ticket-qr]")).to_be_visible()
    assert (
        page.evaluate(
            "(img) => img.complete && img.naturalWidth", page.locator("img[data-ticket-qr]").element_handle()
        )
        > 300
    )
    expect(page.locator("[data-ticket-name]")).to_have_text("Hoàng Văn Đức")
    expect(page.get_by_text("Công ty TNHH Điện tử Sông Công")).to_be_visible()
    screenshot(page, "tickets", "ticket-360-offline")
    # The stylesheets came from the cache too: the page is laid out, not bare HTML.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.ticket-page')).maxWidth") != "none"
    page.context.set_offline(False)
    assert not console_errors, console_errors


def test_a_withdrawn_ticket_and_the_forms_behind_it_stay_off_the_phone(db, page_at):
    """The service worker keeps the ticket for offline use, but never a no-store page (the details
    form), and drops its copy once the server answers that the ticket is gone (erased, withdrawn)."""
    fair = published_fair(db)
    registration = register(db, fair, "Lê Thị Mai")
    page = page_at(MOBILE[0])
    page.goto(f"/t/{registration.ticket_secret}")
    expect(page.locator("[data-ticket]")).to_have_attribute("data-offline-ready", "true")

    details = page.goto(f"/t/{registration.ticket_secret}/details")
    assert details.status == 200 and "no-store" in details.headers["cache-control"]
    page.context.set_offline(True)
    with pytest.raises(Exception):  # noqa: B017 - offline with nothing cached: the load fails
        page.goto(f"/t/{registration.ticket_secret}/details")
    page.context.set_offline(False)

    db.session.delete(registration)
    db.session.commit()
    gone = page.goto(f"/t/{registration.ticket_secret}")
    assert gone.status == 404
    page.context.set_offline(True)
    with pytest.raises(Exception):  # noqa: B017
        page.goto(f"/t/{registration.ticket_secret}")
    assert page.locator("[data-ticket-name]").count() == 0
    page.context.set_offline(False)
