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

    # Static files (fairapp.staticfiles): hashed copies under this folder (None: instance/static-cache);
    # autorefresh picks up a changed file without a restart (None: on in development only)
    STATIC_CACHE_FOLDER: str | None = None
    STATIC_AUTOREFRESH: bool | None = None
    # Responses compressed by Flask-Compress (static files come compressed from fairapp.staticfiles).
    # Not streamed responses: the live pages' event stream must reach the browser as it is written.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/problem+json",
        "application/manifest+json",
        "image/svg+xml",
    ]
    COMPRESS_STREAMS = False
    COMPRESS_BR_LEVEL = 5

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "fairapp_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    # Passwords: werkzeug's scrypt with its default cost (32,768 rounds); a method string such as
    # "scrypt:32768:8:1" sets the cost. Hashes carry their method, so a change applies to new ones.
    PASSWORD_HASH_METHOD = "scrypt"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Rate limits (Flask-Limiter). Default (None): counters in instance/ratelimits.sqlite3
    # (fairapp.ratelimits), shared by every worker of this server; Redis for several servers.
    RATELIMIT_STORAGE_URI: str | None = None
    # Flask-Limiter's prefix of every counter's key: two deployments sharing one Redis need different ones
    RATELIMIT_KEY_PREFIX = "fairapp"
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
    # Two-factor sign-in (fairapp.auth.two_factor): the roles that must enrol before doing anything else
    # (environment: FAIRAPP_REQUIRE_TWO_FACTOR_ROLES="admin,organiser"; empty: none); the second step's
    # lifetime after the password; how recent a sign-in must be before an export of personal data or a
    # permission change (else "confirm it's you"). TWO_FACTOR_KEY: a Fernet key (or several, comma
    # separated, the first encrypting) for the authenticator secrets; None: instance/two_factor_key,
    # created on first use. Several app servers need the same key: set it, or share the file.
    TWO_FACTOR_REQUIRED_ROLES: tuple[str, ...] = ("admin", "organiser")
    TWO_FACTOR_ISSUER = "fairapp"
    TWO_FACTOR_KEY: str | None = None
    SECOND_STEP_MINUTES = 5
    FRESH_SIGN_IN_MINUTES = 10
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

    # After the fair (fairapp.outcomes.rules): follow-ups fall due these months after a job's start (12
    # too when FOLLOW_UP_TWELVE_MONTHS); a job is sustainable when the person is still employed at the
    # follow-up of SUSTAINABLE_JOB["months"] (and it carries social insurance, when required).
    FOLLOW_UP_MONTHS = (1, 3, 6)
    FOLLOW_UP_TWELVE_MONTHS = False
    SUSTAINABLE_JOB = {"months": 6, "social_insurance": False}
    FOLLOW_UP_RETRY_DAYS = 3  # an unreachable person is called again after this many days

    # Priority households (fairapp.households.rules): working age from 15 to the 2019 Labour Code's
    # rising retirement age; "retirement": {"male": 62, "female": 60} fixes it instead.
    WORKING_AGE = {"from": 15, "retirement": None}
    HOUSEHOLD_IMPORT_MAX_ROWS = 50_000  # rows of one list file (a ward's list: a few thousand)
    HOUSEHOLD_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    OUTREACH_RETRY_DAYS = 3  # an unreachable member is called again after this many days
    FOLLOW_UP_EARLY_DAYS = 14  # a follow-up may be recorded this many days before it falls due
    # A monthly salary under the regional minimum wage is recorded with a warning (Decree 293/2025,
    # region II, from 01/01/2026); a start date more than this many days ahead is refused.
    MINIMUM_MONTHLY_WAGE = 4_730_000
    HIRE_START_LATEST_DAYS = 180

    # Official reports (fairapp.reports: PDF and .xlsx). The issuing body, one line each: the body above
    # it, then its own name (bold, underlined); the number reads "Số: <typed>/<REPORT_NUMBER_CODE>";
    # the place before the date of issue; who signs; "Nơi nhận", one line each.
    REPORT_ISSUER = ("ỦY BAN NHÂN DÂN PHƯỜNG SÔNG CÔNG", "PHÒNG VĂN HÓA - XÃ HỘI")
    REPORT_NUMBER_CODE = "BC-VHXH"
    REPORT_PLACE = "Sông Công"
    REPORT_SIGNER_TITLE = "TRƯỞNG PHÒNG"
    REPORT_SIGNER_NAME = ""  # blank: the space for the signature and a name written by hand
    REPORT_RECIPIENTS = ("UBND phường (để báo cáo);", "Lưu: VT, VHXH.")

    # Background tasks (huey; fairapp.worker), run by `flask --app fairapp worker`.
    # TASK_QUEUE_URL None: the embedded queue, SQLite file instance/tasks.sqlite3, for one server (its web
    # workers and its worker share the file); sqlite:///PATH elsewhere; redis://host:6379/0 for several
    # servers, which must then all use the same Redis.
    TASK_QUEUE_URL: str | None = None
    TASK_QUEUE_NAME = "fairapp"  # Redis keys are named after it: two deployments on one Redis differ
    # Run each task at once in the process that enqueues it (in memory, no worker); None: when TESTING
    TASK_QUEUE_IMMEDIATE: bool | None = None
    TASK_WORKERS = 2  # threads of `flask worker` running tasks (a badge job uses its own processes)
    TASK_POLL_SECONDS = 1.0  # an idle worker looks at the queue at least this often

    # Behind a load balancer: how many proxies in front of the app set X-Forwarded-For/-Proto.
    # 0 (the default) trusts no such header, so nobody can forge an address past the limits.
    TRUSTED_PROXY_COUNT = 0

    # Messages to job seekers (fairapp.messages): queued in the outbox by the services, sent by the
    # background worker (fairapp.messages.outbox.send_due). MESSAGE_SENDER: "console" (the log),
    # "file" (JSON lines in instance/messages.log), "sms_http" (SMS_GATEWAY) or "zalo_zns" (ZALO_ZNS).
    MESSAGE_SENDER = "console"
    MESSAGE_QUIET_HOURS = (21, 7)  # local hours: nothing is sent from 21:00 until 07:00
    MESSAGE_MAX_ATTEMPTS = 6  # then the message is failed
    # Seconds to wait after the 1st, 2nd, ... temporary failure (the last repeats), plus up to 25% jitter
    MESSAGE_RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600)
    MESSAGE_LEASE_SECONDS = 120  # a claimed message another worker may take over after this
    MESSAGE_CLAIM_BATCH = 20  # claimed, sent and marked together (kept well inside the lease)
    MESSAGE_SEND_CONCURRENCY = 4  # messages sent at once by one worker
    # The gateway's delivery reports (POST /api/v1/messages/delivery/<sender>) carry this in the
    # X-Delivery-Secret header; None refuses every report.
    MESSAGE_DELIVERY_SECRET: str | None = None
    # An eSMS-style JSON gateway (brand-name SMS). "ascii": the text without diacritics (160 characters
    # a part instead of 70); "sandbox": validated by the provider, never delivered nor charged.
    SMS_GATEWAY: dict = {
        "url": "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/",
        "api_key": "",
        "secret_key": "",
        "brand_name": "",
        "sms_type": "2",  # customer care, with a registered brand name
        "timeout": 10,
        "ascii": True,
        "sandbox": False,
        "callback_url": None,  # where the provider reports delivery
        "retry_codes": ("99",),  # provider result codes worth another try; any other refusal is final
    }
    # Zalo Notification Service: one approved template per message kind (MessageKind value → id).
    ZALO_ZNS: dict = {
        "url": "https://business.openapi.zalo.me/message/template",
        "access_token": "",
        "templates": {},
        "timeout": 10,
        "retry_errors": (),  # ZNS error codes worth another try; any other error is final
    }

    # Webhooks to other systems (fairapp.webhooks): subscriptions managed at /manage/webhooks, posted by
    # the background worker. Seconds after the 1st, 2nd, ... failed attempt (the last repeats), plus up
    # to 25% jitter: with 7 attempts the last comes about a day after the first, then it is failed.
    WEBHOOK_RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600, 8 * 3600, 12 * 3600)
    WEBHOOK_MAX_ATTEMPTS = 7
    WEBHOOK_TIMEOUT_SECONDS = 10  # connect, send and answer, per attempt
    WEBHOOK_LEASE_SECONDS = 120  # a claimed delivery another worker may take over after this
    WEBHOOK_CLAIM_BATCH = 20
    WEBHOOK_SEND_CONCURRENCY = 4
    # How long a process trusts its list of subscribed events: a subscription made on one server is
    # seen by the others within this many seconds (at once by the server that made it).
    WEBHOOK_CACHE_SECONDS = 30
    # Post to loopback and private addresses (a receiver on the same network; tests). Off: only
    # public addresses are reached, whatever a host name resolves to.
    WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    # An admin's replay or test event is posted at once by a task, not at the next minute.
    WEBHOOK_DELIVER_AT_ONCE = True
    WEBHOOK_LOG_DAYS = 90  # settled deliveries (their bodies, their attempts) are kept this long
    # What the secrets are encrypted with (HKDF); None: SECRET_KEY. Set it to the old SECRET_KEY when
    # changing that, or rotate every subscription's secret.
    WEBHOOK_SECRET_KEY: str | None = None


ENVIRONMENT = {
    "FAIRAPP_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "FAIRAPP_SECRET_KEY": "SECRET_KEY",
    "FAIRAPP_RATELIMIT_STORAGE_URL": "RATELIMIT_STORAGE_URI",
    "FAIRAPP_HOME_PROVINCE": "HOME_PROVINCE_CODE",
    "FAIRAPP_TRUSTED_PROXIES": "TRUSTED_PROXY_COUNT",
    "FAIRAPP_PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    "FAIRAPP_PRIVACY_RETENTION_MONTHS": "PRIVACY_RETENTION_MONTHS",
    "FAIRAPP_TASK_QUEUE_URL": "TASK_QUEUE_URL",
    "FAIRAPP_TASK_QUEUE_NAME": "TASK_QUEUE_NAME",
    "FAIRAPP_TASK_WORKERS": "TASK_WORKERS",
    "FAIRAPP_MESSAGE_SENDER": "MESSAGE_SENDER",
    "FAIRAPP_MESSAGE_DELIVERY_SECRET": "MESSAGE_DELIVERY_SECRET",
    "FAIRAPP_TWO_FACTOR_KEY": "TWO_FACTOR_KEY",
    "FAIRAPP_RATELIMIT_KEY_PREFIX": "RATELIMIT_KEY_PREFIX",
}

RATELIMIT_REDIS_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}  # seconds
INTEGERS = {"HOME_PROVINCE_CODE", "TRUSTED_PROXY_COUNT", "PRIVACY_RETENTION_MONTHS", "TASK_WORKERS"}


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
    if (roles := os.environ.get("FAIRAPP_REQUIRE_TWO_FACTOR_ROLES")) is not None:  # empty: no role
        app.config["TWO_FACTOR_REQUIRED_ROLES"] = _roles("FAIRAPP_REQUIRE_TWO_FACTOR_ROLES", roles)
    if test_config:
        app.config.from_mapping(test_config)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "fairapp.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        path = Path(app.instance_path) / "ratelimits.sqlite3"
        app.config["RATELIMIT_STORAGE_URI"] = f"fairapp-sqlite://{path}"
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        # A Redis that does not answer (a host gone, not just refusing) fails within a second or two, and
        # the limits count in memory meanwhile (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED): never a hung request.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", RATELIMIT_REDIS_TIMEOUTS)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(app)
    if app.config["STATIC_AUTOREFRESH"] is None:
        app.config["STATIC_AUTOREFRESH"] = _development(app) and not app.testing


def _development(app: Flask) -> bool:
    return bool(
        app.debug or os.environ.get("FLASK_DEBUG") == "1" or os.environ.get("FAIRAPP_ENV") == "development"
    )


def _development_secret(app: Flask) -> str:
    """In development, keep a generated key in the instance folder; in production, refuse."""
    if not (_development(app) or app.testing):
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


ROLES = ("admin", "organiser", "gate", "employer", "school")


def _roles(variable: str, value: str) -> tuple[str, ...]:
    named = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    if unknown := [role for role in named if role not in ROLES]:
        raise ConfigError(f"{variable}: unknown role {', '.join(unknown)} (roles: {', '.join(ROLES)}).")
    return named


def _integer(variable: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{variable} must be a number, not {value!r}.") from None
