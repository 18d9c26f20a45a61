"""Light pages (issue 16): static files under hashed URLs with the immutable header, compressed
responses that decompress to what was sent, HTML asked for again each time, and CSRF tokens masked
afresh in every copy so that compression cannot leak them."""

import gzip
import re
import shutil
import time
from pathlib import Path

import brotli
import pytest
from flask import Flask

from fairapp import csrf_masking, staticfiles
from tests.conftest import csrf_token_from

HASHED = re.compile(r"^/static/.+\.[0-9a-f]{10}\.[a-z0-9]+$")
IMMUTABLE = {"public", "max-age=31536000", "immutable"}
STATIC = Path(__file__).resolve().parents[2] / "static"


def directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


def static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def decoded(response) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    assert encoding is None, encoding
    return body


def without_tokens(html: bytes) -> bytes:
    """The page with each copy of the (masked) CSRF token replaced by one placeholder."""
    return re.sub(rb'(name="csrf_token"[^>]*value="|name="csrf-token" content=")[^"]+', rb"\1TOKEN", html)


# --- Hashed URLs, cache headers ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/fairs", "/login"])
def test_pages_name_static_files_by_hash_and_those_are_cached_for_a_year(client, path):
    page = client.get(path)
    assert page.status_code == 200
    assert directives(page) == {"no-cache"}  # the page itself is asked for again each time
    urls = static_urls(page.get_data(as_text=True))
    assert len(urls) >= 4
    for url in urls:
        assert HASHED.match(url), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == IMMUTABLE, url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()


def test_a_stylesheet_names_its_fonts_by_hash_too(client):
    html = client.get("/").get_data(as_text=True)
    (css_url,) = [url for url in static_urls(html) if "be-vietnam-pro" in url]
    css = decoded(client.get(css_url, headers={"Accept-Encoding": "identity"})).decode()
    fonts = re.findall(r"url\(([^)]+)\)", css)
    assert len(fonts) == 4  # regular and bold, Vietnamese and Latin
    base = css_url.rsplit("/", 1)[0]
    for font in fonts:
        response = client.get(f"{base}/{font}")
        assert response.status_code == 200 and HASHED.match(f"{base}/{font}"), font
        assert directives(response) == IMMUTABLE
        response.close()


def test_the_plain_name_still_answers_but_is_revalidated(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")
    response.close()


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "fonts").mkdir()
    (root / "js").mkdir()
    (root / "fonts" / "a.woff2").write_bytes(b"font one")
    (root / "css" / "site.css").write_text(
        "@font-face { src: url(../fonts/a.woff2) format('woff2'); }\n"
        'body { background: url("data:image/svg+xml,<svg/>"); }\n'
    )
    (root / "css" / "other.css").write_text("p { color: red; }\n")
    (root / "js" / "worker.js").write_text("self.x = 1;\n")
    (root / "js" / "loader.js").write_text('import("./worker.js").then(() => 1);\n')
    return root


def test_a_changed_file_gets_a_new_name_and_so_does_what_refers_to_it(tmp_path):
    root = _tree(tmp_path)
    before = {name: hashed for name, (hashed, _) in staticfiles.contents(root).items()}
    css = staticfiles.contents(root)["css/site.css"][1].decode()
    assert f"url(../fonts/{Path(before['fonts/a.woff2']).name})" in css
    assert "data:image/svg+xml,<svg/>" in css  # a data: URI is left alone
    loader = staticfiles.contents(root)["js/loader.js"][1].decode()
    assert f'import("./{Path(before["js/worker.js"]).name}")' in loader  # "./" kept: not a bare name

    (root / "fonts" / "a.woff2").write_bytes(b"font two")
    after = {name: hashed for name, (hashed, _) in staticfiles.contents(root).items()}
    assert after["fonts/a.woff2"] != before["fonts/a.woff2"]
    assert after["css/site.css"] != before["css/site.css"]  # it names the font
    assert after["css/other.css"] == before["css/other.css"]
    assert after["js/loader.js"] == before["js/loader.js"]


def test_a_running_application_serves_a_changed_file_under_its_new_name_and_still_the_old_one(tmp_path):
    root = _tree(tmp_path)
    app = Flask(__name__, static_folder=str(root))
    files = staticfiles.StaticFiles(app, root, tmp_path / "cache", autorefresh=True)
    client = app.test_client()
    old = files.url_name("css/other.css")
    assert client.get(f"/static/{old}").get_data() == b"p { color: red; }\n"

    time.sleep(0.01)
    (root / "css" / "other.css").write_text("p { color: blue; }\n")
    files.reload()
    new = files.url_name("css/other.css")
    assert new != old
    assert client.get(f"/static/{new}").get_data() == b"p { color: blue; }\n"
    # A page opened before the change still gets the file it names.
    assert client.get(f"/static/{old}").get_data() == b"p { color: red; }\n"


def test_servers_building_the_same_files_at_once_share_one_folder(tmp_path):
    root = _tree(tmp_path)
    first = staticfiles.build(root, tmp_path / "cache")
    shutil.rmtree(first.folder)
    again = staticfiles.build(root, tmp_path / "cache")
    assert again.folder == first.folder and (again.folder / again.names["css/site.css"]).is_file()
    assert [path.name for path in (tmp_path / "cache").iterdir()] == [first.folder.name]


def test_vendored_files_come_compressed_beside_the_original(app):
    folder = app.extensions["fairapp_static"].current.folder
    css = next(folder.glob("vendor/bootstrap/bootstrap.min.*.css"))
    original = css.read_bytes()
    assert brotli.decompress(Path(f"{css}.br").read_bytes()) == original
    assert gzip.decompress(Path(f"{css}.gz").read_bytes()) == original
    assert not list(folder.glob("**/*.woff2.gz"))  # fonts are compressed already


# --- Compression -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_files_come_compressed_and_decompress_to_the_original(client, encoding):
    html = client.get("/").get_data(as_text=True)
    for url in static_urls(html):
        if not url.endswith((".css", ".js", ".svg")):
            continue
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        packed = client.get(url, headers={"Accept-Encoding": encoding})
        assert plain.headers.get("Content-Encoding") is None
        if len(plain.get_data()) > 1000:
            assert packed.headers["Content-Encoding"] == encoding, url
            assert len(packed.get_data()) < len(plain.get_data()) / 2
        assert decoded(packed) == plain.get_data(), url
        assert "Accept-Encoding" in packed.headers.get("Vary", "")


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_pages_and_json_come_compressed_and_decompress_to_the_original(client, make_fair, encoding):
    fair = make_fair()
    for path in ("/", f"/fairs/{fair.id}", f"/fairs/{fair.id}/register", "/api/v1/openapi.json"):
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        packed = client.get(path, headers={"Accept-Encoding": f"{encoding}, deflate"})
        assert plain.status_code == packed.status_code == 200, path
        assert plain.headers.get("Content-Encoding") is None
        assert packed.headers["Content-Encoding"] == encoding, path
        assert without_tokens(decoded(packed)) == without_tokens(plain.get_data()), path


def test_a_small_answer_is_sent_as_it_is(client):
    """A check-in's answer is a few hundred bytes: compressing it would cost more than it saves."""
    response = client.get("/scan/manifest.webmanifest", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200 and len(response.get_data()) < 500
    assert response.headers.get("Content-Encoding") is None


# --- CSRF tokens masked per copy (BREACH) ---------------------------------------------------------


def test_every_copy_of_the_token_is_masked_differently(client):
    html = client.get("/").get_data(as_text=True)
    tokens = re.findall(r'name="csrf_token" value="([^"]+)"', html)
    assert len(tokens) >= 2  # the two language buttons
    assert len(set(tokens)) == len(tokens)
    assert len({csrf_masking.unmask(token) for token in tokens}) == 1
    again = re.findall(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True))
    assert not set(again) & set(tokens)


def test_a_masked_token_is_accepted_and_a_broken_one_refused_without_an_error(client):
    html = client.get("/").get_data(as_text=True)
    token = csrf_token_from(html)
    assert csrf_masking.SEPARATOR in token
    switched = client.post("/language/en", data={"csrf_token": token, "next": "/"})
    assert switched.status_code == 302
    for broken in (token[:-3], token.replace(csrf_masking.SEPARATOR, ""), "~", "a~b", "%%~%%", "é~é"):
        response = client.post("/language/vi", data={"csrf_token": broken, "next": "/"})
        assert response.status_code == 400, broken


def test_the_unmasked_token_is_still_accepted(client):
    token = csrf_masking.unmask(csrf_token_from(client.get("/").get_data(as_text=True)))
    assert csrf_masking.SEPARATOR not in token
    assert client.post("/language/en", data={"csrf_token": token, "next": "/"}).status_code == 302


def test_the_header_the_scanner_pages_send_is_unmasked_too(client, auth):
    auth.login("gate")
    html = client.get("/scan/").get_data(as_text=True)
    token = csrf_token_from(html)
    refused = client.post("/api/v1/devices", json={"name": "Cổng 1"}, headers={"X-CSRFToken": "x~y"})
    assert refused.status_code == 400
    created = client.post("/api/v1/devices", json={"name": "Cổng 1"}, headers={"X-CSRFToken": token})
    assert created.status_code == 201, created.get_data(as_text=True)


@pytest.mark.parametrize("value", ["", "~", "abc", "A~", "~A", "QQ~QUE", "QUFB~QQ", "\x00~\x00"])
def test_unmask_returns_what_it_cannot_read_unchanged(value):
    assert csrf_masking.unmask(value) == value or csrf_masking.SEPARATOR in value


def test_mask_and_unmask_round_trip():
    token = "ImFiYyI.Z0x1aA.c2lnbmF0dXJl"
    masked = {csrf_masking.mask(token) for _ in range(20)}
    assert len(masked) == 20
    assert {csrf_masking.unmask(value) for value in masked} == {token}
