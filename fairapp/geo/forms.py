"""A reusable form field for a ward or commune: holds the five-digit code, checks it exists.

    class FairForm(FlaskForm):
        ward_code = WardField(_l("Phường/xã"))

    {% from "geo/_picker.html" import ward_picker %} … {{ ward_picker(form.ward_code) }}

After validation `field.ward` is the Ward (province loaded)."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import StopValidation

from fairapp.geo import services


class valid_ward_code:  # noqa: N801  (used like WTForms' own lower-case validators)
    """Validator: the data is the code of a current ward (optionally of one province).
    The message names the field: "Nơi ở: Phường/xã không hợp lệ."."""

    def __init__(self, province_code: int | None = None, message=None):
        self.province_code = province_code
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            return  # DataRequired/Optional decide whether a ward must be given
        ward = services.get_ward(field.data)
        if ward is None or (self.province_code is not None and ward.province_code != self.province_code):
            raise StopValidation(
                self.message or _l("%(field)s: Phường/xã không hợp lệ.", field=field.label.text)
            )
        field.ward = ward


class WardField(StringField):
    """A ward code ("05528"), trimmed; `valid_ward_code` is always among its validators."""

    def __init__(self, label=None, validators=None, *, province_code: int | None = None, **kwargs):
        validators = [*(validators or []), valid_ward_code(province_code)]
        super().__init__(label, validators, **kwargs)
        self.province_code = province_code
        self.ward = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip()[:10]
