"""Booth pages: the employer's or school's own list (apply, accept an invitation, withdraw) and the
organiser's page of a fair's booths (limit, invite, confirm with a label, refuse with a reason)."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fairapp.auth.access import STAFF, roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.booths import forms, services
from fairapp.booths.models import BoothStatus
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.fairs.models import Fair
from fairapp.partners.models import Employer, PartnerStatus, School
from fairapp.views import ActionForm, acting_user, flash_refusal

bp = Blueprint("booths", __name__)
PARTNERS = (Role.EMPLOYER, Role.SCHOOL)


# --- The employer's or school's booths -------------------------------------------------------------


def _my_partner():
    if current_user.role == Role.EMPLOYER and current_user.employer_id:
        return db.session.get(Employer, current_user.employer_id)
    if current_user.role == Role.SCHOOL and current_user.school_id:
        return db.session.get(School, current_user.school_id)
    return None


@bp.route("/booths")
@roles(*PARTNERS)
def mine():
    partner = _my_partner()
    booths = services.booths_of(acting_user())
    taken = {b.fair_id for b in booths if b.status != BoothStatus.CANCELLED}
    fairs = (
        [f for f in services.offerable_fairs() if f.id not in taken]
        if partner is not None and partner.status == PartnerStatus.APPROVED
        else []
    )
    return render_template(
        "booths/mine.html",
        partner=partner,
        booths=booths,
        fairs=fairs,
        action_form=ActionForm(),
        home=url_for("partners.my_employer" if current_user.role == Role.EMPLOYER else "partners.my_school"),
    )


@bp.route("/booths/apply/<int:fair_id>", methods=["POST"])
@roles(*PARTNERS)
def apply(fair_id):
    fair = db.session.get(Fair, fair_id) or abort(404)
    back = redirect(url_for("booths.mine"))
    if not ActionForm().validate_on_submit():
        return back
    try:
        services.apply(fair, by=acting_user(), origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Đã gửi đăng ký gian hàng; chờ cán bộ xác nhận."), "success")
    return back


@bp.route("/booths/<int:booth_id>/<any(accept, withdraw):action>", methods=["POST"])
@roles(*PARTNERS)
def respond(booth_id, action):
    booth = services.get_booth_for(acting_user(), booth_id)
    back = redirect(url_for("booths.mine"))
    if not ActionForm().validate_on_submit():
        return back
    try:
        if action == "accept":
            services.accept(booth, by=acting_user(), origin=request_origin())
        else:
            services.cancel(booth, by=acting_user(), origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
    else:
        accepted = _("Đã nhận lời mời; gian hàng đã được xác nhận.")
        flash(accepted if action == "accept" else _("Đã rút đăng ký gian hàng."), "success")
    return back


# --- The organiser's page of a fair's booths -------------------------------------------------------


def _invite_choices(fair: Fair) -> list[tuple[str, str]]:
    held = {
        (b.employer_id, b.school_id)
        for b in services.booths_of_fair(fair)
        if b.status != BoothStatus.CANCELLED
    }
    employers = db.session.scalars(
        sa.select(Employer).where(Employer.status == PartnerStatus.APPROVED).order_by(Employer.name)
    ).all()
    schools = db.session.scalars(
        sa.select(School).where(School.status == PartnerStatus.APPROVED).order_by(School.name)
    ).all()
    return [(f"e{e.id}", e.name) for e in employers if (e.id, None) not in held] + [
        (f"s{s.id}", f"{s.name} ({_('cơ sở đào tạo')})") for s in schools if (None, s.id) not in held
    ]


def _staff_fair(fair_id: int) -> Fair:
    return fair_services.get_fair_for(acting_user(), fair_id)


@bp.route("/manage/fairs/<int:fair_id>/booths")
@roles(*STAFF)
def fair(fair_id):
    fair = _staff_fair(fair_id)
    invite_form = forms.InviteForm()
    invite_form.partner.choices = _invite_choices(fair)
    limit_form = forms.LimitForm(booth_limit=services.booth_limit(fair))
    booths = services.booths_of_fair(fair)
    return render_template(
        "booths/fair.html",
        fair=fair,
        booths=booths,
        invite_form=invite_form,
        limit_form=limit_form,
        confirm_form=forms.ConfirmForm(),
        cancel_form=forms.CancelForm(),
        confirmed=sum(b.status == BoothStatus.CONFIRMED for b in booths),
        limit=services.booth_limit(fair),
    )


@bp.route("/manage/fairs/<int:fair_id>/booths/limit", methods=["POST"])
@roles(*STAFF)
def set_limit(fair_id):
    fair = _staff_fair(fair_id)
    form = forms.LimitForm()
    back = redirect(url_for("booths.fair", fair_id=fair.id))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(str(errors[0]), "danger")
        return back
    try:
        services.set_booth_limit(fair, form.booth_limit.data, by=acting_user(), origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Đã lưu số gian hàng tối đa."), "success")
    return back


@bp.route("/manage/fairs/<int:fair_id>/booths/invite", methods=["POST"])
@roles(*STAFF)
def invite(fair_id):
    fair = _staff_fair(fair_id)
    form = forms.InviteForm()
    back = redirect(url_for("booths.fair", fair_id=fair.id))
    if not form.validate_on_submit():
        return back
    choice = form.partner.data or ""
    model = {"e": Employer, "s": School}.get(choice[:1])
    partner = db.session.get(model, int(choice[1:])) if model and choice[1:].isdigit() else None
    if partner is None:
        flash(_("Đơn vị: vui lòng chọn doanh nghiệp hoặc cơ sở đào tạo."), "danger")
        return back
    kind = {"employer": partner} if model is Employer else {"school": partner}
    try:
        services.invite(
            fair,
            by=acting_user(),
            label=form.label.data,
            confirm=form.confirm.data,
            origin=request_origin(),
            **kind,
        )
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Đã xếp gian hàng.") if form.confirm.data else _("Đã gửi lời mời."), "success")
    return back


@bp.route("/manage/booths/<int:booth_id>/<any(confirm, cancel):action>", methods=["POST"])
@roles(*STAFF)
def decide(booth_id, action):
    booth = services.get_booth_for(acting_user(), booth_id)
    back = redirect(url_for("booths.fair", fair_id=booth.fair_id))
    form = forms.ConfirmForm() if action == "confirm" else forms.CancelForm()
    if not form.validate_on_submit():
        return back
    try:
        if action == "confirm":
            services.confirm(booth, by=acting_user(), label=form.label.data, origin=request_origin())
        else:
            services.cancel(booth, by=acting_user(), reason=form.reason.data, origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Đã xác nhận gian hàng.") if action == "confirm" else _("Đã huỷ gian hàng."), "success")
    return back
