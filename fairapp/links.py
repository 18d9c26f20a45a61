"""Absolute links to this site, for what leaves the browser: QR codes, posters, calendar files, shared
pages. The base is PUBLIC_BASE_URL when configured (behind a proxy, or for links printed on paper),
else the address the request came in on."""

from flask import current_app, request, url_for


def base_url() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    return base_url() + url_for(endpoint, **values)
