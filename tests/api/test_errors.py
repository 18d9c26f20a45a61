"""The API always answers in JSON with {"error": {"code", "message"[, "fields"]}}: never HTML,
never a 500 for bad input."""

import json

import pytest

from tests.api.conftest import bearer

GOOD = {"name": "Nguyễn Văn An", "quantity": 2, "address": {"ward_code": "05528"}}


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    assert "<html" not in response.get_data(as_text=True).lower()
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def test_unknown_api_path_is_json_404(client):
    error = _error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert error["message"] == "Không tìm thấy."
    _error(client.get("/api/no-version/x"), 404, "not_found")
    _error(client.get("/api"), 404, "not_found")


def test_unknown_page_is_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_wrong_method_is_json_405_with_allow(client):
    response = client.delete("/api/v1/me")
    _error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_echo_accepts_a_good_body(client, echo_api):
    response = client.post(f"{echo_api}/echo", json=GOOD)
    assert response.status_code == 200
    assert response.get_json()["address"] == {"ward_code": "05528"}


def test_malformed_json_is_400_bad_request(client, echo_api):
    response = client.post(f"{echo_api}/echo", data='{"name": "An", ', content_type="application/json")
    error = _error(response, 400, "bad_request")
    assert error["message"] == "Nội dung gửi lên không phải JSON hợp lệ."
    assert "fields" not in error


def test_validation_failure_is_422_with_field_names(client, echo_api):
    body = {"name": "A", "quantity": 0, "address": {"ward_code": 5528}, "tags": ["ok", 3]}
    error = _error(client.post(f"{echo_api}/echo", json=body), 422, "validation_error")
    assert error["message"] == "Dữ liệu chưa hợp lệ."
    fields = error["fields"]
    assert set(fields) == {"name", "quantity", "address.ward_code", "tags.1"}
    # marshmallow's English messages come out in the interface language
    assert fields["name"] == "Cần ít nhất 2 ký tự hoặc phần tử."
    assert fields["quantity"] == "Phải lớn hơn hoặc bằng 1."
    assert fields["address.ward_code"] == "Phải là chuỗi ký tự."
    assert fields["tags.1"] == "Phải là chuỗi ký tự."


def test_missing_nested_object_and_unknown_field(client, echo_api):
    error = _error(client.post(f"{echo_api}/echo", json={"name": "An", "extra": 1}), 422, "validation_error")
    assert error["fields"] == {"address": "Trường này là bắt buộc.", "extra": "Trường này không được hỗ trợ."}


@pytest.mark.parametrize("body", [[1, 2], "text", 42, None, True])
def test_bodies_that_are_not_objects_are_rejected_as_json(client, echo_api, body):
    response = client.post(f"{echo_api}/echo", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["code"] in ("bad_request", "validation_error")


def test_form_encoded_body_is_not_accepted_as_json(client, echo_api):
    response = client.post(f"{echo_api}/echo", data={"name": "An"})
    error = _error(response, 422, "validation_error")
    assert "address" in error["fields"]


def test_body_over_the_limit_is_json_413(app, client, echo_api):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    body = json.dumps({**GOOD, "name": "x" * 2000})
    _error(
        client.post(f"{echo_api}/echo", data=body, content_type="application/json"), 413, "payload_too_large"
    )


def test_protected_api_without_token_is_401_json(client):
    response = client.get("/api/v1/me")
    _error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    ["Bearer fa_not-a-real-token", "Bearer ", "Basic dXNlcjpwdw==", "Bearer " + "fa_" + "x" * 200, "bearer"],
)
def test_bad_token_is_401_json(client, header):
    _error(client.get("/api/v1/me", headers={"Authorization": header}), 401, "unauthorized")


def test_anonymous_call_is_refused_before_the_body_is_read(client, echo_api):
    """401, not 422: somebody without an account learns nothing about the body's shape."""
    _error(client.post(f"{echo_api}/echo-signed-in", json={}), 401, "unauthorized")


@pytest.mark.fresh_app
def test_unexpected_error_is_json_500_without_traceback(app, client, make_user, token_for):
    secret = token_for(make_user("admin"))

    @app.before_request
    def _explode():
        raise RuntimeError("boom: internal detail")

    response = client.get("/api/v1/me", headers=bearer(secret))
    error = _error(response, 500, "server_error")
    assert "boom" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert error["message"] == "Đã có lỗi xảy ra. Vui lòng thử lại sau."


def test_wrong_role_is_403_json_before_the_body_is_read(client, echo_api, make_user, token_for):
    gate, admin = token_for(make_user("gate")), token_for(make_user("admin"))
    _error(client.post(f"{echo_api}/admin-only", json={}, headers=bearer(gate)), 403, "forbidden")
    _error(client.post(f"{echo_api}/admin-only", json={}), 401, "unauthorized")
    _error(client.post(f"{echo_api}/admin-only", json={}, headers=bearer(admin)), 422, "validation_error")
    body = {"name": "An Bình", "address": {"ward_code": "05533"}}
    assert client.post(f"{echo_api}/admin-only", json=body, headers=bearer(admin)).status_code == 200


def test_api_route_without_access_rule_is_refused(client, echo_api, make_user, token_for):
    admin = token_for(make_user("admin"))
    for headers in ({}, bearer(admin)):
        response = client.get(f"{echo_api}/undeclared", headers=headers)
        _error(response, 403, "forbidden")
        assert "leaked" not in response.get_data(as_text=True)
