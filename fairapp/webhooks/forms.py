"""The admin pages' forms (shape only: the rules are in fairapp.webhooks.subscriptions) and the
labels of events, purposes and statuses."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget

from fairapp.webhooks import events
from fairapp.webhooks.models import DeliveryStatus, Purpose

EVENT_LABELS = {
    events.CHECKIN_CREATED: _l("Check-in tại cổng"),
    events.INTERVIEW_RECORDED: _l("Ghi nhận tại gian hàng (phỏng vấn, tư vấn)"),
    events.HIRE_RECORDED: _l("Ghi nhận tuyển dụng"),
    events.FOLLOWUP_RECORDED: _l("Kết quả theo dõi việc làm"),
    events.TEST_EVENT: _l("Sự kiện thử"),
}
PURPOSE_LABELS = {
    Purpose.STATISTICS: _l(
        "Thống kê: không gửi thông tin cá nhân (mã ẩn danh, giới tính, nhóm tuổi, phường, xã)"
    ),
    Purpose.JOB_PORTAL: _l(
        "Cổng việc làm: thêm hồ sơ của người đã đồng ý chia sẻ với doanh nghiệp tại phiên "
        "(họ tên, năm sinh, trình độ, việc muốn làm); không bao giờ gửi số căn cước, điện thoại, địa chỉ, "
        "nhóm ưu tiên"
    ),
}
STATUS_LABELS = {
    DeliveryStatus.PENDING: _l("Chờ gửi"),
    DeliveryStatus.SENDING: _l("Đang gửi"),
    DeliveryStatus.DELIVERED: _l("Đã nhận"),
    DeliveryStatus.FAILED: _l("Thất bại"),
}


class EventsField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SubscriptionForm(FlaskForm):
    name = StringField(_l("Tên"), description=_l("Ví dụ: Cổng việc làm tỉnh Thái Nguyên"))
    url = StringField(
        _l("Địa chỉ nhận (URL)"),
        description=_l("https://… — hệ thống nhận sự kiện bằng yêu cầu POST."),
    )
    events = EventsField(
        _l("Sự kiện"),
        choices=[(event, EVENT_LABELS[event]) for event in events.EVENTS],
        validate_choice=False,
    )
    purpose = RadioField(
        _l("Mục đích"),
        choices=[(purpose.value, label) for purpose, label in PURPOSE_LABELS.items()],
        default=Purpose.STATISTICS.value,
        validate_choice=False,
    )


def _all(labels: dict) -> list[tuple[str, object]]:
    return [("", _l("Tất cả")), *((str(value), label) for value, label in labels.items())]


def _known_choice(form, field):
    if field.data and field.data not in {str(value) for value, _label in field.choices}:
        raise FieldError(_l("%(field)s: chọn một mục trong danh sách.", field=field.label.text))


class DeliveryFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter, changes nothing

    status = SelectField(
        _l("Trạng thái"), choices=_all(STATUS_LABELS), validate_choice=False, validators=[_known_choice]
    )
    event = SelectField(
        _l("Sự kiện"), choices=_all(EVENT_LABELS), validate_choice=False, validators=[_known_choice]
    )
