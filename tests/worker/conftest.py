"""The task queue set up for a test: immediate mode is the tests' default (tests/conftest.py's app is
TESTING); these fixtures give the queue a real store instead and put the default back afterwards."""

import pytest

from fairapp.worker import huey, init_app


@pytest.fixture()
def queue_with(app):
    """queue_with(**config) → the process's huey, configured from the app with `config` and out of
    immediate mode (TASK_QUEUE_IMMEDIATE False) unless `config` says otherwise."""
    saved = dict(app.config)

    def configure(**config):
        app.config.update({"TASK_QUEUE_IMMEDIATE": False, **config})
        init_app(app)
        return huey

    yield configure
    app.config.clear()
    app.config.update(saved)
    init_app(app)
