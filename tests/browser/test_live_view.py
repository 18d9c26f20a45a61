"""The organiser's live view updates by itself: checked in 0, a check-in happens (through the
check-in service, as the scanner API would), and within a few seconds the page shows 1 without a
reload; the priority household member who arrived leaves the list of those to call."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, Registration
from fairapp.checkins import services as checkins
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.text import fold
from tests.browser.conftest import MOBILE, screenshot, sign_in

pytestmark = pytest.mark.browser


def open_fair(db) -> Fair:
    starts_at = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    fair = Fair(
        title="Phiên giao dịch việc làm Sông Công",
        ward_code="05528",
        venue_name="Nhà văn hoá",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=FairStatus.OPEN,
        opened_at=starts_at,
    )
    db.session.add(fair)
    db.session.commit()
    return fair


def register(db, fair, full_name, phone, group) -> Registration:
    attendee = Attendee(
        full_name=full_name,
        name_key=fold(full_name),
        phone=phone,
        birth_year=1990,
        gender=Gender.MALE,
        ward_code=fair.ward_code,
        priority_group=group,
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


@pytest.mark.parametrize("width", [1280, MOBILE[0]])
def test_live_count_changes_without_reload(db, make_user, page_at, console_errors, width):
    fair = open_fair(db)
    poor = register(db, fair, "Lò Văn Ba", "0912000001", PriorityGroup.POOR)
    register(db, fair, "Vi Thị Cúc", "0912000002", PriorityGroup.NEAR_POOR)
    register(db, fair, "Nông Văn Phúc", "0912000003", PriorityGroup.NONE)
    organiser = make_user("organiser", ward_codes=["05528"])

    page = page_at(width)
    sign_in(page, organiser.email)
    page.goto(f"/manage/fairs/{fair.id}/live")
    expect(page.locator("[data-live-registered]")).to_have_text("3")
    expect(page.locator("[data-live-checked-in]")).to_have_text("0")
    waiting = page.locator("[data-live-waiting] tr")
    expect(waiting).to_have_count(2)
    expect(page.locator("[data-live-waiting]")).to_contain_text("0912000001")
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloads

    # SQLite: a write may not start from a read snapshot older than the server's last write.
    db.session.rollback()
    checkins.check_in_registration(poor, by=None, source="scanner")
    db.session.commit()

    expect(page.locator("[data-live-checked-in]")).to_have_text("1", timeout=10_000)
    expect(waiting).to_have_count(1)
    expect(page.locator("[data-live-waiting]")).not_to_contain_text("Lò Văn Ba")
    expect(page.locator("[data-live-groups] tr[data-group=poor] td").nth(1)).to_have_text("1")
    expect(page.locator("[data-live-waiting-count]")).to_have_text("1")
    assert page.evaluate("() => window.__sameDocument === true")
    assert page.evaluate("() => document.querySelector('[data-live-total-bar]').value") == 1
    if width == MOBILE[0]:
        assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE[0]
    screenshot(page, "live", f"live-{width}")
    assert console_errors == []
