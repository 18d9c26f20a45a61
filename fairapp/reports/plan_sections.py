"""The official report's "plan and budget" part: the dashboard's plan panel (fairapp.reports.dashboard
.plan_panel — one computation of % of plan and cost per result) written as document sections.

    plan_sections(filters, user) → [Section]: the year's plan progress for the report's area, and for
                                   admins the budget with the cost per person reached, per hire and
                                   per sustainable job"""

from flask_babel import gettext as _

from fairapp.i18n import percent_vn
from fairapp.reports.dashboard import plan_panel
from fairapp.reports.documents import Money, Section
from fairapp.reports.period import Filters


def plan_sections(filters: Filters, user) -> list[Section]:
    panel = plan_panel(filters, user)
    progress = Section(
        title=_("Thực hiện kế hoạch năm %(year)s", year=panel.year),
        headers=(_("Chỉ tiêu"), _("Kế hoạch"), _("Đã thực hiện"), _("Tỷ lệ so với kế hoạch")),
        rows=tuple(
            (
                label,
                "—" if values["target"] is None else values["target"],
                values["done"],
                percent_vn(values["percent"]),
            )
            for label, values in panel.progress.rows
        ),
        note=_("Kế hoạch năm của địa bàn báo cáo; số thực hiện tính cả năm %(year)s.", year=panel.year),
    )
    if panel.budget is None:
        return [progress]
    budget = panel.budget

    spending = Section(
        title=_("Kinh phí năm %(year)s", year=panel.year),
        headers=(_("Nội dung"), _("Số tiền, tỷ lệ")),
        rows=(
            (_("Kinh phí được phân bổ"), _money(budget["allocated"])),
            (_("Kinh phí đã cam kết"), _money(budget["committed"])),
            (_("Kinh phí đã giải ngân"), _money(budget["disbursed"])),
            (_("Tỷ lệ giải ngân"), percent_vn(budget["disbursement_rate"])),
            (_("Chi phí các phiên trong năm"), _money(budget["costs"])),
            (_("Chi phí bình quân một người lao động tham gia"), _money(budget["per_reached"])),
            (_("Chi phí bình quân một người được tuyển dụng"), _money(budget["per_hire"])),
            (_("Chi phí bình quân một việc làm bền vững"), _money(budget["per_sustained"])),
        ),
    )
    return [progress, spending]


def _or_dash(value):
    return "—" if value is None else value


def _money(value):
    return "—" if value is None else Money(value)
