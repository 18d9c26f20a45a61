"""CSRF tokens masked afresh at every place a response carries one, so that compressing pages cannot
leak them (BREACH).

A compressed page's size tells an attacker who can also put text into that page (a search box echoed
back) whether their guess matches part of a secret on it; with enough guesses the secret comes out.
Flask-WTF's token is the session's secret, signed with a timestamp: the same characters in every page
of one second. Here each copy of it in a response is replaced by a random pad and the token XOR that
pad (as Django and Rails do), so no two copies share their characters. A token that comes back (the
form field, or the X-CSRFToken header the scanner pages send) is unmasked before Flask-WTF checks it;
an unmasked token is still accepted.

What else a compressed response carries that an attacker would want (a ticket's secret on its own
page, a device's token) is only ever sent in answer to a request an attacker cannot make: the ticket's
URL is itself the secret, and a device token comes from a POST that needs a CSRF token."""

import base64
import binascii
import re
import secrets

from flask import Flask, g, request

SEPARATOR = "~"  # never in a Flask-WTF token (URL-safe base64 and dots)
FIELD = "csrf_token"
HEADERS = ("HTTP_X_CSRFTOKEN", "HTTP_X_CSRF_TOKEN")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
TEXT_TYPES = ("text/html", "application/json", "text/javascript", "application/javascript")


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mask(token: str) -> str:
    raw = token.encode("ascii")
    pad = secrets.token_bytes(len(raw))
    return _encode(pad) + SEPARATOR + _encode(bytes(a ^ b for a, b in zip(raw, pad, strict=True)))


def unmask(value: str) -> str:
    """The token a masked value carries; anything else (an unmasked token, garbage) as it came."""
    pad_text, separator, masked_text = value.partition(SEPARATOR)
    if not separator:
        return value
    try:
        pad, masked = _decode(pad_text), _decode(masked_text)
    except (binascii.Error, ValueError):
        return value
    if len(pad) != len(masked) or not pad:
        return value
    token = bytes(a ^ b for a, b in zip(masked, pad, strict=True))
    try:
        return token.decode("ascii")
    except UnicodeDecodeError:
        return value


def _unmask_request() -> None:
    """Before Flask-WTF looks: the form field and the headers it reads carry the plain token."""
    for header in HEADERS:
        value = request.environ.get(header)
        if value and SEPARATOR in value:
            request.environ[header] = unmask(value)
    if request.method in ("GET", "HEAD", "OPTIONS") or request.mimetype not in FORM_TYPES:
        return
    value = request.form.get(FIELD)
    if value and SEPARATOR in value:
        form = request.form.copy()
        form.setlist(FIELD, [unmask(item) for item in form.getlist(FIELD)])
        request.form = type(request.form)(form)


def _mask_response(response):
    """Every copy of this request's token in the body, each behind its own pad."""
    token = g.get(FIELD)
    if not token or response.is_streamed or response.direct_passthrough:
        return response
    if response.mimetype not in TEXT_TYPES:
        return response
    body = response.get_data()
    encoded = token.encode("ascii")
    if encoded not in body:
        return response
    response.set_data(re.sub(re.escape(encoded), lambda _: mask(token).encode("ascii"), body))
    return response


def init_app(app: Flask) -> None:
    """Called before CSRFProtect.init_app: the request's token is unmasked before it is checked."""
    app.before_request(_unmask_request)
    app.after_request(_mask_response)
