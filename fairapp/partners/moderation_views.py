"""The organiser's (and admin's) detail pages of an employer or school, and what they decide there:
approve, reject, suspend or reinstate it (rejecting or suspending withdraws its booths), mark its
public changes reviewed, hide or show one of its vacancies. Routes on the partners blueprint."""

from flask import abort, flash, redirect, url_for
from flask import render_template as render
from flask_babel import gettext as _
from flask_login import current_user

from fairapp.auth.access import roles
from fairapp.auth.session import request_origin
from fairapp.booths import moderation
from fairapp.booths.services import booths_of_employer
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.partners import forms, review, services
from fairapp.partners.models import Employer, School, Vacancy
from fairapp.partners.views import STAFF, bp

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


def _user():
    return current_user._get_current_object()


def _run(action, done: str, back):
    """Run a service after a valid POST; flash the outcome (the first field message, else the error's)."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        flash(str(next(iter(error.fields.values()), error.message)), "danger")
        return back
    db.session.commit()
    flash(done(result) if callable(done) else done, "success")
    return back


# --- Detail pages ----------------------------------------------------------------------------------


@bp.route("/manage/employers/<int:employer_id>")
@roles(*STAFF)
def employer_detail(employer_id):
    employer = db.session.get(Employer, employer_id) or abort(404)
    return render(
        "partners/employer_detail.html",
        employer=employer,
        reject_form=forms.RejectForm(),
        action_form=forms.ActionForm(),
        booths=booths_of_employer(employer),
        changes=review.changes_since_review(employer),
        field_labels=FIELD_LABELS,
        may_hide={v.id for v in employer.vacancies if moderation.may_hide(_user(), v)},
    )


@bp.route("/manage/schools/<int:school_id>")
@roles(*STAFF)
def school_detail(school_id):
    school = db.session.get(School, school_id) or abort(404)
    return render(
        "partners/school_detail.html",
        school=school,
        reject_form=forms.RejectForm(),
        action_form=forms.ActionForm(),
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

    def done(outcome: moderation.Decision) -> str:
        text = DONE[decision]()
        if outcome.withdrawn:
            text += " " + _("Đã rút %(n)s gian hàng ở các phiên chưa kết thúc.", n=len(outcome.withdrawn))
        return text

    return _run(
        lambda: moderation.decide(partner, decision, form.reason.data, by=_user(), origin=request_origin()),
        done,
        back,
    )


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
    if not forms.ActionForm().validate_on_submit():
        return back
    return _run(
        lambda: review.mark_reviewed(partner, by=_user(), origin=request_origin()),
        _("Đã đánh dấu là đã xem các thay đổi."),
        back,
    )


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
    if action == "hide":
        return _run(
            lambda: moderation.hide_vacancy(vacancy, form.reason.data, by=_user(), origin=request_origin()),
            _("Đã ẩn vị trí; người lao động không còn thấy vị trí này."),
            back,
        )
    return _run(
        lambda: moderation.unhide_vacancy(vacancy, form.reason.data, by=_user(), origin=request_origin()),
        _("Đã hiện lại vị trí."),
        back,
    )
