"""marshmallow's built-in validation messages in the interface language.

Schemas may give their own (already translated) messages; those pass through unchanged."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FIXED = {
    "Missing data for required field.": _l("Trường này là bắt buộc."),
    "Field may not be null.": _l("Trường này không được để trống (null)."),
    "Invalid value.": _l("Giá trị không hợp lệ."),
    "Invalid type.": _l("Kiểu dữ liệu không hợp lệ."),
    "Invalid input type.": _l("Dữ liệu phải là một đối tượng JSON."),
    "Unknown field.": _l("Trường này không được hỗ trợ."),
    "Not a valid list.": _l("Phải là một danh sách."),
    "Not a valid tuple.": _l("Phải là một danh sách."),
    "Not a valid string.": _l("Phải là chuỗi ký tự."),
    "Not a valid utf-8 string.": _l("Phải là chuỗi ký tự UTF-8."),
    "Not a valid UUID.": _l("Phải là một UUID."),
    "Not a valid number.": _l("Phải là một số."),
    "Number too large.": _l("Số quá lớn."),
    "Not a valid integer.": _l("Phải là số nguyên."),
    "Not a valid boolean.": _l("Phải là true hoặc false."),
    "Not a valid datetime.": _l("Phải là thời điểm theo ISO 8601, ví dụ 2025-07-01T08:00:00+07:00."),
    "Not a valid aware datetime.": _l("Phải là thời điểm có múi giờ, ví dụ 2025-07-01T08:00:00+07:00."),
    "Not a valid naive datetime.": _l("Phải là thời điểm không kèm múi giờ."),
    "Not a valid date.": _l("Phải là ngày theo dạng YYYY-MM-DD."),
    "Not a valid time.": _l("Phải là giờ theo dạng HH:MM."),
    "Not a valid period of time.": _l("Phải là một khoảng thời gian."),
    "Not a valid mapping type.": _l("Phải là một đối tượng JSON."),
    "Not a valid URL.": _l("Phải là một địa chỉ URL."),
    "Not a valid email address.": _l("Email không hợp lệ."),
    "Invalid JSON body.": _l("Nội dung gửi lên không phải JSON hợp lệ."),
}

PATTERNS = [
    (
        re.compile(r"Shorter than minimum length (?P<min>\d+)\.$"),
        lambda m: _("Cần ít nhất %(min)s ký tự hoặc phần tử.", min=m["min"]),
    ),
    (
        re.compile(r"Longer than maximum length (?P<max>\d+)\.$"),
        lambda m: _("Nhiều nhất %(max)s ký tự hoặc phần tử.", max=m["max"]),
    ),
    (
        re.compile(r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
        lambda m: _("Độ dài phải từ %(min)s đến %(max)s.", min=m["min"], max=m["max"]),
    ),
    (
        re.compile(r"Length must be (?P<equal>\d+)\.$"),
        lambda m: _("Độ dài phải đúng %(equal)s.", equal=m["equal"]),
    ),
    (
        re.compile(
            r"Must be greater than or equal to (?P<min>\S+) and less than or equal to "
            r"(?P<max>\S+)\.$"
        ),
        lambda m: _("Phải từ %(min)s đến %(max)s.", min=m["min"], max=m["max"]),
    ),
    (
        re.compile(r"Must be greater than or equal to (?P<min>\S+)\.$"),
        lambda m: _("Phải lớn hơn hoặc bằng %(min)s.", min=m["min"]),
    ),
    (
        re.compile(r"Must be less than or equal to (?P<max>\S+)\.$"),
        lambda m: _("Phải nhỏ hơn hoặc bằng %(max)s.", max=m["max"]),
    ),
    (re.compile(r"Must be greater than (?P<min>\S+)\.$"), lambda m: _("Phải lớn hơn %(min)s.", min=m["min"])),
    (re.compile(r"Must be less than (?P<max>\S+)\.$"), lambda m: _("Phải nhỏ hơn %(max)s.", max=m["max"])),
    (
        re.compile(r"Must be one of: (?P<choices>.*)\.$"),
        lambda m: _("Phải là một trong: %(choices)s.", choices=m["choices"]),
    ),
]


def translate(message) -> str:
    text = str(message)
    if text in FIXED:
        return str(FIXED[text])
    for pattern, render in PATTERNS:
        if match := pattern.match(text):
            return render(match)
    return text
