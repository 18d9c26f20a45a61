"""Configuration: defaults, then instance/config.py, then FAIRAPP_* environment, then test mapping."""

import os
import secrets
from pathlib import Path

import click
from flask import Flask


class Defaults:
    # Locale and region
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    HOME_PROVINCE_CODE = 19  # Thái Nguyên

    # Absolute links in shared cards, calendar files and poster QR codes ("https://vieclam.example.vn");
    # None: the address the request came in on
    PUBLIC_BASE_URL: str | None = None

    # Database
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite file in the instance folder
    # Ping a pooled connection before each use: one the server dropped (a PostgreSQL restart, an idle
    # timeout) is replaced instead of failing the request (fairapp.database.engine_options adds SQLite's)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}  # pool_pre_ping for a database server: fairapp.database
    SQLITE_BUSY_TIMEOUT_MS = 10_000

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "fairapp_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Rate limits (Flask-Limiter). Default (None): counters in instance/ratelimits.sqlite3
    # (fairapp.ratelimits), shared by every worker of this server; Redis for several servers.
    RATELIMIT_STORAGE_URI: str | None = None
    RATELIMIT_HEADERS_ENABLED = True
    # A store that goes away must not take the site down with it: count in memory until it is back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True

    # Sign-in (fairapp.auth.throttle, counted in the database): only failures count. After
    # free_failures in a window, each further attempt waits first_delay, doubled per failure, at most
    # max_delay (seconds). A commune hall or a mobile network puts many people behind one address,
    # hence the higher count per address. An address where the account signed in within
    # LOGIN_KNOWN_ADDRESS_DAYS still lets the right password in while the account waits elsewhere.
    LOGIN_ACCOUNT_THROTTLE = {
        "free_failures": 5,
        "first_delay": 15,
        "max_delay": 15 * 60,
        "window": 24 * 3600,
    }
    LOGIN_ADDRESS_THROTTLE = {"free_failures": 30, "first_delay": 2, "max_delay": 2 * 60, "window": 3600}
    LOGIN_KNOWN_ADDRESS_DAYS = 30
    # Registration: a whole commune may register through one shared address, so the
    # per-address limit is generous; abuse is limited per phone number instead.
    REGISTRATION_LIMIT_PER_ADDRESS = "600 per minute"
    REGISTRATION_LIMIT_PER_PHONE = "10 per hour"
    # ... and per citizen ID typed; a citizen ID refused online because another name holds it is also
    # counted per address (only requests that carry a citizen ID are then held back).
    REGISTRATION_LIMIT_PER_CITIZEN_ID = "10 per hour"
    CITIZEN_ID_REFUSALS_PER_ADDRESS = "10 per hour"
    LOST_TICKET_LIMIT_PER_ADDRESS = "10 per hour"
    LOST_TICKET_LIMIT_PER_PHONE = "5 per hour"  # a wrong second factor counts like any lookup

    # API documentation (flask-smorest)
    API_TITLE = "fairapp API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    # Job seekers not seen at any fair for this many months are erased by `flask privacy purge`
    PRIVACY_RETENTION_MONTHS = 36

    # Behind a load balancer: how many proxies in front of the app set X-Forwarded-For/-Proto.
    # 0 (the default) trusts no such header, so nobody can forge an address past the limits.
    TRUSTED_PROXY_COUNT = 0


ENVIRONMENT = {
    "FAIRAPP_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "FAIRAPP_SECRET_KEY": "SECRET_KEY",
    "FAIRAPP_RATELIMIT_STORAGE_URL": "RATELIMIT_STORAGE_URI",
    "FAIRAPP_HOME_PROVINCE": "HOME_PROVINCE_CODE",
    "FAIRAPP_TRUSTED_PROXIES": "TRUSTED_PROXY_COUNT",
    "FAIRAPP_PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    "FAIRAPP_PRIVACY_RETENTION_MONTHS": "PRIVACY_RETENTION_MONTHS",
}

INTEGERS = {"HOME_PROVINCE_CODE", "TRUSTED_PROXY_COUNT", "PRIVACY_RETENTION_MONTHS"}


class ConfigError(click.ClickException, RuntimeError):
    """The application cannot start with this configuration. A ClickException, so that the
    command line prints the message alone and exits 1 instead of showing a traceback."""

    def __init__(self, message: str):
        click.ClickException.__init__(self, message)


def load(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for variable, key in ENVIRONMENT.items():
        if value := os.environ.get(variable):
            app.config[key] = _integer(variable, value) if key in INTEGERS else value
    if test_config:
        app.config.from_mapping(test_config)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "fairapp.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        path = Path(app.instance_path) / "ratelimits.sqlite3"
        app.config["RATELIMIT_STORAGE_URI"] = f"fairapp-sqlite://{path}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(app)


def _development_secret(app: Flask) -> str:
    """In development, keep a generated key in the instance folder; in production, refuse."""
    if not (
        app.debug
        or app.testing
        or os.environ.get("FLASK_DEBUG") == "1"
        or os.environ.get("FAIRAPP_ENV") == "development"
    ):
        raise ConfigError(
            "FAIRAPP_SECRET_KEY is not set. Set it in the environment or as SECRET_KEY in "
            f"{Path(app.instance_path) / 'config.py'} before starting in production mode."
        )
    path = Path(app.instance_path) / "secret_key"
    try:
        # Created with mode 600 from the start: never readable by others, not even for a moment.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if not key:
        raise ConfigError(f"{path} is empty. Delete it to have a new key generated.")
    return key


def _integer(variable: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{variable} must be a number, not {value!r}.") from None
