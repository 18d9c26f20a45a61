"""WardField (fairapp/geo/forms.py) and the ward_picker macro (templates/geo/_picker.html),
through a small page registered on the test app the way feature pages will use them."""

import re

import pytest
from flask import render_template_string
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from fairapp.auth.access import public
from fairapp.geo.forms import WardField, valid_ward_code
from tests.conftest import csrf_token_from, static_url

pytestmark = pytest.mark.fresh_app  # each test adds its page to the application

PAGE = """{% extends "base.html" %}
{% from "geo/_picker.html" import ward_picker, ward_picker_script %}
{% block content %}
<form method="post" novalidate>{{ form.hidden_tag() }}
{{ ward_picker(form.ward_code) }}
{{ ward_picker(form.work_ward, province_code=25, help="Nơi làm việc") }}
<button type="submit">Gửi</button></form>
{% if chosen %}<p id="chosen">{{ chosen }}</p>{% endif %}
{% endblock %}
{% block scripts %}{{ ward_picker_script() }}{% endblock %}"""


class PlaceForm(FlaskForm):
    ward_code = WardField(_l("Nơi ở"), validators=[DataRequired(_l("Vui lòng chọn phường/xã."))])
    work_ward = WardField(_l("Nơi làm việc"), province_code=25)


def place_page():
    form = PlaceForm()
    chosen = None
    if form.validate_on_submit():
        chosen = f"{form.ward_code.ward.code} {form.ward_code.ward.name}"
    return render_template_string(PAGE, form=form, chosen=chosen)


@pytest.fixture()
def page(app):
    app.add_url_rule("/test/place", "test_place", public(place_page), methods=["GET", "POST"])
    return "/test/place"


def post(client, page, **data):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(page, data={"csrf_token": token, **data})


def test_without_javascript_the_page_offers_a_select_of_home_province_wards(client, page):
    html = client.get(page).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="ward_code".*?</select>', html, re.S).group(0)
    codes = re.findall(r'<option value="(\d{5})"', select)
    assert len(codes) == 92 and "05528" in codes and "05518" in codes
    assert '<optgroup label="Phường">' in select and '<optgroup label="Xã">' in select
    assert "— Chọn phường/xã —" in select
    work = re.search(r'<select[^>]*name="work_ward".*?</select>', html, re.S).group(0)
    assert "Xã Lương Sơn" in work and "Phường Bách Quang" not in work  # province 25 given
    assert 'data-province="25"' in html


def test_the_combobox_waits_in_a_template_and_nothing_is_inline(client, page):
    html = client.get(page).get_data(as_text=True)
    template = re.search(r"<template data-ward-picker-template>(.*?)</template>", html, re.S).group(1)
    assert 'role="combobox"' in template and 'aria-controls="ward_code-listbox"' in template
    assert '<input type="hidden" name="ward_code" value="">' in template
    assert 'role="listbox"' in template
    assert 'data-search-url="/units/search"' in html
    assert re.search(f'<script src="{static_url("js/unit-picker.js")}" defer></script>', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline scripts
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert ' style="' not in html


def test_a_valid_ward_is_accepted(client, page):
    response = post(client, page, ward_code=" 05528 ")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<p id="chosen">05528 Phường Bách Quang</p>' in html
    # Re-rendered: the choice is kept in both the select and the combobox.
    assert '<option value="05528" selected>Phường Bách Quang</option>' in html
    assert 'value="Phường Bách Quang, Tỉnh Thái Nguyên"' in html


@pytest.mark.parametrize("value", ["99999", "0552", "abcde", "05528' or 1=1", "%", "x" * 500])
def test_an_unknown_code_gets_a_message_naming_the_field(client, page, value):
    response = post(client, page, ward_code=value)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="chosen"' not in html
    assert "Nơi ở: Phường/xã không hợp lệ." in html
    assert 'aria-invalid="true"' in html


def test_a_missing_ward_uses_the_required_message(client, page):
    html = post(client, page, ward_code="").get_data(as_text=True)
    assert "Vui lòng chọn phường/xã." in html
    assert "Phường/xã không hợp lệ." not in html


def test_province_restricted_field_refuses_a_ward_elsewhere(client, page):
    html = post(client, page, ward_code="05528", work_ward="05528").get_data(as_text=True)
    assert "Nơi làm việc: Phường/xã không hợp lệ." in html
    ok = post(client, page, ward_code="05528", work_ward="04924").get_data(as_text=True)
    assert '<p id="chosen">05528 Phường Bách Quang</p>' in ok


def test_a_chosen_ward_outside_the_list_stays_selected(app, page):
    with app.test_request_context(method="POST", data={"ward_code": "04924"}):
        form = PlaceForm(meta={"csrf": False})
        form.validate()
        html = render_template_string(
            '{% from "geo/_picker.html" import ward_picker %}{{ ward_picker(form.ward_code) }}', form=form
        )
    assert '<option value="04924" selected>Xã Lương Sơn, Tỉnh Phú Thọ</option>' in html
    assert form.ward_code.ward.province_code == 25


def test_valid_ward_code_validator_on_its_own(app):
    from wtforms import StringField

    class Form(FlaskForm):
        place = StringField("Địa bàn", validators=[valid_ward_code(province_code=19)])

    with app.test_request_context(method="POST", data={"place": "04924"}):
        form = Form(meta={"csrf": False})
        assert not form.validate()
        assert form.place.errors == ["Địa bàn: Phường/xã không hợp lệ."]
    with app.test_request_context(method="POST", data={"place": "05533"}):
        form = Form(meta={"csrf": False})
        assert form.validate()
        assert form.place.ward.name == "Phường Bá Xuyên"
