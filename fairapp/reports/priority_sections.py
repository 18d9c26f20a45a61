"""The official report's priority-household part, written as document sections:

verification_section(filters) → how many people of each priority group the ward's household list
                                verified, and how many declared themselves (or differ from it),
                                at the steps that matter (registered, attended, hired, sustained)
coverage_section(filters, today) → the dashboard's coverage panel (fairapp.reports.dashboard
                                .coverage_panel, one computation): per ward, working-age members
                                of priority households, reached, coverage % against 100%"""

from datetime import date

from flask_babel import gettext as _

from fairapp.attendees.models import PriorityGroup, PriorityStatus
from fairapp.i18n import percent_vn
from fairapp.registrations.services import PRIORITY_LABELS
from fairapp.reports.dashboard import coverage_panel
from fairapp.reports.documents import Section, step_label
from fairapp.reports.indicators import funnel
from fairapp.reports.period import Filters

GROUPS = (PriorityGroup.POOR, PriorityGroup.NEAR_POOR, PriorityGroup.ESCAPED_POVERTY)
STEPS = ("registered", "checked_in", "hired", "sustained")


def verification_section(filters: Filters) -> Section:
    found = funnel(filters, ("priority_group", "priority_status"))

    def people(group: PriorityGroup, status: PriorityStatus, step: str) -> int:
        return found.get((group.value, status.value), {}).get(step, 0)

    rows = []
    for group in GROUPS:
        for step in STEPS:
            verified = people(group, PriorityStatus.VERIFIED, step)
            declared = people(group, PriorityStatus.SELF_DECLARED, step)
            conflict = people(group, PriorityStatus.CONFLICT, step)
            rows.append(
                (
                    f"{PRIORITY_LABELS[group]} — {step_label(step).lower()}",
                    verified + declared + conflict,
                    verified,
                    declared,
                    conflict,
                )
            )
    return Section(
        title=_("Người lao động thuộc hộ nghèo, cận nghèo, mới thoát nghèo: đã xác minh và tự khai"),
        headers=(_("Nhóm, chỉ tiêu"), _("Tổng số"), _("Đã xác minh"), _("Tự khai"), _("Khác danh sách hộ")),
        rows=tuple(rows),
        note=_(
            "Đã xác minh: có trong danh sách hộ nghèo, cận nghèo của phường, xã với cùng phân loại. "
            "Tự khai: không tìm thấy trong danh sách. Khác danh sách hộ: danh sách ghi phân loại khác, "
            "đang chờ đối chiếu."
        ),
    )


def coverage_section(filters: Filters, today: date) -> Section:
    panel = coverage_panel(filters, today)
    rows = [
        (label, values["members_working_age"], values["reached"], percent_vn(values["coverage_pct"]))
        for label, values in panel.section.rows
    ]
    total = panel.total
    rows.append(
        (
            _("Tổng cộng"),
            total["members_working_age"],
            total["reached"],
            percent_vn(total["coverage_pct"]),
        )
    )
    return Section(
        title=_("Bao phủ hộ nghèo, cận nghèo, mới thoát nghèo năm %(year)s", year=panel.year),
        headers=(
            _("Phường, xã"),
            _("Thành viên trong độ tuổi lao động"),
            _("Đã tiếp cận"),
            _("Tỷ lệ bao phủ"),
        ),
        rows=tuple(rows),
        note=_(
            "Đã tiếp cận: đã đăng ký phiên hoặc có việc làm trong năm, hoặc đã gọi điện và ghi được nhu "
            "cầu. Mục tiêu: %(target)s.",
            target="100 %",
        ),
    )
