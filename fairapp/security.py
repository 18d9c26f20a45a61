"""Security headers for every response."""

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self'",
        "script-src 'self'",
        "worker-src 'self' blob:",  # qr-scanner starts its decoder from a blob: URL
        "connect-src 'self'",
        "font-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(self), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")


_WITH_HSTS = (*HEADERS, HSTS)


def response_headers(secure: bool) -> tuple[tuple[str, str], ...]:
    """The headers every response carries (HSTS over HTTPS only)."""
    return _WITH_HSTS if secure else HEADERS


def _headers(response):
    for name, value in response_headers(request.is_secure):
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html" and "Cache-Control" not in response.headers:
        # A page is asked for again each time (its static files are cached for a year under hashed
        # URLs: fairapp.staticfiles); pages that must never be stored say no-store themselves.
        response.headers["Cache-Control"] = "no-cache"
    return response


def register(app: Flask) -> None:
    app.after_request(_headers)
    app.session_interface = SessionOverHttps()
    if hops := app.config["TRUSTED_PROXY_COUNT"]:
        # The client's address (rate limits, audit log) and scheme (Secure cookies, HSTS) as the
        # load balancer saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


class SessionOverHttps(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS. A request that
    authenticates with a bearer token gets no session cookie at all: an API client must not be
    turned into a cookie-session client (which CSRF rules treat differently)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def save_session(self, app: Flask, session, response) -> None:
        from fairapp.auth.session import bearer_secret

        if bearer_secret() is not None:
            return
        super().save_session(app, session, response)
