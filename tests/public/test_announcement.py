"""The loudspeaker announcement, generated from a fair's details."""

from datetime import UTC, datetime

from fairapp.fairs.poster import announcement_text, spoken_time
from fairapp.public.services import FairCounts
from tests.public.conftest import SONG_CONG

# Saturday 12/12/2026, 07:30–11:00 in Vietnam (UTC+7)
STARTS, ENDS = datetime(2026, 12, 12, 0, 30, tzinfo=UTC), datetime(2026, 12, 12, 4, 0, tzinfo=UTC)


def test_announcement_spells_out_date_place_and_who_should_come(app, make_fair):
    fair = make_fair(
        title="Phiên giao dịch việc làm lưu động tháng 12",
        starts_at=STARTS,
        ends_at=ENDS,
        venue_name="Nhà văn hoá tổ dân phố Mỏ Chè 2",
        venue_address="Đường Cách Mạng Tháng Mười",
    )
    text = announcement_text(fair, FairCounts(employers=12, vacancies=20, quota=340, schools=3))

    assert "thứ Bảy, ngày 12 tháng 12 năm 2026, từ 7 giờ 30 đến 11 giờ" in text
    assert "Ủy ban nhân dân phường Bách Quang tổ chức Phiên giao dịch việc làm lưu động tháng 12" in text
    assert "tại Nhà văn hoá tổ dân phố Mỏ Chè 2, Đường Cách Mạng Tháng Mười, phường Bách Quang." in text
    assert "12 doanh nghiệp với nhu cầu tuyển dụng 340 lao động" in text
    assert "3 cơ sở giáo dục nghề nghiệp" in text
    assert "hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo" in text
    assert "căn cước" in text
    assert "Chị Nguyễn Thị Hoa, số điện thoại 0912345678" in text
    assert text.endswith("Xin trân trọng thông báo!")
    assert "\n" not in text and "  " not in text


def test_announcement_without_partners_or_contact(app, make_fair):
    fair = make_fair(
        title="Ngày hội việc làm",
        ward_code=SONG_CONG,
        starts_at=STARTS,
        ends_at=ENDS,
        contact_phone=None,
        venue_address=None,
        venue_name="Sân UBND phường Sông Công",
    )
    text = announcement_text(fair, FairCounts())
    assert "tổ chức phiên giao dịch việc làm lưu động “Ngày hội việc làm”" in text
    assert "tại Sân UBND phường Sông Công." in text  # the ward is not named twice
    assert "doanh nghiệp" not in text and "liên hệ" not in text


def test_spoken_times(app):
    assert spoken_time(datetime(2026, 12, 12, 7, 0, tzinfo=UTC)) == "14 giờ"
    assert spoken_time(datetime(2026, 12, 12, 0, 5, tzinfo=UTC)) == "7 giờ 05"
