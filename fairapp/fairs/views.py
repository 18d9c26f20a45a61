"""Organiser pages for fairs: list and month calendar, create, edit, plan a season, clone, the fair's
own page, status actions (POST with CSRF) and cancel with a reason. Organisers see only their wards."""

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.fairs import planning, services
from fairapp.fairs.forms import STATUS_LABELS, CancelForm, CloneForm, FairFilterForm, FairForm, SeriesForm
from fairapp.fairs.models import FairStatus

bp = Blueprint("fairs", __name__, url_prefix="/manage/fairs")
STAFF = (Role.ADMIN, Role.ORGANISER)
# Service field names → form field names
FAIR_FIELDS = {"starts_at": "date", "ends_at": "end_time"}
SERIES_FIELDS = {"starts_at": "first_date", "ends_at": "end_time"}
ACTIONS = {"publish": services.publish_fair, "open": services.open_fair, "close": services.close_fair}
DONE = {
    "publish": _l("Đã công bố phiên giao dịch."),
    "open": _l("Đã mở phiên giao dịch."),
    "close": _l("Đã đóng phiên giao dịch."),
}


class ActionForm(FlaskForm):
    """An empty form: the CSRF token of a status button."""


@bp.context_processor
def _helpers():
    return {
        "local": services.to_local,
        "status_label": lambda status: STATUS_LABELS[FairStatus(status)],
        "FairStatus": FairStatus,
        "has_endpoint": lambda name: name in current_app.view_functions,
    }


def _user():
    return current_user._get_current_object()


def _show_error(form, error: DomainError, names: dict) -> None:
    """Roll back; each field message goes next to its field, the rest above the form."""
    db.session.rollback()
    general = []
    for name, message in error.fields.items():
        target = names.get(name, name)
        if target in form:
            form[target].errors = [*(form[target].errors or []), str(message)]
        else:
            general.append(str(message))
    if not error.fields:
        general.append(str(error.message))
    form.form_errors = [*form.form_errors, *general]


def _attempt(form, action, names):
    """Run a service; on a clash return the clashes (to warn), on refusal show it; commit on success."""
    try:
        result = action()
    except services.FairConflict as error:
        db.session.rollback()
        return None, error.conflicts
    except DomainError as error:
        if error.status == 403:
            db.session.rollback()
            raise
        _show_error(form, error, names)
        return None, []
    db.session.commit()
    return result, []


def _fair_values(form: FairForm) -> dict:
    return {
        "title": form.title.data,
        "ward_code": form.ward_code.data,
        "venue_name": form.venue_name.data,
        "starts_at": services.local_datetime(form.date.day, form.start_time.moment),
        "ends_at": services.local_datetime(form.date.day, form.end_time.moment),
        "capacity": form.capacity.data,
        "venue_address": form.venue_address.data,
        "directions": form.directions.data,
        "description": form.description.data,
        "contact_name": form.contact_name.data,
        "contact_phone": form.contact_phone.data,
    }


# --- lists -----------------------------------------------------------------------------------------


def _filters(form: FairFilterForm) -> services.FairFilter:
    if not form.validate():
        return services.FairFilter()
    return services.FairFilter(
        ward_code=form.ward_code.data or None,
        status=FairStatus(form.status.data) if form.status.data else None,
        date_from=form.date_from.day,
        date_to=form.date_to.day,
    )


@bp.route("/")
@roles(*STAFF)
def index():
    form = FairFilterForm(request.args)
    fairs = services.list_fairs(_user(), _filters(form))
    return render_template(
        "fairs/index.html", form=form, fairs=fairs, counts=services.status_counts(fairs), query=_kept_query()
    )


def _kept_query() -> dict:
    return {
        key: value
        for key, value in request.args.items()
        if key in ("ward_code", "status", "date_from", "date_to") and value
    }


@bp.route("/calendar")
@roles(*STAFF)
def calendar():
    today = services.local_day(services.utcnow())
    year = request.args.get("year", type=int) or today.year
    month = request.args.get("month", type=int) or today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = today.year, today.month
    form = FairFilterForm(request.args)
    filters = _filters(form)
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    filters.date_from, filters.date_to = first, date.fromordinal(following.toordinal() - 1)
    fairs = services.list_fairs(_user(), filters)
    previous = date.fromordinal(first.toordinal() - 1)
    kept = {k: v for k, v in _kept_query().items() if k in ("ward_code", "status")}
    return render_template(
        "fairs/calendar.html",
        form=form,
        weeks=services.month_grid(year, month, fairs),
        month=first,
        today=today,
        kept=kept,
        fairs=fairs,
        previous={"year": previous.year, "month": previous.month, **kept},
        next={"year": following.year, "month": following.month, **kept},
    )


# --- create, edit, plan, clone ---------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@roles(*STAFF)
def new():
    form = FairForm()
    conflicts = []
    if form.validate_on_submit():
        fair, conflicts = _attempt(
            form,
            lambda: services.create_fair(
                by=_user(), force=form.confirm.data, origin=request_origin(), **_fair_values(form)
            ),
            FAIR_FIELDS,
        )
        if fair:
            flash(_("Đã tạo bản nháp phiên giao dịch."), "success")
            return redirect(url_for("fairs.detail", fair_id=fair.id))
    return render_template("fairs/form.html", form=form, fair=None, conflicts=conflicts)


@bp.route("/<int:fair_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit(fair_id):
    fair = services.get_fair_for(_user(), fair_id)
    if request.method == "GET":
        start, end = services.to_local(fair.starts_at), services.to_local(fair.ends_at)
        form = FairForm(
            obj=fair,
            date=start.strftime("%d/%m/%Y"),
            start_time=start.strftime("%H:%M"),
            end_time=end.strftime("%H:%M"),
        )
    else:
        form = FairForm()
    conflicts = []
    if form.validate_on_submit():
        updated, conflicts = _attempt(
            form,
            lambda: services.update_fair(
                fair, by=_user(), force=form.confirm.data, origin=request_origin(), **_fair_values(form)
            ),
            FAIR_FIELDS,
        )
        if updated:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("fairs.detail", fair_id=fair.id))
    return render_template("fairs/form.html", form=form, fair=fair, conflicts=conflicts)


def _plan(form: SeriesForm) -> planning.SeasonPlan:
    stops = [
        (stop.form.ward_code.data, stop.form.venue_name.data)
        for stop in form.stops
        if stop.form.ward_code.data
    ]
    return planning.SeasonPlan(
        title=form.title.data,
        ward_codes=[code for code, _venue in stops],
        first_date=form.first_date.day,
        weekday=form.weekday.data,
        every_weeks=form.every_weeks.data,
        cycles=form.cycles.data,
        start_time=form.start_time.moment,
        end_time=form.end_time.moment,
        venues={code: venue for code, venue in stops if venue},
        capacity=form.capacity.data,
        description=form.description.data,
        contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data,
    )


@bp.route("/series", methods=["GET", "POST"])
@roles(*STAFF)
def series():
    form = SeriesForm()
    conflicts = []
    if form.validate_on_submit():
        created, conflicts = _attempt(
            form,
            lambda: planning.plan_season(
                _plan(form), by=_user(), force=form.confirm.data, origin=request_origin()
            ),
            SERIES_FIELDS,
        )
        if created:
            flash(_("Đã tạo %(count)s bản nháp phiên giao dịch.", count=len(created.fairs)), "success")
            return redirect(url_for("fairs.index"))
    return render_template("fairs/series.html", form=form, conflicts=conflicts)


@bp.route("/<int:fair_id>/clone", methods=["GET", "POST"])
@roles(*STAFF)
def clone(fair_id):
    source = services.get_fair_for(_user(), fair_id)
    form = CloneForm(ward_code=source.ward_code) if request.method == "GET" else CloneForm()
    conflicts = []
    if form.validate_on_submit():
        fair, conflicts = _attempt(
            form,
            lambda: planning.clone_fair(
                source,
                by=_user(),
                ward_code=form.ward_code.data,
                on_date=form.date.day,
                venue_name=form.venue_name.data or None,
                force=form.confirm.data,
                origin=request_origin(),
            ),
            {"starts_at": "date", "ends_at": "date"},
        )
        if fair:
            flash(_("Đã nhân bản thành bản nháp mới."), "success")
            return redirect(url_for("fairs.edit", fair_id=fair.id))
    return render_template("fairs/clone.html", form=form, source=source, conflicts=conflicts)


# --- the fair's own page and its actions -----------------------------------------------------------


@bp.route("/<int:fair_id>")
@roles(*STAFF)
def detail(fair_id):
    fair = services.get_fair_for(_user(), fair_id)
    return render_template(
        "fairs/detail.html",
        fair=fair,
        figures=services.fair_figures(fair),
        actions=services.allowed_actions(fair, _user()),
        action_form=ActionForm(),
    )


@bp.route("/<int:fair_id>/<any(publish, open, close):action>", methods=["POST"])
@roles(*STAFF)
def change_status(fair_id, action):
    fair = services.get_fair_for(_user(), fair_id)
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "danger")
        return redirect(url_for("fairs.detail", fair_id=fair_id))
    try:
        ACTIONS[action](fair, by=_user(), origin=request_origin())
    except DomainError as error:
        db.session.rollback()
        if error.status == 403:
            raise
        for message in error.fields.values() or [error.message]:
            flash(str(message), "danger")
        return redirect(url_for("fairs.detail", fair_id=fair_id))
    db.session.commit()
    flash(str(DONE[action]), "success")
    return redirect(url_for("fairs.detail", fair_id=fair_id))


@bp.route("/<int:fair_id>/cancel", methods=["GET", "POST"])
@roles(*STAFF)
def cancel(fair_id):
    fair = services.get_fair_for(_user(), fair_id)
    form = CancelForm()
    if form.validate_on_submit():
        done, _conflicts = _attempt(
            form,
            lambda: services.cancel_fair(fair, by=_user(), reason=form.reason.data, origin=request_origin()),
            {},
        )
        if done:
            flash(_("Đã huỷ phiên giao dịch."), "success")
            return redirect(url_for("fairs.detail", fair_id=fair_id))
    return render_template("fairs/cancel.html", form=form, fair=fair)
