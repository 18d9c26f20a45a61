"""Importing a ward's household list in a real browser at 1280 px: upload a list with wrong rows, read
the per-row report (nothing saved), then import the valid rows only."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from fairapp.households.models import Household
from tests.browser.conftest import DESKTOP, assert_fits, screenshot, sign_in
from tests.households.conftest import BACH_QUANG, workbook

pytestmark = pytest.mark.browser


def test_upload_a_list_read_its_report_then_import_the_valid_rows(
    db, page_at, make_user, console_errors, tmp_path
):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    rows = [
        ["BQ-001", "Hộ nghèo", "Nguyễn Văn An", "Tổ 5", "NGUYỄN VĂN AN", 1980, "Nam", None],
        [None, None, None, None, "Trần Thị Bình", "12/03/1984", "Nữ", None],
        ["BQ-002", "Hộ khá", None, "Tổ 7", "Lê Thị Dung", 1975, "Nữ", None],
        ["BQ-003", "Hộ cận nghèo", None, "Tổ 7", "Hà Văn Hải", "31/02/1970", "Nam", None],
        ["BQ-004", "Hộ cận nghèo", None, "Tổ 8", "Vũ Thị Mai", 1992, "Nữ", None],
    ]
    path = tmp_path / "danh-sach-2026.xlsx"
    path.write_bytes(workbook(rows))
    page = page_at(DESKTOP[0])
    sign_in(page, organiser.email, path="/login?next=/manage/households")
    expect(page.locator("h1")).to_contain_text("Hộ nghèo")
    expect(page.get_by_test_id("template-link")).to_be_visible()
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    report = page.get_by_test_id("import-errors")
    expect(report).to_be_visible()
    expect(page.get_by_test_id("import-progress")).to_have_attribute("data-status", "refused")
    lines = report.locator("tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("Phân loại hộ")
    expect(lines.nth(0).locator(".row-number")).to_have_text("4")
    expect(lines.nth(1)).to_contain_text("không có thật")
    expect(page.locator(".alert-warning")).to_contain_text("chưa có gì được lưu")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 0
    assert_fits(page, DESKTOP[0])
    screenshot(page, "households", "import-report-1280")

    page.get_by_role("button", name="Chỉ nhập 3 dòng hợp lệ").click()
    expect(page.get_by_test_id("import-progress")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("import-counts")).to_contain_text("3 dòng đã lưu")
    db.session.rollback()  # a new snapshot: the live server wrote after the count above
    assert set(db.session.scalars(sa.select(Household.household_code))) == {"BQ-001", "BQ-004"}
    assert list(console_errors) == [], "\n".join(console_errors)
