"""Organiser pages for spreadsheets of employers and vacancies: the .xlsx template, the upload with its
per-row report (nothing saved while a row is wrong), importing only the valid rows once confirmed,
and the .xlsx / .csv exports of both lists.

An upload with errors is kept in the instance folder under a random name bound to the account that
sent it, so the confirmation never carries a path from the browser; it is deleted once used, and any
left over are deleted after an hour."""

import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import AnyOf, DataRequired, Optional, Regexp

from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.geo.forms import WardField
from fairapp.modelbase import utcnow
from fairapp.partners import spreadsheets
from fairapp.spreadsheets import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, SpreadsheetError, read_xlsx
from fairapp.transactions import afterwards
from fairapp.views import acting_user

bp = Blueprint("partner_import", __name__, url_prefix="/manage/import")
PENDING_LIFETIME_SECONDS = 60 * 60
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(FlaskForm):
    file = FileField(
        _l("Tệp Excel (.xlsx)"),
        validators=[
            FileRequired(_l("Tệp Excel: vui lòng chọn tệp để tải lên.")),
            FileAllowed(["xlsx"], _l("Tệp Excel: chỉ nhận tệp .xlsx (hãy dùng tệp mẫu).")),
        ],
    )


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(TOKEN)])


def _status_choices(labels: dict) -> list[tuple[str, str]]:
    return [("", _l("Tất cả trạng thái")), *((status.value, label) for status, label in labels.items())]


def _status_field(labels: dict, field_id: str) -> SelectField:
    values = ["", *(status.value for status in labels)]
    refusal = AnyOf(values, message=_l("Trạng thái: giá trị không hợp lệ."))
    return SelectField(
        _l("Trạng thái"),
        choices=_status_choices(labels),
        validate_choice=False,
        id=field_id,
        default="",
        validators=[refusal],
    )


class EmployerExportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET download changes nothing (its audit entry is a read's)

    status = _status_field(spreadsheets.EMPLOYER_STATUS, "employer_status")
    ward_code = WardField(_l("Phường/xã"), validators=[Optional()], id="employer_ward_code")


class VacancyExportForm(FlaskForm):
    class Meta:
        csrf = False

    status = _status_field(spreadsheets.VACANCY_STATUS, "vacancy_status")
    ward_code = WardField(_l("Phường/xã doanh nghiệp"), validators=[Optional()], id="vacancy_ward_code")


def _limits() -> tuple[int, int]:
    return (
        current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES),
        current_app.config.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS),
    )


def _page(form=None, *, report=None, token=None, confirm=None, status=200):
    max_bytes, max_rows = _limits()
    return render_template(
        "partners/import.html",
        form=form or UploadForm(),
        report=report,
        token=token,
        confirm=confirm or ConfirmForm(),
        employer_form=EmployerExportForm(formdata=None),
        vacancy_form=VacancyExportForm(formdata=None),
        max_mb=f"{max_bytes / (1024 * 1024):g}",
        max_rows=f"{max_rows:,}".replace(",", "."),
    ), status


# --- uploads kept for confirmation -----------------------------------------------------------------


def _pending_folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _pending_path(token: str) -> Path | None:
    """The kept upload of the signed-in account for this token; None for anything else."""
    if not TOKEN.match(token or ""):
        return None
    return _pending_folder() / f"{acting_user().id}-{token}.xlsx"


def _keep(data: bytes) -> str:
    _sweep()
    token = secrets.token_urlsafe(24)
    _pending_path(token).write_bytes(data)
    return token


def _sweep() -> None:
    """Delete kept uploads older than an hour (of every account)."""
    limit = time.time() - PENDING_LIFETIME_SECONDS
    for path in _pending_folder().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:  # another worker swept it first
            pass


# --- pages -----------------------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
@roles(*STAFF)
def index():
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.errors else 200)
    max_bytes, max_rows = _limits()
    upload = form.file.data
    upload.stream.seek(0)  # from the start also when a locked database runs the view again
    data = upload.stream.read(max_bytes + 1)
    try:
        sheets = read_xlsx(data, max_bytes=max_bytes, max_rows=max_rows)
    except SpreadsheetError as error:
        form.file.errors = [*form.file.errors, str(error.message)]
        return _page(form, status=422)
    report = spreadsheets.run_import(sheets, by=acting_user(), origin=request_origin(), now=utcnow())
    if report.ok:
        return _page(report=report)
    # A file with errors imports nothing: answered 422, the request rolls back.
    token = _keep(data) if report.valid_rows else None
    return _page(report=report, token=token, confirm=ConfirmForm(formdata=None, token=token), status=422)


@bp.route("/confirm", methods=["POST"])
@roles(*STAFF)
def confirm():
    """Import the rows of a kept upload that pass, leaving out the others."""
    form = ConfirmForm()
    path = _pending_path(form.token.data) if form.validate_on_submit() else None
    if path is None or not path.is_file():
        flash(
            _("Tệp đã tải lên không còn (quá 1 giờ hoặc đã được nhập). Vui lòng tải tệp lên lại."), "warning"
        )
        return redirect(url_for(".index"))
    max_bytes, max_rows = _limits()
    afterwards(lambda: path.unlink(missing_ok=True))  # used once, imported or not
    sheets = read_xlsx(path.read_bytes(), max_bytes=max_bytes, max_rows=max_rows)
    report = spreadsheets.run_import(
        sheets, by=acting_user(), origin=request_origin(), now=utcnow(), only_valid=True
    )
    flash(
        _(
            "Đã nhập %(employers)s doanh nghiệp và %(vacancies)s vị trí tuyển dụng; %(skipped)s dòng có "
            "lỗi được bỏ qua.",
            employers=report.employers_created,
            vacancies=report.vacancies_created,
            skipped=len(report.failed_rows),
        ),
        "success",
    )
    return _page(report=report)


@bp.route("/template.xlsx")
@roles(*STAFF)
def template():
    data = spreadsheets.template_workbook(province_code=current_app.config["HOME_PROVINCE_CODE"])
    return _download(data, "mau-nhap-doanh-nghiep-vi-tri.xlsx", XLSX_TYPE)


@bp.route("/export/<any(employers, vacancies):kind>.<any(xlsx, csv):fmt>")
@roles(*STAFF)
def export(kind: str, fmt: str):
    form = (EmployerExportForm if kind == "employers" else VacancyExportForm)(request.args)
    if not form.validate():
        for field in form:
            for error in field.errors:  # each message names its field
                flash(error, "danger")
        return redirect(url_for(".index"))
    filters = spreadsheets.ExportFilter(
        status=form.status.data or None, ward_code=form.ward_code.data or None
    )
    data = spreadsheets.export(kind, fmt, filters, by=acting_user(), origin=request_origin())
    stamp = utcnow().strftime("%Y%m%d")
    name = f"{'doanh-nghiep' if kind == 'employers' else 'vi-tri-tuyen-dung'}-{stamp}.{fmt}"
    return _download(data, name, XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8")


def _download(data: bytes, name: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
