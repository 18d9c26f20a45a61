"""Every route declares who may use it, and the declaration holds.

The table is built from the application's url_map, so routes added later are covered without
editing this file: an anonymous visitor is sent to the sign-in page (pages) or gets 401 JSON
(API); a signed-in account whose role is not allowed gets 403."""

import hashlib
import os
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import URLSafeTimedSerializer
from werkzeug.routing import AnyConverter, FloatConverter, IntegerConverter, UUIDConverter

from fairapp import create_app
from fairapp.auth.access import access_rule
from fairapp.auth.models import Role

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _route_app():
    # Only to read the url_map while collecting; building the app touches no database.
    return create_app({"TESTING": True, "SECRET_KEY": "collect-only", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def _routes(app):
    """(method, rule) for every route except static files, HEAD and OPTIONS."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            yield method, rule


def _sample_value(name, converter):
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, FloatConverter):
        return 1.0
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    if name.endswith("code"):
        return "05528"  # a real ward code (Phường Bách Quang); a province code also fits the rule
    return "1"


def _sample_url(rule) -> str:
    values = {name: _sample_value(name, conv) for name, conv in rule._converters.items()}
    return rule.build(values, append_unknown=False)[1]


_APP = _route_app()
ROUTES = list(_routes(_APP))
RULES = {(method, rule.endpoint): access_rule(_APP, rule.endpoint, method) for method, rule in ROUTES}
PROTECTED = [
    (method, rule)
    for method, rule in ROUTES
    if (RULES[(method, rule.endpoint)] or "").startswith(("roles:", "signed_in"))
]
ROLE_LIMITED = [
    (method, rule) for method, rule in PROTECTED if RULES[(method, rule.endpoint)].startswith("roles:")
]
ROLE_LIMITED_API = [(method, rule) for method, rule in ROLE_LIMITED if rule.rule.startswith("/api/")]


def _id(route) -> str:
    method, rule = route
    return f"{method} {rule.rule}"


def test_the_table_sees_the_known_routes():
    seen = {rule.endpoint for _method, rule in ROUTES}
    assert {"auth.login", "auth.logout", "main.home", "api_meta.Me"} <= seen
    assert ("GET", "api_meta.Me") in {(m, r.endpoint) for m, r in PROTECTED}


def test_every_route_declares_its_access(app):
    missing = [
        f"{method} {rule.rule} ({rule.endpoint})"
        for method, rule in _routes(app)
        if access_rule(app, rule.endpoint, method) is None
    ]
    assert not missing, "routes without @public/@signed_in/@roles: " + ", ".join(missing)


def test_declared_rules_are_well_formed(app):
    known = {role.value for role in Role}
    for method, rule in _routes(app):
        declared = access_rule(app, rule.endpoint, method) or "public"
        if declared.startswith("roles:"):
            named = set(declared[len("roles:") :].split(","))
            assert named and named <= known, f"{method} {rule.rule}: {declared}"
        else:
            assert declared in ("public", "signed_in"), f"{method} {rule.rule}: {declared}"


def _csrf(client) -> str:
    """A valid CSRF token for this client's session, made the way Flask-WTF makes it, so that the
    test does not depend on which page happens to carry a form."""
    app = client.application
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", hashlib.sha1(os.urandom(64)).hexdigest())
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


def _request(client, method: str, url: str, token: str | None):
    if method in UNSAFE_METHODS and token:
        # A valid CSRF token, so that what is tested is the access rule and not CSRF.
        return client.open(url, method=method, data={"csrf_token": token}, headers={"X-CSRFToken": token})
    return client.open(url, method=method)


@pytest.mark.parametrize("route", PROTECTED, ids=_id)
def test_anonymous_is_turned_away(route, client):
    method, rule = route
    url = _sample_url(rule)
    token = _csrf(client) if method in UNSAFE_METHODS else None
    response = _request(client, method, url, token)
    if url.startswith("/api/"):
        assert response.status_code == 401, response.get_data(as_text=True)[:300]
        assert response.is_json
        assert response.get_json()["error"]["code"] == "unauthorized"
    else:
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login"
        assert parse_qs(location.query)["next"] == [url]


def _role_not_allowed(declared: str) -> str:
    allowed = set(declared[len("roles:") :].split(","))
    return next(role.value for role in Role if role.value not in allowed)


@pytest.mark.parametrize("route", ROLE_LIMITED, ids=_id)
def test_signed_in_with_another_role_is_forbidden(route, app, client, auth):
    method, rule = route
    declared = access_rule(app, rule.endpoint, method)
    if {role.value for role in Role} <= set(declared[len("roles:") :].split(",")):
        pytest.skip("every role is allowed")
    auth.login(_role_not_allowed(declared))
    url = _sample_url(rule)
    token = _csrf(client) if method in UNSAFE_METHODS else None
    response = _request(client, method, url, token)
    assert response.status_code == 403, response.get_data(as_text=True)[:300]
    if url.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "forbidden"
    else:
        assert "text/html" in response.content_type


@pytest.mark.parametrize("route", ROLE_LIMITED_API, ids=_id)
def test_api_token_of_another_role_is_forbidden(route, app, make_user, client):
    method, rule = route
    url = _sample_url(rule)
    declared = access_rule(app, rule.endpoint, method)
    from fairapp.auth import services
    from fairapp.extensions import db

    user = make_user(_role_not_allowed(declared))
    _token, secret = services.issue_token(user)
    db.session.commit()
    response = client.open(url, method=method, json={}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "forbidden"


# The privacy rights' routes (issue 10): the ticket link's are public (the secret is the key, a wrong
# one is 404: tests/privacy/test_ticket_rights.py); the desk's are for admins and organisers, and
# organisers of other wards get 403 (tests/privacy/test_desk.py).
PRIVACY_ROUTES = [
    ("POST", "tickets.withdraw_share_consent", "public"),
    ("POST", "tickets.ask_erasure", "public"),
    ("POST", "tickets.confirm_erasure", "public"),
    ("POST", "registrations.withdraw_consent", "roles:admin,organiser"),
    ("POST", "registrations.erase", "roles:admin,organiser"),
    ("POST", "registrations.reissue", "roles:admin,organiser"),
    ("GET", "registrations.erasure_requests", "roles:admin,organiser"),
    ("POST", "registrations.carry_out", "roles:admin,organiser"),
    ("POST", "registrations.decline", "roles:admin,organiser"),
]


@pytest.mark.parametrize("method, endpoint, expected", PRIVACY_ROUTES, ids=lambda v: str(v))
def test_privacy_routes_declare_who_may_use_them(method, endpoint, expected):
    assert (method, endpoint) in RULES, f"{method} {endpoint} is not routed"
    assert RULES[(method, endpoint)] == expected


# The outcome dashboard (issue 14): admins everywhere, organisers their wards (another ward's numbers
# are 403: tests/reports/test_dashboard.py); employers, schools and gate staff never.
DASHBOARD_ROUTES = [("GET", "dashboard.index", "roles:admin,organiser")]


@pytest.mark.parametrize("method, endpoint, expected", DASHBOARD_ROUTES, ids=lambda v: str(v))
def test_dashboard_routes_declare_who_may_use_them(method, endpoint, expected):
    assert (method, endpoint) in RULES, f"{method} {endpoint} is not routed"
    assert RULES[(method, endpoint)] == expected


# Webhooks (issue 17): admins only — the subscriptions' URLs and secrets and the bodies sent, which may
# name a person, are for the office that runs the integrations.
WEBHOOK_ROUTES = [
    ("GET", "webhooks.index", "roles:admin"),
    ("GET", "webhooks.create", "roles:admin"),
    ("POST", "webhooks.create", "roles:admin"),
    ("GET", "webhooks.edit", "roles:admin"),
    ("POST", "webhooks.edit", "roles:admin"),
    ("POST", "webhooks.act", "roles:admin"),
    ("GET", "webhooks.deliveries", "roles:admin"),
    ("GET", "webhooks.delivery", "roles:admin"),
    ("POST", "webhooks.replay", "roles:admin"),
]


@pytest.mark.parametrize("method, endpoint, expected", WEBHOOK_ROUTES, ids=lambda v: str(v))
def test_webhook_routes_declare_who_may_use_them(method, endpoint, expected):
    assert (method, endpoint) in RULES, f"{method} {endpoint} is not routed"
    assert RULES[(method, endpoint)] == expected
