"""The page shell: home for visitors, the language switch, error pages, security headers and no
inline script or style anywhere (the CSP would block them)."""

import re

import pytest

from fairapp import create_app
from fairapp.auth.access import public, roles
from fairapp.auth.models import Role
from tests.conftest import csrf_token_from

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def html_lang(html: str) -> str:
    match = re.search(r"<html lang=\"([a-z-]+)\"", html)
    assert match, "no <html lang>"
    return match.group(1)


def assert_no_inline_code(html: str) -> None:
    assert INLINE_SCRIPT.findall(html) == []
    assert EVENT_HANDLER.findall(html) == []
    assert STYLE_ATTRIBUTE.findall(html) == []
    assert STYLE_ELEMENT.findall(html) == []


@pytest.fixture()
def trouble_pages(app):
    """A page only admins may open, and one that fails unexpectedly."""
    app.add_url_rule(
        "/_test/admins-only", endpoint="_test_admins_only", view_func=roles(Role.ADMIN)(lambda: "secret")
    )

    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/_test/broken", endpoint="_test_broken", view_func=public(broken))
    return app


def test_home_for_visitors_is_vietnamese_and_public(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html_lang(html) == "vi"
    assert "<title>Phiên giao dịch việc làm lưu động · Việc làm lưu động</title>" in html
    assert "Việc làm gần nhà, gặp trực tiếp nhà tuyển dụng" in html
    assert 'id="upcoming"' in html and "Phiên sắp diễn ra" in html
    assert 'href="/login"' in html
    assert '<main id="main"' in html and 'href="#main"' in html  # skip link to the main content
    assert re.search(r"/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{10}\.css", html)
    assert re.search(r"/static/vendor/be-vietnam-pro/be-vietnam-pro\.[0-9a-f]{10}\.css", html)
    assert "bootstrap.bundle" not in html  # static/js/menu.js opens the menu


def test_shell_assets_are_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert len(assets) >= 4
    for path in assets:
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()
    assert "Be Vietnam Pro" in client.get("/static/css/app.css").get_data(as_text=True)
    font = client.get("/static/vendor/be-vietnam-pro/files/be-vietnam-pro-vietnamese-400-normal.woff2")
    assert font.status_code == 200


def test_language_switch_round_trips_and_keeps_the_page(client):
    page = client.get("/login")
    html = page.get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/language/(vi|en)">(.*?)</form>', html, re.DOTALL)
    assert [code for code, _ in forms] == ["vi", "en"]
    for _, body in forms:
        assert '<input type="hidden" name="next" value="/login">' in body
    assert ">Tiếng Việt</button>" in html and ">English</button>" in html

    token = csrf_token_from(html)
    switched = client.post("/language/en", data={"csrf_token": token, "next": "/login"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/login"
    english = client.get("/").get_data(as_text=True)
    assert html_lang(english) == "en"
    assert re.search(r'data-language="en"\s+class="btn btn-sm btn-primary" aria-current="true"', english)

    back = client.post("/language/vi", data={"csrf_token": token, "next": "/"})
    assert back.status_code == 302 and back.headers["Location"] == "/"
    assert html_lang(client.get("/").get_data(as_text=True)) == "vi"


def test_language_switch_refuses_foreign_next_and_unknown_languages(client):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    away = client.post("/language/en", data={"csrf_token": token, "next": "https://evil.example/"})
    assert away.status_code == 302 and away.headers["Location"] == "/"
    client.post("/language/xx", data={"csrf_token": token, "next": "/"})
    assert html_lang(client.get("/").get_data(as_text=True)) == "en"  # unchanged by the unknown code


def test_language_switch_needs_the_csrf_token(client):
    response = client.post("/language/en", data={"next": "/"})
    assert response.status_code == 400
    assert html_lang(client.get("/").get_data(as_text=True)) == "vi"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Không tìm thấy trang" in html and "Mã lỗi 404" in html
    assert "Kiểm tra lại địa chỉ" in html
    assert 'class="btn btn-primary btn-lg" href="/"' in html
    assert '<input type="hidden" name="next" value="/khong-co-trang-nay">' in html
    assert_no_inline_code(html)


@pytest.mark.fresh_app
def test_forbidden_page_explains_and_links_home(client, auth, trouble_pages):
    auth.login("gate")
    response = client.get("/_test/admins-only")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Bạn không có quyền xem trang này" in html and "Mã lỗi 403" in html
    assert "liên hệ quản trị viên" in html
    assert 'nav class="navbar navbar-expand-lg navbar-dark app-navbar"' in html
    assert_no_inline_code(html)


@pytest.mark.fresh_app
def test_unexpected_failure_shows_the_500_page(client, trouble_pages):
    response = client.get("/_test/broken")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Đã có lỗi xảy ra" in html and "Mã lỗi 500" in html
    assert "boom" not in html and "Traceback" not in html
    assert 'data-role="unknown"' in html  # the plain header, not the navigation
    assert_no_inline_code(html)


def test_error_page_renders_while_the_database_is_down(instance_path):
    """A database that cannot be reached is a 503 (try again soon), rendered without it."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            # nothing listens on port 1: every query fails to connect
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        }
    )
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:1"  # someone signed in: loading them needs the database
        session["_fresh"] = True
    response = client.get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "10"
    html = response.get_data(as_text=True)
    assert "Cơ sở dữ liệu tạm thời không truy cập được" in html and "Mã lỗi 503" in html
    assert html_lang(html) == "vi"
    assert "Đăng xuất" not in html


def test_security_headers_and_csp_allow_the_scanner_worker(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "worker-src 'self' blob:" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in client.get("/nope").headers


@pytest.mark.parametrize("role", [None, "admin", "organiser", "gate", "employer", "school"])
def test_rendered_pages_have_no_inline_script_style_or_handlers(client, auth, role):
    if role:
        auth.login(role)
    for path in ("/", "/login", "/nope"):
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert "<script" in html  # the check below looks at real script tags
        assert_no_inline_code(html)


def test_inline_code_checks_catch_what_the_csp_would_block():
    with pytest.raises(AssertionError):
        assert_no_inline_code("<script>alert(1)</script>")
    with pytest.raises(AssertionError):
        assert_no_inline_code('<button onclick="go()">x</button>')
    with pytest.raises(AssertionError):
        assert_no_inline_code('<div style="color:red">x</div>')
    assert_no_inline_code('<script src="/static/x.js"></script><p>only words like "on=" here</p>')
