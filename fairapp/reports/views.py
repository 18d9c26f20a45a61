"""The official reports (staff only: admins everywhere, organisers their wards):

    GET /manage/reports                             the form: period, ward, fair, number, date of issue
    GET /manage/reports/period.<pdf|xlsx>           the report of a period (or of the fair chosen)
    GET /manage/fairs/<id>/report.<pdf|xlsx>        the report of one fair of the caller's wards

A bad query answers the form again (422) with each message beside its field; a ward outside the
caller's wards is 403, a fair there 403 (404 when there is none), as on every fair page. A download
is an official document of aggregates only (no person named) and is written to the audit log. The
documents are always in Vietnamese."""

import dataclasses
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from fairapp.audit.services import record_read
from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import ValidationError
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import get_fair_for, to_local
from fairapp.geo.views import ward_choices
from fairapp.modelbase import utcnow
from fairapp.reports import documents
from fairapp.reports.forms import ReportForm
from fairapp.reports.pdf_report import report_pdf
from fairapp.reports.period import Filters
from fairapp.reports.plan_sections import plan_sections
from fairapp.reports.priority_sections import coverage_section, verification_section
from fairapp.reports.xlsx_report import report_workbook
from fairapp.views import acting_user, form_errors

bp = Blueprint("reports", __name__)
DOCUMENT_LOCALE = "vi"
FAIR_CHOICES_LIMIT = 300
TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _today() -> date:
    return to_local(utcnow()).date()


@bp.route("/manage/reports")
@roles(*STAFF)
def index():
    user = acting_user()
    args = request.args if request.args else MultiDict(_defaults())
    return _form_page(user, ReportForm(args))


@bp.route("/manage/reports/period.<any(pdf, xlsx):fmt>")
@roles(*STAFF)
def period_report(fmt: str):
    user = acting_user()
    try:
        asked = documents.parse_request(request.args, user.ward_scope, today=_today())
    except ValidationError as error:
        return _refused(user, error)
    fair = None
    if asked.filters.fair_id is not None:  # the report of that fair alone
        fair = get_fair_for(user, asked.filters.fair_id)
        asked = dataclasses.replace(
            asked, filters=Filters(user.ward_scope, fair_id=fair.id), period=documents.RANGE
        )
    return _document(user, asked, fmt, fair=fair)


@bp.route("/manage/fairs/<int:fair_id>/report.<any(pdf, xlsx):fmt>")
@roles(*STAFF)
def fair_report(fair_id: int, fmt: str):
    user = acting_user()
    fair = get_fair_for(user, fair_id)
    try:
        asked = documents.fair_request(fair, request.args, user.ward_scope, today=_today())
    except ValidationError as error:
        return _refused(user, error, fair=fair)
    return _document(user, asked, fmt, fair=fair)


def _document(user, asked: documents.ReportRequest, fmt: str, *, fair: Fair | None) -> Response:
    with force_locale(DOCUMENT_LOCALE):
        sections = [verification_section(asked.filters)]
        if fair is None:
            sections += [coverage_section(asked.filters, _today()), *plan_sections(asked.filters, user)]
        report = documents.build_report(asked, fair=fair, extra_sections=sections)
        data = report_pdf(report) if fmt == "pdf" else report_workbook(report)
    filters = asked.filters
    record_read(
        "report.download",
        actor=user,
        target=fair,
        origin=request_origin(),
        details={
            "format": fmt,
            "period": asked.period,
            "date_from": filters.date_from.isoformat() if filters.date_from else None,
            "date_to": filters.date_to.isoformat() if filters.date_to else None,
            "ward_code": filters.ward_code,
            "fair_id": filters.fair_id,
            "number": asked.number,
        },
    )
    response = Response(data, mimetype=TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{_file_name(asked, fair)}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _file_name(asked: documents.ReportRequest, fair: Fair | None) -> str:
    if fair is not None:
        return f"bao-cao-phien-{fair.id}"
    if asked.period == "month":
        return f"bao-cao-{asked.year}-{asked.part:02d}"
    if asked.period == "quarter":
        return f"bao-cao-{asked.year}-quy-{asked.part}"
    if asked.period == "year":
        return f"bao-cao-{asked.year}"
    return "bao-cao"


def _refused(user, error: ValidationError, *, fair: Fair | None = None):
    form = ReportForm(request.args)
    if fair is not None:  # a fair's report asked from its page: the form with that fair chosen
        form.fair_id.data = str(fair.id)
    form_errors(form, error)
    return _form_page(user, form, status=422)


def _defaults() -> dict:
    today = _today()
    return {
        "period": "month",
        "year": str(today.year),
        "part": str(today.month),
        "issued_on": today.isoformat(),
    }


def _form_page(user, form: ReportForm, *, status: int = 200):
    scope = user.ward_scope
    if scope.everywhere:
        wards = [choice for _group, options in ward_choices() for choice in options]
        form.ward_code.choices = [("", _("Tất cả phường, xã")), *wards]
    else:
        names = documents.ward_names(scope.ward_codes)
        wards = sorted(names.items(), key=lambda item: item[1])
        form.ward_code.choices = [("", _("Tất cả phường, xã được phân công")), *wards]
    form.fair_id.choices = [("", _("— Cả kỳ báo cáo —")), *_fair_choices(scope)]
    html = render_template("reports/index.html", form=form)
    return Response(html, status=status, headers={"Cache-Control": "no-store"})


def _fair_choices(scope) -> list[tuple[str, str]]:
    fairs = db.session.execute(
        sa.select(Fair.id, Fair.title, Fair.starts_at)
        .where(
            scope.clause(Fair.ward_code),
            Fair.recorded_status.not_in((FairStatus.DRAFT, FairStatus.CANCELLED)),
        )
        .order_by(Fair.starts_at.desc())
        .limit(FAIR_CHOICES_LIMIT)
    )
    return [(str(id_), f"{title} ({to_local(starts):%d/%m/%Y})") for id_, title, starts in fairs]
