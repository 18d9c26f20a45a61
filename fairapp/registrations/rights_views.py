"""The desk's privacy actions (routes on the registrations blueprint; admins, and organisers of the
fair's ward, as for the detail page they start from):

    POST /manage/fairs/<id>/registrations/<rid>/withdraw-consent   every registration of the person
    POST /manage/fairs/<id>/registrations/<rid>/erase              erase the person, with a reason
    POST /manage/fairs/<id>/registrations/<rid>/reissue            new QR and link; the old QR revoked
    GET  /manage/fairs/erasure-requests[?fair_id=]                 pending requests the user may decide
    POST /manage/fairs/erasure-requests/<id>/carry-out             erase, after checking the person
    POST /manage/fairs/erasure-requests/<id>/decline               with a note

Gate staff do not see the detail page, so they reissue nothing here: a person whose ticket is lost
goes to the desk."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.links import absolute_url
from fairapp.privacy import services as privacy
from fairapp.registrations import services
from fairapp.registrations.blueprint import bp
from fairapp.registrations.rights_forms import (
    CarryOutForm,
    DeclineForm,
    EraseForm,
    ReissueForm,
    blank,
    submitted,
)
from fairapp.registrations.views import detail_page
from fairapp.tickets import qr, signing
from fairapp.tickets import services as tickets
from fairapp.views import acting_user, flash_refusal


def _registration(fair_id: int, registration_id: int):
    fair = services.fair_for_staff(acting_user(), fair_id)
    return fair, services.registration_of(fair, registration_id)


def _back(fair, registration):
    return redirect(url_for("registrations.detail", fair_id=fair.id, registration_id=registration.id))


def _refused(error: DomainError, fair, registration):
    flash_refusal(error)
    return _back(fair, registration)


@bp.route("/<int:fair_id>/registrations/<int:registration_id>/withdraw-consent", methods=["POST"])
@roles(*STAFF)
def withdraw_consent(fair_id: int, registration_id: int):
    fair, registration = _registration(fair_id, registration_id)  # CSRF: checked for every POST
    try:
        changed = privacy.withdraw_share_consent(registration, by=acting_user(), origin=request_origin())
    except DomainError as error:
        return _refused(error, fair, registration)
    flash(
        _("Đã rút lại đồng ý chia sẻ với doanh nghiệp trên %(n)d lần đăng ký của người này.", n=len(changed)),
        "success",
    )
    return _back(fair, registration)


@bp.route("/<int:fair_id>/registrations/<int:registration_id>/erase", methods=["POST"])
@roles(*STAFF)
def erase(fair_id: int, registration_id: int):
    fair, registration = _registration(fair_id, registration_id)
    form = submitted(EraseForm)
    if not form.validate_on_submit():
        return detail_page(fair, registration, status=422, erase_form=form)
    try:
        privacy.erase(
            registration.attendee, by=acting_user(), reason=form.reason.data, origin=request_origin()
        )
    except DomainError as error:
        return _refused(error, fair, registration)
    flash(
        _(
            "Đã xoá dữ liệu cá nhân của người này. Số liệu thống kê được giữ lại; vé của họ không còn "
            "hiệu lực."
        ),
        "success",
    )
    return _back(fair, registration)


@bp.route("/<int:fair_id>/registrations/<int:registration_id>/reissue", methods=["POST"])
@roles(*STAFF)
def reissue(fair_id: int, registration_id: int):
    """The new link and QR are shown once, in this answer, to the staff member who asked."""
    fair, registration = _registration(fair_id, registration_id)
    form = submitted(ReissueForm)
    if not form.validate_on_submit():
        return detail_page(fair, registration, status=422, reissue_form=form)
    try:
        tickets.reissue_ticket(
            registration,
            by=acting_user(),
            origin=request_origin(),
            reason=(form.reason.data or "").strip() or None,
        )
    except DomainError as error:
        return _refused(error, fair, registration)
    payload = signing.ticket_payload(registration)
    response = Response(
        render_template(
            "registrations/reissued.html",
            fair=fair,
            registration=registration,
            link=absolute_url("tickets.show", secret=registration.ticket_secret),
            qr_data_uri=qr.ticket_qr_data_uri(payload),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# --- erasure requests ---------------------------------------------------------------------------------


@bp.route("/erasure-requests")
@roles(*STAFF)
def erasure_requests():
    fair_id = request.args.get("fair_id", type=int)
    fair = services.fair_for_staff(acting_user(), fair_id) if fair_id is not None else None
    rows = privacy.pending_requests(acting_user(), fair_id=fair_id)
    response = Response(
        render_template(
            "registrations/erasure_requests.html",
            rows=rows,
            fair=fair,
            carry_out_form=blank(CarryOutForm),
            decline_form=blank(DeclineForm),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _back_to_requests():
    """Back where the decision was made: a registration's detail page, or the list (of one fair)."""
    fair_id = request.form.get("fair_id", type=int)
    registration_id = request.form.get("registration_id", type=int)
    if fair_id and registration_id:
        return redirect(url_for("registrations.detail", fair_id=fair_id, registration_id=registration_id))
    return redirect(url_for("registrations.erasure_requests", fair_id=fair_id))


@bp.route("/erasure-requests/<int:request_id>/carry-out", methods=["POST"])
@roles(*STAFF)
def carry_out(request_id: int):
    erasure_request = privacy.request_for_staff(acting_user(), request_id)
    form = submitted(CarryOutForm)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(str(errors[0]), "danger")
        return _back_to_requests()
    try:
        privacy.carry_out(erasure_request, by=acting_user(), note=form.note.data, origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
        return _back_to_requests()
    flash(_("Đã xoá dữ liệu cá nhân theo yêu cầu."), "success")
    return _back_to_requests()


@bp.route("/erasure-requests/<int:request_id>/decline", methods=["POST"])
@roles(*STAFF)
def decline(request_id: int):
    erasure_request = privacy.request_for_staff(acting_user(), request_id)
    form = submitted(DeclineForm)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(str(errors[0]), "danger")
        return _back_to_requests()
    try:
        privacy.decline(erasure_request, by=acting_user(), note=form.note.data, origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
        return _back_to_requests()
    flash(_("Đã từ chối yêu cầu xoá."), "info")
    return _back_to_requests()
