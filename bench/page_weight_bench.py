"""The public pages and the scanner page on a rural phone's slow 3G line: bytes on the wire, requests,
first paint and load, on a first and a repeat visit.

gunicorn (2 sync workers) serves a temporary SQLite instance with the demo data (`seed-demo`, as
`make run` does). Debian's Chromium, driven by Playwright at 360 × 740, emulates the line through the
DevTools protocol: 300 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU 4 × slower
(`Network.emulateNetworkConditions`, `Emulation.setCPUThrottlingRate`). Each page is opened in a fresh
browser context (empty cache), then opened again by navigating to it (a repeat visit, not a reload,
which would ask for every file again on purpose).

Figures per visit:
- bytes: the sum of `Network.loadingFinished.encodedDataLength` (headers and compressed bodies, as
  sent on the line);
- requests: what reached the server, counted from gunicorn's access log (the browser's cache and a
  service worker's answers never get there; a service worker's own fetches do);
- first paint and load: the page's `first-contentful-paint` and `loadEventEnd`, from navigation start.

The scanner page is opened signed in as the demo's gate account; its repeat visit is made after its
service worker has stored what the page needs.

    .venv/bin/python bench/page_weight_bench.py       (needs `apt-get install -y chromium`)

Targets (issue 16): first visit ≤ 150 KB transferred, first paint ≤ 1.5 s, load ≤ 2.5 s; a repeat
visit 1 request (the page) and load ≤ 0.8 s, the scanner page's repeat visit the same."""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import serve, stop, wait_until_up  # noqa: E402

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
SLOW_3G = {
    "offline": False,
    "latency": 300,  # ms, round trip
    "downloadThroughput": 1.6 * 1000 * 1000 / 8,  # bytes/s
    "uploadThroughput": 750 * 1000 / 8,
}
CPU_SLOWDOWN = 4
TARGETS = {
    "first_kb": 150,
    "first_paint_s": 1.5,
    "first_load_s": 2.5,
    "repeat_requests": 1,
    "repeat_load_s": 0.8,
}
DEMO_PASSWORD = "fairapp-demo"


def _flask(folder: Path, *arguments: str) -> None:
    environment = {**os.environ, "FAIRAPP_INSTANCE_PATH": str(folder), "FAIRAPP_ENV": "development"}
    subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "fairapp", *arguments],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )


class AccessLog:
    """The lines gunicorn wrote to its access log since the last mark."""

    def __init__(self, path: Path) -> None:
        self.path, self.offset = path, 0

    def mark(self) -> None:
        time.sleep(0.3)  # gunicorn writes a line after it answers
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def since_mark(self) -> list[str]:
        time.sleep(0.3)
        with self.path.open() as log:
            log.seek(self.offset)
            return [line.strip() for line in log if line.strip()]


class Visit:
    """One navigation under the slow line: bytes on the wire from the DevTools protocol, timings from
    the page."""

    def __init__(self, page) -> None:
        self.page = page
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.session.send("Network.emulateNetworkConditions", SLOW_3G)
        self.session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        self.bytes = 0
        self.session.on("Network.loadingFinished", self._finished)

    def _finished(self, event: dict) -> None:
        self.bytes += event.get("encodedDataLength", 0)

    def open(self, url: str) -> dict:
        self.bytes = 0
        self.page.goto(url, wait_until="load", timeout=60_000)
        self.page.wait_for_timeout(300)  # the font and late files a page asks for after load
        timing = self.page.evaluate(
            """() => {
              const navigation = performance.getEntriesByType("navigation")[0];
              const paint = performance.getEntriesByName("first-contentful-paint")[0];
              return {paint: paint ? paint.startTime : null, load: navigation.loadEventEnd};
            }"""
        )
        return {
            "kb": round(self.bytes / 1000, 1),
            "first_paint_s": round(timing["paint"] / 1000, 2) if timing["paint"] is not None else None,
            "load_s": round(timing["load"] / 1000, 2),
        }


def _fair_links(base: str) -> tuple[str, str]:
    import urllib.request

    listing = urllib.request.urlopen(base + "/fairs").read().decode()  # noqa: S310 (our own server)
    for fair in dict.fromkeys(re.findall(r'href="(/fairs/\d+)"', listing)):
        page = urllib.request.urlopen(base + fair).read().decode()  # noqa: S310
        if registration := re.search(r'href="(/fairs/\d+/register)"', page):
            return fair, registration.group(1)
    raise RuntimeError("the demo lists no fair open for registration")


def _sign_in(page, base: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=login]", "gate@demo.vn")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


def _measure(browser, base: str, path: str, log: AccessLog, *, scanner: bool = False) -> dict:
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    try:
        page = context.new_page()
        if scanner:
            _sign_in(page, base)
            page.goto(base + "/scan/")
            links = page.eval_on_selector_all(
                "a[href^='/scan/']", "links => links.map(a => a.getAttribute('href'))"
            )
            path = next(link for link in links if re.fullmatch(r"/scan/\d+", link))
        visit = Visit(page)
        log.mark()
        first = visit.open(base + path)
        first["requests"] = len(log.since_mark())
        if scanner:  # the page's service worker stores the page and its files for offline use
            page.wait_for_selector("[data-offline-ready='true']", state="attached", timeout=60_000)
        else:
            page.goto("about:blank")
        log.mark()
        repeat = visit.open(base + path)
        lines = log.since_mark()
        repeat["requests"] = len(lines)
        repeat["asked"] = [line.split('"')[1] for line in lines if '"' in line]
        return {"path": path, "first": first, "repeat": repeat}
    finally:
        context.close()


def run() -> dict:
    if not Path(CHROMIUM).exists():
        print("chromium not found: apt-get install -y chromium")
        return {"skipped": "chromium not installed"}
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="fairapp-pages-") as name:
        folder = Path(name)
        _flask(folder, "db", "upgrade")
        _flask(folder, "geo", "load")
        _flask(folder, "seed-demo")
        access_log = folder / "access.log"
        environment = {**os.environ, "FAIRAPP_INSTANCE_PATH": str(folder), "FAIRAPP_ENV": "development"}
        server, base = serve(
            ["--workers", "2", "--access-logfile", str(access_log), "--access-logformat", '"%(r)s" %(s)s'],
            "fairapp.wsgi:app",
            environment,
        )
        try:
            wait_until_up(base, server)
            fair, registration = _fair_links(base)
            log = AccessLog(access_log)
            results = {}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    for label, path in (("home", "/"), ("fair", fair), ("registration", registration)):
                        results[label] = _measure(browser, base, path, log)
                    results["scanner"] = _measure(browser, base, "", log, scanner=True)
                finally:
                    browser.close()
        finally:
            stop(server)
    _report(results)
    return results


def _report(results: dict) -> None:
    print(
        f"slow 3G: {SLOW_3G['latency']} ms round trip, {SLOW_3G['downloadThroughput'] * 8 / 1e6:.1f} Mbit/s "
        f"down, CPU {CPU_SLOWDOWN}x slower; 360 px"
    )
    print(
        f"{'page':<14}{'first: KB':>10}{'requests':>9}{'paint s':>8}{'load s':>8}   "
        f"{'repeat: requests':>16}{'load s':>8}"
    )
    for label, figures in results.items():
        first, repeat = figures["first"], figures["repeat"]
        print(
            f"{label:<14}{first['kb']:>10}{first['requests']:>9}{first['first_paint_s']!s:>8}{first['load_s']:>8}"
            f"   {repeat['requests']:>16}{repeat['load_s']:>8}"
        )
        if repeat["requests"] > TARGETS["repeat_requests"]:
            print(f"{'':<14}repeat visit asked for: {', '.join(repeat['asked'])}")
    print(
        f"targets: first visit ≤ {TARGETS['first_kb']} KB, paint ≤ {TARGETS['first_paint_s']} s, load ≤ "
        f"{TARGETS['first_load_s']} s; repeat visit {TARGETS['repeat_requests']} request, load ≤ "
        f"{TARGETS['repeat_load_s']} s"
    )


if __name__ == "__main__":
    run()
