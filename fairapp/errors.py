"""Domain errors with stable codes, and the HTTP error handlers (HTML for pages, JSON under /api)."""

import logging

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain was broken. `code` is stable; `message` is translated for people."""

    code = "domain_error"
    status = 400
    message = _l("Yêu cầu không hợp lệ.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))


class ValidationError(DomainError):
    code = "validation_error"
    status = 422
    message = _l("Dữ liệu chưa hợp lệ.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    message = _l("Không tìm thấy.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    message = _l("Bạn không có quyền thực hiện thao tác này.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    message = _l("Dữ liệu đã thay đổi hoặc đã tồn tại.")


HTTP_CODES = {
    400: ("bad_request", _l("Yêu cầu không hợp lệ.")),
    401: ("unauthorized", _l("Cần đăng nhập hoặc mã truy cập hợp lệ.")),
    403: ("forbidden", _l("Bạn không có quyền thực hiện thao tác này.")),
    404: ("not_found", _l("Không tìm thấy.")),
    405: ("method_not_allowed", _l("Phương thức không được hỗ trợ.")),
    413: ("payload_too_large", _l("Dữ liệu gửi lên quá lớn.")),
    415: ("unsupported_media_type", _l("Kiểu dữ liệu không được hỗ trợ.")),
    422: ("validation_error", _l("Dữ liệu chưa hợp lệ.")),
    429: ("rate_limited", _l("Quá nhiều yêu cầu. Vui lòng thử lại sau.")),
    500: ("server_error", _l("Đã có lỗi xảy ra. Vui lòng thử lại sau.")),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message, fields: dict | None = None):
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = {k: str(v) for k, v in fields.items()}
    return body, status


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    code, message = HTTP_CODES.get(status, ("error", error.description))
    if wants_json():
        fields = None
        data = getattr(error, "data", None)  # webargs/flask-smorest put messages here
        if isinstance(data, dict) and "messages" in data:
            fields = _flatten_messages(data["messages"])
            status, code, message = 422, "validation_error", HTTP_CODES[422][1]
        response = json_error(status, code, message, fields)
        headers = error.get_headers() if status in (405, 429) else None
        return (*response, dict(h for h in (headers or []) if h[0] != "Content-Type"))
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    return render_template(template, status=status, message=message), status


def handle_domain_error(error: DomainError):
    if wants_json():
        return json_error(error.status, error.code, error.message, error.fields)
    template = f"errors/{error.status}.html" if error.status in (403, 404) else "errors/generic.html"
    return render_template(template, status=error.status, message=error.message), error.status


def handle_unexpected(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def _flatten_messages(messages: dict) -> dict:
    """webargs groups messages by location ({"json": {"field": ["..."]}}); keep field → first text."""
    flat = {}
    for location_or_field, value in messages.items():
        if isinstance(value, dict) and location_or_field in ("json", "query", "form", "files"):
            flat.update(_flatten_messages(value))
        elif isinstance(value, dict):
            for key, inner in _flatten_messages(value).items():
                flat[f"{location_or_field}.{key}"] = inner
        else:
            flat[location_or_field] = value[0] if isinstance(value, list) and value else value
    return flat


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
