"""Text normalisation for names and search: format characters removed, NFC, collapsed spaces, and
diacritic-free folding; which characters a person's name may hold."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Control characters a person never types (tab and line breaks excepted); PostgreSQL refuses NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The Latin letters: Basic Latin, Latin-1 Supplement, Latin Extended-A and -B, and Latin Extended
# Additional (U+1E00–U+1EFF), where the Vietnamese letters with two diacritics live.
_LATIN_RANGES = ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF))
# Besides letters and spaces, a person's name may hold these: Ê Đê names (H'Hen Niê), double-barrelled
# and transliterated names, initials.
NAME_PUNCTUATION = "'’-."


def clean_name(value: str | None) -> str:
    """Format characters (Unicode category Cf: zero-width space, joiner and non-joiner, word joiner,
    byte order mark, bidirectional controls, soft hyphen) removed, NFC-normalised, white space trimmed
    and collapsed. Idempotent; the result never holds a format character."""
    text = value or ""
    if not text.isascii():  # ASCII holds no format character and is NFC already
        text = unicodedata.normalize("NFC", "".join(c for c in text if unicodedata.category(c) != "Cf"))
    return _SPACES.sub(" ", text).strip()


def has_control(value: str | None) -> bool:
    """Whether the text holds a control character other than tab and line breaks."""
    return bool(value) and _CONTROL.search(value) is not None


def fold(value: str | None) -> str:
    """Lower case without diacritics, đ as d: "Phường Bách Quang" → "phuong bach quang"."""
    text = unicodedata.normalize("NFD", clean_name(value).lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return text.replace("đ", "d")


def is_latin_letter(character: str) -> bool:
    code = ord(character)
    return character.isalpha() and any(low <= code <= high for low, high in _LATIN_RANGES)


def foreign_letter(name: str) -> str | None:
    """The first letter of `name` outside the Latin alphabet (a Cyrillic "Н" that looks like "N", a
    Greek "Α", a full-width "Ｎ"), else None."""
    return next((c for c in name if c.isalpha() and not is_latin_letter(c)), None)


def not_in_person_name(name: str) -> str | None:
    """The first character of a clean name (clean_name) that a Vietnamese person's name cannot hold,
    else None: only Latin letters (with their diacritics), spaces and NAME_PUNCTUATION are allowed, so
    that a look-alike from another script, a digit or a stray mark never makes a second person."""
    return next((c for c in name if not (c == " " or c in NAME_PUNCTUATION or is_latin_letter(c))), None)


def shown(character: str) -> str:
    """A character as a message can show it: a combining or invisible one by its code point."""
    if unicodedata.category(character)[0] in "MCZ":
        return f"U+{ord(character):04X}"
    return character
