"""The consent texts a job seeker agrees to, each with a version stored on the registration.

A changed text gets a new version id ("YYYY-MM-vN"); old versions stay here so that what a person
agreed to can always be shown again. The texts are legal wording for Vietnamese residents: they are
kept in Vietnamese whatever the interface language (Decree 13/2023 and the Personal Data Protection
Law 2025 ask for consent in a language the person understands)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentText:
    version: str
    title: str
    text: str
    retention_months: int | None = None  # how long the text promises to keep the data, at most


PERSONAL_DATA_TEXTS = {
    "2026-11-v1": ConsentText(
        version="2026-11-v1",
        title="Đồng ý xử lý dữ liệu cá nhân",
        text=(
            "Tôi đồng ý để cơ quan tổ chức phiên giao dịch việc làm (Phòng Văn hoá – Xã hội / "
            "Trung tâm Dịch vụ việc làm và Ủy ban nhân dân phường, xã nơi tổ chức phiên) thu thập "
            "và xử lý các thông tin tôi khai ở trên: họ tên, số điện thoại, năm sinh, giới tính, "
            "nơi ở, số căn cước (nếu có), trình độ, nhu cầu việc làm, học nghề và tình trạng hộ "
            "nghèo, cận nghèo, mới thoát nghèo. Mục đích: đăng ký và cấp vé tham dự phiên, tư vấn, "
            "giới thiệu việc làm, hỗ trợ học nghề, theo dõi kết quả việc làm và báo cáo thống kê "
            "theo Chương trình mục tiêu quốc gia giảm nghèo bền vững. Thông tin về hộ nghèo, cận "
            "nghèo và số căn cước không được chia sẻ cho doanh nghiệp. Dữ liệu được lưu đến khi "
            "kết thúc việc theo dõi kết quả việc làm (tối đa 24 tháng sau phiên). Tôi có quyền xem, "
            "sửa, yêu cầu xoá dữ liệu hoặc rút lại sự đồng ý bằng cách liên hệ cán bộ phụ trách "
            "phiên; việc rút lại không ảnh hưởng đến việc xử lý đã thực hiện trước đó."
        ),
        retention_months=24,
    ),
    # The keeping period follows the retention rule (fairapp.privacy: not seen at any fair for the
    # period), and the rights can be used from the ticket link too.
    "2026-12-v1": ConsentText(
        version="2026-12-v1",
        title="Đồng ý xử lý dữ liệu cá nhân",
        text=(
            "Tôi đồng ý để cơ quan tổ chức phiên giao dịch việc làm (Phòng Văn hoá – Xã hội / "
            "Trung tâm Dịch vụ việc làm và Ủy ban nhân dân phường, xã nơi tổ chức phiên) thu thập "
            "và xử lý các thông tin tôi khai: họ tên, số điện thoại, năm sinh, giới tính, nơi ở, "
            "số căn cước (nếu có), trình độ, nhu cầu việc làm, học nghề và tình trạng hộ nghèo, "
            "cận nghèo, mới thoát nghèo. Mục đích: đăng ký và cấp vé tham dự phiên, tư vấn, giới "
            "thiệu việc làm, hỗ trợ học nghề, theo dõi kết quả việc làm và báo cáo thống kê theo "
            "Chương trình mục tiêu quốc gia giảm nghèo bền vững. Thông tin về hộ nghèo, cận nghèo "
            "và số căn cước không được chia sẻ cho doanh nghiệp. Dữ liệu được lưu tối đa 36 tháng "
            "kể từ lần cuối tôi đăng ký hoặc tham dự một phiên, sau đó được xoá thông tin nhận "
            "dạng. Tôi có quyền xem, sửa, yêu cầu xoá dữ liệu hoặc rút lại sự đồng ý chia sẻ với "
            "doanh nghiệp, qua đường dẫn vé của tôi hoặc tại bàn đăng ký của phiên; việc rút lại "
            "không ảnh hưởng đến việc xử lý đã thực hiện trước đó."
        ),
        retention_months=36,
    ),
}
SHARE_TEXTS = {
    "2026-11-v1": ConsentText(
        version="2026-11-v1",
        title="Đồng ý chia sẻ hồ sơ với doanh nghiệp tại phiên này",
        text=(
            "Tôi đồng ý để các doanh nghiệp tham gia phiên giao dịch việc làm này được xem họ tên, "
            "số điện thoại, năm sinh, giới tính, trình độ và nhu cầu việc làm của tôi để liên hệ "
            "phỏng vấn, tuyển dụng. Doanh nghiệp không được xem số căn cước và thông tin hộ nghèo, "
            "cận nghèo của tôi, và không được dùng thông tin cho mục đích khác. Không đồng ý, tôi "
            "vẫn được tham dự phiên và tự liên hệ với doanh nghiệp tại gian hàng."
        ),
    ),
    # What employers are shown at their booth (fairapp.interviews.card): never the phone number, the
    # citizen ID, the address or the household's poverty status.
    "2026-12-v1": ConsentText(
        version="2026-12-v1",
        title="Đồng ý chia sẻ hồ sơ với doanh nghiệp, cơ sở đào tạo tại phiên này",
        text=(
            "Tôi đồng ý để các doanh nghiệp và cơ sở giáo dục nghề nghiệp có gian hàng tại phiên giao "
            "dịch việc làm này được xem họ tên, tuổi, giới tính, phường/xã nơi ở, trình độ học vấn, "
            "trình độ chuyên môn, công việc mong muốn và nhu cầu học nghề của tôi khi quét vé của tôi "
            "tại gian hàng, để phỏng vấn, tư vấn và tuyển dụng. Họ không được xem số điện thoại, số "
            "căn cước, địa chỉ và thông tin hộ nghèo, cận nghèo, mới thoát nghèo của tôi, và không được "
            "dùng thông tin cho mục đích khác. Không đồng ý, tôi vẫn được tham dự phiên và có thể đồng "
            "ý riêng cho từng gian hàng bằng điện thoại của mình."
        ),
    ),
}
# Consent given on the job seeker's own phone to one booth (fairapp.interviews.consent).
BOOTH_SHARE_TEXTS = {
    "2026-12-v1": ConsentText(
        version="2026-12-v1",
        title="Đồng ý chia sẻ hồ sơ với gian hàng này",
        text=(
            "Tôi đồng ý để gian hàng này được xem họ tên, tuổi, giới tính, phường/xã nơi ở, trình độ "
            "học vấn, trình độ chuyên môn, công việc mong muốn và nhu cầu học nghề của tôi, để phỏng "
            "vấn, tư vấn và tuyển dụng. Gian hàng không được xem số điện thoại, số căn cước, địa chỉ và "
            "thông tin hộ nghèo, cận nghèo, mới thoát nghèo của tôi. Tôi có thể rút lại sự đồng ý qua "
            "đường dẫn vé của mình."
        ),
    ),
}

# Labour information for the commune police (Circular 11/2022, Form 01; fairapp.outreach.labour): given
# on the person's own ticket page, or read to them by staff and recorded on the labour page.
LABOUR_TEXTS = {
    "2026-12-v1": ConsentText(
        version="2026-12-v1",
        title="Đồng ý cung cấp thông tin lao động cho công an xã",
        text=(
            "Tôi đồng ý để Ủy ban nhân dân phường, xã nơi tôi ở cung cấp cho công an xã, phường các thông "
            "tin về lao động, việc làm của tôi mà phiên giao dịch việc làm đang lưu (họ tên, ngày sinh, "
            "giới tính, số định danh cá nhân, nơi ở, trình độ học vấn, trình độ chuyên môn, tình trạng "
            "việc làm, công việc, nơi làm việc, loại hợp đồng và tham gia bảo hiểm xã hội), để cập nhật "
            "vào Cơ sở dữ liệu quốc gia về dân cư theo Thông tư 11/2022/TT-BLĐTBXH. Thông tin không "
            "được dùng cho mục đích khác. Tôi có thể rút lại sự đồng ý qua đường dẫn vé của mình; thông "
            "tin đã cung cấp trước đó không bị ảnh hưởng."
        ),
    ),
}

PERSONAL_DATA_VERSION = "2026-12-v1"
SHARE_VERSION = "2026-12-v1"
BOOTH_SHARE_VERSION = "2026-12-v1"
LABOUR_VERSION = "2026-12-v1"


def personal_data() -> ConsentText:
    """The current consent to processing personal data (required to register)."""
    return PERSONAL_DATA_TEXTS[PERSONAL_DATA_VERSION]


def share_with_employers() -> ConsentText:
    """The current consent to sharing the profile with this fair's employers (optional)."""
    return SHARE_TEXTS[SHARE_VERSION]


def labour_information() -> ConsentText:
    """The current consent to hand labour information to the commune police (optional)."""
    return LABOUR_TEXTS[LABOUR_VERSION]


def share_with_booth() -> ConsentText:
    """The current consent to sharing the profile with one booth, given on the job seeker's phone."""
    return BOOTH_SHARE_TEXTS[BOOTH_SHARE_VERSION]


def retention_months(version: str | None) -> int | None:
    """The keeping period the consent to processing of this version promised (None: it named none)."""
    text = PERSONAL_DATA_TEXTS.get(version or "")
    return text.retention_months if text else None
