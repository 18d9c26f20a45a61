"""Forms of the plans, budget and fair-cost pages. Shape only: a number is whole digits (with the
thousands dots people type); its range, the year and the texts' lengths are the services' rules
(fairapp.plans.checks), whose messages the views put next to these fields, so the field names are
the services'. WTForms has no Vietnamese catalogue: every validator names its field."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError as FieldError

from fairapp.fairs.forms import LocalDateField
from fairapp.plans.labels import (
    AMOUNT_LABEL,
    DATE_LABEL,
    DOCUMENT_LABEL,
    INDICATOR_LABELS,
    ITEM_FIELD_LABEL,
    ITEM_LABELS,
    KIND_FIELD_LABEL,
    KIND_LABELS,
    NOTE_LABEL,
    SOURCE_FIELD_LABEL,
    SOURCE_LABELS,
)
from fairapp.plans.models import INDICATORS, MAX_DOCUMENT_LENGTH, MAX_NOTE_LENGTH

# "2.400.000", "2,400,000", "2 400 000" or "2400000"; a leading minus is read so that the service can
# say that the number may not be negative, rather than that it is not a number.
_WHOLE_NUMBER = re.compile(r"-?(\d{1,3}([.,\s]\d{3})+|\d+)")
MAX_TYPED = 40  # characters: past any amount the rules allow, with its dots


class WholeNumberField(StringField):
    """A count or an amount of đồng as typed; `.number` after validation (None when empty)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.number: int | None = None

    def pre_validate(self, form):
        self.number = None
        text = (self.data or "").strip().removesuffix("đ").removesuffix("VND").strip()
        if not text:
            return
        if len(text) > MAX_TYPED or not _WHOLE_NUMBER.fullmatch(text):
            raise FieldError(
                _l("%(field)s: nhập số nguyên bằng chữ số, ví dụ 2.400.000.", field=self.label.text)
            )
        self.number = int(re.sub(r"[^\d-]", "", text))


def _required(form, field):
    if not (field.data or "").strip():
        raise FieldError(_l("%(field)s: vui lòng nhập.", field=field.label.text))


def _known_choice(form, field):
    if field.data not in {str(value) for value, _label in field.choices}:
        raise FieldError(_l("%(field)s: chọn một mục trong danh sách.", field=field.label.text))


def _length(limit: int):
    def check(form, field):
        if len((field.data or "").strip()) > limit:
            raise FieldError(_l("%(field)s: tối đa %(limit)s ký tự.", field=field.label.text, limit=limit))

    return check


class TargetsForm(FlaskForm):
    """One area's targets for a year; an empty indicator has no target. The area's choices are set by
    the view (the areas the account may set)."""

    ward_code = SelectField(_l("Địa bàn"), validators=[_known_choice])
    fairs = WholeNumberField(INDICATOR_LABELS["fairs"])
    job_seekers = WholeNumberField(INDICATOR_LABELS["job_seekers"])
    priority_workers = WholeNumberField(INDICATOR_LABELS["priority_workers"])
    hires = WholeNumberField(INDICATOR_LABELS["hires"])
    sustainable_jobs = WholeNumberField(INDICATOR_LABELS["sustainable_jobs"])
    trainees = WholeNumberField(INDICATOR_LABELS["trainees"])
    note = StringField(NOTE_LABEL, validators=[_length(MAX_NOTE_LENGTH)])

    def indicator_fields(self) -> list:
        return [self[name] for name in INDICATORS]

    def values(self) -> dict:
        """What the service takes: each indicator's number (None: empty) and the note."""
        return {
            **{name: self[name].number for name in INDICATORS},
            "note": (self.note.data or "").strip() or None,
        }


class BudgetEntryForm(FlaskForm):
    source = SelectField(
        SOURCE_FIELD_LABEL,
        choices=[(s.value, label) for s, label in SOURCE_LABELS.items()],
        validators=[_known_choice],
    )
    kind = SelectField(
        KIND_FIELD_LABEL,
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[_known_choice],
    )
    amount = WholeNumberField(AMOUNT_LABEL, validators=[_required])
    entry_date = LocalDateField(DATE_LABEL)
    document_no = StringField(DOCUMENT_LABEL, validators=[_length(MAX_DOCUMENT_LENGTH)])
    note = StringField(NOTE_LABEL, validators=[_length(MAX_NOTE_LENGTH)])


class FairCostForm(FlaskForm):
    item = SelectField(
        ITEM_FIELD_LABEL,
        choices=[(i.value, label) for i, label in ITEM_LABELS.items()],
        validators=[_known_choice],
    )
    amount = WholeNumberField(AMOUNT_LABEL, validators=[_required])
    document_no = StringField(DOCUMENT_LABEL, validators=[_length(MAX_DOCUMENT_LENGTH)])
    note = StringField(NOTE_LABEL, validators=[_length(MAX_NOTE_LENGTH)])
