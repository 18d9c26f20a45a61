"""Forms for employers, schools, vacancies, programmes and colleagues. Shape only (lengths, CSRF):
the rules and their per-field messages live in fairapp.partners.services, whose field names are
these forms' field names."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from fairapp.geo.forms import WardField
from fairapp.partners.models import EducationLevel, PartnerStatus, ProgrammeLevel, VacancyStatus

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}

STATUS_LABELS = {
    PartnerStatus.PENDING: _l("Chờ duyệt"),
    PartnerStatus.APPROVED: _l("Đã duyệt"),
    PartnerStatus.REJECTED: _l("Bị từ chối"),
    PartnerStatus.SUSPENDED: _l("Tạm ngừng"),
}
VACANCY_STATUS_LABELS = {
    VacancyStatus.OPEN: _l("Đang tuyển"),
    VacancyStatus.FILLED: _l("Đã đủ người"),
    VacancyStatus.CLOSED: _l("Đã đóng"),
}
EDUCATION_LABELS = {
    EducationLevel.NONE: _l("Không yêu cầu"),
    EducationLevel.PRIMARY: _l("Tiểu học"),
    EducationLevel.LOWER_SECONDARY: _l("Trung học cơ sở"),
    EducationLevel.UPPER_SECONDARY: _l("Trung học phổ thông"),
    EducationLevel.VOCATIONAL: _l("Sơ cấp, trung cấp nghề"),
    EducationLevel.COLLEGE: _l("Cao đẳng"),
    EducationLevel.UNIVERSITY: _l("Đại học"),
}
LEVEL_LABELS = {
    ProgrammeLevel.SO_CAP: _l("Sơ cấp"),
    ProgrammeLevel.TRUNG_CAP: _l("Trung cấp"),
    ProgrammeLevel.CAO_DANG: _l("Cao đẳng"),
}


def _text(label, length, **kwargs):
    return StringField(
        label,
        [
            Optional(),
            Length(max=length, message=_l("%(field)s: dài tối đa %(n)d ký tự.", field=label, n=length)),
        ],
        **kwargs,
    )


def _area(label, length):
    return TextAreaField(
        label,
        [
            Optional(),
            Length(max=length, message=_l("%(field)s: dài tối đa %(n)d ký tự.", field=label, n=length)),
        ],
        render_kw={"rows": 3},
    )


class EmployerForm(FlaskForm):
    name = _text(_l("Tên doanh nghiệp"), 200, render_kw={"autocomplete": "organization"})
    tax_code = _text(
        _l("Mã số thuế"), 30, description=_l("10 chữ số, chi nhánh thêm đuôi -001 … -999."), render_kw=NUMERIC
    )
    industry = _text(_l("Ngành nghề kinh doanh"), 100)
    address = _text(_l("Địa chỉ"), 300)
    ward_code = WardField(_l("Phường/xã"), [Optional()])
    contact_name = _text(_l("Người liên hệ"), 200)
    phone = _text(_l("Số điện thoại"), 30, render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = _text(_l("Email"), 254, render_kw={"inputmode": "email", "autocomplete": "email"})


class AccountFields:
    account_full_name = _text(_l("Họ và tên người dùng"), 200, render_kw={"autocomplete": "name"})
    account_email = _text(
        _l("Email đăng nhập"), 254, render_kw={"inputmode": "email", "autocomplete": "email"}
    )
    account_phone = _text(
        _l("Số điện thoại đăng nhập"),
        30,
        description=_l("Cần email hoặc số điện thoại."),
        render_kw={"inputmode": "tel"},
    )
    password = PasswordField(
        _l("Mật khẩu"), render_kw={"autocomplete": "new-password"}, description=_l("Ít nhất 8 ký tự.")
    )
    password_again = PasswordField(_l("Nhập lại mật khẩu"), render_kw={"autocomplete": "new-password"})


class EmployerRegisterForm(AccountFields, EmployerForm):
    pass


class SchoolForm(FlaskForm):
    name = _text(_l("Tên cơ sở đào tạo"), 200, render_kw={"autocomplete": "organization"})
    address = _text(_l("Địa chỉ"), 300)
    ward_code = WardField(_l("Phường/xã"), [Optional()])
    contact_name = _text(_l("Người liên hệ"), 200)
    phone = _text(_l("Số điện thoại"), 30, render_kw={"inputmode": "tel"})
    email = _text(_l("Email"), 254, render_kw={"inputmode": "email"})


class SchoolRegisterForm(AccountFields, SchoolForm):
    pass


class ColleagueForm(FlaskForm):
    full_name = _text(_l("Họ và tên"), 200)
    email = _text(_l("Email"), 254, render_kw={"inputmode": "email"})
    phone = _text(_l("Số điện thoại"), 30, render_kw={"inputmode": "tel"})
    password = PasswordField(
        _l("Mật khẩu"),
        render_kw={"autocomplete": "new-password"},
        description=_l("Ít nhất 8 ký tự; đưa cho đồng nghiệp để đăng nhập lần đầu."),
    )


class VacancyForm(FlaskForm):
    title = _text(_l("Vị trí tuyển dụng"), 200)
    occupation = _text(_l("Nghề nghiệp"), 200)
    quantity = StringField(_l("Số lượng cần tuyển"), render_kw=NUMERIC)
    work_place = _text(_l("Nơi làm việc"), 300)
    salary_min = StringField(
        _l("Lương từ (đồng/tháng)"),
        render_kw=NUMERIC,
        description=_l("Để trống cả hai ô lương nếu lương thoả thuận."),
    )
    salary_max = StringField(_l("Lương đến (đồng/tháng)"), render_kw=NUMERIC)
    education = SelectField(
        _l("Trình độ học vấn"),
        choices=[("", _l("— Không ghi —"))] + [(k.value, v) for k, v in EDUCATION_LABELS.items()],
    )
    experience_years = StringField(_l("Kinh nghiệm (năm)"), render_kw=NUMERIC)
    age_min = StringField(_l("Tuổi từ"), render_kw=NUMERIC)
    age_max = StringField(_l("Tuổi đến"), render_kw=NUMERIC)
    working_hours = _text(_l("Thời gian làm việc"), 200)
    benefits = _area(_l("Quyền lợi"), 5000)
    requirements = _area(_l("Yêu cầu khác"), 5000)
    deadline = StringField(
        _l("Hạn nộp hồ sơ"), render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
    )
    status = SelectField(_l("Trạng thái"), choices=[(k.value, v) for k, v in VACANCY_STATUS_LABELS.items()])
    fair_ids = SelectMultipleField(
        _l("Tuyển tại các phiên giao dịch"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )


class ProgrammeForm(FlaskForm):
    name = _text(_l("Tên ngành/nghề"), 200)
    level = SelectField(
        _l("Trình độ đào tạo"),
        choices=[("", _l("— Chọn —"))] + [(k.value, v) for k, v in LEVEL_LABELS.items()],
    )
    duration_months = StringField(_l("Thời gian đào tạo (tháng)"), render_kw=NUMERIC)
    seats = StringField(_l("Chỉ tiêu tuyển sinh"), render_kw=NUMERIC)
    tuition = StringField(_l("Học phí (đồng)"), render_kw=NUMERIC, description=_l("0 nếu miễn học phí."))
    priority_support = _area(_l("Hỗ trợ cho người thuộc hộ nghèo, cận nghèo, mới thoát nghèo"), 2000)


class RejectForm(FlaskForm):
    reason = _area(_l("Lý do"), 1000)


class PartnerFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Trạng thái"),
        [Optional()],
        choices=[("", _l("Tất cả"))] + [(k.value, v) for k, v in STATUS_LABELS.items()],
    )
    q = _text(_l("Tìm theo tên hoặc mã số thuế"), 100)
    ward_code = WardField(_l("Phường/xã"), [Optional()])
