"""The outcome dashboard: /manage/dashboard (admins everywhere, organisers their wards).

A GET form picks the period, ward, fair and what to break the numbers down by; a bad value shows
the page again with the message next to its field (400), a ward outside the caller's wards is 403.
Below the plan, the coverage of the priority households in the wards shown (dashboard.coverage_panel)."""

from datetime import UTC, datetime

from flask import Blueprint, current_app, render_template, request

from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.errors import ValidationError
from fairapp.fairs.services import local_day
from fairapp.reports import charts, dashboard
from fairapp.reports.indicators import DIMENSIONS
from fairapp.reports.period import Filters
from fairapp.views import acting_user

bp = Blueprint("dashboard", __name__, url_prefix="/manage")


@bp.route("/dashboard")
@roles(Role.ADMIN, Role.ORGANISER)
def index():
    user = acting_user()
    scope = user.ward_scope
    today = local_day(datetime.now(UTC))
    context = {
        "args": request.args,
        "dimensions": [(key, dashboard.DIMENSION_LABELS[key]) for key in DIMENSIONS],
        "wards": dashboard.ward_choices(scope, current_app.config["HOME_PROVINCE_CODE"]),
        "fairs": [],
        "errors": {},
        "board": None,
        "charts": {},
        "plan": None,
        "coverage": None,
    }
    try:
        period = dashboard.parse_period(request.args, today)
        by = dashboard.parse_dimension(request.args)
        asked = {"ward_code": request.args.get("ward_code"), "fair_id": request.args.get("fair_id")}
        filters = Filters.parse(
            {**asked, "date_from": period.date_from.isoformat(), "date_to": period.date_to.isoformat()},
            scope,
        )
        in_period = Filters(filters.scope, filters.date_from, filters.date_to, filters.ward_code)
        context["fairs"] = dashboard.fair_choices(in_period)
        dashboard.check_fair(filters, context["fairs"])
    except ValidationError as error:
        context["errors"] = {name: str(message) for name, message in error.fields.items()}
        return render_template("reports/dashboard.html", **context), 400
    counts = dashboard.Counts()
    board = dashboard.build(filters, by, counts)
    wards, fairs = dict(context["wards"]), dict(context["fairs"])
    chosen = [wards.get(filters.ward_code, filters.ward_code or ""), fairs.get(filters.fair_id, "")]
    sections = (board.funnel, board.breakdown, board.trend, board.groups, board.wards)
    plan = dashboard.plan_panel(filters, user, counts)
    drawn = {section.key: charts.svg(section, str(section.title)) for section in (*sections, plan.wards)}
    context.update(
        period=period,
        chosen=" · ".join(part for part in chosen if part),
        by=by,
        filters=filters,
        board=board,
        sections=sections,
        charts=drawn,
        plan=plan,
        coverage=dashboard.coverage_panel(filters, today),
    )
    return render_template("reports/dashboard.html", **context)
