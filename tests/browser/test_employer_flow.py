"""An employer registers itself on the public form, an organiser approves it, the employer signs in and
adds a vacancy offered at a published fair, the organiser confirms the booth, and the vacancy shows on
the public fair page."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, PartnerStatus
from tests.browser.conftest import MOBILE, screenshot, sign_in

pytestmark = pytest.mark.browser
TAX_CODE = "0101234565"


def test_employer_self_registration_to_public_fair_page(db, make_user, page_at, console_errors):
    starts_at = utcnow().replace(microsecond=0) + timedelta(days=5)
    fair = Fair(
        title="Phiên giao dịch việc làm lưu động Bách Quang",
        ward_code="05528",
        venue_name="Nhà văn hoá tổ dân phố Mỏ Chè 2",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
        published_at=utcnow(),
    )
    db.session.add(fair)
    db.session.commit()
    organiser = make_user("organiser", ward_codes=["05528"])  # the fair's ward

    # 1. The company registers itself (phone width).
    page = page_at(MOBILE[0])
    page.goto("/employers/register")
    page.get_by_label("Tên doanh nghiệp").fill("Công ty TNHH May Sông Công")
    page.get_by_label("Mã số thuế").fill("0101 234 565")
    page.get_by_label("Ngành nghề kinh doanh").fill("May mặc")
    page.get_by_label("Người liên hệ").fill("Nguyễn Thị Lan")
    page.get_by_label("Số điện thoại", exact=True).fill("0912345678")
    page.get_by_label("Họ và tên người dùng").fill("Nguyễn Thị Lan")
    page.get_by_label("Email đăng nhập").fill("lan@maysongcong.vn")
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-lan-1")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-lan-1")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi đăng ký").click()
    expect(page.locator("main")).to_contain_text("Đã gửi đăng ký doanh nghiệp")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE[0], f"the page scrolls sideways at 360 px ({width} px)"

    # Signed in while pending: told to wait, no vacancy button.
    sign_in(page, "lan@maysongcong.vn", "mat-khau-lan-1")
    page.goto("/employer")
    expect(page.locator(".pending-notice")).to_contain_text("chờ duyệt")
    expect(page.get_by_role("link", name="Thêm vị trí tuyển dụng")).to_have_count(0)

    # 2. The organiser approves it.
    staff = page_at()
    sign_in(staff, organiser.email)
    staff.goto("/manage/employers?status=pending")
    with staff.expect_navigation():
        staff.get_by_role("link", name="Công ty TNHH May Sông Công").click()
    with staff.expect_navigation():
        staff.get_by_role("button", name="Duyệt", exact=True).click()
    expect(staff.locator(".partner-status")).to_have_text("Đã duyệt")
    db.session.rollback()
    employer = db.session.scalar(sa.select(Employer).where(Employer.tax_code == TAX_CODE))
    assert employer.status == PartnerStatus.APPROVED

    # 3. The employer adds a vacancy offered at the fair.
    page.goto("/employer")
    with page.expect_navigation():
        page.get_by_role("link", name="Thêm vị trí tuyển dụng").click()
    page.get_by_label("Vị trí tuyển dụng").fill("Công nhân may công nghiệp")
    page.get_by_label("Số lượng cần tuyển").fill("25")
    page.get_by_label("Lương từ (đồng/tháng)").fill("6.500.000")
    page.get_by_label("Lương đến (đồng/tháng)").fill("9.000.000")
    page.get_by_label(fair.title, exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".my-vacancies")).to_contain_text("Công nhân may công nghiệp")
    screenshot(page, "partners", "employer-vacancies-360")

    # 4. The organiser confirms the booth.
    staff.goto(f"/manage/fairs/{fair.id}/booths")
    row = staff.locator(".fair-booth-list li").filter(has_text="Công ty TNHH May Sông Công")
    row.get_by_label("Số hiệu gian hàng").fill("A3")
    with staff.expect_navigation():
        row.get_by_role("button", name="Xác nhận").click()
    expect(staff.locator(".fair-booth-list .booth-status")).to_have_text("Đã xác nhận")

    # 5. A resident sees it on the public fair page and finds it by job title.
    resident = page_at(MOBILE[0])
    resident.goto(f"/fairs/{fair.id}")
    expect(resident.locator("[data-employer]")).to_contain_text("Công ty TNHH May Sông Công")
    expect(resident.locator(".vacancy")).to_contain_text("Công nhân may công nghiệp")
    expect(resident.locator(".vacancy__salary")).to_contain_text("6.500.000 đ")
    resident.get_by_role("searchbox").fill("cong nhan may")
    with resident.expect_navigation():
        resident.get_by_role("button", name="Tìm").click()
    expect(resident.locator(".search-result")).to_contain_text("1 vị trí phù hợp")
    screenshot(resident, "partners", "public-fair-with-vacancy-360")
    assert not console_errors, console_errors
