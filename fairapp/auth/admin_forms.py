"""Forms for user administration and for one's own account. Shape only; the rules live in services.

WTForms has no Vietnamese catalogue, so every validator here carries its own translated message and
choice fields check their choices with `OneOf` below instead of WTForms' English default."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp
from wtforms.validators import ValidationError as FieldError

from fairapp.auth.models import Role
from fairapp.auth.scope import WARD_ROLES
from fairapp.auth.services import MIN_PASSWORD_LENGTH

ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị"),
    Role.ORGANISER: _l("Cán bộ tổ chức (phường/xã)"),
    Role.GATE: _l("Nhân viên cổng vào"),
    Role.EMPLOYER: _l("Nhà tuyển dụng"),
    Role.SCHOOL: _l("Cơ sở giáo dục nghề nghiệp"),
}
ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]
ACTIVE_CHOICES = [("", _l("Tất cả")), ("1", _l("Đang hoạt động")), ("0", _l("Đã khoá"))]


class OneOf:
    """Every submitted value is one of the field's choices."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        allowed = {str(value) for value, _label in field.choices}
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(str(value) not in allowed for value in values if value not in (None, "")):
            raise FieldError(self.message)


def _password_rules(required_message, length_message):
    return [DataRequired(required_message), Length(min=MIN_PASSWORD_LENGTH, max=200, message=length_message)]


_NEW_PASSWORD_RULES = _password_rules(
    _l("Vui lòng nhập mật khẩu mới."),
    _l("Mật khẩu mới cần từ %(min)d đến %(max)d ký tự.", min=MIN_PASSWORD_LENGTH, max=200),
)


_ID_RULES = [Optional(), Regexp(r"^\s*\d{1,9}\s*$", message=_l("Mã phải là một số nguyên dương."))]


class _AccountFields(FlaskForm):
    email = StringField(
        _l("Email"), validators=[Length(max=254, message=_l("Email dài tối đa %(max)d ký tự.", max=254))]
    )
    phone = StringField(
        _l("Số điện thoại"),
        validators=[Length(max=20, message=_l("Số điện thoại dài tối đa %(max)d ký tự.", max=20))],
    )
    full_name = StringField(
        _l("Họ và tên"),
        validators=[
            DataRequired(_l("Vui lòng nhập họ và tên.")),
            Length(max=200, message=_l("Họ và tên dài tối đa %(max)d ký tự.", max=200)),
        ],
    )
    role = SelectField(
        _l("Vai trò"),
        choices=ROLE_CHOICES,
        validate_choice=False,
        validators=[DataRequired(_l("Vui lòng chọn vai trò.")), OneOf(_l("Vai trò không hợp lệ."))],
    )
    ward_codes = SelectMultipleField(
        _l("Phường/xã phụ trách (cán bộ tổ chức, nhân viên cổng vào)"),
        choices=[],
        validate_choice=False,
        validators=[OneOf(_l("Phường/xã đã chọn không thuộc tỉnh này."))],
        description=_l(
            "Cán bộ tổ chức chỉ xem và thao tác với phiên giao dịch ở các phường/xã này; để trống "
            "thì không xem được phiên nào. Nhân viên cổng vào: cán bộ tổ chức của các phường/xã "
            "này được thu hồi thiết bị quét vé của họ."
        ),
    )
    employer_id = StringField(_l("Mã doanh nghiệp (nhà tuyển dụng)"), validators=_ID_RULES)
    school_id = StringField(_l("Mã cơ sở đào tạo (cơ sở giáo dục nghề nghiệp)"), validators=_ID_RULES)

    def affiliation(self) -> tuple[int | None, int | None]:
        """(employer_id, school_id), each only for its own role."""
        role = self.role.data
        employer = int(self.employer_id.data) if role == Role.EMPLOYER and self.employer_id.data else None
        school = int(self.school_id.data) if role == Role.SCHOOL and self.school_id.data else None
        return employer, school

    def chosen_wards(self) -> list[str]:
        return list(self.ward_codes.data or []) if self.role.data in WARD_ROLES else []


class UserCreateForm(_AccountFields):
    password = PasswordField(
        _l("Mật khẩu"),
        validators=_password_rules(
            _l("Vui lòng nhập mật khẩu."),
            _l("Mật khẩu cần từ %(min)d đến %(max)d ký tự.", min=MIN_PASSWORD_LENGTH, max=200),
        ),
    )


class UserEditForm(_AccountFields):
    active = BooleanField(_l("Tài khoản đang hoạt động (bỏ chọn để khoá)"))


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter, changes nothing

    q = StringField(
        _l("Tìm theo tên, email hoặc số điện thoại"),
        validators=[Length(max=100, message=_l("Từ khoá dài tối đa %(max)d ký tự.", max=100))],
    )
    role = SelectField(
        _l("Vai trò"),
        choices=[("", _l("Tất cả vai trò")), *ROLE_CHOICES],
        validate_choice=False,
        validators=[OneOf(_l("Vai trò không hợp lệ."))],
    )
    active = SelectField(
        _l("Trạng thái"),
        choices=ACTIVE_CHOICES,
        validate_choice=False,
        validators=[OneOf(_l("Trạng thái không hợp lệ."))],
    )


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=_NEW_PASSWORD_RULES)
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[
            DataRequired(_l("Vui lòng nhập lại mật khẩu mới.")),
            EqualTo("password", message=_l("Hai lần nhập mật khẩu mới không khớp.")),
        ],
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Mật khẩu hiện tại"),
        validators=[
            DataRequired(_l("Vui lòng nhập mật khẩu hiện tại.")),
            Length(max=200, message=_l("Mật khẩu dài tối đa %(max)d ký tự.", max=200)),
        ],
    )
    new_password = PasswordField(_l("Mật khẩu mới"), validators=_NEW_PASSWORD_RULES)
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[
            DataRequired(_l("Vui lòng nhập lại mật khẩu mới.")),
            EqualTo("new_password", message=_l("Hai lần nhập mật khẩu mới không khớp.")),
        ],
    )


class TokenCreateForm(FlaskForm):
    name = StringField(
        _l("Tên mã truy cập (để phân biệt, ví dụ: máy quét cổng 1)"),
        validators=[
            DataRequired(_l("Vui lòng đặt tên cho mã truy cập.")),
            Length(max=100, message=_l("Tên dài tối đa %(max)d ký tự.", max=100)),
        ],
    )
