"""The API's error answers in the OpenAPI document, in one place.

Every error the API sends is fairapp.errors' body, `{"error": {"code", "message", "fields"?}}`: that is
the document's one `Error` schema. Each operation lists the error statuses it can answer; those that
follow from what the operation is are added here, so no route has to remember them:

    every operation       401  no token or an unknown one (`unauthorized`); a revoked device, by its
                               token or by X-Device-Id (`device_revoked`)
                          503  the database cannot be reached right now (`database_unavailable`)
    role-restricted       403  an account without the role (`forbidden`)
    with a path id        404  no such record, or not one the caller may see (`not_found`)
    writes (not GET)      400  a body that is not JSON, or a session-cookie call without its CSRF
                               header (`bad_request`, `csrf_failed`); 413 a body over the size limit
    query read by hand    400  a parameter not in the documented shape (`bad_request`)

What a route's own rules add (a conflict, a ward outside the organiser's) the route declares with
`@blp.alt_response(status, description=...)`; any error status declared without a body gets the Error
schema here. The fuzz test (tests/api/test_fuzz.py) checks every answer against this document."""

from http import HTTPStatus

from apispec import BasePlugin
from marshmallow import Schema, fields

from fairapp.auth.access import access_rule

METHODS = ("get", "post", "put", "patch", "delete")


class ErrorDetailSchema(Schema):
    code = fields.Str(required=True, metadata={"description": "Stable code, e.g. `already_checked_in`"})
    message = fields.Str(required=True, metadata={"description": "For people, in the interface language"})
    field_messages = fields.Dict(
        keys=fields.Str(),
        values=fields.Str(),
        data_key="fields",
        metadata={"description": "Validation errors: field name (dotted for nested ones) → message"},
    )
    conflicts = fields.List(
        fields.Dict(), metadata={"description": "Fair clashes (code `conflict`): the other fairs"}
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


DESCRIPTIONS = {
    400: "Not the documented shape: a body that is not JSON, a field named in `fields` (`bad_request`); "
    "a call with a session cookie and without its CSRF header (`csrf_failed`)",
    401: "No token, or one that is unknown or revoked (`unauthorized`); a revoked scanner device, by its "
    "token or by X-Device-Id (`device_revoked`)",
    403: "The account may not do this (`forbidden`, or the rule's own code)",
    404: "No such record, or none the caller may see (`not_found`)",
    413: "The body is over the size limit (`payload_too_large`)",
    503: "The database cannot be reached right now (`database_unavailable`); try again after Retry-After",
}


ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


class ErrorResponses(BasePlugin):
    """apispec plugin: completes each operation's error responses as it is added to the document."""

    def __init__(self, app):
        self.app = app
        self.spec = None
        self.registered = set()

    def init_spec(self, spec):
        super().init_spec(spec)
        self.spec = spec

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        for method, operation in operations.items():
            if method not in METHODS or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            declared = {str(status) for status in responses}
            for status in statuses_of(self.app, rule, method, operation):
                if str(status) not in declared:
                    responses[str(status)] = self._ref(status)
            for status, response in responses.items():
                if _is_error(status) and isinstance(response, dict) and not _has_body(response):
                    self._error_schema()
                    response["content"] = ERROR_CONTENT

    def _ref(self, status: int) -> dict:
        name = "".join(word.title() for word in HTTPStatus(status).name.split("_"))  # e.g. NotFound
        if name not in self.registered:
            self._error_schema()
            self.spec.components.response(
                name, {"description": DESCRIPTIONS[status], "content": ERROR_CONTENT}
            )
            self.registered.add(name)
        return {"$ref": f"#/components/responses/{name}"}

    def _error_schema(self) -> None:
        if "Error" not in self.spec.components.schemas:
            self.spec.components.schema("Error", schema=ErrorSchema)


def statuses_of(app, rule, method: str, operation: dict) -> set[int]:
    """The error statuses an operation answers because of what it is (see the module's table)."""
    found = {401, 503}
    access = access_rule(app, rule.endpoint, method.upper()) or ""
    if access.startswith("roles:"):
        found.add(403)
    if rule.arguments:
        found.add(404)
    if method != "get":
        found |= {400, 413}
    query = [p for p in operation.get("parameters", []) if isinstance(p, dict) and p.get("in") == "query"]
    if query and not _read_by_webargs(operation):
        found.add(400)
    return found


def _read_by_webargs(operation: dict) -> bool:
    """Whether flask-smorest validates the operation's input (@blp.arguments): it documents that 422."""
    responses = operation.get("responses", {})
    webargs = responses.get("422", responses.get(422))  # a component's name, a reference once resolved
    if isinstance(webargs, dict):
        webargs = webargs.get("$ref", "").rsplit("/", 1)[-1]
    return webargs == "UNPROCESSABLE_CONTENT"


def _is_error(status) -> bool:
    return str(status).isdigit() and int(status) >= 400


def _has_body(response: dict) -> bool:
    return "$ref" in response or "content" in response
