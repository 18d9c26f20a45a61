"""The badge job page in Debian's Chromium: the button starts the job, the static script polls the
status, the bar fills and the download link appears; no console errors (the CSP allows no inline
script)."""

from pathlib import Path

import pytest

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    browser,
    console_errors,
    live_url,
    page,
    page_at,
    screenshot,
    sign_in,
)
from tests.registrations.conftest import BACH_QUANG

pytestmark = pytest.mark.browser


def test_progress_bar_then_download(db, make_fair, register, make_user, page, console_errors):  # noqa: F811
    fair = make_fair()
    for n in range(9):
        register(fair, f"Hoàng Thị Thu Hà {n}", commit=False)
    db.session.commit()
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    sign_in(page, organiser.email)
    page.goto(f"/manage/fairs/{fair.id}/registrations?q=hoang")
    assert page.locator("table[data-testid=registrations] tbody tr").count() == 9
    screenshot(page, "registrations", "list")
    page.goto(f"/manage/fairs/{fair.id}/badges")
    assert "Số người đã đăng ký: 9 (2 trang)" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo tệp PDF thẻ đeo").click()
    download_link = page.locator(".badge-job-download")
    download_link.wait_for(state="visible", timeout=60_000)
    assert page.locator("#badge-job").get_attribute("data-status") == "done"
    assert page.locator(".progress").get_attribute("aria-valuenow") == "100"
    assert "Đã tạo 2 / 2 trang" in page.inner_text(".badge-job-text")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == f"the-phien-{fair.id}.pdf"
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    screenshot(page, "registrations", "badge-job-done")
    assert console_errors == []
