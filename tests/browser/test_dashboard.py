"""The outcome dashboard in a real browser at phone and desktop widths: it renders with its charts
(inline SVG drawn on the server) under the app's Content-Security-Policy, no console error or CSP
violation, and at 360 px the body never scrolls sideways (wide tables scroll in their own box)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE, screenshot, sign_in
from tests.reports import dataset

pytestmark = pytest.mark.browser

SECTIONS = ("funnel", "groups", "breakdown", "trend", "wards")


@pytest.mark.parametrize("width", [MOBILE[0], DESKTOP[0]], ids=["mobile", "desktop"])
def test_the_dashboard_renders_its_charts_at_phone_and_desktop_widths(
    db, page_at, make_user, console_errors, width
):
    dataset.build()
    admin = make_user("admin")
    page = page_at(width)
    sign_in(page, admin.email, path="/login?next=/manage/dashboard%3Fyear%3D2026")
    expect(page.locator("h1")).to_contain_text("Bảng kết quả")

    for key in SECTIONS:
        chart = page.locator(f'[data-chart="{key}"] svg.chart-svg')
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, (key, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (key, box)
        expect(page.locator(f'table[data-table="{key}"] caption')).to_be_visible()
    registered = page.locator('table[data-table="funnel"] tbody tr').first.locator('[data-column="people"]')
    expect(registered).to_have_text("6")
    # the CSS for pygal's classes applied: the chart's background is white, not SVG's default black
    fill = page.locator('[data-chart="funnel"] svg .background').first.evaluate(
        "element => getComputedStyle(element).fill"
    )
    assert fill == "rgb(255, 255, 255)"

    overflow = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"the page scrolls sideways: {overflow}"
    screenshot(page, "dashboard", f"dashboard-{width}")
    assert list(console_errors) == [], "\n".join(console_errors)


def test_the_dashboard_prints_its_charts_and_tables(db, page_at, make_user, console_errors):
    dataset.build()
    admin = make_user("admin")
    page = page_at(DESKTOP[0])
    sign_in(page, admin.email, path="/login?next=/manage/dashboard%3Fyear%3D2026")
    page.emulate_media(media="print")
    expect(page.locator(".app-navbar")).to_be_hidden()
    for key in SECTIONS:
        expect(page.locator(f'[data-chart="{key}"] svg.chart-svg')).to_be_visible()
        expect(page.locator(f'table[data-table="{key}"]')).to_be_visible()
    assert len(page.pdf()) > 10_000
    assert list(console_errors) == [], "\n".join(console_errors)
