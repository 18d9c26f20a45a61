"""Organiser pages for fairs: list and month calendar, create, edit, plan a season, clone, the fair's
own page, status actions (POST with CSRF) and cancel with a reason. Organisers see only their wards."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.fairs import planning, services
from fairapp.fairs.forms import STATUS_LABELS, CancelForm, CloneForm, FairFilterForm, FairForm, SeriesForm
from fairapp.fairs.models import FairStatus
from fairapp.transactions import rollback_request
from fairapp.views import ActionForm, acting_user, flash_refusal, form_errors

bp = Blueprint("fairs", __name__, url_prefix="/manage/fairs")
# Service field names → form field names
FAIR_FIELDS = {"starts_at": "date", "ends_at": "end_time"}
SERIES_FIELDS = {"starts_at": "first_date", "ends_at": "end_time"}
ACTIONS = {"publish": services.publish_fair, "open": services.open_fair, "close": services.close_fair}
DONE = {
    "publish": _l("Đã công bố phiên giao dịch."),
    "open": _l("Đã mở phiên giao dịch."),
    "close": _l("Đã đóng phiên giao dịch."),
}


@bp.context_processor
def _helpers():
    return {
        "local": services.to_local,
        "status_label": lambda status: STATUS_LABELS[FairStatus(status)],
        "FairStatus": FairStatus,
    }


def _warn(error: services.FairConflict) -> list[dict]:
    """The clashes to show with a "save anyway" box; nothing of the attempt is kept."""
    rollback_request()
    return error.conflicts


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
    fairs = services.list_fairs(acting_user(), _filters(form))
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
    fairs = services.list_fairs(acting_user(), filters)
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
        try:
            fair = services.create_fair(
                by=acting_user(), force=form.confirm.data, origin=request_origin(), **_fair_values(form)
            )
        except services.FairConflict as error:
            conflicts = _warn(error)
        except DomainError as error:
            form_errors(form, error, names=FAIR_FIELDS)
        else:
            flash(_("Đã tạo bản nháp phiên giao dịch."), "success")
            return redirect(url_for("fairs.detail", fair_id=fair.id))
    return render_template("fairs/form.html", form=form, fair=None, conflicts=conflicts)


@bp.route("/<int:fair_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit(fair_id):
    fair = services.get_fair_for(acting_user(), fair_id)
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
        try:
            services.update_fair(
                fair, by=acting_user(), force=form.confirm.data, origin=request_origin(), **_fair_values(form)
            )
        except services.FairConflict as error:
            conflicts = _warn(error)
        except DomainError as error:
            form_errors(form, error, names=FAIR_FIELDS)
        else:
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
        try:
            created = planning.plan_season(
                _plan(form), by=acting_user(), force=form.confirm.data, origin=request_origin()
            )
        except services.FairConflict as error:
            conflicts = _warn(error)
        except DomainError as error:
            form_errors(form, error, names=SERIES_FIELDS)
        else:
            flash(_("Đã tạo %(count)s bản nháp phiên giao dịch.", count=len(created.fairs)), "success")
            return redirect(url_for("fairs.index"))
    return render_template("fairs/series.html", form=form, conflicts=conflicts)


@bp.route("/<int:fair_id>/clone", methods=["GET", "POST"])
@roles(*STAFF)
def clone(fair_id):
    source = services.get_fair_for(acting_user(), fair_id)
    form = CloneForm(ward_code=source.ward_code) if request.method == "GET" else CloneForm()
    conflicts = []
    if form.validate_on_submit():
        try:
            fair = planning.clone_fair(
                source,
                by=acting_user(),
                ward_code=form.ward_code.data,
                on_date=form.date.day,
                venue_name=form.venue_name.data or None,
                force=form.confirm.data,
                origin=request_origin(),
            )
        except services.FairConflict as error:
            conflicts = _warn(error)
        except DomainError as error:
            form_errors(form, error, names={"starts_at": "date", "ends_at": "date"})
        else:
            flash(_("Đã nhân bản thành bản nháp mới."), "success")
            return redirect(url_for("fairs.edit", fair_id=fair.id))
    return render_template("fairs/clone.html", form=form, source=source, conflicts=conflicts)


# --- the fair's own page and its actions -----------------------------------------------------------


@bp.route("/<int:fair_id>")
@roles(*STAFF)
def detail(fair_id):
    fair = services.get_fair_for(acting_user(), fair_id)
    return render_template(
        "fairs/detail.html",
        fair=fair,
        figures=services.fair_figures(fair),
        actions=services.allowed_actions(fair, acting_user()),
        action_form=ActionForm(),
    )


@bp.route("/<int:fair_id>/<any(publish, open, close):action>", methods=["POST"])
@roles(*STAFF)
def change_status(fair_id, action):
    fair = services.get_fair_for(acting_user(), fair_id)
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "danger")
        return redirect(url_for("fairs.detail", fair_id=fair_id))
    try:
        ACTIONS[action](fair, by=acting_user(), origin=request_origin())
    except DomainError as error:
        if error.status == 403:
            raise
        flash_refusal(error)
        return redirect(url_for("fairs.detail", fair_id=fair_id))
    flash(str(DONE[action]), "success")
    return redirect(url_for("fairs.detail", fair_id=fair_id))


@bp.route("/<int:fair_id>/cancel", methods=["GET", "POST"])
@roles(*STAFF)
def cancel(fair_id):
    fair = services.get_fair_for(acting_user(), fair_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_fair(fair, by=acting_user(), reason=form.reason.data, origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã huỷ phiên giao dịch."), "success")
            return redirect(url_for("fairs.detail", fair_id=fair_id))
    return render_template("fairs/cancel.html", form=form, fair=fair)
