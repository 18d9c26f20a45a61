"""The admin's webhook pages on a 360 px phone: add a subscription through the form, see its secret
once, the list, the delivery log and one delivery — nothing sideways."""

import re

import pytest

from fairapp.modelbase import utcnow
from fairapp.webhooks import events
from tests.browser.conftest import MOBILE, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_webhook_pages_at_360_px(app, db, page_at, make_user, console_errors):
    app.config["WEBHOOK_DELIVER_AT_ONCE"] = False
    admin = make_user("admin")
    page = page_at(MOBILE[0])
    sign_in(page, admin.email)

    page.goto("/manage/webhooks/new")
    assert_fits(page, MOBILE[0])
    page.fill("input[name=name]", "Cổng việc làm tỉnh Thái Nguyên")
    page.fill("input[name=url]", "https://vieclam.thainguyen.gov.vn/api/hooks/fairapp-events")
    page.check("input[name=events][value='checkin.created']")
    page.check("input[name=events][value='hire.recorded']")
    page.check("input[name=purpose][value='job_portal']")
    with page.expect_navigation():
        page.click("form.webhook-form [type=submit]")
    secret = page.locator("[data-secret]").inner_text()
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/=]{44}", secret)
    assert_fits(page, MOBILE[0])

    db.session.rollback()  # a fresh snapshot: the live server made the subscription
    events.emit("checkin.created", "checkin.created-1", data={"check_in_id": 1}, at=utcnow())
    db.session.commit()
    page.goto("/manage/webhooks")
    assert page.locator("[data-subscription]").count() == 1
    assert secret not in page.content()
    assert_fits(page, MOBILE[0])
    page.goto("/manage/webhooks/deliveries")
    assert page.locator("[data-delivery]").count() == 1
    assert_fits(page, MOBILE[0])
    page.locator("[data-delivery] a").first.click()
    page.wait_for_selector("[data-body]")
    assert "checkin.created-1" in page.locator("h1").inner_text()
    assert_fits(page, MOBILE[0])
    screenshot(page, "webhooks", "delivery-360")
    assert console_errors == []
