"""Reading the values of an employer, school, vacancy or programme from a plain dict (a form, a JSON
body or a spreadsheet row): every field is checked and every problem kept, so that one
ValidationError can name all the bad fields at once. Numbers may come as text with thousands
separators ("2.400.000"), dates as dd/mm/yyyy or yyyy-mm-dd."""

import re
from datetime import date, datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from fairapp.errors import ValidationError
from fairapp.geo.services import get_ward
from fairapp.partners.taxcode import normalise_tax_code
from fairapp.text import clean_name, foreign_letter

_THOUSANDS = re.compile(r"[\s.,\u00a0]")


class Reader:
    """Collects clean values and per-field messages; `finish()` raises when anything was wrong."""

    def __init__(self, data: dict | None):
        self.data = data or {}
        self.values: dict = {}
        self.errors: dict = {}
        self.first_code: str | None = None

    def _raw(self, name):
        value = self.data.get(name)
        if isinstance(value, str):
            value = value.strip()
        return None if value in ("", None) else value

    def fail(self, name: str, message, code: str | None = None) -> None:
        self.errors.setdefault(name, message)
        if code and self.first_code is None:
            self.first_code = code

    def present(self, name: str) -> bool:
        return name in self.data

    def text(self, name: str, label, max_length: int, *, required: bool = False, multiline=False):
        raw = self._raw(name)
        if raw is None:
            if required:
                self.fail(name, _l("%(field)s: bắt buộc.", field=label))
            self.values[name] = None
            return None
        text = str(raw).strip() if multiline else clean_name(str(raw))
        if len(text) > max_length:
            self.fail(name, _l("%(field)s: dài tối đa %(n)d ký tự.", field=label, n=max_length))
        self.values[name] = text
        return text

    def person_name(self, name: str, label, max_length: int):
        """A person's name (a contact): text, and no letter of another script (a look-alike)."""
        text = self.text(name, label, max_length)
        if text and (letter := foreign_letter(text)) is not None:
            self.fail(
                name,
                _l(
                    "%(field)s: chữ “%(letter)s” không thuộc bảng chữ cái tiếng Việt.",
                    field=label,
                    letter=letter,
                ),
            )
        return text

    def integer(
        self,
        name: str,
        label,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = False,
        code: str | None = None,
    ):
        raw = self._raw(name)
        self.values[name] = None
        if raw is None:
            if required:
                self.fail(name, _l("%(field)s: bắt buộc.", field=label))
            return None
        if isinstance(raw, bool):
            number = None
        elif isinstance(raw, int):
            number = raw
        elif isinstance(raw, float) and raw.is_integer():
            number = int(raw)
        else:
            digits = _THOUSANDS.sub("", str(raw))
            number = int(digits) if re.fullmatch(r"-?\d{1,15}", digits) else None
        if number is None:
            self.fail(name, _l("%(field)s: phải là số nguyên.", field=label))
            return None
        if minimum is not None and number < minimum:
            message = (
                _l("%(field)s: phải lớn hơn 0.", field=label)
                if minimum == 1
                else _l("%(field)s: không được nhỏ hơn %(n)s.", field=label, n=minimum)
            )
            self.fail(name, message, code)
            return None
        if maximum is not None and number > maximum:
            self.fail(name, _l("%(field)s: không được lớn hơn %(n)s.", field=label, n=maximum), code)
            return None
        self.values[name] = number
        return number

    def day(self, name: str, label):
        raw = self._raw(name)
        self.values[name] = None
        if raw is None:
            return None
        if isinstance(raw, datetime):
            value = raw.date()
        elif isinstance(raw, date):
            value = raw
        else:
            value = None
            for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
                try:
                    value = datetime.strptime(str(raw), pattern).date()
                    break
                except ValueError:
                    continue
        if value is None:
            self.fail(name, _l("%(field)s: cần ngày dạng dd/mm/yyyy.", field=label))
            return None
        self.values[name] = value
        return value

    def choice(self, name: str, label, enum_class, *, default=None):
        raw = self._raw(name)
        if raw is None:
            self.values[name] = default
            return default
        try:
            value = enum_class(getattr(raw, "value", raw))
        except ValueError:
            self.fail(name, _l("%(field)s: giá trị không hợp lệ.", field=label))
            value = None
        self.values[name] = value
        return value

    def tax_code(self, name: str = "tax_code"):
        try:
            self.values[name] = normalise_tax_code(self.data.get(name))
        except ValidationError as error:
            self.fail(name, error.fields["tax_code"], "invalid_tax_code")
            self.values[name] = None
        return self.values[name]

    def ward(self, name: str, label):
        raw = self._raw(name)
        self.values[name] = None
        if raw is None:
            return None
        ward = get_ward(str(raw))
        if ward is None:
            self.fail(name, _l("%(field)s: không có phường/xã với mã này.", field=label))
            return None
        self.values[name] = ward.code
        return ward.code

    def phone(self, name: str, label):
        """Any valid Vietnamese number, mobile or landline, kept as digits ("02083862345")."""
        raw = self._raw(name)
        self.values[name] = None
        if raw is None:
            return None
        try:
            number = phonenumbers.parse(str(raw), "VN")
            valid = number.country_code == 84 and phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            self.fail(
                name, _l("%(field)s: số điện thoại Việt Nam không hợp lệ, ví dụ 0912345678.", field=label)
            )
            return None
        self.values[name] = "0" + str(number.national_number)
        return self.values[name]

    def email(self, name: str, label):
        raw = self._raw(name)
        self.values[name] = None
        if raw is None:
            return None
        try:
            self.values[name] = validate_email(str(raw), check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            self.fail(name, _l("%(field)s: địa chỉ email không hợp lệ.", field=label))
        return self.values[name]

    def finish(self, code: str = "validation_error") -> dict:
        if self.errors:
            raise ValidationError(code=self.first_code or code, fields=self.errors)
        return self.values
