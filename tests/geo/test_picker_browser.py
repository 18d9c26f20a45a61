"""The ward picker in Debian's Chromium: the combobox with JavaScript, the <select> without."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.geo.test_picker import page  # noqa: F401  (the fixture registering /test/place)

pytestmark = [pytest.mark.browser, pytest.mark.fresh_app]  # each test adds its page to the application
CHROMIUM = shutil.which("chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture()
def live_url(app, page):  # noqa: F811
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{page}"
    server.shutdown()
    thread.join(5)


@pytest.fixture()
def browser():
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def test_typing_an_old_name_and_choosing_with_the_keyboard(browser, live_url):
    tab = browser.new_page()
    problems = []
    # Script errors and CSP violations; failed responses are checked by URL below.
    tab.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    tab.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.goto(live_url)

    combobox = tab.locator("#ward_code")
    assert combobox.get_attribute("role") == "combobox"
    assert tab.locator("select[name=ward_code]").count() == 0
    combobox.fill("luong son")
    first = tab.locator("#ward_code-listbox [role=option]").first
    first.wait_for()
    assert "Phường Bách Quang, Tỉnh Thái Nguyên" in first.inner_text()
    assert "trước 01/07/2025: Phường Lương Sơn, Thành phố Sông Công" in first.inner_text()
    assert combobox.get_attribute("aria-expanded") == "true"

    combobox.press("ArrowDown")
    assert combobox.get_attribute("aria-activedescendant") == first.get_attribute("id")
    combobox.press("Enter")
    assert combobox.input_value() == "Phường Bách Quang, Tỉnh Thái Nguyên"
    assert tab.locator("input[type=hidden][name=ward_code]").input_value() == "05528"
    assert combobox.get_attribute("aria-expanded") == "false"

    tab.get_by_role("button", name="Gửi").click()
    assert tab.locator("#chosen").inner_text() == "05528 Phường Bách Quang"
    assert problems == []  # no CSP violation, no script error


def test_tapping_an_option_and_editing_clears_the_code(browser, live_url):
    tab = browser.new_page()
    tab.goto(live_url)
    combobox = tab.locator("#ward_code")
    combobox.fill("song cong")
    option = tab.locator("#ward_code-listbox [role=option]", has_text="Phường Sông Công")
    option.click()
    hidden = tab.locator("input[type=hidden][name=ward_code]")
    assert hidden.input_value() == "05518"
    combobox.press("Backspace")  # the text no longer names the chosen ward
    assert hidden.input_value() == ""
    combobox.fill("zzzq")
    message = tab.locator("[data-ward-picker-message]").first
    message.wait_for()
    assert "Không tìm thấy phường/xã nào" in message.inner_text()


def test_without_javascript_the_select_works(browser, live_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live_url)
    tab.select_option("select[name=ward_code]", "05533")
    tab.get_by_role("button", name="Gửi").click()
    assert tab.locator("#chosen").inner_text() == "05533 Phường Bá Xuyên"
    context.close()
