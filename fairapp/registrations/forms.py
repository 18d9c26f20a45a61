"""Filter form of the registration list (a GET form: no CSRF) and the badge job's button."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, ValidationError

from fairapp.attendees.models import PriorityGroup
from fairapp.registrations.services import MAX_QUERY_LENGTH, PRIORITY_LABELS


def _known_choice(message):
    def check(form, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(message)

    return check


class RegistrationFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter, changes nothing

    q = StringField(
        _l("Tìm theo họ tên, số điện thoại hoặc số CCCD"),
        validators=[
            Length(
                max=MAX_QUERY_LENGTH,
                message=_l("Từ khoá tìm kiếm dài tối đa %(max)d ký tự.", max=MAX_QUERY_LENGTH),
            )
        ],
    )
    ward_code = SelectField(
        _l("Phường/xã cư trú"),
        validate_choice=False,
        validators=[_known_choice(_l("Phường/xã cư trú: chọn một phường/xã trong danh sách."))],
    )
    priority_group = SelectField(
        _l("Diện ưu tiên"),
        validate_choice=False,
        choices=[("", _l("Tất cả"))] + [(group.value, label) for group, label in PRIORITY_LABELS.items()],
        validators=[_known_choice(_l("Diện ưu tiên: chọn một diện trong danh sách."))],
    )
    checked_in = SelectField(
        _l("Điểm danh"),
        validate_choice=False,
        choices=[("", _l("Tất cả")), ("yes", _l("Đã điểm danh")), ("no", _l("Chưa điểm danh"))],
        validators=[_known_choice(_l("Điểm danh: chọn một lựa chọn trong danh sách."))],
    )
    full_ids = BooleanField(_l("Xuất kèm số CCCD đầy đủ (chỉ quản trị viên; được ghi nhật ký)"))

    def priority(self) -> PriorityGroup | None:
        return PriorityGroup(self.priority_group.data) if self.priority_group.data else None

    def arrived(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.checked_in.data or "")


class BadgeJobForm(FlaskForm):
    """An empty form: the CSRF token of the "make badges" button."""
