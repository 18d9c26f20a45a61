"""Access rules as decorators. Every route declares one; tests/test_access.py checks that they do.

    @public                      anyone, signed in or not
    @signed_in                   any active account
    @roles(Role.ADMIN, ...)      accounts with one of these roles

Pages redirect anonymous visitors to the sign-in page; the API answers 401 JSON. A signed-in
account without the role gets 403 either way."""

from collections.abc import Callable
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from fairapp.auth.models import Role

ACCESS_ATTRIBUTE = "_fairapp_access"


def _declare(view: Callable, rule: str) -> Callable:
    setattr(view, ACCESS_ATTRIBUTE, rule)
    return view


def declare_endpoint(app, endpoint: str, rule: str) -> None:
    """For views registered by a library, whose function cannot carry the attribute."""
    app.extensions.setdefault("fairapp_access", {})[endpoint] = rule


def access_rule(app, endpoint: str, method: str | None = None) -> str | None:
    """The rule a route declared, or None. For class-based views, the method's own rule."""
    if rule := app.extensions.get("fairapp_access", {}).get(endpoint):
        return rule
    return getattr(view_handler(app, endpoint, method), ACCESS_ATTRIBUTE, None)


def view_handler(app, endpoint: str, method: str | None = None) -> Callable | None:
    """The function that answers: the view, or for class-based views the method's handler."""
    view = app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    if view_class is not None and method:
        return getattr(view_class, method.lower(), None)
    return view


def public(view: Callable) -> Callable:
    return _declare(view, "public")


def _refuse_anonymous():
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def signed_in(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _refuse_anonymous()
        return view(*args, **kwargs)

    return _declare(wrapper, "signed_in")


def roles(*allowed: Role) -> Callable[[Callable], Callable]:
    names = ",".join(sorted(role.value for role in allowed))

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _refuse_anonymous()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return _declare(wrapper, f"roles:{names}")

    return decorator


STAFF = (Role.ADMIN, Role.ORGANISER)
