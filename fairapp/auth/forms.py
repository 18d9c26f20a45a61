from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    login = StringField(
        _l("Email hoặc số điện thoại"),
        validators=[DataRequired(_l("Vui lòng nhập email hoặc số điện thoại.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")), Length(max=200)]
    )


class CodeForm(FlaskForm):
    """The second sign-in step: a 6-digit code from the authenticator, or a recovery code."""

    code = StringField(
        _l("Mã xác thực"),
        validators=[DataRequired(_l("Vui lòng nhập mã xác thực.")), Length(max=40)],
    )


class ConfirmForm(FlaskForm):
    """Confirm it's you: the password, and a code when the account has two-factor sign-in."""

    password = PasswordField(
        _l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")), Length(max=200)]
    )
    code = StringField(_l("Mã xác thực"), validators=[Length(max=40)])
