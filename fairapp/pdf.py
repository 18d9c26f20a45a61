"""PDF documents (posters now; tickets and badges later) rendered by WeasyPrint, offline and safely.

A document is a Jinja template under templates/pdf/ that extends pdf/_base.html (A4, Be Vietnam Pro
from the vendored font files). User text reaches the HTML only through Jinja's autoescaping, and
the URL fetcher refuses everything but data: URIs and files inside static/, so neither a fair's
description nor a crafted stylesheet can read local files or reach the network.

Layout with floats and absolute positioning: WeasyPrint lays flexbox out far more slowly."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_ROOT = (Path(__file__).resolve().parent.parent / "static").resolve()
FONT_DIR = STATIC_ROOT / "vendor" / "be-vietnam-pro" / "files"


class UrlRefused(ValueError):
    """A document asked for a resource it may not have (remote URL, or a file outside static/)."""


def static_file_url(relative: str) -> str:
    """file:// URL of a file under static/, for stylesheets, fonts and images in PDF templates."""
    path = (STATIC_ROOT / relative).resolve()
    if not path.is_relative_to(STATIC_ROOT):
        raise UrlRefused(relative)
    return path.as_uri()


def allowed_static_path(url: str) -> Path:
    """The static/ file a file:// URL points at; raise UrlRefused for any other URL."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise UrlRefused(url)
    path = Path(unquote(parts.path)).resolve()  # resolves "..", and symlinks that point elsewhere
    if not path.is_relative_to(STATIC_ROOT) or not path.is_file():
        raise UrlRefused(url)
    return path


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URIs and files inside static/; refuses http(s), ftp and every other file."""

    def fetch(self, url, headers=None):
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        path = allowed_static_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".woff2":
            content_type = "font/woff2"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF for a complete HTML document. Relative URLs resolve against `base_url` (default:
    static/), and only data: URIs and files under static/ are ever fetched."""
    base_url = base_url or STATIC_ROOT.as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_pdf_template(template: str, **context) -> bytes:
    """Render a templates/pdf/ document with `static_file_url` available to it, then the PDF."""
    html = render_template(template, static_file_url=static_file_url, **context)
    return render_pdf(html)
