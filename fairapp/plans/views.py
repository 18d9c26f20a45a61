"""Plan targets for admins and organisers (routes on the plans blueprint):

    GET       /manage/plans                 this year's page (its form posts to /manage/plans/<year>)
    GET, POST /manage/plans/<year>          the year's areas × indicators, and the form that sets one
                                            area's (?ward_code=: that area's values in the form; "*"
                                            is the whole area)

Admins set every area, the whole area included; organisers see and set their own wards only (the
whole area's row is the city office's: fairapp.plans.services). A year outside 2020–2100 is 404."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.fairs.services import local_day
from fairapp.geo.views import ward_choices
from fairapp.modelbase import utcnow
from fairapp.plans import services
from fairapp.plans.blueprint import bp
from fairapp.plans.checks import MAX_YEAR, MIN_YEAR
from fairapp.plans.forms import TargetsForm
from fairapp.plans.labels import INDICATOR_LABELS, INDICATOR_SHORT_LABELS, WHOLE_AREA_LABEL
from fairapp.plans.models import INDICATORS, WHOLE_AREA_KEY
from fairapp.views import acting_user, form_errors


def number(value: int | None) -> str:
    """1.250 in every language, as money is written (fairapp.i18n.money_vnd) but without "đ"; "—" for
    no value."""
    return "—" if value is None else f"{int(value):,}".replace(",", ".")


def this_year() -> int:
    return local_day(utcnow()).year


def checked_year(year: int) -> int:
    """The year of a page's URL: 404 outside the years plans are kept for."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    return year


def year_links(endpoint: str, year: int) -> dict:
    """The year switcher: the previous, this and the next year, where they exist."""
    return {
        "previous": url_for(endpoint, year=year - 1) if year > MIN_YEAR else None,
        "current": url_for(endpoint, year=this_year()),
        "next": url_for(endpoint, year=year + 1) if year < MAX_YEAR else None,
    }


def _area_choices(user, scope_codes) -> list[tuple[str, str]]:
    """The areas `user` may set: admins the whole area and the home province's wards; organisers their
    wards."""
    if user.ward_scope.everywhere:
        wards = [option for _group, options in ward_choices() for option in options]
        return [(WHOLE_AREA_KEY, str(WHOLE_AREA_LABEL)), *sorted(wards, key=lambda option: option[1])]
    names = services.ward_names(scope_codes)
    return sorted(((code, names.get(code, code)) for code in scope_codes), key=lambda option: option[1])


@bp.route("/manage/plans")
@roles(*STAFF)
def targets_current():
    """This year's page itself (a navigation entry opens a page, not a redirect)."""
    return targets(this_year())


@bp.route("/manage/plans/<int:year>", methods=["GET", "POST"])
@roles(*STAFF)
def targets(year: int):
    year = checked_year(year)
    user = acting_user()
    scope = user.ward_scope
    found = services.targets_for(year, scope)
    notes = services.notes_for(year, scope)
    form = TargetsForm()
    form.ward_code.choices = _area_choices(user, scope.ward_codes)
    if request.method == "GET":
        chosen = request.args.get("ward_code", "")
        if chosen not in {code for code, _name in form.ward_code.choices}:
            chosen = form.ward_code.choices[0][0] if form.ward_code.choices else ""
        _fill(form, chosen, found, notes)
    elif form.validate_on_submit():
        ward_code = None if form.ward_code.data == WHOLE_AREA_KEY else form.ward_code.data
        try:
            services.save_targets(year, ward_code, form.values(), by=user, origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã lưu chỉ tiêu năm %(year)s.", year=year), "success")
            return redirect(url_for("plans.targets", year=year, ward_code=form.ward_code.data), code=303)
    names = services.ward_names(code for code in found if code)
    rows = [
        {
            "key": code or WHOLE_AREA_KEY,
            "name": names.get(code, code) if code else str(WHOLE_AREA_LABEL),
            "targets": values,
        }
        for code, values in sorted(
            found.items(), key=lambda item: (item[0] is not None, names.get(item[0], ""))
        )
    ]
    return render_template(
        "plans/targets.html",
        year=year,
        years=year_links("plans.targets", year),
        rows=rows,
        form=form,
        indicators=INDICATORS,
        labels=INDICATOR_LABELS,
        short_labels=INDICATOR_SHORT_LABELS,
        notes=notes,
        number=number,
    )


def _fill(form: TargetsForm, chosen: str, found: dict, notes: dict) -> None:
    """The form as the chosen area's row stands (numbers with thousands dots, as people type them)."""
    area = None if chosen == WHOLE_AREA_KEY else chosen
    form.ward_code.data = chosen
    for name in INDICATORS:
        value = (found.get(area) or {}).get(name)
        form[name].data = number(value) if value is not None else ""
    form.note.data = notes.get(area, "")
