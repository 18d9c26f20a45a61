"""The public registration form at /fairs/<id>/register and the lost-ticket lookup."""

import re

import pytest
import sqlalchemy as sa

from fairapp.attendees import consent
from fairapp.attendees.models import Attendee, Registration
from fairapp.audit.models import AuditEntry
from fairapp.fairs.models import FairStatus
from tests.attendees.conftest import BACH_QUANG
from tests.conftest import csrf_token_from


def form_data(page_html: str, **overrides) -> dict:
    """What a job seeker fills on the form: the essentials and the required consent."""
    data = {
        "csrf_token": csrf_token_from(page_html),
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "birth_year": "1995",
        "gender": "female",
        "ward_code": BACH_QUANG,
        "priority_group": "poor",
        "consent_personal_data": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def open_form(client, fair):
    response = client.get(f"/fairs/{fair.id}/register")
    assert response.status_code == 200
    return response.get_data(as_text=True)


ESSENTIALS = (
    "full_name",
    "phone",
    "birth_year",
    "gender",
    "ward_code",
    "priority_group",
    "consent_personal_data",
    "consent_share_with_employers",
)
# Asked after the ticket is issued, through the ticket link (tests/tickets/test_details.py).
LATER = (
    "citizen_id",
    "birth_date",
    "household_code",
    "education_level",
    "qualification",
    "situation",
    "address",
    "desired_jobs",
    "desired_vacancy_ids",
    "wants_training",
    "training_wish",
)


def test_form_asks_only_the_essentials(client, make_fair, offer_vacancy):
    fair = make_fair()
    offer_vacancy(fair, "Thợ hàn")
    html = open_form(client, fair)
    form = html[html.index('<form method="post" novalidate class="registration-form') :]
    form = form[: form.index("</form>")]
    for name in ESSENTIALS:
        assert f'name="{name}"' in form, name
    for name in LATER:
        assert f'name="{name}"' not in html, name
    assert "Thợ hàn" not in html
    assert "Hộ cận nghèo" in form and "Doanh nghiệp không được xem thông tin này." in form
    assert form.count('type="submit"') == 1


def test_each_consent_is_a_short_sentence_with_its_full_text_once(client, make_fair):
    fair = make_fair()
    html = open_form(client, fair)
    for field, text in (
        ("consent_personal_data", consent.personal_data()),
        ("consent_share_with_employers", consent.share_with_employers()),
    ):
        assert html.count(text.text) == 1, field
        block = re.search(
            rf'<div class="consent-choice" data-consent="{field}" '
            rf'data-consent-version="{text.version}">(.*?)</details>',
            html,
            re.S,
        )
        assert block, field
        sentence = re.search(
            rf'<label class="form-check-label" for="{field}">([^<]+)</label>', block.group(1)
        ).group(1)
        assert len(sentence) < 100 and sentence.startswith("Tôi đồng ý")
        disclosure = block.group(1)[block.group(1).index("<details") :]
        assert "<summary>Đọc đầy đủ</summary>" in disclosure
        assert text.text in disclosure and text.title in disclosure
    assert html.count("<summary>Đọc đầy đủ</summary>") == 2


def test_register_redirects_to_the_ticket_page(client, db, make_fair):
    fair = make_fair()
    html = open_form(client, fair)
    response = client.post(f"/fairs/{fair.id}/register", data=form_data(html))
    assert response.status_code == 303
    registration = db.session.scalar(sa.select(Registration))
    assert response.headers["Location"].endswith(registration.ticket_secret)
    assert registration.attendee.priority_group.value == "poor"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Nguyễn Thị Lan" in page.get_data(as_text=True)

    # the same person again: told so, without the ticket, pointed to "Lost your ticket?" and the desk
    again = client.post(f"/fairs/{fair.id}/register", data=form_data(html))
    body = again.get_data(as_text=True)
    assert again.status_code == 200 and "data-already-registered" in body
    assert registration.ticket_secret not in body and "\u2026678" in body
    assert f'href="/fairs/{fair.id}/lost-ticket"' in body and "data-desk-note" in body
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_the_essentials_are_enough_and_later_fields_are_not_taken(client, db, make_fair, offer_vacancy):
    """Fields that left the form are not read from a crafted post either: they are added through
    the ticket link, where the rules for them apply."""
    fair = make_fair()
    vacancy = offer_vacancy(fair)
    html = open_form(client, fair)
    response = client.post(
        f"/fairs/{fair.id}/register",
        data=form_data(
            html,
            citizen_id="019195001234",
            household_code="HN-01",
            education_level="primary",
            desired_jobs="Công nhân",
            desired_vacancy_ids=str(vacancy.id),
            wants_training="yes",
            training_wish="Hàn",
            address="Tổ 5",
            birth_date="1995-02-03",
        ),
    )
    assert response.status_code == 303
    registration = db.session.scalar(sa.select(Registration))
    attendee = registration.attendee
    assert (
        attendee.full_name,
        attendee.phone,
        attendee.birth_year,
        attendee.gender.value,
        attendee.ward_code,
        attendee.priority_group.value,
    ) == ("Nguyễn Thị Lan", "0912345678", 1995, "female", BACH_QUANG, "poor")
    assert (
        attendee.citizen_id,
        attendee.household_code,
        attendee.education_level,
        attendee.address,
        attendee.birth_date,
    ) == (None, None, None, None, None)
    assert (
        registration.desired_jobs,
        registration.desired_vacancy_ids,
        registration.wants_training,
        registration.training_wish,
    ) == (None, None, False, None)
    assert registration.consent_personal_data_version == consent.PERSONAL_DATA_VERSION
    assert registration.consent_share_version is None


def test_share_consent_is_optional_and_recorded_when_ticked(client, db, make_fair):
    fair = make_fair()
    html = open_form(client, fair)
    response = client.post(
        f"/fairs/{fair.id}/register", data=form_data(html, consent_share_with_employers="y")
    )
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Registration.consent_share_version)) == consent.SHARE_VERSION


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent_personal_data": None}, "consent_personal_data", "cần đồng ý"),
        ({"phone": "0208 3855 123"}, "phone", "số di động Việt Nam"),
        ({"phone": "091234567"}, "phone", "số di động Việt Nam"),
        ({"full_name": "     "}, "full_name", "không được chỉ gồm dấu cách"),
        ({"ward_code": "99999"}, "ward_code", "không hợp lệ"),
        ({"priority_group": "rich"}, "priority_group", "lựa chọn không hợp lệ"),
        ({"gender": None}, "gender", "bắt buộc"),
        ({"birth_year": "19x5"}, "birth_year", "4 chữ số"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_kept(client, db, make_fair, overrides, field, message):
    fair = make_fair()
    html = open_form(client, fair)
    response = client.post(
        f"/fairs/{fair.id}/register",
        data=form_data(html, full_name=overrides.pop("full_name", "<b>Lan</b> Nguyễn"), **overrides),
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = re.search(rf'class="[^"]*field-{field}[^"]*".*?invalid-feedback[^>]*>([^<]+)<', body, re.S)
    assert error and message in error.group(1), body[:200]
    # what was typed is kept, escaped
    if field != "full_name":
        assert 'value="&lt;b&gt;Lan&lt;/b&gt; Nguyễn"' in body
    if field != "phone":
        assert 'value="0912 345 678"' in body
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_errors_are_translated(client, db, make_fair):
    fair = make_fair()
    html = open_form(client, fair)
    with client.session_transaction() as session:
        session["locale"] = "en"
    response = client.post(f"/fairs/{fair.id}/register", data=form_data(html, phone="12"))
    assert response.status_code == 422
    assert "Phone number: must be a 10-digit Vietnamese mobile number" in response.get_data(as_text=True)


def test_markup_in_a_name_is_refused_and_shown_escaped(client, db, make_fair):
    """A name holds letters, spaces and ' - . only; what was typed comes back escaped. (Names stored
    before the rule are escaped on the ticket: tests/tickets/test_pages.py.)"""
    fair = make_fair()
    html = open_form(client, fair)
    response = client.post(
        f"/fairs/{fair.id}/register", data=form_data(html, full_name="<script>alert(1)</script>")
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "không dùng trong họ tên" in page
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 0


def test_draft_fair_has_no_public_form(client, db, make_fair):
    assert client.get(f"/fairs/{make_fair(status=FairStatus.DRAFT).id}/register").status_code == 404


@pytest.mark.parametrize(
    ("status", "code", "http"),
    [(FairStatus.CLOSED, "fair_closed", 409), (FairStatus.CANCELLED, "fair_cancelled", 409)],
)
def test_fair_status_refused_with_a_clear_message(client, db, make_fair, status, code, http):
    fair = make_fair(status=status)
    response = client.get(f"/fairs/{fair.id}/register")
    assert response.status_code == http
    body = response.get_data(as_text=True)
    assert f'data-refusal="{code}"' in body and 'name="full_name"' not in body


def test_full_fair_says_so_and_registers_nobody(client, db, make_fair):
    from fairapp.attendees.models import Channel
    from tests.attendees.conftest import person, register_committed

    fair = make_fair(capacity=1)
    register_committed(fair.id, person(citizen_id=None, phone="0987654321"), channel=Channel.ONLINE)
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
    codes = [client.post(f"/fairs/{fair.id}/register", data=form_data(html)).status_code for _ in range(2)]
    assert codes == [303, 200]  # registered, then already registered
    assert (
        client.post(f"/fairs/{fair.id}/register", data=form_data(html, phone="+84912345678")).status_code
        == 429
    )
    # another phone from the same address is not limited
    assert (
        client.post(f"/fairs/{fair.id}/register", data=form_data(html, phone="0987654321")).status_code == 303
    )


# --- Lost ticket -----------------------------------------------------------------------------------


def test_lost_ticket_finds_the_link(client, db, make_fair):
    fair = make_fair()
    html = open_form(client, fair)
    registered = client.post(f"/fairs/{fair.id}/register", data=form_data(html, citizen_id=""))
    ticket = registered.headers["Location"]
    page = client.get(f"/fairs/{fair.id}/lost-ticket").get_data(as_text=True)
    response = client.post(
        f"/fairs/{fair.id}/lost-ticket",
        data={"csrf_token": csrf_token_from(page), "phone": "+84 912 345 678", "birth_year": "1995"},
    )
    assert response.status_code == 200
    assert f'href="{ticket}"' in response.get_data(as_text=True)

    missing = client.post(
        f"/fairs/{fair.id}/lost-ticket",
        data={"csrf_token": csrf_token_from(page), "phone": "0912345678", "birth_year": "1996"},
    )
    body = missing.get_data(as_text=True)
    assert missing.status_code == 200 and "data-not-found" in body and ticket not in body
    actions = db.session.scalars(
        sa.select(AuditEntry.details)
        .where(AuditEntry.action == "registration.lost_ticket_lookup")
        .order_by(AuditEntry.id)
    ).all()
    assert [a["found"] for a in actions] == [1, 0]


def test_lost_ticket_bad_phone_is_a_field_error(client, db, make_fair):
    fair = make_fair()
    page = client.get(f"/fairs/{fair.id}/lost-ticket").get_data(as_text=True)
    response = client.post(
        f"/fairs/{fair.id}/lost-ticket",
        data={"csrf_token": csrf_token_from(page), "phone": "12", "birth_year": "1995"},
    )
    assert response.status_code == 422 and "số di động Việt Nam" in response.get_data(as_text=True)


def test_lost_ticket_is_rate_limited_per_phone_and_per_address(app, client, db, make_fair):
    fair = make_fair()
    page = client.get(f"/fairs/{fair.id}/lost-ticket").get_data(as_text=True)
    token = csrf_token_from(page)

    def look(phone):
        return client.post(
            f"/fairs/{fair.id}/lost-ticket", data={"csrf_token": token, "phone": phone, "birth_year": "1990"}
        ).status_code

    assert [look("0912345678") for _ in range(5)] == [200] * 5
    assert look("0912 345 678") == 429  # the sixth for this phone within the hour
    others = [look(f"09876543{n:02d}") for n in range(10)]
    assert others[:4] == [200] * 4 and 429 in others  # ten per address per hour in all
