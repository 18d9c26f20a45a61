"""Where the queue keeps its tasks: SQLite in the instance folder unless TASK_QUEUE_URL says Redis;
a URL it cannot use stops the start with one clear ConfigError."""

from pathlib import Path

import pytest
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from fairapp import create_app
from fairapp.config import ConfigError
from fairapp.worker import huey, init_app


@pytest.fixture()
def instance(tmp_path, monkeypatch) -> Path:
    for variable in ("FAIRAPP_TASK_QUEUE_URL", "FAIRAPP_TASK_QUEUE_NAME", "FAIRAPP_TASK_WORKERS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("FAIRAPP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FAIRAPP_SECRET_KEY", "k")
    monkeypatch.setenv("FAIRAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    yield tmp_path
    init_app(create_app({"TESTING": True}))  # the tests' default again: immediate, in memory


def test_default_is_sqlite_in_the_instance_folder_opened_on_first_use(instance):
    create_app()
    assert not (instance / "tasks.sqlite3").exists()  # create_app() opens no store
    assert not huey.immediate and huey.name == "fairapp"
    assert isinstance(huey.storage, SqliteStorage)
    assert huey.storage.filename == str(instance / "tasks.sqlite3")
    assert (instance / "tasks.sqlite3").exists()


def test_redis_url_from_the_environment(instance, monkeypatch):
    monkeypatch.setenv("FAIRAPP_TASK_QUEUE_URL", "redis://queue.internal:6380/2")
    monkeypatch.setenv("FAIRAPP_TASK_QUEUE_NAME", "fairapp-staging")
    monkeypatch.setenv("FAIRAPP_TASK_WORKERS", "4")
    app = create_app()
    assert app.config["TASK_WORKERS"] == 4
    storage = huey.storage  # nothing connects until a task is enqueued
    assert isinstance(storage, RedisStorage) and huey.name == "fairapp-staging"
    kwargs = storage.pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("queue.internal", 6380, 2)


def test_sqlite_url_relative_to_the_instance_folder_or_absolute(instance, tmp_path):
    create_app({"TASK_QUEUE_URL": "sqlite:///queue.sqlite3"})
    assert huey.storage.filename == str(instance / "queue.sqlite3")
    create_app({"TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'elsewhere.db'}"})
    assert huey.storage.filename == str(tmp_path / "elsewhere.db")


@pytest.mark.parametrize(
    "url", ["postgresql://db/fairapp", "redis://localhost:notaport/0", "sqlite://tasks.db", "localhost:6379"]
)
def test_a_url_it_cannot_use_is_a_config_error(instance, url):
    with pytest.raises(ConfigError, match="TASK_QUEUE_URL"):
        create_app({"TASK_QUEUE_URL": url})


def test_testing_runs_tasks_at_once_in_memory_unless_asked(instance):
    create_app({"TESTING": True})
    assert huey.immediate and isinstance(huey.storage, MemoryStorage)
    create_app({"TESTING": True, "TASK_QUEUE_IMMEDIATE": False})
    assert not huey.immediate and isinstance(huey.storage, SqliteStorage)
