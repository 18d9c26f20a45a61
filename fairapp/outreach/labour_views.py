"""The labour-information page for the commune police (Circular 11/2022, Form 01), on the outreach
blueprint (the rules: fairapp.outreach.labour):

    GET  /manage/households/labour?ward=                  the ward's people: consent, status with the
                                                          police, what their Form 01 row lacks
    POST /manage/households/labour/<attendee_id>/consent  consent=yes (agreed) or no (withdrawn)
    POST /manage/households/labour/<attendee_id>/status   status=entered, or returned with a reason
    POST /manage/households/labour/export                 ward (and include_entered): the .xlsx file

Admins and the ward's organisers only (another ward asked for: 403; a person of another ward: 404, the
same as one that does not exist); employers never. Every showing of the page is audited as a read
("labour.list"), the export by the service. Each action is a small form with its CSRF token (no
JavaScript); a refused one shows the page again, 422, with the message next to the field and what was
typed kept."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField

from fairapp.attendees.models import Attendee
from fairapp.audit.services import record_read
from fairapp.auth.access import STAFF, public, roles
from fairapp.auth.session import request_origin
from fairapp.auth.sign_in_state import fresh_sign_in
from fairapp.errors import DomainError, NotFound, ValidationError
from fairapp.extensions import db, limiter
from fairapp.geo.services import get_ward
from fairapp.outcomes import listing
from fairapp.outreach import labour
from fairapp.outreach.blueprint import bp
from fairapp.outreach.models import LabourStatus
from fairapp.tickets.details_views import LIMIT_PER_TICKET
from fairapp.tickets.services import get_by_secret
from fairapp.views import acting_user, form_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ConsentForm(FlaskForm):
    consent = HiddenField(_l("Đồng ý cung cấp thông tin"))  # "yes" or "no": the button pressed


class StatusForm(FlaskForm):
    status = HiddenField(_l("Trạng thái"))  # the button pressed
    reason = TextAreaField(_l("Lý do trả lại"), render_kw={"maxlength": labour.MAX_REASON_LENGTH, "rows": 2})


class ExportForm(FlaskForm):
    ward = HiddenField(_l("Phường/xã"))
    include_entered = BooleanField(_l("Gồm cả người công an đã nhập (gửi lại để cập nhật)"))


def _no_store(response) -> Response:
    response = response if isinstance(response, Response) else Response(response)
    response.headers["Cache-Control"] = "no-store"  # people's data: not kept by browsers or proxies
    return response


def _asked_ward(user, code) -> str | None:
    """The ward asked for: None when none is; 403 outside the account's wards; 422 naming the field
    when it is no ward at all."""
    code = code.strip()[:10] if isinstance(code, str) else ""
    if not code:
        return None
    if not user.ward_scope.allows(code):
        abort(403)
    if get_ward(code) is None:
        raise ValidationError(
            _l("Phường/xã: không tìm thấy."), fields={"ward": _l("Phường/xã: không tìm thấy.")}
        )
    return code


def _page_ward(user) -> str | None:
    """The ward asked for in the address, else an organiser's first ward."""
    ward = _asked_ward(user, request.args.get("ward"))
    if ward is not None:
        return ward
    wards = listing.scope_wards(user)
    if not user.ward_scope.everywhere and wards:
        return wards[0][0]
    return None


def render_labour(
    user,
    ward: str | None,
    *,
    failed: dict | None = None,
    export_form: ExportForm | None = None,
    status: int = 200,
):
    page = request.values.get("page", "1")
    page = int(page) if page.isdigit() and 0 < len(page) <= 6 else 1
    people = labour.people_of_ward(ward, page=page) if ward else None
    if people is not None:
        record_read(
            "labour.list",
            actor=user,
            origin=request_origin(),
            details={
                "ward_code": ward,
                "page": people.page,
                "people": len(people.rows),
                "consented": people.consented,
            },
        )
    if export_form is None:
        export_form = ExportForm(formdata=None, ward=ward)
    html = render_template(
        "outreach/labour.html",
        ward=ward,
        wards=listing.call_list_wards(user),
        people=people,
        failed=failed,
        consent_form=ConsentForm(formdata=None),
        status_form=StatusForm(formdata=None),
        export_form=export_form,
        status_labels=labour.STATUS_LABELS,
        statuses=LabourStatus,
    )
    return _no_store(html), status


def _person(user, attendee_id: int) -> Attendee:
    attendee = db.session.get(Attendee, attendee_id)
    if attendee is None or attendee.erased_at is not None or not user.ward_scope.allows(attendee.ward_code):
        raise NotFound()
    return attendee


def _back(attendee: Attendee):
    return redirect(url_for("outreach.labour", ward=attendee.ward_code) + f"#p{attendee.id}", code=303)


@bp.route("/manage/households/labour", endpoint="labour")
@roles(*STAFF)
def labour_page():
    user = acting_user()
    return render_labour(user, _page_ward(user))


@bp.route("/manage/households/labour/<int:attendee_id>/consent", methods=["POST"])
@roles(*STAFF)
def labour_consent(attendee_id: int):
    user = acting_user()
    attendee = _person(user, attendee_id)
    form = ConsentForm()
    if form.validate_on_submit():
        choice = form.consent.data
        if choice not in ("yes", "no"):
            error = ValidationError(
                fields={"consent": _l("Đồng ý cung cấp thông tin: chọn đồng ý hoặc rút lại.")}
            )
            form_errors(form, error)
        else:
            try:
                if choice == "yes":
                    labour.record_consent(attendee, by=user, origin=request_origin())
                else:
                    labour.withdraw_consent(attendee, by=user, origin=request_origin())
            except DomainError as error:
                form_errors(form, error)
            else:
                if choice == "yes":
                    flash(
                        _("Đã ghi: %(name)s đồng ý cung cấp thông tin lao động.", name=attendee.full_name),
                        "success",
                    )
                else:
                    flash(_("Đã ghi: %(name)s rút lại đồng ý.", name=attendee.full_name), "success")
                return _back(attendee)
    failed = {"attendee_id": attendee.id, "form": form, "kind": "consent"}
    return render_labour(user, attendee.ward_code, failed=failed, status=422)


@bp.route("/manage/households/labour/<int:attendee_id>/status", methods=["POST"])
@roles(*STAFF)
def labour_status(attendee_id: int):
    user = acting_user()
    attendee = _person(user, attendee_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            labour.set_status(attendee, form.status.data, form.reason.data, by=user, origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            if form.status.data == LabourStatus.RETURNED:
                flash(
                    _("Đã ghi: công an trả lại thông tin của %(name)s.", name=attendee.full_name), "success"
                )
            else:
                flash(
                    _("Đã ghi: công an đã nhập thông tin của %(name)s.", name=attendee.full_name), "success"
                )
            return _back(attendee)
    failed = {"attendee_id": attendee.id, "form": form, "kind": "status"}
    return render_labour(user, attendee.ward_code, failed=failed, status=422)


@bp.route("/manage/households/labour/export", methods=["POST"])
@roles(*STAFF)
@fresh_sign_in
def labour_export():
    user = acting_user()
    form = ExportForm()
    ward = _asked_ward(user, form.ward.data)
    if ward is None:
        form_errors(form, ValidationError(fields={"ward": _l("Phường/xã: vui lòng chọn.")}))
        return render_labour(user, None, export_form=form, status=422)
    if form.validate_on_submit():
        try:
            data, export = labour.export_ward(
                ward, by=user, origin=request_origin(), include_entered=bool(form.include_entered.data)
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            name = f"mau-01-lao-dong-{ward}-{export.created_at:%Y%m%d}-{export.id}.xlsx"
            response = Response(data, mimetype=XLSX)
            response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
            return _no_store(response)
    return render_labour(user, ward, export_form=form, status=422)


# --- The person's own consent, from their ticket page ------------------------------------------------


@bp.route("/t/<secret>/labour-consent", methods=["POST"])
@limiter.limit(LIMIT_PER_TICKET, key_func=lambda: "ticket-labour:" + request.path)
@public
def ticket_labour_consent(secret: str):
    """The job seeker agrees, on their own ticket page, to hand their labour information to the commune
    police (the consent text shown there, its version kept). The link is the key, as for the ticket."""
    registration = get_by_secret(secret)
    if labour.record_consent(registration.attendee, by=None, origin=request_origin()):
        flash(_("Bạn đã đồng ý cung cấp thông tin lao động cho công an xã, phường."), "success")
    return redirect(url_for("tickets.show", secret=secret) + "#labour-consent", code=303)


@bp.route("/t/<secret>/labour-consent/withdraw", methods=["POST"])
@limiter.limit(LIMIT_PER_TICKET, key_func=lambda: "ticket-labour:" + request.path)
@public
def ticket_labour_withdraw(secret: str):
    registration = get_by_secret(secret)
    if labour.withdraw_consent(registration.attendee, by=None, origin=request_origin()):
        flash(
            _("Bạn đã rút lại đồng ý: thông tin lao động của bạn không được cung cấp cho công an xã nữa."),
            "success",
        )
    return redirect(url_for("tickets.show", secret=secret) + "#labour-consent", code=303)
