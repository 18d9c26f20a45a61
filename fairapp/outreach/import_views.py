"""The household-list pages (admins and organisers; an organiser's own wards only):

    GET, POST /manage/households                   the hub: upload a list (xlsx or CSV), recent imports,
                                                   the links to conflicts, outreach and labour pages
    GET  /manage/households/template.xlsx          the template
    GET  /manage/households/imports/<id>           an import's progress, then its report
    POST /manage/households/imports/<id>/valid-only  save the valid rows of a refused list
    GET  /manage/households/list?ward=             the ward's households and members (a read, audited)

The import runs in the worker (fairapp.outreach.imports); the progress page refreshes itself every
two seconds while it runs, with no script."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.orm import selectinload
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from fairapp.audit.services import record_read
from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.geo.models import Ward
from fairapp.households.models import Household, ImportStatus
from fairapp.households.rules import category_on, escaped_until
from fairapp.modelbase import utcnow
from fairapp.outcomes.hire_views import no_store
from fairapp.outreach import imports, listfile
from fairapp.outreach.blueprint import bp
from fairapp.spreadsheets import set_widths
from fairapp.views import ActionForm, acting_user, form_errors

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_PAGE_SIZE = 100


class UploadForm(FlaskForm):
    file = FileField(
        _l("Tệp danh sách (.xlsx hoặc .csv)"),
        validators=[FileRequired(_l("Tệp danh sách: vui lòng chọn tệp để tải lên."))],
    )
    ward_code = SelectField(_l("Phường/xã"), validate_choice=False, validators=[Optional()])
    year = IntegerField(
        _l("Năm rà soát"),
        validators=[
            InputRequired(_l("Năm rà soát: bắt buộc.")),
            NumberRange(2000, 2100, _l("Năm rà soát: từ 2000 đến 2100.")),
        ],
    )
    listed_on = DateField(
        _l("Ngày phê duyệt danh sách"),
        format=["%d/%m/%Y", "%Y-%m-%d"],
        validators=[InputRequired(_l("Ngày phê duyệt danh sách: bắt buộc, dạng dd/mm/yyyy."))],
    )


def scope_ward_choices(user) -> list[tuple[str, str]]:
    """(code, name) of the wards the account may import for: an organiser's wards; for an admin, the
    home province's."""
    scope = user.ward_scope
    statement = sa.select(Ward.code, Ward.name).order_by(Ward.name)
    if scope.everywhere:
        statement = statement.where(Ward.province_code == current_app.config["HOME_PROVINCE_CODE"])
    else:
        statement = statement.where(scope.clause(Ward.code))
    return [tuple(row) for row in db.session.execute(statement)]


def _upload_form(user, formdata=...) -> UploadForm:
    today = local_day(utcnow())
    form = UploadForm() if formdata is ... else UploadForm(formdata=formdata)
    wards = scope_ward_choices(user)
    form.ward_code.choices = [("", _("— theo cột Mã phường/xã trong tệp —")), *wards]
    if request.method == "GET":
        form.year.data = form.year.data or today.year
        form.listed_on.data = form.listed_on.data or today
        if len(wards) == 1:
            form.ward_code.data = wards[0][0]
    return form


def _page(form, *, status: int = 200):
    user = acting_user()
    jobs = imports.recent(user)
    return render_template(
        "outreach/index.html",
        form=form,
        jobs=[(job, imports.status_of(job)) for job in jobs],
        wards=scope_ward_choices(user),
        max_rows=f"{current_app.config['HOUSEHOLD_IMPORT_MAX_ROWS']:,}".replace(",", "."),
        max_mb=f"{current_app.config['HOUSEHOLD_IMPORT_MAX_BYTES'] / (1024 * 1024):g}",
    ), status


@bp.route("/manage/households", methods=["GET", "POST"])
@roles(*STAFF)
def index():
    user = acting_user()
    form = _upload_form(user)
    if request.method == "GET" or not form.validate_on_submit():
        return _page(form, status=422 if form.errors else 200)
    ward_code = form.ward_code.data or None
    if ward_code is not None and ward_code not in {code for code, _name in scope_ward_choices(user)}:
        form.ward_code.errors = [_("Phường/xã: ngoài phạm vi của tài khoản này.")]
        return _page(form, status=422)
    limit = current_app.config["HOUSEHOLD_IMPORT_MAX_BYTES"]
    upload = form.file.data
    upload.stream.seek(0)
    data = upload.stream.read(limit + 1)
    if not data or len(data) > limit:
        message = (
            _("Tệp danh sách: tệp trống.")
            if not data
            else _("Tệp danh sách: tối đa %(mb)s MB.", mb=f"{limit / (1024 * 1024):g}")
        )
        form.file.errors = [message]
        return _page(form, status=422)
    try:
        job = imports.start(
            data,
            original_name=upload.filename,
            ward_code=ward_code,
            year=form.year.data,
            listed_on=form.listed_on.data,
            by=user,
            origin=request_origin(),
        )
    except DomainError as error:
        form_errors(form, error)
        return _page(form, status=error.status)
    return redirect(url_for(".import_status", import_id=job.id), code=303)


@bp.route("/manage/households/template.xlsx")
@roles(*STAFF)
def template():
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    headers, keys, example = listfile.template_rows()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Danh sách hộ")
    sheet.append(headers)
    sheet.append(keys)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[3]:
        cell.font = Font(italic=True, color="808080")
    sheet.row_dimensions[2].hidden = True
    sheet.freeze_panes = "A4"
    for letter in ("A", "E", "K", "L"):  # codes: text, so Excel keeps the leading zeros
        sheet.column_dimensions[letter].number_format = "@"
    set_widths(sheet, [column.width for column in listfile.COLUMNS])
    notes = workbook.create_sheet(_("Hướng dẫn"))
    for line in (
        _("Mỗi dòng là một thành viên của hộ. Cột có dấu * là bắt buộc."),
        _("Các cột của hộ (mã hộ, phân loại, chủ hộ, thôn/tổ) có thể chỉ ghi ở dòng đầu của hộ."),
        _("Phân loại hộ: Hộ nghèo, Hộ cận nghèo hoặc Hộ mới thoát nghèo."),
        _("Năm sinh: ghi năm (1985) hoặc ngày sinh dd/mm/yyyy."),
        _("Mã phường/xã: mã mới (sau 01/07/2025) hoặc mã cũ; để trống nếu chọn phường/xã khi tải lên."),
        _("Dòng 3 (chữ nghiêng) là ví dụ: ghi đè hoặc để nguyên, dòng ví dụ để nguyên sẽ không được nhập."),
        _("Không xoá dòng 2 (ẩn): hệ thống dựa vào đó để nhận biết các cột."),
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    output = io.BytesIO()
    workbook.save(output)
    response = current_app.response_class(output.getvalue(), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = 'attachment; filename="mau-danh-sach-ho-ngheo-can-ngheo.xlsx"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/manage/households/imports/<int:import_id>")
@roles(*STAFF)
def import_status(import_id: int):
    user = acting_user()
    job = imports.job_for(user, import_id)
    status = imports.status_of(job)
    html = render_template(
        "outreach/import_status.html",
        job=job,
        status=status,
        active=status["status"] in (ImportStatus.QUEUED.value, ImportStatus.RUNNING.value),
        confirm=ActionForm(),
        file_kept=job.file_name is not None,
    )
    return no_store(html)


@bp.route("/manage/households/imports/<int:import_id>/valid-only", methods=["POST"])
@roles(*STAFF)
def valid_only(import_id: int):
    user = acting_user()
    job = imports.job_for(user, import_id)
    if not ActionForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại."), "danger")
        return redirect(url_for(".import_status", import_id=job.id), code=303)
    try:
        imports.valid_rows_only(job, by=user, origin=request_origin())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "warning")
    return redirect(url_for(".import_status", import_id=job.id), code=303)


@bp.route("/manage/households/list")
@roles(*STAFF)
def household_list():
    user = acting_user()
    wards = scope_ward_choices(user)
    code = (request.args.get("ward") or "").strip()[:10] or (wards[0][0] if len(wards) == 1 else "")
    if code and not user.ward_scope.allows(code):
        abort(403)
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < len(page) <= 6 else 1
    today = local_day(utcnow())
    households, total = [], 0
    if code:
        base = sa.select(Household).where(Household.ward_code == code)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
        households = db.session.scalars(
            base.options(selectinload(Household.members))
            .order_by(Household.household_code)
            .limit(LIST_PAGE_SIZE)
            .offset((page - 1) * LIST_PAGE_SIZE)
        ).all()
        record_read(
            "households.list",
            actor=user,
            origin=request_origin(),
            details={"ward_code": code, "page": page, "households": len(households)},
        )
    rows = [
        (
            household,
            category_on(household.category, household.escaped_on, today),
            escaped_until(household.escaped_on) if household.escaped_on else None,
        )
        for household in households
    ]
    html = render_template(
        "outreach/household_list.html",
        ward=code,
        wards=wards,
        rows=rows,
        page=page,
        pages=max(1, -(-total // LIST_PAGE_SIZE)),
        total=total,
        labels=listfile.CATEGORY_LABELS,
        today=today,
    )
    return no_store(html)
