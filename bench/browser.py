"""What a browser or an API client sends, over real HTTP, for the tests and benchmarks that start real
servers: JSON requests with a bearer token, and a cookie session signed in through the sign-in form
(its CSRF token), which any server of the deployment accepts."""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 60


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


def call(
    base: str,
    method: str,
    path: str,
    body=None,
    *,
    token: str | None = None,
    headers=None,
    opener=None,
    timeout: float = TIMEOUT,
):
    """(status, JSON answer or None, headers)."""
    sent = {"Accept": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=data, headers=sent, method=method)
    try:
        with (opener or urllib.request.build_opener(NoRedirect)).open(request, timeout=timeout) as answer:
            return answer.status, _json(answer.read()), answer.headers
    except urllib.error.HTTPError as error:
        return error.code, _json(error.read()), error.headers


def _json(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return None


class Browser:
    """A person's browser: one cookie jar, whichever server answers; redirects are not followed, so
    that their targets can be read."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def get(self, url: str) -> tuple[int, str, dict]:
        try:
            with self.opener.open(url, timeout=TIMEOUT) as answer:
                return answer.status, answer.read().decode(errors="replace"), answer.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers

    def post_form(self, url: str, fields: dict) -> tuple[int, str, dict]:
        request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
        try:
            with self.opener.open(request, timeout=TIMEOUT) as answer:
                return answer.status, answer.read().decode(errors="replace"), answer.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers

    def sign_in(self, base: str, login: str, password: str) -> None:
        _status, page, _headers = self.get(base + "/login")
        status, _page, headers = self.post_form(
            base + "/login", {"login": login, "password": password, "csrf_token": form_token(page)}
        )
        assert status == 302 and "/login" not in headers["Location"], (status, headers.get("Location"))

    def call(self, base: str, method: str, path: str, body=None, *, csrf: str):
        return call(base, method, path, body, headers={"X-CSRFToken": csrf}, opener=self.opener)


def form_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def meta_token(page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
