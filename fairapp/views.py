"""What the pages of every area share: the signed-in account acting (`acting_user`), the empty form
of a button (`ActionForm`: its CSRF token alone), and how a refused action is shown, on its form
(`form_errors`) or as a flashed message (`flash_refusal`).

A refused action answers 200 or a redirect, so both say rollback_request(): whatever the service
flushed before it refused is not committed (fairapp.transactions)."""

from collections.abc import Mapping

from flask import flash
from flask_login import current_user
from flask_wtf import FlaskForm

from fairapp.errors import DomainError, ValidationError
from fairapp.transactions import rollback_request


def acting_user():
    """The signed-in account itself (not Flask-Login's proxy), to hand to a service as `by`."""
    return current_user._get_current_object()


class ActionForm(FlaskForm):
    """No fields: the CSRF token of a button (publish, withdraw, revoke...)."""


def form_errors(form, error: DomainError, *, names: Mapping[str, str] | None = None) -> None:
    """Show a refusal on the form that asked for it, and roll the request back. Each field message goes
    next to its field, instead of what the form's own checks said there (`names` maps a service's field
    names to the form's when they differ), the rest above the form (form.form_errors); the error's own
    message too, unless it is a ValidationError whose every message has its field. What was typed
    stays in the form. A 403 or 404 that names no field propagates: who may act, and on what, is not a
    matter of what was typed."""
    if error.status in (403, 404) and not error.fields:
        raise error
    rollback_request()
    names = names or {}
    general, shown = [], set()
    for name, message in error.fields.items():
        target = names.get(name, name)
        if target in form:
            form[target].errors = [*(form[target].errors if target in shown else []), str(message)]
            shown.add(target)
        else:
            general.append(str(message))
    if not error.fields or not isinstance(error, ValidationError):
        general.insert(0, str(error.message))
    form.form_errors = [*form.form_errors, *dict.fromkeys(general)]


def flash_refusal(error: DomainError) -> None:
    """Flash a refusal of a button's action (each field message, else the error's message), and roll
    the request back. A bare 403 or 404 (codes forbidden, not_found) propagates; a refusal that says
    why (not_approved, ward_not_allowed, invalid_transition...) is flashed."""
    if error.code in ("forbidden", "not_found"):
        raise error
    rollback_request()
    for message in error.fields.values() or [error.message]:
        flash(str(message), "danger")
