"""Sign-in helpers: an app with other settings on the same test database, and a sign-in form poster."""

from contextlib import contextmanager

import pytest
from flask import request_started

from fairapp import create_app
from fairapp.extensions import limiter
from tests.auth.test_admin_users import ContextPerRequestClient
from tests.conftest import _config, _fresh_globals, csrf_token_from, limiter_on_its_storage


@contextmanager
def other_apps(schema, instance_path):
    """build(**config) → an app on the same test database with these settings on top, its context
    pushed until the block ends; the rate-limit counts are reset then."""
    contexts = []

    def build(**overrides):
        built = create_app({**_config(schema, instance_path), **overrides})
        limiter_on_its_storage()
        request_started.connect(_fresh_globals, built)
        context = built.app_context()
        context.push()
        contexts.append(context)
        return built

    try:
        yield build
    finally:
        for context in reversed(contexts):
            context.pop()
        limiter.reset()


@pytest.fixture()
def app_with(app, _schema, instance_path):
    """app_with(**config), as other_apps. Depends on `app`, whose teardown empties the tables."""
    with other_apps(_schema, instance_path) as build:
        yield build


class SignIn:
    """sign_in(login, password, ip=...) posts the sign-in form from that address with a fresh client
    each time, so that one sign-in never carries the session of another; each request in its own
    context and database session, as a server runs it."""

    def __init__(self, app):
        self.app = app

    def __call__(self, login, password, ip="192.0.2.1"):
        client = ContextPerRequestClient(self.app, self.app.response_class)
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        return client.post(
            "/login",
            data={"login": login, "password": password, "csrf_token": token},
            environ_base={"REMOTE_ADDR": ip},
        )


@pytest.fixture()
def sign_in(app):
    return SignIn(app)
