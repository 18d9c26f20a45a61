"""The form of the official reports page. It only shows the fields: what a query string asks for is
checked by fairapp.reports.documents.parse_request, whose messages go back next to these fields (the
names are the same). A GET form: no CSRF token (it changes nothing)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

PERIOD_CHOICES = [
    ("month", _l("Tháng")),
    ("quarter", _l("Quý")),
    ("year", _l("Năm")),
    ("range", _l("Khoảng ngày (nhập bên dưới)")),
]


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    period = SelectField(_l("Kỳ báo cáo"), choices=PERIOD_CHOICES, validate_choice=False)
    year = StringField(_l("Năm"), render_kw={"inputmode": "numeric", "maxlength": 4})
    part = StringField(
        _l("Tháng hoặc quý"),
        description=_l("Tháng: 1 đến 12; quý: 1 đến 4; để trống khi báo cáo cả năm."),
        render_kw={"inputmode": "numeric", "maxlength": 2},
    )
    date_from = StringField(_l("Từ ngày"), render_kw={"type": "date"})
    date_to = StringField(_l("Đến ngày"), render_kw={"type": "date"})
    ward_code = SelectField(_l("Phường, xã"), validate_choice=False)
    fair_id = SelectField(
        _l("Phiên giao dịch việc làm"),
        validate_choice=False,
        description=_l("Chọn một phiên để lập báo cáo riêng của phiên đó (kỳ báo cáo khi đó không dùng)."),
    )
    number = StringField(
        _l("Số văn bản"),
        description=_l("Ví dụ: 12 hoặc 12/BC-VHXH. Để trống: in dấu chấm để ghi tay."),
        render_kw={"maxlength": 30},
    )
    issued_on = StringField(_l("Ngày ban hành"), render_kw={"type": "date"})
