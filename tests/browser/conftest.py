"""Browser fixtures: the app served by a real HTTP server in a thread, Debian's chromium driven by
Playwright, pages at phone and desktop widths that record console errors, and sign-in through the
real form.

The live server uses the session's migrated database (SQLite file or PostgreSQL), so rows a test
commits through `make_user` are visible to it; the `app` fixture empties the tables afterwards."""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from fairapp import create_app
from tests.conftest import ARTIFACTS, PASSWORD, _config

CHROMIUM = os.environ.get("FAIRAPP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MOBILE = (360, 740)
DESKTOP = (1280, 800)
HEIGHTS = {MOBILE[0]: MOBILE[1], DESKTOP[0]: DESKTOP[1]}


class QuietHandler(WSGIRequestHandler):
    """No access log line per request; errors are still logged."""

    def log_request(self, code="-", size="-") -> None:
        pass


@pytest.fixture(scope="session")
def live_url(_schema, instance_path) -> Iterator[str]:
    """http://127.0.0.1:<free port>, serving the app on the session's database until the end."""
    app = create_app(_config(_schema, instance_path))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            from fairapp.extensions import db

            db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium. Missing: a failure in CI, a skip elsewhere.

    One per test module, not per session: Playwright's sync API refuses to start while another
    instance is running in the thread, and browser tests elsewhere in the suite start their own."""
    if not Path(CHROMIUM).is_file():
        message = (
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(or set FAIRAPP_CHROMIUM); the browser tests need it."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleErrors(list):
    """Console errors and uncaught exceptions of a test's pages, CSP violations included. The one
    request the browser makes by itself, /favicon.ico, is not the page's doing and is left out."""

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.append(f"pageerror: {error}"))

    def _console(self, message) -> None:
        url = message.location.get("url") or ""
        if message.type == "error" and not url.endswith("/favicon.ico"):
            self.append(f"console: {message.text} ({url})")


@pytest.fixture()
def console_errors() -> ConsoleErrors:
    return ConsoleErrors()


@pytest.fixture()
def page_at(app, browser, live_url, console_errors) -> Iterator[Callable]:
    """page_at(width) → a fresh page (own context, cookies and viewport) with base URL live_url.

    Depends on `app` so that pages close before the tables are emptied."""
    contexts = []

    def open_page(width: int = DESKTOP[0], height: int | None = None):
        context = browser.new_context(
            base_url=live_url,
            viewport={"width": width, "height": height or HEIGHTS.get(width, 800)},
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        console_errors.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture()
def page(page_at):
    return page_at(DESKTOP[0])


def sign_in(page, login: str, password: str = PASSWORD, *, path: str = "/login") -> None:
    """Fill and submit the real sign-in form at `path` (it may carry ?next=)."""
    if path:
        page.goto(path)
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(login)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("[type=submit]").click()


def screenshot(page, *parts: str) -> Path:
    """Save a full-page screenshot as test-artifacts/<parts...>.png and return its path."""
    path = ARTIFACTS.joinpath(*parts[:-1], f"{parts[-1]}.png")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


WIDEST = """() => document.fonts.ready.then(() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map((element) => [element.tagName, element.className, element.getBoundingClientRect().right]);
  return [document.documentElement.scrollWidth, wide];
})"""


def assert_fits(page, width: int) -> None:
    """Nothing sideways at `width` once the page's fonts are in (a page measured while its web font
    still loads is laid out in the fallback font); on failure, the elements that stick out."""
    scroll_width, wide = page.evaluate(WIDEST)
    assert scroll_width <= width, wide
