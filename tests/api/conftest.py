"""A small JSON endpoint with a nested schema, mounted under /api/v1 for the error-format tests;
and tokens for bearer calls."""

import pytest
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from fairapp.api import PREFIX, api
from fairapp.auth.access import public, roles, signed_in
from fairapp.auth.models import Role
from fairapp.extensions import csrf


class AddressSchema(Schema):
    ward_code = fields.Str(required=True, validate=validate.Length(equal=5))
    street = fields.Str()


class EchoSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=2))
    quantity = fields.Int(validate=validate.Range(min=1))
    address = fields.Nested(AddressSchema, required=True)
    tags = fields.List(fields.Str())


def _echo_blueprint() -> Blueprint:
    blp = Blueprint("api_test_echo", __name__, url_prefix="/_test")

    @blp.route("/echo")
    class Echo(MethodView):
        @blp.arguments(EchoSchema)
        @blp.response(200, EchoSchema)
        @public
        def post(self, data):
            return data

    @blp.route("/echo-signed-in")
    class EchoSignedIn(MethodView):
        @blp.arguments(EchoSchema)
        @blp.response(200, EchoSchema)
        @signed_in
        def post(self, data):
            return data

    @blp.route("/admin-only")
    class AdminOnly(MethodView):
        @blp.arguments(EchoSchema)
        @blp.response(200, EchoSchema)
        @roles(Role.ADMIN)
        def post(self, data):
            return data

    @blp.route("/undeclared")
    class Undeclared(MethodView):
        @blp.response(200)
        def get(self):  # no access decorator: a mistake the API must not turn into an open door
            return {"secret": "leaked"}

    return blp


@pytest.fixture()
def echo_api(app):
    """Mounts /api/v1/_test/echo (public), .../echo-signed-in and .../admin-only on this test's app,
    the way fairapp.api.init_api mounts the real blueprints."""
    blp = _echo_blueprint()
    csrf.exempt(blp)
    api.register_blueprint(blp, url_prefix=PREFIX + blp.url_prefix)
    return PREFIX + "/_test"


@pytest.fixture()
def token_for(db):
    """token_for(user) → the secret of a new API token for the user."""
    from fairapp.auth import services

    def issue(user, name="test"):
        _token, secret = services.issue_token(user, name)
        db.session.commit()
        return secret

    return issue


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
