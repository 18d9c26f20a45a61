"""Ids as the database stores them, read one way wherever they come in.

Every id column is an INTEGER (PostgreSQL: 4 bytes), so an id past MAX_ID names no row; handed to the
database it fails instead (psycopg and sqlite3 cannot send an integer past 8 bytes, PostgreSQL refuses
one past 4 bytes in an INTEGER column): a 500 where the answer is "not found" or "not valid".

    app.url_map.converters["int"] = IdConverter    every <int:...> in a URL: past MAX_ID, no route (404)
    employer_id = Id()                            a JSON field: past MAX_ID, 422 naming the field
    request.args.get("done", type=id_arg)         a query string: past MAX_ID, as if absent
    is_id(body.get("registration_id"))            a JSON body read by hand"""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER; SQLite's INTEGER is wider, so this bound holds on both


class IdConverter(IntegerConverter):
    """Flask's `int` converter, bounded to the database's integers unless the rule gives its own max."""

    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed: bool = False
    ) -> None:
        super().__init__(
            map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=signed
        )


def id_arg(text: str) -> int:
    """An id in a query string (`request.args.get("done", type=id_arg)`): past MAX_ID, or not a whole
    number, it is ValueError, which MultiDict.get turns into the default (no such record)."""
    value = int(text)
    if not 1 <= value <= MAX_ID:
        raise ValueError(text)
    return value


def is_id(value) -> bool:
    """Whether a value read from JSON by hand is an id the database can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


class Id(fields.Int):
    """A record's id in a JSON body: a whole number from 1 to MAX_ID."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "validate", validate.Range(min=1, max=MAX_ID, error=_l("Phải là mã số từ {min} đến {max}."))
        )
        super().__init__(**kwargs)


def bounded_int(**kwargs) -> fields.Int:
    """A count or amount stored in an INTEGER column (a capacity): at most MAX_ID."""
    kwargs.setdefault("validate", validate.Range(max=MAX_ID, error=_l("Phải nhỏ hơn hoặc bằng {max}.")))
    return fields.Int(**kwargs)
