"""Forms for planning fairs. Shape only; the rules (past starts, ward limits, conflicts) live in
services. WTForms has no Vietnamese catalogue, so every validator carries its own message, which names
the field. Dates are dd/mm/yyyy and times HH:MM, both in Asia/Ho_Chi_Minh."""

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.validators import ValidationError as FieldError

from fairapp.fairs.models import FairStatus
from fairapp.geo.forms import WardField

STATUS_LABELS = {
    FairStatus.DRAFT: _l("Bản nháp"),
    FairStatus.PUBLISHED: _l("Đã công bố"),
    FairStatus.OPEN: _l("Đang diễn ra"),
    FairStatus.CLOSED: _l("Đã kết thúc"),
    FairStatus.CANCELLED: _l("Đã huỷ"),
}
WEEKDAY_CHOICES = [
    (0, _l("Thứ Hai")),
    (1, _l("Thứ Ba")),
    (2, _l("Thứ Tư")),
    (3, _l("Thứ Năm")),
    (4, _l("Thứ Sáu")),
    (5, _l("Thứ Bảy")),
    (6, _l("Chủ Nhật")),
]


class LocalDateField(StringField):
    """A day typed as dd/mm/yyyy (also accepts yyyy-mm-dd from a date input); `.day` after parsing."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault(
            "render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        )
        super().__init__(label, validators, **kwargs)
        self.day: date | None = None

    def pre_validate(self, form):
        self.day = None
        text = (self.data or "").strip()
        if not text:
            return
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                self.day = datetime.strptime(text, pattern).date()
                return
            except ValueError:
                continue
        raise FieldError(
            _l("%(field)s: cần một ngày có thật, dạng dd/mm/yyyy (ví dụ 07/03/2026).", field=self.label.text)
        )


class LocalTimeField(StringField):
    """A time of day typed as HH:MM (24 hours); `.moment` after parsing."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault(
            "render_kw", {"placeholder": "HH:MM", "inputmode": "numeric", "autocomplete": "off"}
        )
        super().__init__(label, validators, **kwargs)
        self.moment: time | None = None

    def pre_validate(self, form):
        self.moment = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            self.moment = datetime.strptime(text, "%H:%M").time()
        except ValueError:
            raise FieldError(
                _l("%(field)s: cần giờ dạng HH:MM, từ 00:00 đến 23:59 (ví dụ 07:30).", field=self.label.text)
            ) from None


def _required(label):
    return DataRequired(_l("%(field)s: bắt buộc.", field=label))


def _max(label, length):
    return Length(max=length, message=_l("%(field)s: dài tối đa %(max)d ký tự.", field=label, max=length))


_PHONE = Regexp(r"^[0-9 +().-]*$", message=_l("Số điện thoại liên hệ: chỉ gồm chữ số, dấu cách và + ( ) . -"))


def _capacity_field():
    label = _l("Sức chứa (người)")
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(
                min=1, max=100_000, message=_l("%(field)s: phải là số nguyên từ 1 đến 100.000.", field=label)
            ),
        ],
        description=_l("Để trống nếu không giới hạn."),
        render_kw={"inputmode": "numeric"},
    )


def _integer_messages(form):
    """IntegerField's own parse error is English: replace it by one naming the field."""
    for field in form:
        if isinstance(field, IntegerField) and field.errors and field.raw_data and field.data is None:
            field.errors = [_l("%(field)s: phải là một số nguyên.", field=field.label.text)]


class _ContactFields(FlaskForm):
    description = TextAreaField(
        _l("Giới thiệu"), validators=[_max(_l("Giới thiệu"), 5000)], render_kw={"rows": 4}
    )
    contact_name = StringField(_l("Người liên hệ"), validators=[_max(_l("Người liên hệ"), 200)])
    contact_phone = StringField(
        _l("Số điện thoại liên hệ"),
        validators=[_max(_l("Số điện thoại liên hệ"), 20), _PHONE],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    confirm = BooleanField(_l("Vẫn lưu dù trùng lịch"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        _integer_messages(self)
        return ok


class FairForm(_ContactFields):
    title = StringField(_l("Tên phiên"), validators=[_required(_l("Tên phiên")), _max(_l("Tên phiên"), 200)])
    ward_code = WardField(_l("Phường/xã"), validators=[_required(_l("Phường/xã"))])
    venue_name = StringField(
        _l("Địa điểm"),
        validators=[_max(_l("Địa điểm"), 200)],
        description=_l("Bắt buộc trước khi công bố, ví dụ: Nhà văn hoá tổ dân phố Mỏ Chè 2."),
    )
    venue_address = StringField(_l("Địa chỉ"), validators=[_max(_l("Địa chỉ"), 300)])
    directions = TextAreaField(
        _l("Chỉ đường"),
        validators=[_max(_l("Chỉ đường"), 2000)],
        description=_l("Cách đi đến địa điểm; hiển thị công khai."),
        render_kw={"rows": 2},
    )
    date = LocalDateField(_l("Ngày"), validators=[_required(_l("Ngày"))])
    start_time = LocalTimeField(_l("Giờ bắt đầu"), validators=[_required(_l("Giờ bắt đầu"))])
    end_time = LocalTimeField(_l("Giờ kết thúc"), validators=[_required(_l("Giờ kết thúc"))])
    capacity = _capacity_field()


class CloneForm(FlaskForm):
    ward_code = WardField(_l("Phường/xã"), validators=[_required(_l("Phường/xã"))])
    date = LocalDateField(_l("Ngày"), validators=[_required(_l("Ngày"))])
    venue_name = StringField(
        _l("Địa điểm"),
        validators=[_max(_l("Địa điểm"), 200)],
        description=_l("Để trống: giữ địa điểm cũ nếu cùng phường/xã."),
    )
    confirm = BooleanField(_l("Vẫn lưu dù trùng lịch"))


SEASON_ROWS = 6


class SeasonStopForm(Form):
    """One ward of the season (in order) and, optionally, its venue."""

    ward_code = WardField(_l("Phường/xã"), validators=[Optional()])
    venue_name = StringField(_l("Địa điểm"), validators=[_max(_l("Địa điểm"), 200)])


class SeriesForm(_ContactFields):
    title = StringField(
        _l("Tên đợt"),
        validators=[_required(_l("Tên đợt")), _max(_l("Tên đợt"), 150)],
        default=_l("Phiên giao dịch việc làm lưu động"),
    )
    stops = FieldList(FormField(SeasonStopForm), min_entries=SEASON_ROWS, max_entries=40)
    first_date = LocalDateField(_l("Từ ngày"), validators=[_required(_l("Từ ngày"))])
    weekday = SelectField(
        _l("Vào thứ"), choices=WEEKDAY_CHOICES, coerce=int, default=5, validate_choice=False
    )
    every_weeks = IntegerField(
        _l("Cách nhau (tuần)"),
        default=2,
        validators=[
            _required(_l("Cách nhau (tuần)")),
            NumberRange(min=1, max=8, message=_l("Cách nhau (tuần): từ 1 đến 8.")),
        ],
    )
    cycles = IntegerField(
        _l("Số vòng"),
        default=1,
        validators=[
            _required(_l("Số vòng")),
            NumberRange(min=1, max=12, message=_l("Số vòng: từ 1 đến 12.")),
        ],
        description=_l("Lặp lại cả lượt các phường/xã bao nhiêu lần."),
    )
    start_time = LocalTimeField(_l("Giờ bắt đầu"), validators=[_required(_l("Giờ bắt đầu"))], default="07:30")
    end_time = LocalTimeField(_l("Giờ kết thúc"), validators=[_required(_l("Giờ kết thúc"))], default="11:30")
    capacity = _capacity_field()


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Lý do huỷ"),
        validators=[_required(_l("Lý do huỷ")), _max(_l("Lý do huỷ"), 1000)],
        render_kw={"rows": 3},
    )


class FairFilterForm(FlaskForm):
    class Meta:
        csrf = False

    ward_code = WardField(_l("Phường/xã"), validators=[Optional()])
    status = SelectField(
        _l("Trạng thái"),
        validate_choice=False,
        choices=[("", _l("Tất cả")), *[(s.value, label) for s, label in STATUS_LABELS.items()]],
    )
    date_from = LocalDateField(_l("Từ ngày"), validators=[Optional()])
    date_to = LocalDateField(_l("Đến ngày"), validators=[Optional()])
