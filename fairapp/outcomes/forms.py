"""Forms of the hires and follow-ups pages. Shape only: the rules (start date, salary bounds, the
employer named, the follow-up's dates) are fairapp.outcomes.services', whose messages the views put
next to these fields, so the field names are the service's. WTForms has no Vietnamese catalogue:
every validator names its field."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length
from wtforms.validators import ValidationError as FieldError

from fairapp.fairs.forms import LocalDateField
from fairapp.geo.forms import WardField
from fairapp.outcomes.labels import CONTRACT_LABELS, OUTCOME_LABELS, REASON_LABELS, STATUS_LABELS
from fairapp.outcomes.models import (
    MAX_EMPLOYER_NAME_LENGTH,
    MAX_POSITION_LENGTH,
    FollowUpOutcome,
    LeaveReason,
)

MAX_QUERY_LENGTH = 100
MAX_RETRY_DAYS = 60
_SALARY = re.compile(r"\d{1,3}([.,\s]\d{3})*|\d+")


def _known_choice(form, field):
    if field.data and field.data not in {str(value) for value, _label in field.choices}:
        raise FieldError(_l("%(field)s: chọn một mục trong danh sách.", field=field.label.text))


def _required(form, field):
    if not (field.data or "").strip():
        raise FieldError(_l("%(field)s: vui lòng nhập.", field=field.label.text))


def _required_choice(form, field):
    if not field.data:
        raise FieldError(_l("%(field)s: vui lòng chọn.", field=field.label.text))


def _length(limit: int):
    def check(form, field):
        if len((field.data or "").strip()) > limit:
            raise FieldError(_l("%(field)s: tối đa %(limit)s ký tự.", field=field.label.text, limit=limit))

    return check


def chosen_id(field) -> int | None:
    """The id a validated select field names (None: none chosen)."""
    return int(field.data) if field.data else None


def text_or_none(field) -> str | None:
    return (field.data or "").strip() or None


class SalaryField(StringField):
    """A monthly salary in đồng as typed: "4.800.000", "4800000" or "4 800 000"; `.amount` after
    validation (None when empty)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off", "maxlength": 16})
        super().__init__(label, validators, **kwargs)
        self.amount: int | None = None

    def pre_validate(self, form):
        self.amount = None
        text = (self.data or "").strip().removesuffix("đ").removesuffix("VND").strip()
        if not text:
            return
        if not _SALARY.fullmatch(text):
            raise FieldError(
                _l("%(field)s: nhập số tiền bằng chữ số, ví dụ 5.500.000.", field=self.label.text)
            )
        self.amount = int(re.sub(r"\D", "", text))


def yes_no_choices():
    return [("", _l("Chưa rõ")), ("yes", _l("Có")), ("no", _l("Không"))]


def yes_no(field) -> bool | None:
    return {"yes": True, "no": False}.get(field.data or "")


# --- Recording a hire ------------------------------------------------------------------------------


class HireForm(FlaskForm):
    """An employer's hire of a person its booth recorded; staff forms add the employer and the fair."""

    start_date = LocalDateField(_l("Ngày bắt đầu làm việc"), validators=[_required])
    vacancy_id = SelectField(_l("Vị trí tuyển dụng"), validate_choice=False, validators=[_known_choice])
    position = StringField(
        _l("Vị trí công việc"),
        validators=[_length(MAX_POSITION_LENGTH)],
        render_kw={"maxlength": MAX_POSITION_LENGTH},
        description=_l("Nếu không chọn vị trí tuyển dụng ở trên."),
    )
    monthly_salary = SalaryField(_l("Lương tháng (đồng)"))
    contract_type = SelectField(
        _l("Loại hợp đồng"),
        choices=[("", _l("— Chọn —")), *((c.value, label) for c, label in CONTRACT_LABELS.items())],
        validate_choice=False,
        validators=[_known_choice],
    )
    social_insurance = SelectField(
        _l("Có đóng bảo hiểm xã hội"),
        choices=yes_no_choices(),
        validate_choice=False,
        validators=[_known_choice],
    )
    workplace_ward_code = WardField(_l("Nơi làm việc: phường/xã"))
    workplace_province_code = SelectField(
        _l("Nơi làm việc: tỉnh/thành phố"), validate_choice=False, validators=[_known_choice]
    )


class StaffHireForm(HireForm):
    """An organiser's hire learned by phone: the employer chosen among the accounts, or typed."""

    employer_id = SelectField(
        _l("Doanh nghiệp có tài khoản"), validate_choice=False, validators=[_known_choice]
    )
    employer_tax_code = StringField(
        _l("Mã số thuế"), validators=[_length(14)], render_kw={"maxlength": 14, "inputmode": "numeric"}
    )
    employer_name = StringField(
        _l("Tên doanh nghiệp"),
        validators=[_length(MAX_EMPLOYER_NAME_LENGTH)],
        render_kw={"maxlength": MAX_EMPLOYER_NAME_LENGTH},
    )
    fair_id = SelectField(_l("Phiên giao dịch"), validate_choice=False, validators=[_known_choice])


class PersonSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Tìm người lao động"),
        validators=[
            Length(max=MAX_QUERY_LENGTH, message=_l("Tìm kiếm: tối đa %(n)s ký tự.", n=MAX_QUERY_LENGTH))
        ],
        description=_l("Họ tên (có dấu hoặc không dấu) hoặc số điện thoại."),
    )


class HireFilterForm(FlaskForm):
    class Meta:
        csrf = False

    ward = SelectField(_l("Phường/xã"), validate_choice=False, validators=[_known_choice])
    fair_id = SelectField(_l("Phiên giao dịch"), validate_choice=False, validators=[_known_choice])
    status = SelectField(
        _l("Trạng thái"),
        choices=[("", _l("Tất cả")), *((s.value, label) for s, label in STATUS_LABELS.items())],
        validate_choice=False,
        validators=[_known_choice],
    )


# --- A follow-up's answer ----------------------------------------------------------------------------


def reason_choices():
    return [("", _l("— Chọn lý do —")), *((r.value, label) for r, label in REASON_LABELS.items())]


class TapForm(FlaskForm):
    """One tap on the call list or a hire's page: the outcome, and what it asks for."""

    outcome = SelectField(
        _l("Kết quả"),
        choices=[(o.value, label) for o, label in OUTCOME_LABELS.items()],
        validate_choice=False,
        validators=[_required_choice, _known_choice],
    )
    month = HiddenField()
    new_employer_name = StringField(
        _l("Nơi làm mới"),
        validators=[_length(MAX_EMPLOYER_NAME_LENGTH)],
        render_kw={"maxlength": MAX_EMPLOYER_NAME_LENGTH},
    )
    reason = SelectField(
        _l("Lý do nghỉ việc"), choices=reason_choices(), validate_choice=False, validators=[_known_choice]
    )
    retry_in_days = StringField(_l("Gọi lại sau (ngày)"), render_kw={"inputmode": "numeric", "maxlength": 2})

    def validate_new_employer_name(self, field):
        if self.outcome.data == FollowUpOutcome.CHANGED_EMPLOYER and not (field.data or "").strip():
            raise FieldError(_l("Nơi làm mới: vui lòng nhập tên nơi làm mới."))

    def validate_reason(self, field):
        if self.outcome.data == FollowUpOutcome.LEFT and not field.data:
            raise FieldError(_l("Lý do nghỉ việc: vui lòng chọn."))

    def validate_retry_in_days(self, field):
        text = (field.data or "").strip()
        if text and (not text.isdigit() or not 1 <= int(text) <= MAX_RETRY_DAYS):
            raise FieldError(_l("Gọi lại sau (ngày): một số từ 1 đến %(n)s.", n=MAX_RETRY_DAYS))

    def month_value(self) -> int | None:
        text = (self.month.data or "").strip()
        return int(text) if text.isdigit() and len(text) <= 2 else None

    def retry_days(self) -> int | None:
        text = (self.retry_in_days.data or "").strip()
        return int(text) if text else None

    def leave_reason(self) -> LeaveReason | None:
        return LeaveReason(self.reason.data) if self.reason.data else None


class AnswerForm(FlaskForm):
    """The job seeker's own answer to a follow-up (the message's link): no "unreachable"."""

    outcome = SelectField(
        _l("Câu trả lời"),
        choices=[
            (o.value, OUTCOME_LABELS[o])
            for o in (FollowUpOutcome.STILL_EMPLOYED, FollowUpOutcome.CHANGED_EMPLOYER, FollowUpOutcome.LEFT)
        ],
        validate_choice=False,
        validators=[_required_choice, _known_choice],
    )
    new_employer_name = TapForm.new_employer_name
    reason = TapForm.reason
    validate_new_employer_name = TapForm.validate_new_employer_name
    validate_reason = TapForm.validate_reason

    def leave_reason(self) -> LeaveReason | None:
        return LeaveReason(self.reason.data) if self.reason.data else None


class SelfReportForm(FlaskForm):
    """ "Bạn đã có việc làm chưa?" on the ticket page; `client_key` is new on every render."""

    answer = HiddenField()
    client_key = HiddenField()
    employer_name = StringField(
        _l("Tên nơi làm việc"),
        validators=[_length(MAX_EMPLOYER_NAME_LENGTH)],
        render_kw={"maxlength": MAX_EMPLOYER_NAME_LENGTH, "autocomplete": "organization"},
    )
    start_date = LocalDateField(_l("Ngày bắt đầu làm"))
