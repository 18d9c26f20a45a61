"""User administration for admins: list and search, create, edit (role, wards, deactivate),
reset a password, and manage API tokens. Every write is a POST with CSRF; services audit.

An organiser without wards sees no fair (fairapp.auth.scope): the list marks such accounts, their edit
page says so, and their own home page and fair list say whom to ask (the `no_wards` and `ward_admins`
helpers of every template, fairapp.templating)."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user
from sqlalchemy.orm import selectinload

from fairapp.auth import services, two_factor
from fairapp.auth.access import roles
from fairapp.auth.admin_forms import (
    ROLE_LABELS,
    PasswordResetForm,
    TokenCreateForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
)
from fairapp.auth.models import Role, User
from fairapp.auth.scope import ORGANISER
from fairapp.auth.session import request_origin
from fairapp.auth.sign_in_state import fresh_sign_in
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.geo.models import Ward
from fairapp.phones import normalise_mobile
from fairapp.views import ActionForm, acting_user, flash_refusal, form_errors

bp = Blueprint("users", __name__, url_prefix="/admin/users")

PER_PAGE = 25
ADMINS_SHOWN = 3


def no_wards(user) -> bool:
    """An organiser with no ward: acts nowhere, sees no fair (the rule is fairapp.auth.scope's)."""
    return user.role == ORGANISER and user.ward_scope.empty


def ward_admins() -> list[User]:
    """Whom an organiser without wards should ask: a few active admins, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.ADMIN, User.active.is_(True))
            .order_by(User.full_name, User.id)
            .limit(ADMINS_SHOWN)
        )
    )


def _ward_choices() -> list[tuple[str, str]]:
    """The wards and communes of the home province, by name."""
    province = current_app.config["HOME_PROVINCE_CODE"]
    wards = db.session.scalars(
        sa.select(Ward).where(Ward.province_code == province).order_by(Ward.search_name, Ward.code)
    )
    return [(ward.code, ward.name) for ward in wards]


# ---------------------------------------------------------------- list


@bp.route("/")
@roles(Role.ADMIN)
def index():
    form = UserSearchForm(request.args)
    query = sa.select(User).options(selectinload(User.wards)).order_by(User.full_name, User.id)
    if form.validate():
        if q := (form.q.data or "").strip():
            terms = [
                User.full_name.icontains(q, autoescape=True),
                User.email.icontains(q.lower(), autoescape=True),
                User.phone.icontains(normalise_mobile(q) or q, autoescape=True),
            ]
            query = query.where(sa.or_(*terms))
        if form.role.data:
            query = query.where(User.role == Role(form.role.data))
        if form.active.data:
            query = query.where(User.active.is_(form.active.data == "1"))
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    filters = {k: v for k, v in request.args.items() if k in ("q", "role", "active") and v}
    return render_template("users/index.html", form=form, page=page, filters=filters, role_labels=ROLE_LABELS)


# ---------------------------------------------------------------- create and edit


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
@fresh_sign_in
def new():
    form = UserCreateForm()
    form.ward_codes.choices = _ward_choices()
    if form.validate_on_submit():
        employer_id, school_id = form.affiliation()
        try:
            user = services.create_user(
                email=form.email.data or None,
                phone=form.phone.data or None,
                full_name=form.full_name.data,
                role=form.role.data,
                password=form.password.data,
                ward_codes=form.chosen_wards(),
                employer_id=employer_id,
                school_id=school_id,
                by=acting_user(),
                origin=request_origin(),
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã tạo tài khoản %(name)s.", name=user.full_name), "success")
            return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/new.html", form=form)


def _initial(user: User) -> dict:
    return {
        "email": user.email or "",
        "phone": user.phone or "",
        "full_name": user.full_name,
        "role": user.role.value,
        "ward_codes": sorted(user.ward_codes),
        "active": user.active,
        "employer_id": str(user.employer_id or ""),
        "school_id": str(user.school_id or ""),
    }


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
@fresh_sign_in
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(data=_initial(user))
    form.ward_codes.choices = _ward_choices()
    if form.validate_on_submit():
        employer_id, school_id = form.affiliation()
        by, origin = acting_user(), request_origin()
        try:
            services.update_user(
                user,
                email=form.email.data or None,
                phone=form.phone.data or None,
                full_name=form.full_name.data,
                role=form.role.data,
                ward_codes=form.chosen_wards(),
                active=form.active.data,
                by=by,
                origin=origin,
            )
            services.set_affiliation(user, employer_id=employer_id, school_id=school_id, by=by, origin=origin)
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã lưu tài khoản %(name)s.", name=user.full_name), "success")
            return redirect(url_for("users.edit", user_id=user.id))
    return render_template(
        "users/edit.html",
        form=form,
        user=user,
        two_factor_on=two_factor.is_enabled(user),
        action_form=ActionForm(),
    )


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@roles(Role.ADMIN)
@fresh_sign_in
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        admin = acting_user()
        try:
            services.set_password(user, form.password.data, by=admin, origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            if user.id == admin.id:
                login_user(user)  # an admin resetting their own password stays in this browser
            flash(
                _(
                    "Đã đặt mật khẩu mới cho %(name)s. Mọi phiên đăng nhập cũ của tài khoản này đã kết thúc.",
                    name=user.full_name,
                ),
                "success",
            )
            return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/reset_password.html", form=form, user=user)


# ---------------------------------------------------------------- API tokens


@bp.route("/<int:user_id>/tokens", methods=["GET", "POST"])
@roles(Role.ADMIN)
@fresh_sign_in
def tokens(user_id: int):
    """List the user's tokens; a POST creates one and shows its secret on this answer only."""
    user = db.get_or_404(User, user_id)
    form = TokenCreateForm()
    secret = None
    if form.validate_on_submit():
        _token, secret = services.issue_token(user, form.name.data, by=acting_user(), origin=request_origin())
        form = TokenCreateForm(formdata=None)
    response = make_response(
        render_template(
            "users/tokens.html", user=user, tokens=services.tokens_of(user), form=form, secret=secret
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@roles(Role.ADMIN)
@fresh_sign_in
def revoke_token(user_id: int, token_id: int):
    user = db.get_or_404(User, user_id)
    token = services.token_of(user, token_id)
    if token is None:
        abort(404)
    services.revoke_token(token, by=acting_user(), origin=request_origin())
    flash(_("Đã thu hồi mã truy cập %(name)s.", name=token.name), "success")
    return redirect(url_for("users.tokens", user_id=user.id))


# ---------------------------------------------------------------- two-factor sign-in


@bp.route("/<int:user_id>/two-factor/reset", methods=["POST"])
@roles(Role.ADMIN)
@fresh_sign_in
def reset_two_factor(user_id: int):
    """A lost phone: the account's authenticator and recovery codes are dropped and its sessions end;
    it enrols again at its next sign-in (audited as two_factor.reset)."""
    user = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        try:
            two_factor.disable(user, by=acting_user(), origin=request_origin(), reason="admin")
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(_("Đã đặt lại xác thực hai bước của %(name)s.", name=user.full_name), "success")
    return redirect(url_for("users.edit", user_id=user.id))
