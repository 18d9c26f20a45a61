"""The organiser's (and admin's) detail pages of an employer or school, and what they decide there:
approve, reject, suspend or reinstate it (rejecting or suspending withdraws its booths), mark its
public changes reviewed, hide or show one of its vacancies. Routes on the partners blueprint."""

from flask import abort, flash, redirect, url_for
from flask import render_template as render
from flask_babel import gettext as _

from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.booths import moderation
from fairapp.booths.services import booths_of_employer
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.partners import forms, review, services
from fairapp.partners.blueprint import bp
from fairapp.partners.models import Employer, School, Vacancy
from fairapp.views import ActionForm, acting_user, flash_refusal

DONE = {
    "approve": lambda: _("Đã duyệt."),
    "reject": lambda: _("Đã từ chối."),
    "suspend": lambda: _("Đã tạm ngừng đơn vị; đơn vị không còn hiển thị với người lao động."),
    "reinstate": lambda: _(
        "Đã khôi phục đơn vị. Các gian hàng đã rút vẫn ở trạng thái huỷ: đơn vị cần "
        "đăng ký lại hoặc được mời lại."
    ),
}


FIELD_LABELS = {
    "employer": services.EMPLOYER_LABELS,
    "school": services.SCHOOL_LABELS,
    "vacancy": services.VACANCY_LABELS,
    "programme": services.PROGRAMME_LABELS,
}


# --- Detail pages ----------------------------------------------------------------------------------


@bp.route("/manage/employers/<int:employer_id>")
@roles(*STAFF)
def employer_detail(employer_id):
    employer = db.session.get(Employer, employer_id) or abort(404)
    return render(
        "partners/employer_detail.html",
        employer=employer,
        reject_form=forms.RejectForm(),
        action_form=ActionForm(),
        booths=booths_of_employer(employer),
        changes=review.changes_since_review(employer),
        field_labels=FIELD_LABELS,
        may_hide={v.id for v in employer.vacancies if moderation.may_hide(acting_user(), v)},
    )


@bp.route("/manage/schools/<int:school_id>")
@roles(*STAFF)
def school_detail(school_id):
    school = db.session.get(School, school_id) or abort(404)
    return render(
        "partners/school_detail.html",
        school=school,
        reject_form=forms.RejectForm(),
        action_form=ActionForm(),
        changes=review.changes_since_review(school),
        field_labels=FIELD_LABELS,
    )


# --- Decisions -------------------------------------------------------------------------------------


def _decide(partner, decision: str, back):
    form = forms.RejectForm()
    if not form.validate_on_submit():
        flash(
            str(next(iter(form.errors.values()), [_("Phiên làm việc đã hết hạn. Vui lòng thử lại.")])[0]),
            "danger",
        )
        return back

    try:
        outcome = moderation.decide(
            partner, decision, form.reason.data, by=acting_user(), origin=request_origin()
        )
    except DomainError as error:
        flash_refusal(error)
        return back
    text = DONE[decision]()
    if outcome.withdrawn:
        text += " " + _("Đã rút %(n)s gian hàng ở các phiên chưa kết thúc.", n=len(outcome.withdrawn))
    flash(text, "success")
    return back


@bp.route(
    "/manage/employers/<int:employer_id>/<any(approve, reject, suspend, reinstate):decision>",
    methods=["POST"],
)
@roles(*STAFF)
def employer_decide(employer_id, decision):
    employer = db.session.get(Employer, employer_id) or abort(404)
    return _decide(employer, decision, redirect(url_for("partners.employer_detail", employer_id=employer.id)))


@bp.route(
    "/manage/schools/<int:school_id>/<any(approve, reject, suspend, reinstate):decision>", methods=["POST"]
)
@roles(*STAFF)
def school_decide(school_id, decision):
    school = db.session.get(School, school_id) or abort(404)
    return _decide(school, decision, redirect(url_for("partners.school_detail", school_id=school.id)))


# --- Reviewing public changes ----------------------------------------------------------------------


def _reviewed(partner, back):
    if not ActionForm().validate_on_submit():
        return back
    try:
        review.mark_reviewed(partner, by=acting_user(), origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
        return back
    flash(_("Đã đánh dấu là đã xem các thay đổi."), "success")
    return back


@bp.route("/manage/employers/<int:employer_id>/reviewed", methods=["POST"])
@roles(*STAFF)
def employer_reviewed(employer_id):
    employer = db.session.get(Employer, employer_id) or abort(404)
    return _reviewed(employer, redirect(url_for("partners.employer_detail", employer_id=employer.id)))


@bp.route("/manage/schools/<int:school_id>/reviewed", methods=["POST"])
@roles(*STAFF)
def school_reviewed(school_id):
    school = db.session.get(School, school_id) or abort(404)
    return _reviewed(school, redirect(url_for("partners.school_detail", school_id=school.id)))


# --- Hiding a vacancy ------------------------------------------------------------------------------


@bp.route("/manage/vacancies/<int:vacancy_id>/<any(hide, unhide):action>", methods=["POST"])
@roles(*STAFF)
def vacancy_visibility(vacancy_id, action):
    vacancy = db.session.get(Vacancy, vacancy_id) or abort(404)
    back = redirect(url_for("partners.employer_detail", employer_id=vacancy.employer_id))
    form = forms.RejectForm()
    if not form.validate_on_submit():
        return back
    change, done = {
        "hide": (moderation.hide_vacancy, _("Đã ẩn vị trí; người lao động không còn thấy vị trí này.")),
        "unhide": (moderation.unhide_vacancy, _("Đã hiện lại vị trí.")),
    }[action]
    try:
        change(vacancy, form.reason.data, by=acting_user(), origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
        return back
    flash(done, "success")
    return back
