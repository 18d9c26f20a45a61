"""Faults and malformed input (issue 10): a database that cannot be used answers 503
database_unavailable with the security headers, never a traceback; a connection the server dropped
costs no request; ids past the database's integers are 404 (URLs) or 422 naming the field (bodies);
JSON nested too deep is 400 invalid_json wherever a body is read."""

import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from fairapp import create_app
from fairapp.database import engine_options
from fairapp.extensions import db as _db
from fairapp.ids import MAX_ID
from fairapp.jsonbody import MAX_DEPTH
from fairapp.security import HEADERS
from tests.api.conftest import bearer
from tests.conftest import csrf_token_from

UNAVAILABLE = "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút."
TOO_BIG = 10**20  # past every database's integers (SQLite and psycopg stop at 2**63)
PERSON = {
    "full_name": "Nguyễn Văn An",
    "phone": "0912345678",
    "birth_year": 1995,
    "gender": "male",
    "ward_code": "05528",
    "consent_personal_data": True,
}


def broken_url(database_url: str) -> str:
    """A URL of the same kind where no database answers: a closed port, or a folder that is not there."""
    if database_url.startswith("postgresql"):
        return make_url(database_url).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    return "sqlite:////nonexistent-folder/fairapp.sqlite3"


@pytest.fixture()
def broken_app(app, database_url, instance_path):
    """An application like the test's, whose database cannot be reached."""
    broken = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": broken_url(database_url)}
    )
    yield broken
    with broken.app_context():
        _db.engine.dispose()


def assert_unavailable(response, *, json: bool = True) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 503, text[:500]
    assert "Traceback" not in text and "OperationalError" not in text and "nonexistent" not in text
    for name, value in HEADERS:
        assert response.headers.get(name) == value, name
    assert response.headers["Retry-After"].isdigit()
    if json:
        assert response.mimetype == "application/json"
        assert response.get_json() == {"error": {"code": "database_unavailable", "message": UNAVAILABLE}}
    else:
        assert response.mimetype == "text/html" and UNAVAILABLE in text


# --- 1. The database cannot be used ------------------------------------------------------------------


def test_unreachable_database_answers_503_on_pages_and_api(broken_app, caplog):
    client = broken_app.test_client()
    with caplog.at_level(logging.ERROR):
        assert_unavailable(client.get("/fairs"), json=False)  # a public page that reads fairs
        assert_unavailable(client.get("/api/v1/admin-units?province=19"))  # public API
        assert_unavailable(client.get("/api/v1/me", headers=bearer("fa_some-token")))  # token lookup
        assert_unavailable(client.post("/api/v1/fairs/1/registrations", json=PERSON))
    assert "Traceback" not in caplog.text  # one line in the log, not a traceback


def test_signed_in_session_whose_user_cannot_be_loaded_gets_503(client, auth, broken_app):
    """The failure happens before any view: Flask-Login loading the account from the session."""
    auth.login("admin")
    cookie = client.get_cookie("fairapp_session")
    other = broken_app.test_client()
    other.set_cookie("fairapp_session", cookie.value)
    assert_unavailable(other.get("/manage/fairs/"), json=False)
    assert_unavailable(other.get("/api/v1/me"))
    assert_unavailable(other.get("/", headers={"X-Device-Id": "dev_x"}), json=False)


def _lost_connection(*_args, **_kwargs):
    raise sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


def test_connection_lost_during_a_request_answers_503(app, client, make_user, token_for, monkeypatch, auth):
    from fairapp.fairs import services

    secret = token_for(make_user("admin"))
    monkeypatch.setattr(services, "list_fairs", _lost_connection)
    assert_unavailable(client.get("/api/v1/fairs", headers=bearer(secret)))
    auth.login("admin")
    assert_unavailable(client.get("/manage/fairs/"), json=False)


def test_a_bug_is_still_500_not_503(app, client, make_user, token_for, monkeypatch):
    from fairapp.fairs import services

    def broken(*_args, **_kwargs):
        raise sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key"))

    secret = token_for(make_user("admin"))
    monkeypatch.setattr(services, "list_fairs", broken)
    response = client.get("/api/v1/fairs", headers=bearer(secret))
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "server_error"


def test_engines_of_a_database_server_ping_pooled_connections(app, db):
    options = engine_options(app)
    assert options["pool_pre_ping"] is (db.engine.dialect.name != "sqlite")


def test_connections_killed_by_the_server_cost_no_request(app, db, database_url, make_user, token_for):
    """A PostgreSQL restart, or an idle connection cut: every pooled connection is terminated by the
    server, and the next requests (ORM, a check-in, a page) still succeed."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server to drop a connection")
    secret = token_for(make_user("gate"))
    db.session.commit()
    db.session.close()
    served = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    client = served.test_client()

    def requests() -> list[int]:
        return [
            client.get("/api/v1/me", headers=bearer(secret)).status_code,
            client.post(
                "/api/v1/checkins", json={"fair_id": 1, "qr_payload": "x"}, headers=bearer(secret)
            ).status_code,
            client.get("/fairs").status_code,
            client.get("/api/v1/admin-units?province=19").status_code,
        ]

    try:
        before = requests()
        assert before == [200, 404, 200, 200]
        with served.app_context():
            pooled = _db.engine.pool.checkedin()
        assert pooled >= 1  # the requests left connections in the pool
        admin = sa.create_engine(database_url, poolclass=sa.NullPool)
        with admin.connect() as connection:
            killed = connection.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
        admin.dispose()
        assert killed >= pooled
        assert requests() == before
    finally:
        with served.app_context():
            _db.engine.dispose()


# --- 2. Ids past the database's integers ----------------------------------------------------------------


@pytest.mark.parametrize("number", [TOO_BIG, 2**63, MAX_ID + 1])
def test_too_large_ids_in_urls_are_404(client, auth, make_user, token_for, number):
    secret = token_for(make_user("admin"))
    for path in (
        f"/api/v1/fairs/{number}",
        f"/api/v1/fairs/{number}/stats",
        f"/api/v1/employers/{number}",
        f"/api/v1/fairs/{number}/revocations",
    ):
        response = client.get(path, headers=bearer(secret))
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found"
    response = client.post(f"/api/v1/fairs/{number}/publish", headers=bearer(secret))
    assert response.status_code == 404
    auth.login("admin")
    for path in (f"/fairs/{number}", f"/manage/fairs/{number}", f"/admin/users/{number}"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.get_data(as_text=True)


def test_the_largest_id_is_still_routed(client, make_user, token_for):
    secret = token_for(make_user("admin"))
    response = client.get(f"/api/v1/fairs/{MAX_ID}", headers=bearer(secret))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_openapi_documents_the_id_bound(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = spec["paths"]["/api/v1/fairs/{fair_id}"]["parameters"]
    (fair_id,) = [p for p in parameters if p["name"] == "fair_id"]
    assert fair_id["schema"]["maximum"] == MAX_ID


def _fair(db, status):
    from datetime import timedelta

    from fairapp.fairs.models import Fair
    from fairapp.modelbase import utcnow

    starts_at = utcnow().replace(microsecond=0) + timedelta(days=7)
    fair = Fair(
        title="Phiên giao dịch việc làm",
        ward_code="05528",
        venue_name="Nhà văn hoá",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status=status,
    )
    db.session.add(fair)
    db.session.commit()
    return fair


def _fields(response, status: int = 422) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_json()["error"].get("fields", {})


def test_too_large_ids_in_bodies_are_refused_naming_the_field(client, db, make_user, token_for):
    from fairapp.fairs.models import FairStatus
    from fairapp.partners import services

    admin = bearer(token_for(make_user("admin")))
    fair = _fair(db, FairStatus.PUBLISHED)
    employer = services.create_employer({"name": "Công ty TNHH An Bình", "tax_code": "0101234565"})
    db.session.commit()
    for body, field in (
        ({"employer_id": TOO_BIG}, "employer_id"),
        ({"school_id": 2**63}, "school_id"),
        ({"employer_id": MAX_ID + 1}, "employer_id"),
    ):
        assert field in _fields(client.post(f"/api/v1/fairs/{fair.id}/booths", json=body, headers=admin))
    vacancy = {"title": "Công nhân may", "quantity": 5, "fair_ids": [TOO_BIG]}
    assert "fair_ids.0" in _fields(
        client.post(f"/api/v1/employers/{employer.id}/vacancies", json=vacancy, headers=admin)
    )
    person = {**PERSON, "desired_vacancy_ids": [1, TOO_BIG]}
    assert "desired_vacancy_ids.1" in _fields(
        client.post(f"/api/v1/fairs/{fair.id}/registrations", json=person, headers=admin)
    )
    new_fair = {
        "title": "Phiên mới",
        "ward_code": "05528",
        "starts_at": "2030-03-07T07:30:00+07:00",
        "ends_at": "2030-03-07T11:30:00+07:00",
        "capacity": TOO_BIG,
    }
    assert "capacity" in _fields(client.post("/api/v1/fairs", json=new_fair, headers=admin))
    # a check-in's fair_id is read by hand: a malformed request, 400 naming the field
    gate = bearer(token_for(make_user("gate")))
    scan = {"fair_id": TOO_BIG, "qr_payload": "F1.x"}
    assert "fair_id" in _fields(client.post("/api/v1/checkins", json=scan, headers=gate), 400)


# --- 3. JSON nested too deep -------------------------------------------------------------------------


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def _invalid_json(response) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "invalid_json"


def _api_bodies(app) -> list[str]:
    """Every API path (ids filled in) that reads a JSON body: a requestBody in the OpenAPI document."""
    with app.test_client() as client:
        spec = client.get("/api/v1/openapi.json").get_json()
    paths = []
    for path, operations in spec["paths"].items():
        if "requestBody" in operations.get("post", {}):
            paths.append(
                path.replace("{fair_id}", "1")
                .replace("{employer_id}", "1")
                .replace("{school_id}", "1")
                .replace("{device_id}", "1")
                .replace("{hire_id}", "1")
                .replace("{sender}", "sms_http")
            )
    return paths


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 100_000])
def test_deep_json_is_400_on_every_api_body(app, client, make_user, token_for, levels):
    admin = bearer(token_for(make_user("admin")))
    app.config["MESSAGE_DELIVERY_SECRET"] = "gateway-secret"  # the delivery reports read a body too
    paths = _api_bodies(app)
    assert {
        "/api/v1/fairs",
        "/api/v1/checkins",
        "/api/v1/checkins/sync",
        "/api/v1/employers",
        "/api/v1/fairs/1/registrations",
        "/api/v1/devices",
    } <= set(paths)
    for path in paths:
        for headers in (admin, {}):  # a staff token; or none (public routes read the body too)
            response = client.post(
                path,
                data=nested(levels),
                content_type="application/json",
                headers={**headers, "X-Delivery-Secret": "gateway-secret"},
            )
            if response.status_code == 401:
                continue  # refused before the body is read
            _invalid_json(response)


def test_json_at_the_depth_limit_is_read(app, client, make_user, token_for):
    admin = bearer(token_for(make_user("admin")))
    response = client.post(
        "/api/v1/checkins", data=nested(MAX_DEPTH), content_type="application/json", headers=admin
    )
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    deep_field = '{"fair_id": 1, "qr_payload": "x", "gate": ' + nested(MAX_DEPTH - 1) + "}"
    response = client.post(
        "/api/v1/checkins", data=deep_field, content_type="application/json", headers=admin
    )
    assert response.get_json()["error"]["fields"] == {"gate": "gate: chuỗi ký tự, tối đa 50 ký tự."}


def test_deep_json_on_the_scanner_page_endpoints(client, db, auth):
    """The JSON endpoints behind pages (cookie session, CSRF header) read bodies the same way."""
    from fairapp.fairs.models import FairStatus

    fair = _fair(db, FairStatus.OPEN)
    auth.login("admin")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    for path in ("/api/v1/checkins", "/api/v1/devices", f"/scan/{fair.id}/manual"):
        response = client.post(
            path, data=nested(500), content_type="application/json", headers={"X-CSRFToken": token}
        )
        _invalid_json(response)
