"""templates/_macros.html: form fields with label, Bootstrap classes, errors and help; form-level
errors; the submit button."""

import re

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

MACROS = '{% from "_macros.html" import render_field, render_form_errors, submit_button %}'


class SampleForm(FlaskForm):
    class Meta:
        csrf = False

    full_name = StringField(
        "Họ và tên",
        validators=[
            InputRequired("Họ và tên: bắt buộc."),
            Length(max=5, message="Họ và tên: tối đa 5 ký tự."),
        ],
        description="Như trên căn cước.",
    )
    ward = SelectField("Phường, xã", choices=[("05528", "Phường Bách Quang")], validators=[Optional()])
    consent = BooleanField("Tôi đồng ý", validators=[InputRequired("Cần đồng ý.")])
    gender = RadioField("Giới tính", choices=[("male", "Nam"), ("female", "Nữ")], validators=[Optional()])
    token = HiddenField(validators=[InputRequired("Biểu mẫu đã hết hạn.")])


def render(source: str, **context) -> str:
    return render_template_string(MACROS + source, **context)


def test_valid_field_has_label_required_marker_help_and_no_error(app):
    with app.test_request_context(
        "/", method="POST", data={"full_name": "Lan", "consent": "y", "token": "t"}
    ):
        form = SampleForm()
        assert form.validate()
        html = render("{{ render_field(form.full_name, autocomplete='name') }}", form=form)
    assert '<label class="form-label" for="full_name">Họ và tên</label>' in html
    assert 'class="required-marker"' in html and "(bắt buộc)" in html
    assert 'class="form-control "' in html or 'class="form-control"' in html
    assert 'autocomplete="name"' in html and 'value="Lan"' in html
    assert '<div class="form-text" id="full_name-help">Như trên căn cước.</div>' in html
    assert 'aria-describedby="full_name-help"' in html
    assert "is-invalid" not in html and "invalid-feedback" not in html


def test_invalid_field_is_marked_and_lists_each_error(app):
    with app.test_request_context("/", method="POST", data={"full_name": "Nguyễn Văn An"}):
        form = SampleForm()
        assert not form.validate()
        form.full_name.errors.append("Họ và tên: đã có người dùng.")
        html = render("{{ render_field(form.full_name) }}", form=form)
    control = re.search(r"<input [^>]*id=\"full_name\"[^>]*>", html).group(0)
    assert "form-control is-invalid" in control and 'aria-invalid="true"' in control
    assert 'aria-describedby="full_name-help full_name-error-1 full_name-error-2"' in control
    errors = re.findall(r'<div class="invalid-feedback d-block" id="full_name-error-\d">([^<]+)</div>', html)
    assert errors == ["Họ và tên: tối đa 5 ký tự.", "Họ và tên: đã có người dùng."]


def test_select_checkbox_radio_and_hidden_fields_get_their_own_markup(app):
    with app.test_request_context("/", method="POST", data={"full_name": "Lan"}):
        form = SampleForm()
        form.validate()
        html = render("{% for f in form %}{{ render_field(f) }}{% endfor %}", form=form)
    assert re.search(r'<select class="form-select\s*" id="ward"', html)
    consent = re.search(r'<input [^>]*id="consent"[^>]*>', html).group(0)
    assert "form-check-input is-invalid" in consent
    assert 'id="consent-error-1">Cần đồng ý.</div>' in html
    assert "<legend" in html and 'class="form-check-input" id="gender-0"' in html
    assert '<input id="token" name="token" type="hidden" value="">' in html
    assert "Biểu mẫu đã hết hạn." not in html  # a hidden field's error belongs to render_form_errors


def test_form_errors_show_hidden_field_and_form_level_errors(app):
    with app.test_request_context("/", method="POST", data={"full_name": "Lan", "consent": "y"}):
        form = SampleForm()
        assert not form.validate()
        form.form_errors.append("Phiên đã đóng, không thể đăng ký.")
        html = render("{{ render_form_errors(form) }}", form=form)
    assert 'class="alert alert-danger form-errors" role="alert"' in html
    assert "<li>Phiên đã đóng, không thể đăng ký.</li>" in html
    assert "<li>Biểu mẫu đã hết hạn.</li>" in html
    assert "Vui lòng kiểm tra các ô" not in html  # no visible field is wrong


def test_form_errors_point_at_fields_and_stay_silent_for_a_valid_form(app):
    with app.test_request_context("/", method="POST", data={"token": "t", "consent": "y"}):
        form = SampleForm()
        assert not form.validate()
        html = render("{{ render_form_errors(form) }}", form=form)
        assert "Vui lòng kiểm tra các ô được đánh dấu bên dưới." in html
    with app.test_request_context(
        "/", method="POST", data={"full_name": "Lan", "consent": "y", "token": "t"}
    ):
        form = SampleForm()
        assert form.validate()
        assert render("{{ render_form_errors(form) }}", form=form).strip() == ""


def test_submit_button(app):
    with app.test_request_context("/"):
        html = render(
            "{{ submit_button('Lưu') }}|{{ submit_button('Xoá', class_='btn-danger', "
            "name='action', value='delete') }}"
        )
    plain, danger = html.split("|")
    assert plain == '<button type="submit" class="btn btn-primary">Lưu</button>'
    assert danger == '<button type="submit" class="btn btn-danger" name="action" value="delete">Xoá</button>'
