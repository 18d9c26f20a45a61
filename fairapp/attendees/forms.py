"""Registration forms: the public one (only what a ticket needs), the walk-in one for staff, and the
optional details a ticket holder adds afterwards. Shape only: the rules live in
fairapp.attendees.validation, whose per-field messages the views put next to the fields. Field names
are the API's, so one dictionary feeds both."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from fairapp.attendees.models import EducationLevel, Gender, PriorityGroup, Qualification, Situation
from fairapp.geo.forms import WardField


class required_marker:  # noqa: N801  (a WTForms-style validator)
    """Marks a field as required (label star, aria) without checking: validation.clean checks."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


GENDER_CHOICES = [(Gender.MALE.value, _l("Nam")), (Gender.FEMALE.value, _l("Nữ"))]
PRIORITY_CHOICES = [
    (PriorityGroup.NONE.value, _l("Không thuộc diện ưu tiên")),
    (PriorityGroup.POOR.value, _l("Hộ nghèo")),
    (PriorityGroup.NEAR_POOR.value, _l("Hộ cận nghèo")),
    (PriorityGroup.ESCAPED_POVERTY.value, _l("Hộ mới thoát nghèo (trong 36 tháng)")),
]
EDUCATION_CHOICES = [
    ("", _l("— Chọn —")),
    (EducationLevel.NONE.value, _l("Chưa đi học")),
    (EducationLevel.PRIMARY.value, _l("Tiểu học")),
    (EducationLevel.LOWER_SECONDARY.value, _l("Trung học cơ sở (lớp 6–9)")),
    (EducationLevel.UPPER_SECONDARY.value, _l("Trung học phổ thông (lớp 10–12)")),
]
QUALIFICATION_CHOICES = [
    ("", _l("— Chọn —")),
    (Qualification.NONE.value, _l("Chưa qua đào tạo nghề")),
    (Qualification.SHORT_COURSE.value, _l("Sơ cấp, chứng chỉ nghề")),
    (Qualification.INTERMEDIATE.value, _l("Trung cấp")),
    (Qualification.COLLEGE.value, _l("Cao đẳng")),
    (Qualification.UNIVERSITY.value, _l("Đại học trở lên")),
]
SITUATION_CHOICES = [
    (Situation.UNEMPLOYED.value, _l("Chưa có việc làm")),
    (Situation.WANTS_CHANGE.value, _l("Đang có việc, muốn đổi việc")),
    (Situation.STUDENT.value, _l("Học sinh, sinh viên")),
    (Situation.OTHER.value, _l("Khác")),
]
YES_NO = [("no", _l("Không")), ("yes", _l("Có"))]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _FieldsForm(FlaskForm):
    """A form whose fields carry the API's names: `raw()` gives validation.clean its dictionary, and
    fairapp.views.form_errors puts its per-field messages back next to the fields."""

    API_FIELDS: tuple[str, ...] = ()

    def raw(self) -> dict:
        return {name: self[name].data for name in self.API_FIELDS if name in self}


class _PersonFields(_FieldsForm):
    """What every registration asks: who the person is, where they live, their priority group."""

    full_name = StringField(
        _l("Họ và tên"),
        [required_marker()],
        render_kw={"autocomplete": "name", "maxlength": 200, "autocapitalize": "words"},
    )
    phone = TelField(
        _l("Số điện thoại di động"),
        [required_marker()],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20, "placeholder": "09xx xxx xxx"},
    )
    birth_year = StringField(
        _l("Năm sinh"),
        [required_marker()],
        render_kw={
            "inputmode": "numeric",
            "maxlength": 4,
            "placeholder": "1995",
            "autocomplete": "bday-year",
        },
    )
    gender = RadioField(_l("Giới tính"), [required_marker()], choices=GENDER_CHOICES, validate_choice=False)
    ward_code = WardField(_l("Nơi ở hiện nay (phường/xã)"), [required_marker()])
    priority_group = RadioField(
        _l("Đối tượng ưu tiên"), choices=PRIORITY_CHOICES, default="none", validate_choice=False
    )

    API_FIELDS = ("full_name", "phone", "birth_year", "gender", "ward_code", "priority_group")


class RegistrationForm(_PersonFields):
    """The public form, for a job seeker on a phone: only what is needed for a ticket. Everything else
    is asked afterwards, optionally, through the ticket link (DetailsForm). Each consent is one short
    sentence; the template shows its full versioned text (fairapp.attendees.consent) beside it."""

    priority_group = RadioField(
        _l("Gia đình bạn thuộc diện nào?"),
        choices=PRIORITY_CHOICES,
        default="none",
        validate_choice=False,
        description=_l("Doanh nghiệp không được xem thông tin này."),
    )
    consent_personal_data = BooleanField(
        _l("Tôi đồng ý cho ban tổ chức dùng thông tin trên để cấp vé và giúp tôi tìm việc."),
        [required_marker()],
    )
    consent_share_with_employers = BooleanField(
        _l("Tôi đồng ý cho doanh nghiệp tại phiên xem hồ sơ để gọi phỏng vấn (không bắt buộc).")
    )

    API_FIELDS = (*_PersonFields.API_FIELDS, "consent_personal_data", "consent_share_with_employers")


class WalkInForm(_PersonFields):
    """The short form at the gate; the staff member asks for consent aloud and ticks the box."""

    birth_date = StringField(
        _l("Ngày sinh"),
        render_kw={"type": "date"},
        description=_l("Điền tự động khi quét CCCD; có thể bỏ trống."),
    )
    citizen_id = StringField(
        _l("Số căn cước (CCCD)"),
        render_kw={"inputmode": "numeric", "maxlength": 14, "autocomplete": "off"},
        description=_l("Không bắt buộc. 12 chữ số in trên thẻ căn cước."),
    )
    address = StringField(_l("Địa chỉ thường trú"), render_kw={"maxlength": 300, "autocomplete": "off"})
    household_code = StringField(
        _l("Mã hộ (nếu biết)"),
        render_kw={"maxlength": 50, "autocomplete": "off"},
        description=_l("Mã hộ nghèo, cận nghèo trong danh sách của phường/xã."),
    )
    consent_personal_data = BooleanField(
        _l("Người lao động đã đồng ý"),
        [required_marker()],
        description=_l("Đọc cho người lao động nội dung đồng ý xử lý dữ liệu cá nhân và hỏi ý kiến."),
    )
    consent_share_with_employers = BooleanField(_l("Đồng ý chia sẻ hồ sơ với doanh nghiệp tại phiên"))

    API_FIELDS = (
        *_PersonFields.API_FIELDS,
        "citizen_id",
        "household_code",
        "birth_date",
        "address",
        "consent_personal_data",
        "consent_share_with_employers",
    )


class DetailsForm(_FieldsForm):
    """The optional details a ticket holder may add after registering (fairapp.attendees.details).
    The person's fields are shown only while empty on the record; the wishes are this registration's
    and may be changed."""

    citizen_id = StringField(
        _l("Số căn cước (CCCD)"),
        render_kw={"inputmode": "numeric", "maxlength": 14, "autocomplete": "off"},
        description=_l("12 chữ số in trên thẻ căn cước."),
    )
    birth_date = StringField(_l("Ngày sinh"), render_kw={"type": "date", "autocomplete": "bday"})
    household_code = StringField(
        _l("Mã hộ (nếu biết)"),
        render_kw={"maxlength": 50, "autocomplete": "off"},
        description=_l("Mã hộ nghèo, cận nghèo trong danh sách của phường/xã."),
    )
    address = StringField(
        _l("Địa chỉ thường trú"), render_kw={"maxlength": 300, "autocomplete": "street-address"}
    )
    education_level = SelectField(_l("Trình độ học vấn"), choices=EDUCATION_CHOICES, validate_choice=False)
    qualification = SelectField(
        _l("Trình độ chuyên môn kỹ thuật"), choices=QUALIFICATION_CHOICES, validate_choice=False
    )
    situation = RadioField(_l("Tình trạng hiện nay"), choices=SITUATION_CHOICES, validate_choice=False)
    desired_vacancy_ids = MultiCheckboxField(
        _l("Vị trí muốn ứng tuyển tại phiên này"), coerce=str, choices=[], validate_choice=False
    )
    desired_jobs = TextAreaField(
        _l("Công việc mong muốn"),
        render_kw={"rows": 2, "maxlength": 1000},
        description=_l("Ví dụ: công nhân may, lái xe, bán hàng…"),
    )
    wants_training = RadioField(
        _l("Bạn có muốn học nghề không?"), choices=YES_NO, default="no", validate_choice=False
    )
    training_wish = StringField(_l("Nghề muốn học"), render_kw={"maxlength": 200, "list": "programmes"})

    API_FIELDS = (
        "citizen_id",
        "birth_date",
        "household_code",
        "address",
        "education_level",
        "qualification",
        "situation",
        "desired_jobs",
        "training_wish",
    )

    def raw(self) -> dict:
        values = super().raw()
        values["wants_training"] = self.wants_training.data == "yes"
        ticked = self.desired_vacancy_ids.data or []
        values["desired_vacancy_ids"] = [int(v) for v in ticked if v.isdigit()]
        if len(values["desired_vacancy_ids"]) != len(ticked):
            values["desired_vacancy_ids"] = ["?"]  # something that is no vacancy id: refused by name
        return values


class LostTicketForm(FlaskForm):
    phone = TelField(
        _l("Số điện thoại đã đăng ký"),
        [required_marker()],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20},
    )
    birth_year = StringField(
        _l("Năm sinh"), [required_marker()], render_kw={"inputmode": "numeric", "maxlength": 4}
    )
