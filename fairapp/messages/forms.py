"""The staff list's filter form and the labels of the messages' kinds, statuses and usual errors."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import ValidationError as FieldError

from fairapp.fairs.forms import LocalDateField
from fairapp.messages import outbox
from fairapp.messages.models import MessageKind, MessageStatus

KIND_LABELS = {
    MessageKind.REGISTRATION: _l("Xác nhận đăng ký"),
    MessageKind.FAIR_REMINDER: _l("Nhắc lịch phiên"),
    MessageKind.APPOINTMENT: _l("Hẹn phỏng vấn"),
    MessageKind.FOLLOW_UP: _l("Hỏi thăm việc làm"),
    MessageKind.FAIR_INVITATION: _l("Mời dự phiên"),
}
STATUS_LABELS = {
    MessageStatus.QUEUED: _l("Chờ gửi"),
    MessageStatus.SENDING: _l("Đang gửi"),
    MessageStatus.SENT: _l("Đã gửi"),
    MessageStatus.DELIVERED: _l("Đã đến máy"),
    MessageStatus.FAILED: _l("Gửi lỗi"),
    MessageStatus.SKIPPED: _l("Không gửi"),
}
# The reasons the outbox itself writes, in words; a provider's own error is shown as it came.
ERROR_LABELS = {
    outbox.OPTED_OUT: _l("Số điện thoại đã ngừng nhận tin nhắn."),
    outbox.INVALID_PHONE: _l("Không phải số di động Việt Nam nhận được tin nhắn."),
}


def _all(labels: dict) -> list[tuple[str, object]]:
    return [("", _l("Tất cả")), *((value.value, label) for value, label in labels.items())]


def _known_choice(form, field):
    if field.data and field.data not in {str(value) for value, _label in field.choices}:
        raise FieldError(_l("%(field)s: chọn một mục trong danh sách.", field=field.label.text))


class MessageFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter, changes nothing

    status = SelectField(
        _l("Trạng thái"), choices=_all(STATUS_LABELS), validate_choice=False, validators=[_known_choice]
    )
    kind = SelectField(
        _l("Loại tin"), choices=_all(KIND_LABELS), validate_choice=False, validators=[_known_choice]
    )
    date_from = LocalDateField(_l("Từ ngày"))
    date_to = LocalDateField(_l("Đến ngày"))

    def validate_date_to(self, field):
        if self.date_from.day and field.day and field.day < self.date_from.day:
            raise FieldError(_l("Đến ngày phải sau hoặc bằng Từ ngày."))
