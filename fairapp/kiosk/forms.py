"""Kiosk landing forms: shape only. Both carry the visit pass of the landing page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TelField

from fairapp.attendees.forms import required_marker


class SavedTicketForm(FlaskForm):
    """Filled by static/js/kiosk.js from the ticket saved on the phone."""

    secret = HiddenField()
    visit = HiddenField()


class PhoneForm(FlaskForm):
    phone = TelField(
        _l("Số điện thoại đã đăng ký"),
        [required_marker()],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20},
    )
    birth_year = StringField(
        _l("Năm sinh"), [required_marker()], render_kw={"inputmode": "numeric", "maxlength": 4}
    )
    visit = HiddenField()
