"""What the pages call hires' and follow-ups' codes, in the request's language."""

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from fairapp.outcomes.models import ContractType, FollowUpOutcome, HireStatus, JobAnswer, LeaveReason

CONTRACT_LABELS = {
    ContractType.INDEFINITE: _l("Không xác định thời hạn"),
    ContractType.FIXED_LONG: _l("Xác định thời hạn từ 12 tháng trở lên"),
    ContractType.FIXED_SHORT: _l("Xác định thời hạn dưới 12 tháng"),
    ContractType.SEASONAL: _l("Mùa vụ"),
    ContractType.NONE: _l("Không có hợp đồng"),
}
STATUS_LABELS = {
    HireStatus.CONFIRMED: _l("Đã xác nhận"),
    HireStatus.TO_CONFIRM: _l("Chờ xác nhận"),
    HireStatus.DISMISSED: _l("Không đúng"),
}
OUTCOME_LABELS = {
    FollowUpOutcome.STILL_EMPLOYED: _l("Vẫn đang làm"),
    FollowUpOutcome.CHANGED_EMPLOYER: _l("Đã chuyển chỗ làm"),
    FollowUpOutcome.LEFT: _l("Đã nghỉ việc"),
    FollowUpOutcome.UNREACHABLE: _l("Không liên lạc được"),
}
REASON_LABELS = {
    LeaveReason.SALARY: _l("Lương thấp"),
    LeaveReason.DISTANCE: _l("Xa nơi ở"),
    LeaveReason.HEALTH: _l("Sức khoẻ"),
    LeaveReason.FAMILY: _l("Hoàn cảnh gia đình"),
    LeaveReason.CONTRACT_ENDED: _l("Hết hợp đồng"),
    LeaveReason.OTHER: _l("Lý do khác"),
}
ANSWER_LABELS = {
    JobAnswer.EMPLOYED: _l("Đã có việc làm"),
    JobAnswer.LOOKING: _l("Vẫn đang tìm việc"),
    JobAnswer.TRAINING: _l("Đi học nghề"),
}
SOURCE_LABELS = {
    "employer": _l("Doanh nghiệp"),
    "organiser": _l("Cán bộ"),
    "job_seeker": _l("Người lao động"),
}
ANSWERED_BY_LABELS = {
    "staff": _l("Cán bộ gọi điện"),
    "job_seeker": _l("Người lao động tự trả lời"),
    "api": _l("Hệ thống khác"),
    "rule": _l("Tự động (đã nghỉ ở mốc trước)"),
}


def milestone_label(month: int) -> str:
    return ngettext("%(num)d tháng", "%(num)d tháng", month)


def outcome_label(value) -> str:
    """The label of a follow-up outcome given as its code (the audit log's details keep codes)."""
    try:
        return str(OUTCOME_LABELS[FollowUpOutcome(value)])
    except ValueError:
        return str(value or "")
