"""Domain errors with stable codes, and the HTTP error handlers (HTML for pages, JSON under /api)."""

import logging
import threading
import time

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from fairapp.database import DatabaseUnreachable, is_storage_full, is_unavailable
from fairapp.extensions import db, login_manager

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
DATABASE_UNAVAILABLE = (
    "database_unavailable",
    _l("Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút."),
)
RETRY_AFTER_SECONDS = 10  # a restarting database is usually back within that
STORAGE_FULL = (
    "storage_full",
    _l(
        "Bộ nhớ của máy chủ đã đầy nên thao tác này chưa được lưu; dữ liệu đã lưu trước đó vẫn còn "
        "nguyên. Vui lòng báo quản trị viên giải phóng dung lượng rồi thử lại."
    ),
)
STORAGE_RETRY_AFTER_SECONDS = 60  # space comes back when someone frees it, not by itself
LOG_EVERY_SECONDS = 10  # an outage is logged once per this many seconds and process (_OutageLog)
CSRF_FAILED = (
    "csrf_failed",
    _l("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang rồi thử lại."),
)
INVALID_JSON = _l("Nội dung gửi lên không phải JSON hợp lệ.")
# webargs reports where it read the input; below that level every key is a field name.
LOCATIONS = (
    "json",
    "query",
    "querystring",
    "form",
    "files",
    "headers",
    "cookies",
    "path",
    "view_args",
    "json_or_form",
)


def wants_json() -> bool:
    """Errors answer in JSON under /api, and to a request that sent JSON (a page's JSON endpoint)."""
    return request.path == "/api" or request.path.startswith("/api/") or request.is_json


def json_error(status: int, code: str, message, fields: dict | None = None):
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = {k: str(v) for k, v in fields.items()}
    return body, status


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    code, message = HTTP_CODES.get(status, ("error", error.description))
    fields = None
    if isinstance(error, CSRFError):
        code, message = CSRF_FAILED
    data = getattr(error, "data", None)  # webargs/flask-smorest put their messages here
    if isinstance(data, dict) and isinstance(data.get("messages"), dict):
        if status == 400:  # webargs' "Invalid JSON body.": the body could not be parsed at all
            message = INVALID_JSON
        else:
            fields = _flatten_messages(data["messages"])
    headers = {key: value for key, value in error.get_headers() if key != "Content-Type"}
    if wants_json():
        if status == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return (*json_error(status, code, message, fields), headers)
    return _error_page(status, message), status, headers


def handle_domain_error(error: DomainError):
    if wants_json():
        return json_error(error.status, error.code, error.message, error.fields)
    return _error_page(error.status, error.message), error.status


def handle_unexpected(error: Exception):
    """A bug answers 500; a database that cannot be used right now answers 503 database_unavailable
    (fairapp.database.is_unavailable), a full disk 507 storage_full (is_storage_full), both with
    Retry-After and one line in the log: none shows a traceback."""
    full = is_storage_full(error)
    unavailable = full or is_unavailable(error)
    if full:
        _outages.log("storage full", error)
    elif unavailable:
        _outages.log("database unavailable", error, traceback=not isinstance(error, DatabaseUnreachable))
    else:
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=True)
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be what failed
        log.warning("rollback after an unhandled error failed too", exc_info=True)
    # The page template shows who is signed in; do not ask the database again if it is down.
    if "_login_user" not in g or unavailable or isinstance(error, sa_exc.DBAPIError):
        g._login_user = login_manager.anonymous_user()
    if full:
        return storage_full()
    if unavailable:
        return database_unavailable()
    return handle_http_exception(InternalServerError())


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class _OutageLog:
    """One line per kind of outage and LOG_EVERY_SECONDS per process, with its cause and how many
    requests it answered since the last line: a database restarting under load fails hundreds of
    requests a second, and the log should say so once, not hundreds of times."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._unlogged: dict[str, int] = {}

    def log(self, kind: str, error: BaseException, *, traceback: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(kind, -LOG_EVERY_SECONDS) < LOG_EVERY_SECONDS:
                self._unlogged[kind] = self._unlogged.get(kind, 0) + 1
                return
            self._last[kind] = now
            unlogged = self._unlogged.pop(kind, 0)
        log.error(
            "%s on %s %s: %s%s",
            kind,
            request.method,
            request.path,
            _first_line(error),
            f" ({unlogged} more requests answered so since the last line)" if unlogged else "",
            exc_info=traceback,
        )


_outages = _OutageLog()


def database_unavailable():
    """The 503 answer: JSON under /api, else a page; Retry-After says when to try again."""
    code, message = DATABASE_UNAVAILABLE
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_json():
        return (*json_error(503, code, message), headers)
    return _error_page(503, message), 503, headers


def storage_full():
    """The 507 answer when the disk is full: nothing of the request was saved."""
    code, message = STORAGE_FULL
    headers = {"Retry-After": str(STORAGE_RETRY_AFTER_SECONDS)}
    if wants_json():
        return (*json_error(507, code, message), headers)
    return _error_page(507, message), 507, headers


def _error_page(status: int, message) -> str:
    """A friendly page; if the page itself cannot be rendered, a plain one (never a traceback)."""
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    try:
        return render_template(template, status=status, message=message)
    except Exception:
        log.exception("error page %s could not be rendered", template)
        return f"<!doctype html><meta charset=utf-8><title>{status}</title><p>{escape(str(message))}</p>"


def _flatten_messages(messages: dict, prefix: str = "") -> dict:
    """webargs groups messages by location ({"json": {"address": {"ward_code": ["..."]}}});
    keep dotted field name → its first message, in the interface language."""
    from fairapp.api.messages import translate

    flat = {}
    for key, value in messages.items():
        if not prefix and key in LOCATIONS and isinstance(value, dict):
            flat.update(_flatten_messages(value))
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten_messages(value, prefix=f"{name}."))
        elif isinstance(value, list | tuple):
            first = value[0] if value else ""
            if isinstance(first, dict):
                flat.update(_flatten_messages(first, prefix=f"{name}."))
            else:
                flat[name] = translate(first)
        else:
            flat[name] = translate(value)
    return flat


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
