"""Forms for booths: the organiser's label, reason, invitation and booth limit. Shape only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from fairapp.booths.models import BoothStatus

STATUS_LABELS = {
    BoothStatus.APPLIED: _l("Chờ xác nhận"),
    BoothStatus.INVITED: _l("Được mời"),
    BoothStatus.CONFIRMED: _l("Đã xác nhận"),
    BoothStatus.CANCELLED: _l("Đã huỷ / từ chối"),
}


class ConfirmForm(FlaskForm):
    label = StringField(
        _l("Số hiệu gian hàng"),
        [Optional(), Length(max=50, message=_l("Số hiệu gian hàng: dài tối đa 50 ký tự."))],
        render_kw={"placeholder": "A3"},
    )


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Lý do"),
        [Optional(), Length(max=1000, message=_l("Lý do: dài tối đa 1000 ký tự."))],
        render_kw={"rows": 2},
    )


class InviteForm(FlaskForm):
    partner = SelectField(_l("Đơn vị"), choices=[], validate_choice=False)
    label = StringField(
        _l("Số hiệu gian hàng"),
        [Optional(), Length(max=50, message=_l("Số hiệu gian hàng: dài tối đa 50 ký tự."))],
    )
    confirm = BooleanField(_l("Xếp gian hàng ngay (không cần đơn vị xác nhận)"))


class LimitForm(FlaskForm):
    booth_limit = IntegerField(
        _l("Số gian hàng tối đa"),
        [
            Optional(),
            NumberRange(
                min=1, message=_l("Số gian hàng tối đa: phải lớn hơn 0 (để trống nếu không giới hạn).")
            ),
        ],
        description=_l("Để trống nếu không giới hạn."),
        render_kw={"inputmode": "numeric"},
    )
