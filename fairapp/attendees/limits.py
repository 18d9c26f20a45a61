"""Rate limits on what job seekers send (settings in fairapp.config). Registering is limited per
address (generous: a commune may share one), per phone, per citizen ID typed, and per address again
for citizen IDs refused because another name holds them: a view marks such a refusal
(`count_refusal`) so that this last limit counts the request. The keys (the phone or citizen ID in a
request, normalised) serve the kiosk's and the lost-ticket page's limits too."""

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from fairapp.attendees.citizen_ids import CitizenIdRefused
from fairapp.attendees.validation import mobile
from fairapp.errors import DomainError
from fairapp.extensions import limiter


def count_refusal(error: DomainError) -> None:
    """Called by a view whose registration was refused: a citizen ID held under another name counts
    toward the limit on such refusals per address."""
    if isinstance(error, CitizenIdRefused):
        g.citizen_id_refused = True


def held_citizen_id_refused(_response=None) -> bool:
    """Whether this request's registration was refused because another name holds the citizen ID
    typed (for Flask-Limiter's deduct_when)."""
    return bool(g.get("citizen_id_refused"))


# --- Rate-limit keys ---------------------------------------------------------------------------------


def phone_key(prefix: str) -> str:
    """A rate-limit key for the phone number in the request (JSON body or form), normalised so that
    "+84 912 345 678" and "0912345678" count together."""
    raw = _typed("phone")
    raw = raw if isinstance(raw, str) else ""
    return f"{prefix}:{mobile(raw) or raw.strip()[:30]}"


def _typed(name: str):
    if request.is_json:
        body = request.get_json(silent=True)
        return body.get(name) if isinstance(body, dict) else None
    return request.form.get(name)


def citizen_id_key(prefix: str) -> str:
    """A rate-limit key for the citizen ID in the request (JSON body or form), its digits only, so that
    "019 195 001 234" and "019195001234" count together."""
    raw = _typed("citizen_id")
    raw = raw if isinstance(raw, str) else ""
    return f"{prefix}:{''.join(c for c in raw if c.isascii() and c.isdigit())[:20]}"


def has_citizen_id() -> bool:
    raw = _typed("citizen_id")
    return isinstance(raw, str) and bool(raw.strip())


def registration_limits(prefix: str, *, exempt_when=None, methods=None):
    """The public registration's rate limits (settings in fairapp.config): per address (generous:
    a commune may share one), per phone, per citizen ID typed, and per address again for citizen IDs
    refused because another name holds them (counted only then, and holding back only requests
    that carry a citizen ID). `exempt_when`: e.g. staff, who are not limited."""
    exempt = exempt_when or (lambda: False)

    def setting(name: str):
        return lambda: current_app.config[name]

    limits = [
        limiter.limit(setting("REGISTRATION_LIMIT_PER_ADDRESS"), methods=methods, exempt_when=exempt),
        limiter.limit(
            setting("REGISTRATION_LIMIT_PER_PHONE"),
            methods=methods,
            exempt_when=exempt,
            key_func=lambda: phone_key(f"{prefix}-phone"),
        ),
        limiter.limit(
            setting("REGISTRATION_LIMIT_PER_CITIZEN_ID"),
            methods=methods,
            exempt_when=lambda: exempt() or not has_citizen_id(),
            key_func=lambda: citizen_id_key(f"{prefix}-citizen-id"),
        ),
        limiter.limit(
            setting("CITIZEN_ID_REFUSALS_PER_ADDRESS"),
            methods=methods,
            exempt_when=lambda: exempt() or not has_citizen_id(),
            key_func=lambda: f"{prefix}-citizen-id-refused:{get_remote_address()}",
            deduct_when=held_citizen_id_refused,
        ),
    ]

    def decorate(view):
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorate
