"""Locale choice and the Vietnamese formats for dates, times and money used in templates."""

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_time, get_locale

LOCALE_SESSION_KEY = "locale"


def select_locale() -> str:
    """The language picked with the switch, else Vietnamese (the default for everyone)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and tests outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get(LOCALE_SESSION_KEY)
    if chosen in languages:
        return chosen
    if request and (lang := request.args.get("lang")) in languages:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def date_vn(value: date | datetime | None) -> str:
    """dd/MM/yyyy in every language, as Vietnamese offices write dates."""
    if value is None:
        return ""
    return (
        format_datetime(value, "dd/MM/yyyy")
        if isinstance(value, datetime)
        else format_date(value, "dd/MM/yyyy")
    )


def time_vn(value: datetime | None) -> str:
    return format_time(value, "HH:mm") if value is not None else ""


def datetime_vn(value: datetime | None) -> str:
    return format_datetime(value, "HH:mm dd/MM/yyyy") if value is not None else ""


def number_vn(value: int | Decimal | None) -> str:
    """1.234: dots between thousands, no decimals, whatever the interface language."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")


def money_vnd(value: int | Decimal | None) -> str:
    """2.400.000 đ: dots between thousands, no decimals, whatever the interface language."""
    if value is None:
        return ""
    return number_vn(value) + " đ"


def percent_vn(value: float | Decimal | None) -> str:
    """83,3 %: one decimal after a comma; "—" when there is nothing to divide by."""
    if value is None:
        return "—"
    return f"{float(value):.1f}".replace(".", ",") + " %"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        date_vn=date_vn,
        time_vn=time_vn,
        datetime_vn=datetime_vn,
        money=money_vnd,
        number=number_vn,
        percent=percent_vn,
    )
    app.jinja_env.globals.update(current_locale=lambda: str(get_locale()))
