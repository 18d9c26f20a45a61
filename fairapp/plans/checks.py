"""The input rules shared by targets, budget entries and fair costs, and the error they raise.

check_year(year)                       2020–2100, else year_out_of_range
check_amount(value, name, label)       a whole number 0–MAX_AMOUNT, else not_a_number,
                                       amount_negative or amount_too_large (the field named)
check_text(value, name, label, limit)  clean text or None, else invalid_text or too_long
choice(value, enum, name, label)       a member of the enum, else unknown_<name>"""

from flask_babel import lazy_gettext as _l

from fairapp.errors import ValidationError
from fairapp.plans.labels import YEAR_LABEL
from fairapp.text import clean_name, has_control

MIN_YEAR, MAX_YEAR = 2020, 2100
MAX_AMOUNT = 10**13  # đồng, and the largest target: ten thousand billion is past any plan
MAX_AMOUNT_TEXT = f"{MAX_AMOUNT:,}".replace(",", ".")  # 10.000.000.000.000, as people write it


class PlanRefused(ValidationError):
    """Bad input for a target, a budget entry or a cost. `code` is the rule broken; `fields` names the
    field with its message."""

    code = "plan_refused"
    message = _l("Chưa lưu được: dữ liệu chưa hợp lệ.")


def refuse(code: str, name: str, message) -> PlanRefused:
    return PlanRefused(code=code, fields={name: message})


def choice(value, choices: type, name: str, label):
    """`value` as a member of the enum `choices`, else PlanRefused unknown_<name>."""
    try:
        return choices(value)
    except ValueError:
        raise refuse(
            f"unknown_{name}", name, _l("%(field)s: chọn một mục trong danh sách.", field=label)
        ) from None


def check_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise refuse(
            "year_out_of_range",
            "year",
            _l("%(field)s: từ %(low)s đến %(high)s.", field=YEAR_LABEL, low=MIN_YEAR, high=MAX_YEAR),
        )
    return year


def check_amount(value, name: str, label) -> int:
    """A count or an amount of đồng: a whole number from 0 to MAX_AMOUNT."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise refuse("not_a_number", name, _l("%(field)s: cần một số nguyên.", field=label))
    if value < 0:
        raise refuse("amount_negative", name, _l("%(field)s: không được là số âm.", field=label))
    if value > MAX_AMOUNT:
        raise refuse(
            "amount_too_large",
            name,
            _l("%(field)s: tối đa %(limit)s.", field=label, limit=MAX_AMOUNT_TEXT),
        )
    return value


def check_text(value, name: str, label, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or has_control(value):
        raise refuse("invalid_text", name, _l("%(field)s: chữ không hợp lệ.", field=label))
    text = clean_name(value)
    if len(text) > limit:
        raise refuse("too_long", name, _l("%(field)s: tối đa %(limit)s ký tự.", field=label, limit=limit))
    return text or None
