"""Public pages: upcoming fairs, a fair's page with its share card, registration placeholder,
announcement page; no sign-in anywhere."""

import io
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from PIL import Image

from fairapp.booths.models import BoothStatus
from fairapp.extensions import db as _db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.i18n import date_vn, time_vn
from fairapp.modelbase import utcnow
from tests.conftest import static_url
from tests.public.conftest import SONG_CONG


class MetaTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (key := attrs.get("property") or attrs.get("name")):
            self.tags[key] = attrs.get("content")


def meta_tags(html: str) -> dict[str, str]:
    parser = MetaTags()
    parser.feed(html)
    return parser.tags


def test_upcoming_lists_published_and_open_fairs_only(client, make_fair, db):
    published = make_fair(title="Phiên Bách Quang tháng 12")
    started = make_fair(
        title="Phiên đang diễn ra",
        starts_at=utcnow() - timedelta(hours=1),
        ends_at=utcnow() + timedelta(hours=2),
    )
    make_fair(title="Phiên còn nháp", status=FairStatus.DRAFT)
    make_fair(title="Phiên đã huỷ", status=FairStatus.CANCELLED, cancel_reason="Mưa bão")
    make_fair(title="Phiên đã qua", starts_at=utcnow() - timedelta(days=3))

    response = client.get("/fairs")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Phiên Bách Quang tháng 12" in html and "Phiên đang diễn ra" in html
    for hidden in ("Phiên còn nháp", "Phiên đã huỷ", "Phiên đã qua"):
        assert hidden not in html
    # soonest first, with dd/MM/yyyy and HH:mm–HH:mm, linking to the fair's page
    assert html.index("Phiên đang diễn ra") < html.index("Phiên Bách Quang tháng 12")
    with client.application.test_request_context():
        assert date_vn(published.starts_at) in html
        assert f"{time_vn(published.starts_at)}–{time_vn(published.ends_at)}" in html
    assert re.search(r"\d{2}/\d{2}/\d{4}", html)
    assert f'href="/fairs/{published.id}"' in html
    assert "Phường Bách Quang" in html
    # the started fair is shown as running, and reading the list wrote nothing (DESIGN §3)
    assert html.count("Đang diễn ra") == 1
    _db.session.expire_all()
    assert _db.session.get(Fair, started.id).recorded_status == FairStatus.PUBLISHED


def test_filter_by_ward_offers_only_wards_with_upcoming_fairs(client, make_fair):
    make_fair(title="Phiên ở Bách Quang")
    make_fair(title="Phiên ở Sông Công", ward_code=SONG_CONG)
    make_fair(title="Nháp ở Bá Xuyên", ward_code="05533", status=FairStatus.DRAFT)

    html = client.get("/fairs").get_data(as_text=True)
    options = re.findall(r'<option value="(\d*)"', html)
    assert options == ["", "05528", "05518"]  # all, then by name: Bách Quang, Sông Công

    only = client.get(f"/fairs?ward={SONG_CONG}").get_data(as_text=True)
    assert "Phiên ở Sông Công" in only and "Phiên ở Bách Quang" not in only
    assert f'<option value="{SONG_CONG}" selected>' in only

    unknown = client.get("/fairs?ward=99999").get_data(as_text=True)
    assert "Phiên ở Sông Công" in unknown and "Phiên ở Bách Quang" in unknown


def test_empty_list_says_so(client):
    html = client.get("/fairs").get_data(as_text=True)
    assert "Chưa có phiên giao dịch nào sắp diễn ra" in html


def test_fair_page_shows_details_participants_and_totals(client, make_fair, take_part, db):
    fair = make_fair(
        title="Phiên giao dịch việc làm phường Bách Quang",
        capacity=250,
        description="Gặp gỡ doanh nghiệp khu công nghiệp Sông Công.",
    )
    fair.directions = "Rẽ trái sau chợ Mỏ Chè, đi 200 m."
    db.session.commit()
    take_part(
        fair,
        employer="Công ty TNHH May Sông Công",
        vacancies=[("Công nhân may", 30, 6_500_000, 8_000_000), ("Thợ cắt", 5, None, None)],
    )
    take_part(fair, employer="Công ty CP Cơ khí Phổ Yên", vacancies=[("Thợ hàn", 10, 9_000_000, None)])
    take_part(
        fair,
        employer="Công ty chưa duyệt gian hàng",
        vacancies=[("Bảo vệ", 2, None, None)],
        status=BoothStatus.APPLIED,
    )
    take_part(fair, school="Trường Cao đẳng Công nghiệp Thái Nguyên", programmes=["Điện công nghiệp"])

    response = client.get(f"/fairs/{fair.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with client.application.test_request_context():
        assert date_vn(fair.starts_at) in html
        assert f"từ {time_vn(fair.starts_at)} đến {time_vn(fair.ends_at)}" in html
    for text in (
        "Nhà văn hoá tổ dân phố 1",
        "Số 1 đường Thắng Lợi",
        "Rẽ trái sau chợ Mỏ Chè",
        "250 người",
        "Chị Nguyễn Thị Hoa",
        'href="tel:0912345678"',
        "Gặp gỡ doanh nghiệp khu công nghiệp",
        "Công ty TNHH May Sông Công",
        "Công nhân may",
        "Số lượng: 30",
        "6.500.000 đ – 8.000.000 đ",
        "Thoả thuận",
        "Từ 9.000.000 đ",
        "Trường Cao đẳng Công nghiệp Thái Nguyên",
        "Điện công nghiệp",
    ):
        assert text in html, text
    assert "Công ty chưa duyệt gian hàng" not in html and "Bảo vệ" not in html
    totals = re.findall(r"<li><strong>(\d+)</strong> ([^<]+)</li>", html)
    assert totals == [("2", "doanh nghiệp"), ("45", "chỉ tiêu tuyển dụng"), ("1", "cơ sở đào tạo nghề")]
    assert f'href="/fairs/{fair.id}/register"' in html and "Đăng ký tham gia" in html
    assert 'id="dang-ky"' in html and "căn cước" in html


def test_register_shows_the_registration_form(client, make_fair):
    fair = make_fair()
    response = client.get(f"/fairs/{fair.id}/register")
    assert response.status_code == 200
    assert 'name="full_name"' in response.get_data(as_text=True)  # tests/attendees/ test the form


def test_html_in_fair_text_is_shown_as_text(client, make_fair):
    fair = make_fair(
        title='<script>alert("x")</script> Ngày hội',
        description='<img src=x onerror="alert(1)"> mô tả',
        cancel_reason=None,
    )
    html = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Ngày hội" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; mô tả" in html
    assert "<script>alert" not in html and "<img src=x" not in html
    og = meta_tags(html)
    assert og["og:title"] == '<script>alert("x")</script> Ngày hội'  # the parser unescapes it back
    assert "<script>alert" not in client.get("/fairs").get_data(as_text=True)


def test_open_graph_tags_use_the_request_host(client, make_fair):
    fair = make_fair(title="Phiên việc làm Sông Công", ward_code=SONG_CONG, venue_name="Sân UBND phường")
    html = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    tags = meta_tags(html)
    assert tags["og:title"] == "Phiên việc làm Sông Công"
    assert tags["og:type"] == "website" and tags["og:locale"] == "vi_VN"
    assert tags["og:url"] == f"http://localhost/fairs/{fair.id}"
    with client.application.test_request_context():
        expected_when = f"{date_vn(fair.starts_at)}, {time_vn(fair.starts_at)}–{time_vn(fair.ends_at)}"
    assert tags["og:description"] == f"{expected_when} · Sân UBND phường · Phường Sông Công"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:image"] == f"http://localhost/fairs/{fair.id}/card.png"

    image = client.get(f"/fairs/{fair.id}/card.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    picture = Image.open(io.BytesIO(image.data))
    assert picture.size == (1200, 630)
    assert len(picture.convert("RGB").getcolors(1_000_000)) > 50  # text was drawn, not a blank card


def test_open_graph_tags_use_public_base_url_when_configured(app, client, make_fair):
    app.config["PUBLIC_BASE_URL"] = "https://vieclam.songcong.example.vn/"
    fair = make_fair()
    tags = meta_tags(client.get(f"/fairs/{fair.id}").get_data(as_text=True))
    assert tags["og:url"] == f"https://vieclam.songcong.example.vn/fairs/{fair.id}"
    assert tags["og:image"] == f"https://vieclam.songcong.example.vn/fairs/{fair.id}/card.png"


@pytest.mark.parametrize(
    "status, banner, text, can_register",
    [
        (FairStatus.PUBLISHED, None, None, True),
        (FairStatus.OPEN, "open", "Phiên đang diễn ra", True),
        (FairStatus.CLOSED, "closed", "Phiên đã kết thúc", False),
        (FairStatus.CANCELLED, "cancelled", "Phiên này đã bị huỷ", False),
    ],
)
def test_status_banner(client, make_fair, status, banner, text, can_register):
    fair = make_fair(status=status, cancel_reason="Trùng lịch bầu cử" if banner == "cancelled" else None)
    html = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    banners = re.findall(r'data-banner="(\w+)"', html)
    assert banners == ([banner] if banner else [])
    if text:
        assert text in html
    if banner == "cancelled":
        assert "Trùng lịch bầu cử" in html
    assert ("register-button" in html) is can_register


@pytest.mark.parametrize(
    "path",
    [
        "/fairs/{id}",
        "/fairs/{id}/register",
        "/fairs/{id}.ics",
        "/fairs/{id}/poster.pdf",
        "/fairs/{id}/card.png",
        "/fairs/{id}/announcement",
    ],
)
def test_drafts_and_unknown_fairs_are_not_found(client, make_fair, path):
    draft = make_fair(status=FairStatus.DRAFT)
    assert client.get(path.format(id=draft.id)).status_code == 404
    assert client.get(path.format(id=draft.id + 1000)).status_code == 404


def test_pages_are_mobile_friendly_and_need_no_inline_code(client, make_fair, take_part):
    fair = make_fair()
    take_part(
        fair,
        employer="Công ty TNHH Một Thành Viên Có Tên Rất Dài Để Thử Xuống Dòng Trên Điện Thoại",
        vacancies=[("Nhân viên kho", 3, 5_000_000, 7_000_000)],
    )
    for path in ("/fairs", f"/fairs/{fair.id}", f"/fairs/{fair.id}/announcement"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert re.search(static_url("css/public.css"), html)
        assert " style=" not in html and "<style" not in html  # CSP: style-src 'self'
        assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []  # CSP: script-src 'self'
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    css = client.get("/static/css/public.css").get_data(as_text=True)
    widths = [int(w) for w in re.findall(r"(?<![-\w(])(?:min-)?width:\s*(\d+)px", css)]
    assert all(width <= 360 for width in widths)  # nothing forces a page wider than a small phone
    assert "grid-template-columns: 1fr;" in css  # one column of cards unless the screen is wider


def test_announcement_page_offers_the_text_to_copy(client, make_fair, take_part):
    fair = make_fair(title="Phiên giao dịch việc làm tháng 12")
    take_part(fair, employer="Công ty TNHH Điện tử", vacancies=[("Công nhân lắp ráp", 40, None, None)])
    response = client.get(f"/fairs/{fair.id}/announcement")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    textarea = re.search(r'<textarea[^>]*id="announcement-text"[^>]*>(.*?)</textarea>', html, re.S)
    assert textarea and "Phiên giao dịch việc làm tháng 12" in textarea.group(1)
    assert "1 doanh nghiệp với nhu cầu tuyển dụng 40 lao động" in textarea.group(1)
    assert 'data-copy-target="announcement-text"' in html
    script = re.search(f'<script src="({static_url("js/copy-text.js")})"></script>', html)
    assert script and client.get(script.group(1)).status_code == 200


def test_no_sign_in_needed_even_in_english(client, make_fair):
    fair = make_fair()
    client.post("/language/en", data={})  # CSRF refuses it; the pages stay public either way
    for path in ("/fairs", f"/fairs/{fair.id}", "/fairs/calendar.ics"):
        assert client.get(path).status_code == 200
