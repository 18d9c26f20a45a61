"""Each role signs in through the real form, sees its own navigation at phone and desktop widths,
and signs out; the language switch; the `next` redirect after sign-in. No console errors anywhere
(a CSP violation, e.g. an inline script, shows up as one)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE, screenshot, sign_in

pytestmark = pytest.mark.browser

ROLES = ("admin", "organiser", "gate", "employer", "school")
ADMIN_ONLY = ("users.index", "audit.index")
WIDTHS = {"mobile": MOBILE[0], "desktop": DESKTOP[0]}


def nav_of(page, role: str):
    return page.locator(f'nav[data-role="{role}"]')


def open_menu_if_collapsed(page, nav) -> None:
    """Below the navbar breakpoint the links sit behind the hamburger toggler: open it."""
    toggler = nav.locator(".navbar-toggler")
    if toggler.is_visible():
        expect(toggler).to_have_attribute("aria-expanded", "false")
        toggler.click()
        expect(toggler).to_have_attribute("aria-expanded", "true")
        # Bootstrap adds .show once the opening transition has ended
        expect(nav.locator(".navbar-collapse")).to_have_class(re.compile(r"\bshow\b"))
        expect(nav.locator(".navbar-collapse")).to_be_visible()


def path_of(page) -> str:
    return urlsplit(page.url).path


def assert_no_console_errors(console_errors) -> None:
    assert list(console_errors) == [], "\n".join(console_errors)


@pytest.mark.parametrize("screen", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_role_sees_its_navigation_and_signs_out(page_at, make_user, console_errors, role, screen):
    width = WIDTHS[screen]
    user = make_user(role)
    page = page_at(width)

    sign_in(page, user.email)
    assert path_of(page) == "/"
    nav = nav_of(page, role)
    expect(nav).to_have_count(1)
    expect(page.locator("h1")).to_be_visible()

    toggler = nav.locator(".navbar-toggler")
    if screen == "mobile":
        expect(toggler).to_be_visible()
        expect(nav.locator('[data-nav="account.profile"]')).to_be_hidden()
    else:
        expect(toggler).to_be_hidden()
    open_menu_if_collapsed(page, nav)

    expect(nav.locator('[data-nav="account.profile"]')).to_be_visible()
    for endpoint in ADMIN_ONLY:
        link = nav.locator(f'[data-nav="{endpoint}"]')
        if role == "admin":
            expect(link).to_be_visible()
        else:
            expect(link).to_have_count(0)
    sign_out = nav.locator('form[action$="/logout"] [type=submit]')
    expect(sign_out).to_be_visible()
    screenshot(page, "roles-nav", f"{role}-{screen}-{width}px")

    sign_out.click()
    page.wait_for_url("**/login")
    assert path_of(page) == "/login"
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(nav_of(page, "anonymous")).to_have_count(1)
    assert_no_console_errors(console_errors)


def test_footer_language_switch_changes_html_lang(page_at, make_user, console_errors):
    user = make_user("organiser")
    page = page_at(MOBILE[0])
    sign_in(page, user.email)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "vi")

    page.locator('footer [data-language="en"]').click()
    expect(html).to_have_attribute("lang", "en")
    assert path_of(page) == "/", "the switch brings the visitor back to the page they were on"
    expect(nav_of(page, "organiser")).to_have_count(1)
    screenshot(page, "roles-nav", "language-en-mobile")

    page.locator('footer [data-language="vi"]').click()
    expect(html).to_have_attribute("lang", "vi")
    assert path_of(page) == "/"
    assert_no_console_errors(console_errors)


def test_anonymous_visitor_signs_in_and_comes_back_to_the_page(page_at, make_user, console_errors):
    admin = make_user("admin")
    page = page_at(DESKTOP[0])

    page.goto("/admin/users")
    assert path_of(page) == "/login"
    next_path = parse_qs(urlsplit(page.url).query)["next"][0]
    assert next_path.rstrip("/") == "/admin/users"
    expect(nav_of(page, "anonymous")).to_have_count(1)

    sign_in(page, admin.email, path="")
    assert path_of(page).rstrip("/") == "/admin/users"
    expect(nav_of(page, "admin").locator('[data-nav="users.index"]')).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_text(admin.email).first).to_be_visible()
    assert_no_console_errors(console_errors)
