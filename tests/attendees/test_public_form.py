"""The public registration form at /fairs/<id>/register and the lost-ticket lookup."""

import re

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Registration
from fairapp.audit.models import AuditEntry
from fairapp.fairs.models import FairStatus
from tests.attendees.conftest import BACH_QUANG
from tests.conftest import csrf_token_from


def form_data(page_html: str, **overrides) -> dict:
    data = {"csrf_token": csrf_token_from(page_html), "full_name": "Nguyễn Thị Lan", "phone": "0912 345 678",
            "birth_year": "1995", "gender": "female", "ward_code": BACH_QUANG, "citizen_id": "019195001234",
            "priority_group": "poor", "household_code": "", "education_level": "upper_secondary",
            "qualification": "none", "situation": "unemployed", "desired_jobs": "Công nhân",
            "wants_training": "no", "training_wish": "", "consent_personal_data": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def open_form(client, fair):
    response = client.get(f"/fairs/{fair.id}/register")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_form_shows_every_field_and_both_consents(client, make_fair, offer_vacancy):
    fair = make_fair()
    offer_vacancy(fair, "Thợ hàn")
    html = open_form(client, fair)
    for name in ("full_name", "phone", "birth_year", "birth_date", "gender", "ward_code", "citizen_id",
                 "education_level", "qualification", "situation", "desired_jobs", "desired_vacancy_ids",
                 "wants_training", "training_wish", "priority_group", "household_code",
                 "consent_personal_data", "consent_share_with_employers"):
        assert f'name="{name}"' in html, name
    assert "Thợ hàn" in html
    assert 'data-consent-version="2026-11-v1"' in html
    assert "Đồng ý xử lý dữ liệu cá nhân" in html and "Hộ cận nghèo" in html


def test_register_redirects_to_the_ticket_page(client, db, make_fair, offer_vacancy):
    fair = make_fair()
    vacancy = offer_vacancy(fair)
    html = open_form(client, fair)
    response = client.post(f"/fairs/{fair.id}/register",
                           data=form_data(html, desired_vacancy_ids=str(vacancy.id)))
    assert response.status_code == 303
    registration = db.session.scalar(sa.select(Registration))
    assert response.headers["Location"].endswith(registration.ticket_secret)
    assert registration.desired_vacancy_ids == [vacancy.id]
    assert registration.attendee.priority_group.value == "poor"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Nguyễn Thị Lan" in page.get_data(as_text=True)

    # the same person again: the same ticket
    again = client.post(f"/fairs/{fair.id}/register", data=form_data(html))
    assert again.status_code == 303 and again.headers["Location"] == response.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"consent_personal_data": None}, "consent_personal_data", "cần đồng ý"),
    ({"phone": "0208 3855 123"}, "phone", "số di động Việt Nam"),
    ({"phone": "091234567"}, "phone", "số di động Việt Nam"),
    ({"citizen_id": "01919500123"}, "citizen_id", "12 chữ số"),
    ({"citizen_id": "019196001234"}, "citizen_id", "năm sinh"),
    ({"citizen_id": "019095001234"}, "citizen_id", "giới tính"),
    ({"citizen_id": "003195001234"}, "citizen_id", "mã tỉnh"),
    ({"full_name": "     "}, "full_name", "không được chỉ gồm dấu cách"),
    ({"ward_code": "99999"}, "ward_code", "không hợp lệ"),
    ({"priority_group": "rich"}, "priority_group", "lựa chọn không hợp lệ"),
    ({"gender": None}, "gender", "bắt buộc"),
    ({"birth_year": "19x5"}, "birth_year", "4 chữ số"),
])
def test_bad_input_is_refused_next_to_the_field_and_kept(client, db, make_fair, overrides, field, message):
    fair = make_fair()
    html = open_form(client, fair)
    response = client.post(f"/fairs/{fair.id}/register",
                           data=form_data(html, full_name=overrides.pop("full_name", "<b>Lan</b> Nguyễn"),
                                          desired_jobs="Bảo vệ & <i>lái xe</i>", **overrides))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = re.search(rf'class="[^"]*field-{field}[^"]*".*?invalid-feedback[^>]*>([^<]+)<', body, re.S)
    assert error and message in error.group(1), body[:200]
    # what was typed is kept, escaped
    if field != "full_name":
        assert 'value="&lt;b&gt;Lan&lt;/b&gt; Nguyễn"' in body
    assert "Bảo vệ &amp; &lt;i&gt;lái xe&lt;/i&gt;" in body
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_markup_in_a_name_is_refused_and_shown_escaped(client, db, make_fair):
    """A name holds letters, spaces and ' - . only; what was typed comes back escaped. (Names stored
    before the rule are escaped on the ticket: tests/tickets/test_pages.py.)"""
    fair = make_fair()
    html = open_form(client, fair)
    response = client.post(f"/fairs/{fair.id}/register",
                           data=form_data(html, full_name="<script>alert(1)</script>", citizen_id=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "không dùng trong họ tên" in page
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 0


def test_draft_fair_has_no_public_form(client, db, make_fair):
    assert client.get(f"/fairs/{make_fair(status=FairStatus.DRAFT).id}/register").status_code == 404


@pytest.mark.parametrize(("status", "code", "http"), [
    (FairStatus.CLOSED, "fair_closed", 409), (FairStatus.CANCELLED, "fair_cancelled", 409)])
def test_fair_status_refused_with_a_clear_message(client, db, make_fair, status, code, http):
    fair = make_fair(status=status)
    response = client.get(f"/fairs/{fair.id}/register")
    assert response.status_code == http
    body = response.get_data(as_text=True)
    assert f'data-refusal="{code}"' in body and 'name="full_name"' not in body


def test_full_fair_says_so_and_registers_nobody(client, db, make_fair):
    from fairapp.attendees.models import Channel
    from fairapp.attendees.transaction import commit_registration
    from tests.attendees.conftest import person

    fair = make_fair(capacity=1)
    commit_registration(fair.id, person(citizen_id=None, phone="0987654321"), channel=Channel.ONLINE)
    response = client.get(f"/fairs/{fair.id}/register")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert 'data-refusal="fair_full"' in body and "đủ số người đăng ký" in body


def test_unknown_fair_is_404(client, db):
    assert client.get("/fairs/999999/register").status_code == 404


def test_post_without_csrf_is_refused(client, db, make_fair):
    fair = make_fair()
    response = client.post(f"/fairs/{fair.id}/register", data={"full_name": "Lan"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_per_phone_limit_on_the_form(app, client, db, make_fair):
    app.config["REGISTRATION_LIMIT_PER_PHONE"] = "2 per hour"
    fair = make_fair()
    html = open_form(client, fair)
    for _ in range(2):
        assert client.post(f"/fairs/{fair.id}/register", data=form_data(html)).status_code == 303
    assert client.post(f"/fairs/{fair.id}/register",
                       data=form_data(html, phone="+84912345678")).status_code == 429
    # another phone from the same address is not limited
    assert client.post(f"/fairs/{fair.id}/register",
                       data=form_data(html, phone="0987654321", citizen_id="")).status_code == 303


# --- Lost ticket -----------------------------------------------------------------------------------

def test_lost_ticket_finds_the_link(client, db, make_fair):
    fair = make_fair()
    html = open_form(client, fair)
    ticket = client.post(f"/fairs/{fair.id}/register", data=form_data(html)).headers["Location"]
    page = client.get(f"/fairs/{fair.id}/lost-ticket").get_data(as_text=True)
    response = client.post(f"/fairs/{fair.id}/lost-ticket", data={
        "csrf_token": csrf_token_from(page), "phone": "+84 912 345 678", "birth_year": "1995"})
    assert response.status_code == 200
    assert f'href="{ticket}"' in response.get_data(as_text=True)

    missing = client.post(f"/fairs/{fair.id}/lost-ticket", data={
        "csrf_token": csrf_token_from(page), "phone": "0912345678", "birth_year": "1996"})
    body = missing.get_data(as_text=True)
    assert missing.status_code == 200 and "data-not-found" in body and ticket not in body
    actions = db.session.scalars(sa.select(AuditEntry.details).where(
        AuditEntry.action == "registration.lost_ticket_lookup").order_by(AuditEntry.id)).all()
    assert [a["found"] for a in actions] == [1, 0]


def test_lost_ticket_bad_phone_is_a_field_error(client, db, make_fair):
    fair = make_fair()
    page = client.get(f"/fairs/{fair.id}/lost-ticket").get_data(as_text=True)
    response = client.post(f"/fairs/{fair.id}/lost-ticket", data={
        "csrf_token": csrf_token_from(page), "phone": "12", "birth_year": "1995"})
    assert response.status_code == 422 and "số di động Việt Nam" in response.get_data(as_text=True)


def test_lost_ticket_is_rate_limited_per_phone_and_per_address(app, client, db, make_fair):
    fair = make_fair()
    page = client.get(f"/fairs/{fair.id}/lost-ticket").get_data(as_text=True)
    token = csrf_token_from(page)

    def look(phone):
        return client.post(f"/fairs/{fair.id}/lost-ticket",
                           data={"csrf_token": token, "phone": phone, "birth_year": "1990"}).status_code

    assert [look("0912345678") for _ in range(5)] == [200] * 5
    assert look("0912 345 678") == 429  # the sixth for this phone within the hour
    others = [look(f"09876543{n:02d}") for n in range(10)]
    assert others[:4] == [200] * 4 and 429 in others  # ten per address per hour in all
