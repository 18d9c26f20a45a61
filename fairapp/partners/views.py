"""Pages for employers and schools: public self-registration, the organiser's lists, and the
partner's own pages (company or school profile, vacancies, programmes, colleagues). The organiser's
detail pages with their decisions, reviews and hidden vacancies: fairapp.partners.moderation_views.

Tenancy: an employer account reaches only its own employer's data (anything else is 404); a school
account on employer pages, or the reverse, gets 403 from the role check."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fairapp.auth.access import STAFF, public, roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.booths import services as booth_services
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.partners import forms, services
from fairapp.partners.blueprint import bp
from fairapp.partners.models import Employer, School
from fairapp.partners.standing import ensure_active, ensure_editable
from fairapp.views import ActionForm, acting_user, flash_refusal, form_errors

ACCOUNT_FIELDS = ("account_full_name", "account_email", "account_phone", "password")


def _data(form, names=None) -> dict:
    names = names or [name for name in form.data if name not in ("csrf_token", "password_again")]
    return {name: form[name].data for name in names}


# --- Public self-registration ----------------------------------------------------------------------


def _register(form, register, template: str, done_message: str):
    if form.validate_on_submit():
        if form.password.data != form.password_again.data:
            form.password_again.errors = [_("Nhập lại mật khẩu: không khớp với mật khẩu.")]
        else:
            partner_fields = [
                n for n in form.data if n not in ("csrf_token", "password_again", *ACCOUNT_FIELDS)
            ]
            account = {
                "full_name": form.account_full_name.data,
                "email": form.account_email.data,
                "phone": form.account_phone.data,
                "password": form.password.data,
            }
            try:
                register(_data(form, partner_fields), account, origin=request_origin())
            except DomainError as error:
                form_errors(form, error)
            else:
                flash(done_message, "success")
                return redirect(url_for("auth.login"))
    return render_template(template, form=form)


@bp.route("/employers/register", methods=["GET", "POST"])
@public
def register_employer():
    return _register(
        forms.EmployerRegisterForm(),
        services.register_employer,
        "partners/register_employer.html",
        _(
            "Đã gửi đăng ký doanh nghiệp. Bạn có thể đăng nhập ngay; cán bộ phụ trách sẽ duyệt "
            "trước khi doanh nghiệp đăng vị trí tuyển dụng."
        ),
    )


@bp.route("/schools/register", methods=["GET", "POST"])
@public
def register_school():
    return _register(
        forms.SchoolRegisterForm(),
        services.register_school,
        "partners/register_school.html",
        _(
            "Đã gửi đăng ký cơ sở đào tạo. Bạn có thể đăng nhập ngay; cán bộ phụ trách sẽ duyệt "
            "trước khi cơ sở đăng ngành nghề đào tạo."
        ),
    )


# --- Organiser lists and approval ------------------------------------------------------------------


def _filters():
    form = forms.PartnerFilterForm(request.args)
    ok = form.validate()
    return form, {
        "status": form.status.data or None if ok else None,
        "q": form.q.data or None if ok else None,
        "ward_code": form.ward_code.data or None if ok else None,
    }


@bp.route("/manage/employers")
@roles(*STAFF)
def employers():
    form, filters = _filters()
    return render_template(
        "partners/employers.html",
        form=form,
        employers=services.list_employers(**filters),
        counts=services.status_counts(Employer),
    )


@bp.route("/manage/schools")
@roles(*STAFF)
def schools():
    form, filters = _filters()
    return render_template(
        "partners/schools.html",
        form=form,
        schools=services.list_schools(**filters),
        counts=services.status_counts(School),
    )


@bp.route("/manage/employers/new", methods=["GET", "POST"])
@roles(*STAFF)
def employer_new():
    form = forms.EmployerForm()
    if form.validate_on_submit():
        try:
            employer = services.create_employer(_data(form), by=acting_user(), origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã thêm doanh nghiệp (đã duyệt)."), "success")
            return redirect(url_for("partners.employer_detail", employer_id=employer.id))
    return render_template("partners/employer_form.html", form=form, employer=None)


@bp.route("/manage/schools/new", methods=["GET", "POST"])
@roles(*STAFF)
def school_new():
    form = forms.SchoolForm()
    if form.validate_on_submit():
        try:
            school = services.create_school(_data(form), by=acting_user(), origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã thêm cơ sở đào tạo (đã duyệt)."), "success")
            return redirect(url_for("partners.school_detail", school_id=school.id))
    return render_template("partners/school_form.html", form=form, school=None)


@bp.route("/manage/employers/<int:employer_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def employer_edit(employer_id):
    employer = db.session.get(Employer, employer_id) or abort(404)
    form = forms.EmployerForm(obj=employer)
    if form.validate_on_submit():
        try:
            services.update_employer(employer, _data(form), by=acting_user(), origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("partners.employer_detail", employer_id=employer.id))
    return render_template("partners/employer_form.html", form=form, employer=employer)


# --- The employer's own pages ----------------------------------------------------------------------


def _my_employer() -> Employer:
    employer = db.session.get(Employer, current_user.employer_id) if current_user.employer_id else None
    if employer is None:
        abort(404)
    return employer


def _my_school() -> School:
    school = db.session.get(School, current_user.school_id) if current_user.school_id else None
    if school is None:
        abort(404)
    return school


@bp.route("/employer")
@roles(Role.EMPLOYER)
def my_employer():
    employer = _my_employer()
    return render_template("partners/my_employer.html", employer=employer, action_form=ActionForm())


@bp.route("/employer/profile", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def my_employer_edit():
    employer = _my_employer()
    ensure_editable(employer)
    form = forms.EmployerForm(obj=employer)
    del form.tax_code  # only staff change a tax code
    if form.validate_on_submit():
        try:
            services.update_employer(employer, _data(form), by=acting_user(), origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("partners.my_employer"))
    return render_template("partners/employer_form.html", form=form, employer=employer, own=True)


def _vacancy_form(vacancy=None):
    form = forms.VacancyForm(obj=vacancy) if vacancy is not None else forms.VacancyForm()
    fairs = booth_services.offerable_fairs()
    form.fair_ids.choices = [(fair.id, fair.title) for fair in fairs]
    if request.method == "GET" and vacancy is not None:
        form.fair_ids.data = booth_services.offered_fair_ids(vacancy)
        form.education.data = vacancy.education.value if vacancy.education else ""
        form.status.data = vacancy.status.value
        form.deadline.data = vacancy.deadline.strftime("%d/%m/%Y") if vacancy.deadline else ""
        for name in ("quantity", "salary_min", "salary_max", "experience_years", "age_min", "age_max"):
            value = getattr(vacancy, name)
            form[name].data = "" if value is None else str(value)
    return form, {fair.id: fair for fair in fairs}


@bp.route("/employer/vacancies/new", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def vacancy_new():
    employer = _my_employer()
    ensure_active(employer)
    form, fairs = _vacancy_form()
    if form.validate_on_submit():
        try:
            vacancy = services.create_vacancy(
                employer, _data(form), by=acting_user(), origin=request_origin()
            )
            booth_services.set_offers(
                vacancy, form.fair_ids.data or [], by=acting_user(), origin=request_origin()
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã thêm vị trí tuyển dụng."), "success")
            return redirect(url_for("partners.my_employer"))
    return render_template("partners/vacancy_form.html", form=form, vacancy=None, fairs=fairs)


@bp.route("/employer/vacancies/<int:vacancy_id>/edit", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def vacancy_edit(vacancy_id):
    vacancy = services.get_vacancy_for(acting_user(), vacancy_id)
    ensure_active(vacancy.employer)
    form, fairs = _vacancy_form(vacancy)
    if form.validate_on_submit():
        try:
            services.update_vacancy(vacancy, _data(form), by=acting_user(), origin=request_origin())
            booth_services.set_offers(
                vacancy, form.fair_ids.data or [], by=acting_user(), origin=request_origin()
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("partners.my_employer"))
    return render_template("partners/vacancy_form.html", form=form, vacancy=vacancy, fairs=fairs)


@bp.route("/employer/vacancies/<int:vacancy_id>/delete", methods=["POST"])
@roles(Role.EMPLOYER)
def vacancy_delete(vacancy_id):
    vacancy = services.get_vacancy_for(acting_user(), vacancy_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.delete_vacancy(vacancy, by=acting_user(), origin=request_origin())
        except DomainError as error:
            if error.status in (403, 404):
                raise
            flash_refusal(error)
        else:
            flash(_("Đã xoá vị trí tuyển dụng."), "success")
    return redirect(url_for("partners.my_employer"))


# --- The school's own pages ------------------------------------------------------------------------


@bp.route("/school")
@roles(Role.SCHOOL)
def my_school():
    return render_template("partners/my_school.html", school=_my_school(), action_form=ActionForm())


@bp.route("/school/profile", methods=["GET", "POST"])
@roles(Role.SCHOOL)
def my_school_edit():
    school = _my_school()
    ensure_editable(school)
    form = forms.SchoolForm(obj=school)
    if form.validate_on_submit():
        try:
            services.update_school(school, _data(form), by=acting_user(), origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("partners.my_school"))
    return render_template("partners/school_form.html", form=form, school=school, own=True)


def _programme_form(programme=None):
    form = forms.ProgrammeForm(obj=programme) if programme is not None else forms.ProgrammeForm()
    if request.method == "GET" and programme is not None:
        form.level.data = programme.level.value
        for name in ("duration_months", "seats", "tuition"):
            value = getattr(programme, name)
            form[name].data = "" if value is None else str(value)
    return form


@bp.route("/school/programmes/new", methods=["GET", "POST"])
@roles(Role.SCHOOL)
def programme_new():
    school = _my_school()
    ensure_active(school)
    form = _programme_form()
    if form.validate_on_submit():
        try:
            services.create_programme(school, _data(form), by=acting_user(), origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã thêm ngành nghề đào tạo."), "success")
            return redirect(url_for("partners.my_school"))
    return render_template("partners/programme_form.html", form=form, programme=None)


@bp.route("/school/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@roles(Role.SCHOOL)
def programme_edit(programme_id):
    programme = services.get_programme_for(acting_user(), programme_id)
    ensure_active(programme.school)
    form = _programme_form(programme)
    if form.validate_on_submit():
        try:
            services.update_programme(programme, _data(form), by=acting_user(), origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("partners.my_school"))
    return render_template("partners/programme_form.html", form=form, programme=programme)


@bp.route("/school/programmes/<int:programme_id>/delete", methods=["POST"])
@roles(Role.SCHOOL)
def programme_delete(programme_id):
    programme = services.get_programme_for(acting_user(), programme_id)
    if ActionForm().validate_on_submit():
        services.delete_programme(programme, by=acting_user(), origin=request_origin())
        flash(_("Đã xoá ngành nghề đào tạo."), "success")
    return redirect(url_for("partners.my_school"))


# --- Colleagues (employer and school accounts) -----------------------------------------------------


@bp.route("/team", methods=["GET", "POST"])
@roles(Role.EMPLOYER, Role.SCHOOL)
def colleagues():
    form = forms.ColleagueForm()
    if form.validate_on_submit():
        try:
            services.add_colleague(acting_user(), _data(form), origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã tạo tài khoản cho đồng nghiệp."), "success")
            return redirect(url_for("partners.colleagues"))
    return render_template(
        "partners/colleagues.html", form=form, people=services.colleagues_of(acting_user())
    )
