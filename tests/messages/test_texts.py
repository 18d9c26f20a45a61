"""The messages' texts: Vietnamese whatever the interface language, and one plain-ASCII SMS part
(≤ 160 characters once folded) even with long names, the link never cut."""

from flask_babel import force_locale

from fairapp.messages import texts
from fairapp.messages.models import MessageKind
from tests.messages.conftest import local

LINK = "https://vieclam.songcong.thainguyen.gov.vn/t/ABCDEFGHJKLMNPQRSTUV"
LONG_TITLE = (
    "Phiên giao dịch việc làm lưu động phường Bách Quang dành cho lao động hộ nghèo, cận nghèo năm 2025"
)
LONG_VENUE = "Nhà văn hoá tổ dân phố Mỏ Chè 2, đường Thắng Lợi, phường Bách Quang, tỉnh Thái Nguyên"
START = local(2025, 7, 12, 7, 30)


def test_plain_ascii_keeps_case_and_punctuation():
    assert texts.plain_ascii("Đến Nhà văn hoá Bách Quang lúc 07:30, đừng quên vé!") == (
        "Den Nha van hoa Bach Quang luc 07:30, dung quen ve!"
    )
    assert texts.plain_ascii("“Công ty TNHH Mỹ Phước” – Ê Đê… H’Hen Niê") == (
        '"Cong ty TNHH My Phuoc" - E De... H\'Hen Nie'
    )
    assert texts.plain_ascii("Ấp Ụ Ỵ ỹ ừ ợ ặ ẫ") == "Ap U Y y u o a a"


def test_texts_are_vietnamese_whatever_the_locale(app):
    with app.test_request_context("/?lang=en"), force_locale("en"):
        text = texts.registration_text(START, LINK)
    assert text.startswith("Bạn đã đăng ký phiên giao dịch việc làm ngày 12/07/2025")
    assert text.endswith(LINK)


def test_every_text_is_one_ascii_sms_part_and_keeps_its_link(app):
    made = {
        MessageKind.REGISTRATION: texts.registration_text(START, LINK),
        MessageKind.FAIR_REMINDER: texts.fair_reminder_text(LONG_TITLE, START, LONG_VENUE, LINK),
        MessageKind.APPOINTMENT: texts.appointment_text(
            "Công ty TNHH Điện tử Samsung Electro-Mechanics Việt Nam", START, LONG_VENUE
        ),
        MessageKind.FOLLOW_UP: texts.follow_up_text(
            "Nguyễn Thị Hồng Nhung", "Công ty TNHH May mặc xuất khẩu Sông Công", LINK
        ),
    }
    for kind, text in made.items():
        assert len(texts.plain_ascii(text)) <= texts.SMS_LENGTH, (kind, text)
    assert LINK in made[MessageKind.FAIR_REMINDER] and LINK in made[MessageKind.FOLLOW_UP]
    assert "07:30 ngày 12/07/2025" in made[MessageKind.FAIR_REMINDER]
    assert made[MessageKind.FAIR_REMINDER].startswith("Nhắc lịch: Phiên giao dịch việc làm")
    assert "..." in made[MessageKind.FAIR_REMINDER]  # shortened to fit


def test_a_short_text_is_not_shortened(app):
    text = texts.appointment_text("Công ty May Sông Công", START, "Phòng nhân sự, tầng 2")
    assert text == "Công ty May Sông Công hẹn gặp bạn lúc 07:30 ngày 12/07/2025 tại Phòng nhân sự, tầng 2."
    assert texts.appointment_text("Công ty May Sông Công", START, None).endswith("ngày 12/07/2025.")
