"""The public results page, for anyone without an account:

    GET /results           the latest year with fairs (fairapp.reports.public_results.default_year)
    GET /results/<year>    one year, 2000–2100 (else 404)

Aggregates per ward only, small cells hidden (fairapp.reports.disclosure). Reads only."""

from flask import Blueprint, abort, make_response, render_template

from fairapp.auth.access import public
from fairapp.reports import public_results
from fairapp.reports.disclosure import HIDDEN, HIDDEN_COUNT
from fairapp.reports.period import FIRST_YEAR, LAST_YEAR

bp = Blueprint("public_results", __name__)

# The figures change a few times a day at most. Private: the page carries the visitor's CSRF token
# (the language switch) and is in their language, so no shared cache may keep it.
MAX_AGE = 300


@bp.route("/results")
@bp.route("/results/<int:year>")
@public
def show(year: int | None = None):
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    years = public_results.fair_years()
    if year is None:
        year = public_results.default_year(years)
    results = public_results.year_results(year)
    response = make_response(
        render_template(
            "reports/public_results.html",
            results=results,
            years=years,
            hidden_count=HIDDEN_COUNT,
            hidden=HIDDEN,
        )
    )
    response.cache_control.private = True
    response.cache_control.max_age = MAX_AGE
    response.vary.add("Cookie")
    return response
