"""Vietnamese phone numbers, validated with phonenumbers and stored in the 10-digit national form."""

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

# What people write in a phone number. phonenumbers reads letters as keypad digits, drops a stray one
# ("0927e288504") and reads "ext 5" as an extension: in a form those are typos, never guessed at.
_CHARACTERS = re.compile(r"[0-9+()\s.-]{1,30}")


@lru_cache(maxsize=4096)  # a registration reads the same number twice (rate limit, then the form)
def normalise_mobile(raw: str | None) -> str | None:
    """Return "0912345678" for a valid Vietnamese mobile number in any common spelling, else None."""
    if not raw or not _CHARACTERS.fullmatch(raw.strip()):
        return None
    try:
        number = phonenumbers.parse(raw.strip(), "VN")
    except NumberParseException:
        return None
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) != PhoneNumberType.MOBILE:
        return None
    national = "0" + str(number.national_number)
    return national if len(national) == 10 else None
