"""Text normalisation for names and search: NFC, collapsed spaces, and diacritic-free folding."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_name(value: str | None) -> str:
    """NFC-normalise, trim and collapse inner white space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


def fold(value: str | None) -> str:
    """Lower case without diacritics, đ as d: "Phường Bách Quang" → "phuong bach quang"."""
    text = unicodedata.normalize("NFD", clean_name(value).lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return text.replace("đ", "d")
