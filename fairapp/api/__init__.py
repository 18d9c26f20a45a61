"""The JSON API under /api/v1: flask-smorest blueprints whose marshmallow schemas both validate
requests and generate the OpenAPI document at /api/v1/openapi.json."""

import logging

from flask import Flask, abort, request, session
from flask_login import current_user
from flask_smorest import Api, Blueprint
from webargs import core as webargs_core
from webargs.flaskparser import abort as webargs_abort

from fairapp import jsonbody
from fairapp.api.error_docs import ErrorResponses, ErrorSchema
from fairapp.auth.access import access_rule, declare_endpoint
from fairapp.auth.session import bearer_secret
from fairapp.extensions import csrf

PREFIX = "/api/v1"
log = logging.getLogger(__name__)


class FairApi(Api):
    """flask-smorest's Api without its own error handler: fairapp.errors answers for every route. The
    document's errors are that handler's body, listed per status on each operation (error_docs), not
    flask-smorest's catch-all `default` response."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass


api = FairApi()


@Blueprint.ARGUMENTS_PARSER.location_loader("json")
def _json_body(req, _schema):
    """webargs' JSON loader for every @blp.arguments body, reading through fairapp.jsonbody.loads (too
    deep: 400 invalid_json) instead of json.loads. (webargs keeps location loaders in one map for all
    its parsers; flask-smorest's is the only one here.)"""
    if not webargs_core.is_json(req.mimetype):
        return webargs_core.missing
    data = req.get_data(cache=True)
    if not data:
        return webargs_core.missing
    try:
        return jsonbody.loads(data)
    except ValueError:  # malformed, or not UTF-8: webargs' own answer, 400 "Invalid JSON body."
        webargs_abort(400, messages={"json": ["Invalid JSON body."]})


def _api_blueprints():
    from fairapp.api.meta import blp as meta_blp
    from fairapp.attendees.api import blp as registrations_blp
    from fairapp.checkins.api import blp as checkins_blp
    from fairapp.fairs.api import blp as fairs_blp
    from fairapp.geo.api import blp as geo_blp
    from fairapp.interviews.api import blp as interviews_blp
    from fairapp.live.api import blp as live_blp
    from fairapp.messages.api import blp as messages_blp
    from fairapp.outcomes.api import blp as outcomes_blp
    from fairapp.outreach.api import blp as households_blp
    from fairapp.outreach.coverage_api import blp as coverage_blp
    from fairapp.partners.api import blp as partners_blp
    from fairapp.plans.api import blp as plans_blp
    from fairapp.reports.api import blp as reports_blp
    from fairapp.tickets.api import blp as tickets_blp

    return [
        meta_blp,
        geo_blp,
        fairs_blp,
        tickets_blp,
        registrations_blp,
        partners_blp,
        checkins_blp,
        interviews_blp,
        live_blp,
        messages_blp,
        outcomes_blp,
        plans_blp,
        reports_blp,
        households_blp,
        coverage_blp,
    ]


def init_api(app: Flask) -> None:
    api.init_app(
        app,
        spec_kwargs={
            "components": {
                "securitySchemes": {
                    "bearer": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "flask --app fairapp users token EMAIL",
                    },
                }
            },
            "security": [{"bearer": []}],
            "extra_plugins": [ErrorResponses(app)],
        },
    )
    for blueprint in _api_blueprints():
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix=PREFIX + (blueprint.url_prefix or ""))
    # The spec itself is public; flask-smorest registers it, so its rule is declared here.
    for endpoint in app.view_functions:
        if endpoint.startswith("api-docs."):
            declare_endpoint(app, endpoint, "public")

    @app.before_request
    def _csrf_for_cookie_sessions():
        """API calls made with a session cookie (the scanner pages) need the CSRF header;
        calls with a bearer token cannot be forged by another site and need none."""
        if (
            request.path.startswith(PREFIX + "/")
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and bearer_secret() is None
            and session.get("_user_id")
        ):
            csrf.protect()

    @app.before_request
    def _access_before_arguments():
        """flask-smorest reads and validates the body before the method's own access decorator
        runs; apply the declared rule first, so that a caller without the right gets 401/403
        and never learns the shape of the body. An API route that declares nothing is refused."""
        if (
            request.url_rule is None
            or not request.path.startswith(PREFIX + "/")
            or request.method == "OPTIONS"
        ):
            return
        method = "GET" if request.method == "HEAD" else request.method
        rule = access_rule(app, request.endpoint, method)
        if rule == "public":
            return
        if rule is None:
            log.error("API route %s %s declares no access rule; refused", method, request.endpoint)
            abort(403)
        if not current_user.is_authenticated:
            abort(401)
        if rule.startswith("roles:") and current_user.role.value not in rule[6:].split(","):
            abort(403)
