"""Request bodies in JSON, read by one function everywhere: `loads` refuses nesting deeper than
MAX_DEPTH with InvalidJSON (400 `invalid_json`), where the standard parser would recurse until Python
gives up (a RecursionError, answered 500) or hand the deep structure to code that recurses over it.

It is the application's JSON provider (`app.json`, so `request.get_json()` in any view), flask-smorest's
body loader (fairapp.api). InvalidJSON is no ValueError:
`request.get_json(silent=True)` lets it through instead of reading the body as missing."""

import json

from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l

from fairapp.errors import DomainError

MAX_DEPTH = 32  # our bodies nest 3 deep (a sync upload: body → scans → scan)


class InvalidJSON(DomainError):
    code = "invalid_json"
    status = 400
    message = _l("Nội dung JSON lồng nhau quá sâu (tối đa %(depth)s cấp).", depth=MAX_DEPTH)


def loads(data: str | bytes, **kwargs):
    """json.loads, refusing nesting deeper than MAX_DEPTH (InvalidJSON); malformed JSON raises
    ValueError as json.loads does."""
    try:
        value = json.loads(data, **kwargs)
    except RecursionError:  # deeper than the interpreter's recursion limit: surely too deep
        raise InvalidJSON() from None
    if _openings(data) > MAX_DEPTH and depth(value) > MAX_DEPTH:
        raise InvalidJSON()
    return value


def _openings(data: str | bytes) -> int:
    """How many arrays and objects the text could open at most (brackets in strings count too): a
    body with no more than MAX_DEPTH of them is not walked."""
    if isinstance(data, str):
        return data.count("[") + data.count("{")
    return data.count(b"[") + data.count(b"{")


def depth(value) -> int:
    """How deep arrays and objects nest in a parsed value (a scalar: 0, `{"a": []}`: 2), without
    recursion; stops counting once past MAX_DEPTH."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies with `loads` above."""

    def loads(self, s: str | bytes, **kwargs):
        return loads(s, **kwargs)
