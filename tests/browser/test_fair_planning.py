"""An organiser plans a two-ward season through the season planner (the ward picker's combobox),
publishes one of the drafts, and a resident sees it on the public page at 360 px."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from fairapp.fairs import services
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from tests.browser.conftest import MOBILE, screenshot, sign_in
from tests.fairs.conftest import BACH_QUANG, SONG_CONG

pytestmark = pytest.mark.browser


def choose_ward(page, index: int, typed: str, name: str) -> None:
    picker = page.locator(f"[data-ward-picker].field-stops-{index}-ward_code")
    box = picker.get_by_role("combobox")
    box.fill(typed)
    picker.get_by_role("option", name=name).first.click()
    expect(picker.locator(f'input[type=hidden][name="stops-{index}-ward_code"]')).not_to_have_value("")


def test_plan_a_two_ward_season_publish_one_and_see_it_in_public(db, make_user, page_at, console_errors):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG, SONG_CONG])
    page = page_at(MOBILE[0])
    sign_in(page, organiser.email)
    page.goto("/manage/fairs/series")
    page.get_by_label("Tên đợt").fill("Phiên giao dịch việc làm lưu động tháng Ba")
    choose_ward(page, 0, "Bach Quang", "Phường Bách Quang")
    page.locator('input[name="stops-0-venue_name"]').fill("Nhà văn hoá tổ dân phố Mỏ Chè 2")
    choose_ward(page, 1, "Song Cong", "Phường Sông Công")
    first = services.local_day(utcnow()) + timedelta(days=2)
    page.get_by_label("Từ ngày").fill(first.strftime("%d/%m/%Y"))
    page.get_by_label("Vào thứ").select_option(label="Thứ Bảy")
    page.get_by_label("Cách nhau (tuần)").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo các bản nháp").click()
    expect(page.locator(".flash-messages")).to_contain_text("Đã tạo 2 bản nháp")

    db.session.rollback()  # end the test's own read snapshot: the live server wrote since
    fairs = db.session.scalars(sa.select(Fair).order_by(Fair.starts_at)).all()
    assert [f.ward_code for f in fairs] == [BACH_QUANG, SONG_CONG]
    assert {f.status for f in fairs} == {FairStatus.DRAFT}
    assert (fairs[1].starts_at - fairs[0].starts_at) == timedelta(weeks=2)

    page.goto(f"/manage/fairs/{fairs[0].id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Công bố").click()
    expect(page.locator(".fair-status")).to_have_text("Đã công bố")
    screenshot(page, "fairs", "organiser-published-360")

    resident = page_at(MOBILE[0])
    resident.goto(f"/fairs/{fairs[0].id}")
    expect(resident.locator("main")).to_contain_text("Nhà văn hoá tổ dân phố Mỏ Chè 2")
    expect(resident.locator("main")).to_contain_text(
        services.local_day(fairs[0].starts_at).strftime("%d/%m/%Y")
    )
    expect(resident.get_by_role("link", name="Đăng ký tham gia").first).to_be_visible()
    width = resident.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE[0], f"the public page scrolls sideways at 360 px ({width} px)"
    screenshot(resident, "fairs", "public-fair-360")
    assert not console_errors, console_errors
    assert resident.goto(f"/fairs/{fairs[1].id}").status == 404  # the other one is still a draft
