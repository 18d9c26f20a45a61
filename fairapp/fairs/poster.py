"""What a ward puts up and reads out about a fair: the A4 poster (PDF) and the loudspeaker
announcement ("thông báo trên hệ thống truyền thanh"), both generated from the fair's details.

Neither touches the request: the caller passes the absolute registration URL and the counts
(fairapp.public.services.FairCounts or anything with employers, quota, schools)."""

import base64
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import qrcode
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fairapp.fairs.models import Fair, FairStatus
from fairapp.pdf import render_pdf_template
from fairapp.text import fold

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAYS = (
    _l("thứ Hai"),
    _l("thứ Ba"),
    _l("thứ Tư"),
    _l("thứ Năm"),
    _l("thứ Sáu"),
    _l("thứ Bảy"),
    _l("Chủ nhật"),
)
PRIORITY_MESSAGE = _l(
    "Ưu tiên người lao động thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo: "
    "được tư vấn, giới thiệu việc làm và hỗ trợ học nghề miễn phí."
)


# --- Dates and times as they are read out ------------------------------------------------------------


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


def spoken_date(moment: datetime) -> str:
    """ "thứ Bảy, ngày 12 tháng 12 năm 2026" (local date)."""
    day = local(moment)
    return _(
        "%(weekday)s, ngày %(day)d tháng %(month)d năm %(year)d",
        weekday=WEEKDAYS[day.weekday()],
        day=day.day,
        month=day.month,
        year=day.year,
    )


def spoken_time(moment: datetime) -> str:
    """ "7 giờ 30", "11 giờ" (local time, 24-hour clock as official notices write it)."""
    clock = local(moment)
    if clock.minute == 0:
        return _("%(hour)d giờ", hour=clock.hour)
    return _("%(hour)d giờ %(minute)02d", hour=clock.hour, minute=clock.minute)


def spoken_when(fair: Fair) -> str:
    """ "thứ Bảy, ngày 12 tháng 12 năm 2026, từ 7 giờ 30 đến 11 giờ"; both dates when it spans days."""
    if local(fair.starts_at).date() == local(fair.ends_at).date():
        return _(
            "%(date)s, từ %(start)s đến %(end)s",
            date=spoken_date(fair.starts_at),
            start=spoken_time(fair.starts_at),
            end=spoken_time(fair.ends_at),
        )
    return _(
        "từ %(start)s, %(start_date)s đến %(end)s, %(end_date)s",
        start=spoken_time(fair.starts_at),
        start_date=spoken_date(fair.starts_at),
        end=spoken_time(fair.ends_at),
        end_date=spoken_date(fair.ends_at),
    )


def ward_in_sentence(fair: Fair) -> str:
    """ "phường Bách Quang": the unit's kind in lower case, as it is written inside a sentence."""
    name = fair.ward.name
    return name[:1].lower() + name[1:]


def place(fair: Fair) -> str:
    """Venue, address and ward, each once: "Nhà văn hoá tổ 5, số 12 đường Thắng Lợi, phường …"."""
    parts = [fair.venue_name, fair.venue_address]
    ward = ward_in_sentence(fair)
    if not any(fold(ward) in fold(part) for part in parts if part):
        parts.append(ward)
    return ", ".join(part.strip() for part in parts if part and part.strip())


# --- Loudspeaker announcement -----------------------------------------------------------------------


def announcement_text(fair: Fair, counts) -> str:
    """The announcement read out on the ward's loudspeakers, as one paragraph of plain text."""
    ward = ward_in_sentence(fair)
    what = fair.title.strip()
    if not fold(what).startswith("phien giao dich viec lam"):
        what = _("phiên giao dịch việc làm lưu động “%(title)s”", title=what)
    sentences = [
        _("Kính thưa bà con nhân dân!"),
        _(
            "Ủy ban nhân dân %(ward)s tổ chức %(what)s vào %(when)s, tại %(place)s.",
            ward=ward,
            what=what,
            when=spoken_when(fair),
            place=place(fair),
        ),
    ]
    if counts.employers:
        sentences.append(
            _(
                "Tham gia phiên có %(employers)d doanh nghiệp với nhu cầu tuyển dụng %(quota)d lao động.",
                employers=counts.employers,
                quota=counts.quota,
            )
            if counts.quota
            else _(
                "Tham gia phiên có %(employers)d doanh nghiệp đang có nhu cầu tuyển dụng.",
                employers=counts.employers,
            )
        )
    if counts.schools:
        sentences.append(
            _(
                "Ngoài ra, có %(schools)d cơ sở giáo dục nghề nghiệp tư vấn và tuyển sinh "
                "học nghề ngay tại phiên.",
                schools=counts.schools,
            )
        )
    sentences += [
        _(
            "Kính mời người lao động trong độ tuổi lao động có nhu cầu tìm việc làm, học nghề, nhất là "
            "thanh niên và người lao động thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo, đến tham dự."
        ),
        _("Khi đi, bà con nhớ mang theo thẻ căn cước hoặc căn cước công dân, và hồ sơ xin việc nếu có."),
        _(
            "Người lao động thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo được ưu tiên tư vấn, giới "
            "thiệu việc làm và hỗ trợ học nghề miễn phí."
        ),
        _("Tham dự phiên hoàn toàn miễn phí."),
    ]
    if fair.contact_phone:
        sentences.append(
            _(
                "Mọi thông tin chi tiết xin liên hệ %(name)s, số điện thoại %(phone)s.",
                name=fair.contact_name or _("cán bộ lao động – xã hội của phường, xã"),
                phone=fair.contact_phone,
            )
        )
    sentences.append(_("Xin trân trọng thông báo!"))
    return " ".join(sentences)


# --- Poster -----------------------------------------------------------------------------------------


def qr_data_uri(text: str) -> str:
    """A PNG QR code as a data: URI (PNG, not SVG: SVG triples WeasyPrint's writing time)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_poster(fair: Fair, counts, *, registration_url: str) -> bytes:
    """The A4 poster as PDF bytes, with a QR code that opens `registration_url`."""
    return render_pdf_template(
        "pdf/poster.html",
        fair=fair,
        counts=counts,
        registration_url=registration_url,
        qr_image=qr_data_uri(registration_url),
        weekday=str(WEEKDAYS[local(fair.starts_at).weekday()]),
        priority_message=PRIORITY_MESSAGE,
        cancelled=fair.status == FairStatus.CANCELLED,
    )
