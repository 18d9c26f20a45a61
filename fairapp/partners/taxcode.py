"""Vietnamese tax codes (mã số thuế): ten digits whose tenth is a check digit, optionally followed by
a three-digit branch suffix ("0101234567-001").

The check digit is 10 − (Σ wᵢ·dᵢ mod 11) over the first nine digits with the weights below; a sum
divisible by 11 would need the digit "10", so such a code is invalid."""

import re

from flask_babel import lazy_gettext as _l

from fairapp.errors import ValidationError

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_SHAPE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")
# Spaces, dots and non-breaking spaces people type or paste between groups of digits
_SEPARATORS = re.compile(r"[\s.\u00a0]+")


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when the remainder is 0 (no valid code)."""
    remainder = sum(w * int(d) for w, d in zip(WEIGHTS, first_nine, strict=True)) % 11
    value = 10 - remainder
    return None if value == 10 else value


def _invalid(message) -> ValidationError:
    return ValidationError(code="invalid_tax_code", fields={"tax_code": message})


def normalise_tax_code(raw) -> str:
    """ "0101234567" or "0101234567-001" from what a person typed; raises ValidationError with code
    `invalid_tax_code` and a message on the `tax_code` field."""
    text = _SEPARATORS.sub("", str(raw if raw is not None else "")).strip()
    if not text:
        raise _invalid(_l("Mã số thuế: vui lòng nhập mã số thuế."))
    if re.search(r"[^\d-]", text):
        raise _invalid(_l("Mã số thuế: chỉ gồm chữ số (10 số, có thể thêm đuôi chi nhánh -001 … -999)."))
    match = _SHAPE.match(text)
    if match is None:
        raise _invalid(_l("Mã số thuế: cần đúng 10 chữ số, có thể thêm đuôi chi nhánh -001 … -999."))
    main, branch = match.groups()
    expected = check_digit(main[:9])
    if expected is None or int(main[9]) != expected:
        raise _invalid(_l("Mã số thuế: chữ số kiểm tra (số thứ 10) không đúng; vui lòng kiểm tra lại."))
    if branch is not None:
        if branch == "000":
            raise _invalid(_l("Mã số thuế: đuôi chi nhánh phải từ -001 đến -999."))
        return f"{main}-{branch}"
    return main
