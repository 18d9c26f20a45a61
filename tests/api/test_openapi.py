"""The OpenAPI document at /api/v1/openapi.json is valid OpenAPI 3 and describes the contract."""

from openapi_spec_validator import validate

from fairapp.auth.access import access_rule


def test_spec_is_valid_openapi_3_with_me_and_bearer(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    spec = response.get_json()
    validate(spec)  # raises with the path of the first error
    assert spec["openapi"].startswith("3.")
    assert "get" in spec["paths"]["/api/v1/me"]
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "flask --app fairapp users token EMAIL",
    }
    assert {"bearer": []} in spec["security"]


def test_spec_is_public_and_sets_no_cookie(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_every_api_route_is_in_the_spec(app, client):
    """Routes registered outside flask-smorest would miss the document and its validation."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    documented = {
        (path, method.upper())
        for path, item in paths.items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs."):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", f"{{{name}}}").replace(f"<{name}>", f"{{{name}}}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {rule.rule} is not in openapi.json"
            assert access_rule(app, rule.endpoint, method)


def test_public_operations_need_no_token(client):
    """Public operations say so (security: []); the registration takes a staff token optionally."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/admin-units"]["get"]["security"] == []
    assert paths["/api/v1/tickets/public-key"]["get"]["security"] == []
    assert {} in paths["/api/v1/fairs/{fair_id}/registrations"]["post"]["security"]
    assert "security" not in paths["/api/v1/checkins"]["post"]  # the document's default: bearer


def test_every_operation_declares_the_errors_it_can_answer(app, client):
    """What follows from an operation's kind is declared on it (fairapp.api.error_docs), every error
    response has the one Error body (fairapp.errors' {"error": {code, message, fields?}}), and nothing
    hides behind a catch-all `default`. The statuses a route's own rules add are checked by the fuzz
    test (tests/api/test_fuzz.py, status_code_conformance)."""
    spec = client.get("/api/v1/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = spec["components"]["schemas"][error["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    assert set(detail["required"]) == {"code", "message"}
    assert detail["properties"]["fields"]["additionalProperties"] == {"type": "string"}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation["responses"]
            where = f"{method.upper()} {path}"
            assert "default" not in responses, where
            expected = {"401", "503"}
            rule = access_rule(app, _endpoint(app, path, method), method.upper())
            if rule.startswith("roles:"):
                expected.add("403")
            if "{" in path:
                expected.add("404")
            if method != "get":
                expected |= {"400", "413"}
            assert expected <= set(responses), f"{where}: {sorted(expected - set(responses))} missing"
            for status, response in responses.items():
                if int(status) >= 400:
                    if "$ref" in response:
                        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, f"{where} {status}"


def _endpoint(app, path: str, method: str) -> str:
    for rule in app.url_map.iter_rules():
        documented = rule.rule
        for name in rule.arguments:
            documented = documented.replace(f"<int:{name}>", f"{{{name}}}").replace(
                f"<{name}>", f"{{{name}}}"
            )
        if documented == path and method.upper() in rule.methods:
            return rule.endpoint
    raise AssertionError(f"no route for {method} {path}")
