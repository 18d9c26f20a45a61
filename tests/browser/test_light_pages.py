"""Light pages in Chromium (issue 16): a repeat visit asks the server for the page alone (every static
file is cached for a year under its hashed name), and the ticket page and the scanner page still
reopen without a network after a static file changed between two visits.

These tests serve the application from a copy of static/, which they change; the server counts the
requests that reach it (a file from the browser's cache or a service worker's cache never does)."""

import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from fairapp import create_app
from tests.browser.conftest import CHROMIUM, MOBILE, QuietHandler, sign_in
from tests.browser.test_scanner_camera import open_fair
from tests.browser.test_ticket_offline import published_fair, register
from tests.conftest import _config

pytestmark = pytest.mark.browser
STATIC = Path(__file__).resolve().parents[2] / "static"
STYLED = """() => [...document.querySelectorAll("link[rel=stylesheet]")]
  .every((link) => link.sheet && link.sheet.cssRules.length > 0)"""


@dataclass
class Served:
    url: str
    static: Path
    files: object
    requests: list = field(default_factory=list)

    def change(self, name: str) -> None:
        """A new release of one static file: the application serves it under a new name."""
        before = self.files.url_name(name)
        with (self.static / name).open("a") as file:
            file.write("\n/* changed */\n")
        self.files.reload()
        assert self.files.url_name(name) != before


@pytest.fixture()
def served(app, _schema, instance_path, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(STATIC, static)
    server_app = create_app(_config(_schema, instance_path))
    files = server_app.extensions["fairapp_static"]
    files.root = static
    files.reload()
    result = Served("", static, files)
    inner = server_app.wsgi_app

    def counting(environ, start_response):
        result.requests.append(environ.get("PATH_INFO", ""))
        return inner(environ, start_response)

    server_app.wsgi_app = counting
    server = make_server("127.0.0.1", 0, server_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="light-pages", daemon=True)
    thread.start()
    result.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield result
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with server_app.app_context():
            from fairapp.extensions import db

            db.engine.dispose()


@pytest.fixture()
def phone(browser, served):
    if not Path(CHROMIUM).is_file():
        pytest.skip("chromium not installed")
    context = browser.new_context(
        base_url=served.url, viewport={"width": MOBILE[0], "height": MOBILE[1]}, locale="vi-VN"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()


def test_a_repeat_visit_to_the_registration_page_asks_for_the_page_alone(db, served, phone):
    fair = published_fair(db)
    path = f"/fairs/{fair.id}/register"
    phone.goto(path)
    phone.evaluate("() => document.fonts.ready.then(() => true)")
    phone.wait_for_load_state("networkidle")  # the favicon too, which the browser asks for after load
    first = list(served.requests)
    assert first[0] == path
    statics = [asked for asked in first if asked.startswith("/static/")]
    assert len(statics) >= 6  # stylesheets, scripts, the fonts
    assert not any("bootstrap.bundle" in asked for asked in statics)

    phone.goto("about:blank")
    served.requests.clear()
    phone.goto(path)
    phone.evaluate("() => document.fonts.ready.then(() => true)")
    phone.wait_for_load_state("networkidle")
    assert served.requests == [path]
    assert phone.evaluate(STYLED)
    # Everything still works from the cache: the menu opens with our own script.
    phone.locator(".navbar-toggler").click()
    expect(phone.locator("#main-nav")).to_be_visible()
    expect(phone.locator(".navbar-toggler")).to_have_attribute("aria-expanded", "true")
    assert phone.errors == []


def test_the_ticket_reopens_offline_after_a_static_file_changed(db, served, phone):
    fair = published_fair(db)
    registration = register(db, fair, "Hoàng Văn Đức")
    ticket_url = f"/t/{registration.ticket_secret}"
    phone.goto(ticket_url)
    expect(phone.locator("[data-ticket]")).to_have_attribute("data-offline-ready", "true")

    served.change("css/app.css")  # a release between two visits
    phone.goto(ticket_url)
    new_css = served.files.url_name("css/app.css")
    assert phone.locator(f'link[href="/static/{new_css}"]').count() == 1
    expect(phone.locator("[data-ticket]")).to_have_attribute("data-offline-ready", "true")

    phone.context.set_offline(True)
    phone.reload()
    expect(phone.locator("[data-ticket-name]")).to_have_text("Hoàng Văn Đức")
    assert phone.locator(f'link[href="/static/{new_css}"]').count() == 1
    assert phone.evaluate(STYLED)  # the new stylesheet came from the worker's cache
    phone.context.set_offline(False)
    assert phone.errors == []


def test_the_scanner_reopens_offline_after_a_static_file_changed(db, served, phone, make_user):
    fair = open_fair(db)
    sign_in(phone, make_user("gate").email)
    phone.goto(f"/scan/{fair.id}")
    scanner = phone.locator("[data-scanner]")
    expect(scanner).to_have_attribute("data-offline-ready", "true", timeout=30_000)

    served.change("css/scanner.css")
    served.change("vendor/qr-scanner/qr-scanner-worker.min.js")  # fetched only when the camera starts
    phone.goto(f"/scan/{fair.id}")
    expect(scanner).to_have_attribute("data-offline-ready", "true", timeout=30_000)
    worker = served.files.url_name("vendor/qr-scanner/qr-scanner-worker.min.js")
    assert f"/static/{worker}" in scanner.get_attribute("data-offline-assets")

    phone.context.set_offline(True)
    phone.reload()
    expect(scanner).to_have_attribute("data-ready", "stored")
    assert phone.evaluate(STYLED)
    stored = phone.evaluate(
        """(url) => caches.keys().then((names) => Promise.all(names.map((name) =>
             caches.open(name).then((cache) => cache.match(url)))).then((found) => found.some(Boolean)))""",
        f"{served.url}/static/{worker}",
    )
    assert stored  # the camera's decoder, under its new name, is on the phone too
    phone.context.set_offline(False)
    assert phone.errors == []
