"""Configuration order, secrets, SQLite settings, and start-up when the database is down."""

import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from fairapp import create_app
from fairapp.config import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DOWN_URL = "postgresql+psycopg://fairuser:s3cr3t-pw@127.0.0.1:1/nodb"
VARIABLES = (
    "FAIRAPP_DATABASE_URL",
    "FAIRAPP_SECRET_KEY",
    "FAIRAPP_RATELIMIT_STORAGE_URL",
    "FAIRAPP_HOME_PROVINCE",
    "FAIRAPP_ENV",
    "FLASK_DEBUG",
    "FLASK_APP",
)


@pytest.fixture()
def instance(tmp_path, monkeypatch) -> Path:
    """An empty instance folder and an environment with no FAIRAPP_* settings."""
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    folder = tmp_path / "instance"
    monkeypatch.setenv("FAIRAPP_INSTANCE_PATH", str(folder))
    return folder


# ------------------------------------------------------------------ order of the sources


def test_defaults_then_instance_file_then_environment_then_test_mapping(instance, monkeypatch):
    instance.mkdir()
    (instance / "config.py").write_text(
        'SECRET_KEY = "from-instance"\n'
        'API_TITLE = "from-instance"\n'
        'LOGIN_LIMIT_PER_IP = "5 per minute"\n'
        'SQLALCHEMY_DATABASE_URI = "sqlite:///from-instance.sqlite3"\n'
        "HOME_PROVINCE_CODE = 20\n"
    )
    monkeypatch.setenv("FAIRAPP_DATABASE_URL", "sqlite:///from-env.sqlite3")
    monkeypatch.setenv("FAIRAPP_HOME_PROVINCE", "21")
    monkeypatch.setenv("FAIRAPP_RATELIMIT_STORAGE_URL", "memory://")

    app = create_app({"LOGIN_LIMIT_PER_IP": "7 per minute"})

    assert app.instance_path == str(instance)
    assert app.config["SQLITE_BUSY_TIMEOUT_MS"] == 10_000  # default
    assert app.config["API_TITLE"] == "from-instance"  # instance over default
    assert app.config["SECRET_KEY"] == "from-instance"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-env.sqlite3"  # env over file
    assert app.config["HOME_PROVINCE_CODE"] == 21  # env, as a number
    assert app.config["LOGIN_LIMIT_PER_IP"] == "7 per minute"  # test mapping over all


def test_test_mapping_wins_over_environment(instance, monkeypatch):
    monkeypatch.setenv("FAIRAPP_SECRET_KEY", "from-env")
    monkeypatch.setenv("FAIRAPP_HOME_PROVINCE", "21")
    app = create_app({"SECRET_KEY": "from-test", "HOME_PROVINCE_CODE": 22})
    assert (app.config["SECRET_KEY"], app.config["HOME_PROVINCE_CODE"]) == ("from-test", 22)


def test_default_database_is_sqlite_in_the_instance_folder(instance, monkeypatch):
    monkeypatch.setenv("FAIRAPP_SECRET_KEY", "k")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'fairapp.sqlite3'}"
    assert not (instance / "fairapp.sqlite3").exists()  # creating the app opened nothing


def test_bad_number_in_environment_is_a_config_error(instance, monkeypatch):
    monkeypatch.setenv("FAIRAPP_SECRET_KEY", "k")
    monkeypatch.setenv("FAIRAPP_HOME_PROVINCE", "Thái Nguyên")
    with pytest.raises(ConfigError, match="FAIRAPP_HOME_PROVINCE must be a number"):
        create_app()


# ------------------------------------------------------------------ the secret key


def test_production_without_secret_key_refuses_to_start(instance):
    with pytest.raises(ConfigError) as raised:
        create_app()
    message = str(raised.value)
    assert "FAIRAPP_SECRET_KEY is not set" in message
    assert str(instance / "config.py") in message
    assert not (instance / "secret_key").exists()


def test_production_uses_the_secret_key_from_the_environment(instance, monkeypatch):
    monkeypatch.setenv("FAIRAPP_SECRET_KEY", "a-long-production-secret")
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-long-production-secret"
    assert not (instance / "secret_key").exists()


@pytest.mark.parametrize("variable,value", [("FAIRAPP_ENV", "development"), ("FLASK_DEBUG", "1")])
def test_development_generates_a_private_key_and_reuses_it(instance, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    first = create_app().config["SECRET_KEY"]
    path = instance / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 40 and path.read_text().strip() == first
    assert create_app().config["SECRET_KEY"] == first


def test_empty_generated_key_file_is_refused(instance, monkeypatch):
    monkeypatch.setenv("FAIRAPP_ENV", "development")
    instance.mkdir()
    (instance / "secret_key").write_text("\n")
    with pytest.raises(ConfigError, match="secret_key is empty"):
        create_app()


# ------------------------------------------------------------------ SQLite settings


def test_sqlite_connections_are_wal_full_with_foreign_keys_and_busy_timeout(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas; this run uses " + db.engine.dialect.name)
    with db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == app.config["SQLITE_BUSY_TIMEOUT_MS"] == 10_000


def test_sqlite_foreign_keys_are_enforced(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO user_wards (user_id, ward_code) VALUES (424242, '99999')")


# ------------------------------------------------------------------ database down at start


def test_create_app_does_not_touch_the_database(instance):
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": DOWN_URL})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == DOWN_URL


def _run(args, tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    environment.update(
        {
            "FAIRAPP_INSTANCE_PATH": str(tmp_path / "instance"),
            "FAIRAPP_DATABASE_URL": DOWN_URL,
            "FAIRAPP_SECRET_KEY": "k",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def _assert_one_clear_line(result):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    [line] = lines
    assert "127.0.0.1:1" in line and "fairuser:***@" in line
    assert "s3cr3t-pw" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["db", "upgrade"],
        ["users", "create", "ops@example.vn", "--role", "admin", "--password", "long-enough-pw"],
        ["users", "token", "ops@example.vn"],
        ["seed-demo"],
    ],
    ids=" ".join,
)
def test_cli_with_database_down_prints_one_line(tmp_path, command):
    result = _run(["-m", "flask", "--app", "fairapp", *command], tmp_path)
    _assert_one_clear_line(result)
    assert "Cannot reach the database at" in result.stderr


def test_cli_in_production_without_secret_prints_one_line(tmp_path):
    result = _run(["-m", "flask", "--app", "fairapp", "db", "upgrade"], tmp_path, FAIRAPP_SECRET_KEY="")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Error: FAIRAPP_SECRET_KEY is not set. Set it in the environment or as SECRET_KEY in "
        f"{tmp_path / 'instance' / 'config.py'} before starting in production mode."
    ]


def test_wsgi_entry_point_with_database_down_exits_with_one_line(tmp_path):
    result = _run(["-c", "import fairapp.wsgi"], tmp_path)
    assert result.returncode == 1
    _assert_one_clear_line(result)
    assert result.stderr.startswith("fairapp: Cannot reach the database at ")


def test_wsgi_entry_point_builds_the_app_when_the_database_answers(tmp_path, database_url):
    result = _run(
        ["-c", "from fairapp.wsgi import app; print(app.name)"], tmp_path, FAIRAPP_DATABASE_URL=database_url
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "fairapp"


@pytest.fixture()
def down_client(instance):
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": DOWN_URL})
    return app.test_client()


def test_page_with_database_down_is_the_friendly_503_page(down_client):
    """503 database_unavailable since issue 10 (tests/api/test_faults.py: every path, headers)."""
    with down_client.session_transaction() as session:
        session["_user_id"] = "1:1"  # a signed-in visitor: loading the account needs the database
        session["_fresh"] = True
    for path in ("/", "/login"):
        response = down_client.get(path)
        assert response.status_code == 503
        assert response.mimetype == "text/html"
        text = response.get_data(as_text=True)
        assert "Cơ sở dữ liệu tạm thời không truy cập được" in text and 'data-status="503"' in text
        assert "<html" in text and "Traceback" not in text and "127.0.0.1" not in text


def test_api_with_database_down_is_json_503(down_client):
    response = down_client.get("/api/v1/me", headers={"Authorization": "Bearer fa_whatever"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_trusted_proxies_from_the_environment(instance, monkeypatch):
    monkeypatch.setenv("FAIRAPP_SECRET_KEY", "k")
    assert create_app().config["TRUSTED_PROXY_COUNT"] == 0
    monkeypatch.setenv("FAIRAPP_TRUSTED_PROXIES", "2")
    assert create_app().config["TRUSTED_PROXY_COUNT"] == 2
    monkeypatch.setenv("FAIRAPP_TRUSTED_PROXIES", "one")
    with pytest.raises(ConfigError, match="FAIRAPP_TRUSTED_PROXIES must be a number"):
        create_app()


def test_rate_limit_key_prefix_from_the_environment(instance, monkeypatch):
    """Two deployments sharing one Redis keep their counters apart (as TASK_QUEUE_NAME their queues)."""
    monkeypatch.setenv("FAIRAPP_SECRET_KEY", "k")
    assert create_app().config["RATELIMIT_KEY_PREFIX"] == "fairapp"
    monkeypatch.setenv("FAIRAPP_RATELIMIT_KEY_PREFIX", "fairapp-staging")
    assert create_app().config["RATELIMIT_KEY_PREFIX"] == "fairapp-staging"


def test_wsgi_entry_point_refuses_to_start_without_the_ticket_key_once_tickets_exist(
    tmp_path, database_url, app, db
):
    """The second server's instance folder lacks the first one's key: one line, exit status 1."""
    from fairapp.attendees.models import Attendee, Registration
    from fairapp.fairs.models import Fair
    from fairapp.modelbase import utcnow

    starts = utcnow()
    ends = starts + timedelta(hours=4)
    fair = Fair(title="Phiên", ward_code="05528", venue_name="Nhà văn hoá", starts_at=starts, ends_at=ends)
    attendee = Attendee(
        full_name="Lê Văn An",
        name_key="le van an",
        phone="0912345678",
        birth_year=1990,
        gender="male",
        ward_code="05528",
    )
    db.session.add_all([fair, attendee])
    db.session.flush()
    db.session.add(
        Registration(
            fair_id=fair.id,
            attendee_id=attendee.id,
            channel="online",
            consent_personal_data_version="2025-01",
            consent_personal_data_at=starts,
        )
    )
    db.session.commit()
    result = _run(["-c", "import fairapp.wsgi"], tmp_path, FAIRAPP_DATABASE_URL=database_url)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"fairapp: {tmp_path / 'instance' / 'ticket_signing_key.pem'} is missing, but the database already "
        "holds tickets signed with a key. Copy ticket_signing_key.pem from the instance folder of the "
        "server that made them: every app server and worker of a deployment needs the same one."
    ]
