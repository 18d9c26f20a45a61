"""The registration desk of a fair (routes on the registrations blueprint):

    GET  /manage/fairs/<id>/desk                        pending changes of the fair's people, and the
                                                        citizen ID look-up (?registration=<id>: the
                                                        person a number may be moved to)
    POST /manage/fairs/<id>/desk/changes/<change_id>    confirm or reject a pending change
    POST /manage/fairs/<id>/desk/citizen-id             who holds a citizen ID (audited)
    POST /manage/fairs/<id>/desk/citizen-id/move        move it to the right person, card checked

Admins, organisers of the fair's ward and gate staff may view and look up; only admins and
organisers decide changes and move numbers. The rules live in fairapp.attendees.changes and
fairapp.attendees.citizen_ids."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional

from fairapp.attendees import changes, citizen_ids
from fairapp.attendees.models import Attendee, Registration
from fairapp.attendees.validation import check_citizen_id
from fairapp.audit import services as audit
from fairapp.auth.access import STAFF, roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.fairs import services as fair_services
from fairapp.geo.services import get_ward
from fairapp.registrations.blueprint import bp
from fairapp.views import ActionForm, acting_user, flash_refusal

VIEWERS = (Role.ADMIN, Role.ORGANISER, Role.GATE)
DECIDERS = STAFF


class LookupForm(FlaskForm):
    citizen_id = StringField(
        _l("Số CCCD cần tra"), render_kw={"inputmode": "numeric", "maxlength": 14, "autocomplete": "off"}
    )
    registration = HiddenField()


class MoveForm(FlaskForm):
    citizen_id = HiddenField()
    registration = IntegerField(
        _l("Mã đăng ký của người đúng (tại phiên này)"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l(
            "Để trống nếu người đúng chưa đăng ký: số CCCD được gỡ khỏi hồ sơ cũ để đăng ký người đó tại chỗ."
        ),
    )
    card_checked = BooleanField(
        _l("Tôi đã xem thẻ CCCD gốc của người đúng"),
        validators=[DataRequired(_l("Cần xem thẻ CCCD gốc trước khi chuyển số."))],
    )


def _fair(fair_id: int):
    return fair_services.get_fair_for(acting_user(), fair_id)


def _holder(attendee: Attendee, fair_id: int) -> dict:
    """What staff see of the record holding a number: name, birth year, ward, and its registration
    for this fair if any."""
    ward = get_ward(attendee.ward_code)
    registration = db.session.scalar(
        db.select(Registration).where(
            Registration.fair_id == fair_id, Registration.attendee_id == attendee.id
        )
    )
    return {
        "name": attendee.full_name,
        "birth_year": attendee.birth_year,
        "ward": ward.name if ward is not None else attendee.ward_code,
        "registration_id": registration.id if registration is not None else None,
    }


def _pending(fair) -> list[dict]:
    pending = changes.pending_for_fair(fair.id)
    if pending:  # personal data on screen: the viewing is audited, like a registration's detail
        audit.record_read(
            "attendee_changes.view",
            actor=acting_user(),
            target=fair,
            origin=request_origin(),
            details={"change_ids": [change.id for change in pending]},
        )
    return [
        {
            "id": change.id,
            "name": change.attendee.full_name,
            "requested_at": change.requested_at,
            "origin": change.origin,
            "rows": list(
                zip(
                    changes.describe(changes.current_values(change)),
                    changes.describe(change.proposed),
                    strict=True,
                )
            ),
        }
        for change in pending
    ]


def _page(
    fair,
    *,
    lookup: LookupForm | None = None,
    holder: dict | None = None,
    move: MoveForm | None = None,
    searched: bool = False,
    status: int = 200,
):
    target = request.values.get("registration", type=int)
    lookup = lookup or LookupForm(registration=target or "")
    html = render_template(
        "registrations/desk.html",
        fair=fair,
        tab="desk",
        pending=_pending(fair),
        lookup=lookup,
        holder=holder,
        searched=searched,
        move=move,
        may_decide=acting_user().role in DECIDERS,
    )
    return html, status, {"Cache-Control": "no-store"}


@bp.route("/<int:fair_id>/desk")
@roles(*VIEWERS)
def desk(fair_id: int):
    return _page(_fair(fair_id))


@bp.route("/<int:fair_id>/desk/changes/<int:change_id>", methods=["POST"])
@roles(*DECIDERS)
def decide_change(fair_id: int, change_id: int):
    fair = _fair(fair_id)
    confirm = {"confirm": True, "reject": False}.get(request.form.get("decision", ""))
    if not ActionForm().validate_on_submit() or confirm is None:
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng thử lại."), "danger")
        return redirect(url_for("registrations.desk", fair_id=fair.id), code=303)
    try:
        changes.decide_at_desk(fair.id, change_id, confirm=confirm, by=acting_user(), origin=request_origin())
    except NotFound:
        raise
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(
            _("Đã cập nhật thông tin theo yêu cầu.") if confirm else _("Đã từ chối yêu cầu thay đổi."),
            "success",
        )
    return redirect(url_for("registrations.desk", fair_id=fair.id), code=303)


def _clean_citizen_id(form_field) -> str | None:
    try:
        return check_citizen_id(form_field.data, birth_year=None, gender=None)
    except ValueError as error:
        form_field.errors = [f"{form_field.label.text}: {error.args[0]}"]
        return None


@bp.route("/<int:fair_id>/desk/citizen-id", methods=["POST"])
@roles(*VIEWERS)
def look_up(fair_id: int):
    fair = _fair(fair_id)
    form = LookupForm()
    if not form.validate_on_submit():
        return _page(fair, lookup=form, status=400)
    citizen_id = _clean_citizen_id(form.citizen_id)
    if citizen_id is None:
        return _page(fair, lookup=form, status=422)
    holder = citizen_ids.holder_of(citizen_id, by=acting_user(), fair_id=fair.id, origin=request_origin())
    move = None
    if holder is not None and acting_user().role in DECIDERS:
        target = form.registration.data if (form.registration.data or "").isdigit() else None
        move = MoveForm(formdata=None, citizen_id=citizen_id, registration=target)
    return _page(
        fair, lookup=form, holder=_holder(holder, fair.id) if holder else None, move=move, searched=True
    )


@bp.route("/<int:fair_id>/desk/citizen-id/move", methods=["POST"])
@roles(*DECIDERS)
def move_citizen_id(fair_id: int):
    fair = _fair(fair_id)
    form = MoveForm()
    citizen_id = None
    if form.validate_on_submit():
        citizen_id = _clean_citizen_id(form.citizen_id)
    if citizen_id is None:
        flash(
            " ".join(str(e) for errors in form.errors.values() for e in errors)
            or _("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng thử lại."),
            "danger",
        )
        return redirect(url_for("registrations.desk", fair_id=fair.id), code=303)
    target = None
    if form.registration.data:
        registration = db.session.get(Registration, form.registration.data)
        if registration is None or registration.fair_id != fair.id:
            flash(_("Không có đăng ký số %(id)s tại phiên này.", id=form.registration.data), "danger")
            return redirect(url_for("registrations.desk", fair_id=fair.id), code=303)
        target = registration.attendee
    try:
        citizen_ids.move(citizen_id, to=target, by=acting_user(), fair_id=fair.id, origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("registrations.desk", fair_id=fair.id), code=303)
    if target is None:
        flash(_("Đã gỡ số CCCD khỏi hồ sơ cũ. Hãy đăng ký người này với số CCCD của họ."), "success")
        return redirect(url_for("attendees.walk_in", fair_id=fair.id), code=303)
    flash(_("Đã chuyển số CCCD sang %(name)s.", name=target.full_name), "success")
    return redirect(url_for("registrations.desk", fair_id=fair.id), code=303)


# --- For other pages' templates (fairapp.templating) -----------------------------------------------


def citizen_id_conflict(form) -> bool:
    """Whether a registration form was refused because another name holds the citizen ID typed (the
    staff message): the walk-in page then offers the desk's look-up."""
    field = getattr(form, "citizen_id", None)
    return bool(field is not None and field.errors and str(field.errors[0]) == citizen_ids.staff_message())


def desk_pending_count(registration_id: int) -> int:
    """How many changes of this registration's person wait for a decision (the detail page)."""
    registration = db.session.get(Registration, registration_id)
    return len(changes.pending_of(registration.attendee_id)) if registration is not None else 0
