"""Forms of the booth record pages: the filters of the candidate lists (GET, no CSRF) and the update of
one record. Shape only: the rules (outcome of the booth's kind, rating 1–5, lengths, tags) are
fairapp.interviews.services.check's, whose messages the view puts next to these fields, so the field
names are the service's. WTForms has no Vietnamese catalogue: every validator names its field."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length
from wtforms.validators import ValidationError as FieldError

from fairapp.fairs.forms import LocalDateField, LocalTimeField
from fairapp.interviews.models import MAX_NOTES_LENGTH, MAX_PLACE_LENGTH, MAX_TAG_LENGTH, MAX_TAGS

MAX_TAGS_TEXT = MAX_TAGS * (MAX_TAG_LENGTH + 2)
RATING_CHOICES = [("", _l("Tất cả"))] + [(str(n), _l("từ %(n)s sao", n=n)) for n in range(1, 6)]


def _known_choice(form, field):
    if field.data and field.data not in {value for value, _label in field.choices}:
        raise FieldError(_l("%(field)s: chọn một mục trong danh sách.", field=field.label.text))


def _whole_number(form, field):
    if field.data and not field.data.strip().isdigit():
        raise FieldError(_l("%(field)s: chọn một mục trong danh sách.", field=field.label.text))


def chosen_id(field) -> int | None:
    """The id a validated select field names (None: none chosen)."""
    return int(field.data) if field.data else None


# --- Filters ----------------------------------------------------------------------------------------


class CandidateFilterForm(FlaskForm):
    """An employer's or school's filters; the view removes the field of the other kind of holder."""

    class Meta:
        csrf = False  # a GET filter, changes nothing

    fair_id = SelectField(_l("Phiên giao dịch"), validate_choice=False, validators=[_known_choice])
    vacancy_id = SelectField(_l("Vị trí tuyển dụng"), validate_choice=False, validators=[_known_choice])
    programme_id = SelectField(_l("Ngành đào tạo"), validate_choice=False, validators=[_known_choice])
    outcome = SelectField(_l("Kết quả"), validate_choice=False, validators=[_known_choice])
    min_rating = SelectField(
        _l("Đánh giá"), choices=RATING_CHOICES, validate_choice=False, validators=[_known_choice]
    )
    tag = StringField(
        _l("Nhãn"),
        validators=[
            Length(max=MAX_TAG_LENGTH, message=_l("Nhãn: tối đa %(limit)s ký tự.", limit=MAX_TAG_LENGTH))
        ],
    )


class FairRecordFilterForm(FlaskForm):
    """The organiser's filters of a fair's records."""

    class Meta:
        csrf = False

    booth_id = SelectField(_l("Tên gian hàng"), validate_choice=False, validators=[_known_choice])
    outcome = SelectField(_l("Kết quả"), validate_choice=False, validators=[_known_choice])


# --- One record -------------------------------------------------------------------------------------


class RecordForm(FlaskForm):
    """A record's fields; the view removes those of the other kind of booth (an employer's vacancy and
    appointment, a school's programme and intake date)."""

    outcome = SelectField(_l("Kết quả"), validate_choice=False)
    vacancy_id = SelectField(_l("Vị trí tuyển dụng"), validate_choice=False, validators=[_whole_number])
    programme_id = SelectField(_l("Ngành đào tạo"), validate_choice=False, validators=[_whole_number])
    rating = StringField(
        _l("Đánh giá (1–5)"),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 2},
    )
    notes = TextAreaField(_l("Ghi chú"), render_kw={"rows": 3, "maxlength": MAX_NOTES_LENGTH})
    tags = StringField(
        _l("Nhãn"),
        validators=[
            Length(
                max=MAX_TAGS_TEXT,
                message=_l(
                    "Nhãn: tối đa %(count)s nhãn, mỗi nhãn tối đa %(limit)s ký tự.",
                    count=MAX_TAGS,
                    limit=MAX_TAG_LENGTH,
                ),
            )
        ],
        description=_l("Các nhãn cách nhau bằng dấu phẩy, ví dụ: có kinh nghiệm, cần xe đưa đón."),
    )
    next_step_date = LocalDateField(_l("Ngày hẹn"))
    next_step_time = LocalTimeField(_l("Giờ hẹn"))
    next_step_place = StringField(_l("Địa điểm hẹn"), render_kw={"maxlength": MAX_PLACE_LENGTH})
    intake_date = LocalDateField(_l("Ngày nhập học"))

    def validate_rating(self, field):
        if field.data and not field.data.strip().isdigit():
            raise FieldError(_l("Đánh giá: số nguyên từ 1 đến 5."))

    def validate_next_step_time(self, field):
        if self.next_step_date.data and not (field.data or "").strip():
            raise FieldError(_l("Giờ hẹn: bắt buộc khi có ngày hẹn."))
        if (field.data or "").strip() and not (self.next_step_date.data or "").strip():
            raise FieldError(_l("Giờ hẹn: cần có cả ngày hẹn."))

    def rating_value(self) -> int | None:
        return int(self.rating.data.strip()) if (self.rating.data or "").strip() else None

    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in (self.tags.data or "").split(",") if tag.strip()]
