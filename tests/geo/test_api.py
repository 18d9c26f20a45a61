"""GET /api/v1/admin-units and GET /units/search (the picker's endpoint)."""

import pytest
import vietnam_provinces as vp


def province_ward_codes(code: int) -> set[str]:
    return {f"{int(w.code):05d}" for w in vp.Ward.iter_all() if int(w.province_code) == code}


def test_admin_units_lists_every_ward_of_the_province_without_a_token(client):
    response = client.get("/api/v1/admin-units?province=19")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert len(items) == len(province_ward_codes(19)) == 92
    assert {item["code"] for item in items} == province_ward_codes(19)
    bach_quang = next(item for item in items if item["code"] == "05528")
    assert bach_quang == {
        "code": "05528",
        "name": "Phường Bách Quang",
        "short_name": "Bách Quang",
        "kind": "phuong",
        "province_code": 19,
    }
    assert {item["kind"] for item in items} == {"phuong", "xa"}


def test_admin_units_defaults_to_the_home_province(app, client):
    assert {i["code"] for i in client.get("/api/v1/admin-units").get_json()["items"]} == province_ward_codes(
        19
    )
    app.config["HOME_PROVINCE_CODE"] = 25
    items = client.get("/api/v1/admin-units").get_json()["items"]
    assert {i["province_code"] for i in items} == {25}


def test_admin_units_q_filters_by_name(client):
    items = client.get("/api/v1/admin-units?province=19&q=song%20cong").get_json()["items"]
    assert [item["code"] for item in items] == ["05518"]


def test_admin_units_unknown_province_is_404_json(client):
    response = client.get("/api/v1/admin-units?province=98")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert response.get_json()["error"]["message"] == "Không tìm thấy tỉnh/thành phố."


@pytest.mark.parametrize("value", ["abc", "19x", "-1", "0", "100000000000000000000", "1.5"])
def test_admin_units_bad_province_parameter_is_422_json(client, value):
    response = client.get(f"/api/v1/admin-units?province={value}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert "province" in error["fields"]
    assert "tỉnh/thành phố" in error["fields"]["province"]


def test_admin_units_too_long_q_is_422_json(client):
    response = client.get("/api/v1/admin-units?province=19&q=" + "x" * 300)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["q"] == "Từ khóa tìm kiếm dài quá 100 ký tự."


def test_admin_units_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/admin-units"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"province", "q"}
    assert "404" in operation["responses"]
    item = spec["components"]["schemas"]["AdminUnit"]["properties"]
    assert {"code", "name", "kind", "province_code"} <= set(item)


# The picker's endpoint ---------------------------------------------------------------------------


def test_picker_search_finds_by_old_name_with_its_label(client):
    response = client.get("/units/search?q=luong+son")
    assert response.status_code == 200
    first = response.get_json()["items"][0]
    assert first == {
        "code": "05528",
        "name": "Phường Bách Quang",
        "province_code": 19,
        "label": "Phường Bách Quang, Tỉnh Thái Nguyên",
        "legacy_label": "trước 01/07/2025: Phường Lương Sơn, Thành phố Sông Công, Tỉnh Thái Nguyên",
    }


def test_picker_search_direct_match_has_no_legacy_label(client):
    first = client.get("/units/search?q=B%C3%A1ch%20Quang").get_json()["items"][0]
    assert first["code"] == "05528"
    assert "legacy_label" not in first


def test_picker_search_province_parameter(client):
    items = client.get("/units/search?q=luong+son&province=25").get_json()["items"]
    assert items and {item["province_code"] for item in items} == {25}


@pytest.mark.parametrize(
    "url",
    [
        "/units/search",
        "/units/search?q=",
        "/units/search?q=%20%20",
        "/units/search?q=%25",
        "/units/search?q=" + "x" * 5000,
    ],
)
def test_picker_search_empty_or_odd_queries_give_empty_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.get_json() == {"items": []}


@pytest.mark.parametrize("value", ["abc", "98", "-19", "19.0", "9" * 50, "%00"])
def test_picker_search_bad_province_is_400_json(client, value):
    response = client.get(f"/units/search?q=bach&province={value}")
    assert response.status_code == 400
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert error["fields"]["province"] == "Mã tỉnh/thành phố không hợp lệ."
