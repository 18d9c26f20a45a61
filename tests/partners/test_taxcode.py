"""Tax codes: ten digits with a check digit, optional branch suffix."""

import pytest

from fairapp.errors import ValidationError
from fairapp.partners.taxcode import check_digit, normalise_tax_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0101234565", "0101234565"),  # 10 − (Σ mod 11) = 5
        ("0300000000", "0300000000"),  # remainder 10 → check digit 0
        ("4600000009", "4600000009"),
        (" 0101 234 565 ", "0101234565"),  # spaces trimmed
        ("0101.234.565", "0101234565"),  # dots trimmed
        ("0101234565-001", "0101234565-001"),  # branch
        ("0101234565-999", "0101234565-999"),
        ("0101234565001", "0101234565-001"),  # 13-digit form
        ("0100000003", "0100000003"),
    ],
)
def test_valid_codes_are_normalised(raw, expected):
    assert normalise_tax_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("0101234566", "chữ số kiểm tra"),  # wrong check digit
        ("0101234560", "chữ số kiểm tra"),
        ("1000000080", "chữ số kiểm tra"),  # remainder 0: no digit can be right
        ("1000000081", "chữ số kiểm tra"),
        ("010123456", "10 chữ số"),  # too short
        ("01012345651", "10 chữ số"),  # 11 digits
        ("0101234565-01", "10 chữ số"),  # short branch
        ("0101234565-000", "-001"),  # branch 000
        ("01O1234565", "chỉ gồm chữ số"),  # a letter O
        ("MST0101234565", "chỉ gồm chữ số"),
        ("", "vui lòng nhập"),
        (None, "vui lòng nhập"),
    ],
)
def test_invalid_codes_are_refused_with_a_field_message(app, raw, fragment):
    with pytest.raises(ValidationError) as caught:
        normalise_tax_code(raw)
    assert caught.value.code == "invalid_tax_code"
    assert fragment in str(caught.value.fields["tax_code"])
    assert str(caught.value.fields["tax_code"]).startswith("Mã số thuế")


def test_remainder_zero_has_no_check_digit():
    assert check_digit("100000008") is None
    assert check_digit("010123456") == 5
