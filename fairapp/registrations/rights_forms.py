"""Forms of the desk's privacy actions on a registration's detail page and the erasure requests."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from fairapp.privacy.services import MAX_NOTE_LENGTH

_TOO_LONG = _l("dài tối đa %(max)d ký tự.", max=MAX_NOTE_LENGTH)


def _length(label):
    return Length(max=MAX_NOTE_LENGTH, message=_l("%(field)s: %(rule)s", field=label, rule=_TOO_LONG))


class EraseForm(FlaskForm):
    reason = TextAreaField(
        _l("Lý do xoá"),
        validators=[DataRequired(message=_l("Lý do xoá: vui lòng ghi lý do.")), _length(_l("Lý do xoá"))],
    )
    checked = BooleanField(
        _l("Tôi đã kiểm tra giấy tờ của người này hoặc có căn cứ xoá (ghi ở lý do)"),
        validators=[DataRequired(message=_l("Vui lòng xác nhận đã kiểm tra trước khi xoá."))],
    )


class ReissueForm(FlaskForm):
    reason = StringField(
        _l("Lý do cấp lại vé (không bắt buộc)"), validators=[Optional(), _length(_l("Lý do cấp lại vé"))]
    )


class CarryOutForm(FlaskForm):
    note = StringField(_l("Ghi chú (không bắt buộc)"), validators=[Optional(), _length(_l("Ghi chú"))])
    checked = BooleanField(
        _l("Tôi đã kiểm tra căn cước công dân của người yêu cầu"),
        validators=[DataRequired(message=_l("Vui lòng xác nhận đã kiểm tra căn cước của người yêu cầu."))],
    )


class DeclineForm(FlaskForm):
    note = StringField(
        _l("Lý do từ chối"),
        validators=[
            DataRequired(message=_l("Lý do từ chối: vui lòng ghi lý do.")),
            _length(_l("Lý do từ chối")),
        ],
    )


# Each form has its own prefix: the detail page shows them side by side.
PREFIXES = {EraseForm: "erase", ReissueForm: "reissue", CarryOutForm: "carry", DeclineForm: "decline"}


def submitted(form_class):
    """The form filled from this request."""
    return form_class(prefix=PREFIXES[form_class])


def blank(form_class):
    return form_class(formdata=None, prefix=PREFIXES[form_class])


def empty_forms() -> dict:
    """The detail page's forms, blank."""
    return {
        "erase_form": blank(EraseForm),
        "reissue_form": blank(ReissueForm),
        "carry_out_form": blank(CarryOutForm),
        "decline_form": blank(DeclineForm),
    }
