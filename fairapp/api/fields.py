"""Reading a JSON request body by hand, field by field, for the endpoints whose malformed requests must
answer 400 naming the field (never webargs' 422): body(), then integer(), text(), moment() per field.
Each raises BadRequest with `fields` {name: rule}, translated."""

from datetime import datetime

from flask import request
from flask_babel import lazy_gettext as _l

from fairapp.errors import DomainError
from fairapp.ids import is_id
from fairapp.text import has_control

MAX_TIME_LENGTH = 40  # an ISO 8601 time with offset and fractions is 32


class BadRequest(DomainError):
    code = "bad_request"
    status = 400
    message = _l("Yêu cầu không đúng định dạng.")


def body() -> dict:
    value = request.get_json(silent=True)
    if not isinstance(value, dict):
        raise BadRequest(_l("Nội dung gửi lên phải là một đối tượng JSON."))
    return value


def bad(field: str, rule) -> BadRequest:
    return BadRequest(fields={field: rule})


def integer(body: dict, name: str, field: str | None = None) -> int:
    value = body.get(name)
    if not is_id(value):
        raise bad(field or name, _l("%(field)s: bắt buộc, là số nguyên dương.", field=name))
    return value


def text(body: dict, name: str, limit: int, *, required=False, field: str | None = None) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value) or len(value) > limit:
        raise bad(
            field or name, _l("%(field)s: chuỗi ký tự, tối đa %(limit)s ký tự.", field=name, limit=limit)
        )
    if has_control(value):
        raise bad(field or name, _l("%(field)s: không được chứa ký tự điều khiển.", field=name))
    return value


def moment(body: dict, name: str, *, required=False, field: str | None = None) -> datetime | None:
    value = body.get(name)
    if value is None and not required:
        return None
    found = None
    if isinstance(value, str) and len(value) <= MAX_TIME_LENGTH:
        try:
            found = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            found = None
    if found is None or found.tzinfo is None:
        raise bad(
            field or name,
            _l("%(field)s: thời điểm ISO 8601 có múi giờ, ví dụ 2026-11-28T07:45:00+07:00.", field=name),
        )
    return found
