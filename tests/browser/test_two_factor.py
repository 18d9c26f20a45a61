"""Two-factor sign-in in a browser on a 360 px phone: enrol from the account page (QR code and key),
keep the recovery codes, then sign in with the password and a code."""

import time
from urllib.parse import urlsplit

import pyotp

from tests.browser.conftest import MOBILE, WIDEST, screenshot, sign_in


def test_enrol_then_sign_in_with_a_code(page_at, make_user, console_errors):
    user = make_user("employer")
    page = page_at(MOBILE[0])
    sign_in(page, user.email)
    page.goto("/account/")
    with page.expect_navigation():
        page.get_by_role("link", name="Xác thực hai bước").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Bắt đầu bật xác thực hai bước").click()

    qr = page.locator("[data-testid=two-factor-qr]")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    secret = page.locator("[data-testid=two-factor-secret]").inner_text().replace(" ", "")
    assert len(secret) == 32
    scroll_width, too_wide = page.evaluate(WIDEST)
    assert scroll_width <= MOBILE[0], too_wide
    screenshot(page, "two-factor", "enrol-360")

    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name="Bật xác thực hai bước").click()
    assert page.locator("[data-testid=recovery-codes] code").count() == 10

    again = page_at(MOBILE[0])
    sign_in(again, user.email)
    assert again.url.endswith("/login/code")
    again.locator("input[name=code]").fill(pyotp.TOTP(secret).at(time.time() + 30))  # the next step's
    with again.expect_navigation():
        again.get_by_role("button", name="Xác nhận").click()
    assert urlsplit(again.url).path == "/"
    assert urlsplit(again.goto("/account/").url).path == "/account/"  # signed in
    assert not console_errors, console_errors
