"""Absolute links to this site, for what leaves the browser: QR codes, posters, calendar files, shared
pages, messages. The base is PUBLIC_BASE_URL when configured (behind a proxy, for links printed on
paper, and for the background worker, which has no request), else the address the request came in on."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for

WITHOUT_REQUEST = "http://127.0.0.1:5000"  # the worker of `make run`, when PUBLIC_BASE_URL is unset


def base_url() -> str:
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else WITHOUT_REQUEST


def absolute_url(endpoint: str, **values) -> str:
    if has_request_context():
        return base_url() + url_for(endpoint, **values)
    base = urlsplit(base_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
