"""The optional details after the ticket: /t/<secret>/details and fairapp.attendees.details.

The link is a bearer secret: it fills what is empty on the person's record, sets this registration's
wishes, and never overwrites, reveals or confirms anything already recorded."""

import re

import pytest
import sqlalchemy as sa

from fairapp.attendees import details
from fairapp.attendees.models import Attendee, Channel, Gender, PendingChange, PriorityGroup, Registration
from fairapp.attendees.validation import RegistrationInvalid
from fairapp.audit.models import AuditEntry
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, PartnerStatus, Vacancy
from fairapp.text import fold
from tests.conftest import csrf_token_from

REFUSAL = "Chúng tôi không thể đăng ký số CCCD này trực tuyến. Vui lòng mang CCCD đến bàn đăng ký tại phiên."
# make_registration's person: a woman born in 1995, so a citizen ID 0xx 1 95 xxxxxx fits.
CITIZEN_ID = "019195001234"


@pytest.fixture()
def offer(db):
    """offer(fair, title) → a Vacancy of a new approved employer with a confirmed booth, offered at
    the fair (what the public sees: fairapp.booths.services.public_offer)."""

    def make(fair, title="Công nhân may"):
        employer = Employer(name=f"Công ty {title}", tax_code="0100109106", status=PartnerStatus.APPROVED)
        db.session.add(employer)
        db.session.flush()
        vacancy = Vacancy(employer_id=employer.id, title=title, quantity=5)
        db.session.add(vacancy)
        db.session.flush()
        db.session.add(VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id))
        db.session.add(Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED))
        db.session.commit()
        return vacancy

    return make


def add_details(registration, raw):
    """The fields add_details changed."""
    return details.add_details(registration, raw).changed


def another_person(db, citizen_id=CITIZEN_ID) -> Attendee:
    attendee = Attendee(
        full_name="Phạm Văn Bình",
        name_key=fold("Phạm Văn Bình"),
        phone="0987000111",
        birth_year=1995,
        gender=Gender.FEMALE,
        ward_code="05528",
        citizen_id=citizen_id,
    )
    db.session.add(attendee)
    db.session.commit()
    return attendee


def audit_entries(db, action="attendee.details_added"):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


# --- The service ------------------------------------------------------------------------------------


def test_wishes_are_set_and_empty_person_fields_filled(db, make_registration, offer):
    registration = make_registration()
    vacancy = offer(registration.fair)
    changed = add_details(
        registration,
        {
            "desired_vacancy_ids": [vacancy.id],
            "desired_jobs": "Công nhân may",
            "wants_training": True,
            "training_wish": "Điện công nghiệp",
            "education_level": "lower_secondary",
            "qualification": "none",
            "situation": "unemployed",
            "citizen_id": CITIZEN_ID,
            "birth_date": "03/02/1995",
            "address": "Tổ 5, phường Bách Quang",
        },
    )
    db.session.commit()

    assert sorted(changed) == sorted(
        [
            "desired_vacancy_ids",
            "desired_jobs",
            "wants_training",
            "training_wish",
            "education_level",
            "qualification",
            "situation",
            "citizen_id",
            "birth_date",
            "address",
        ]
    )
    row = db.session.get(Registration, registration.id)
    assert (row.desired_vacancy_ids, row.desired_jobs, row.wants_training, row.training_wish) == (
        [vacancy.id],
        "Công nhân may",
        True,
        "Điện công nghiệp",
    )
    person = row.attendee
    assert (
        person.education_level,
        person.qualification,
        person.situation,
        person.citizen_id,
        person.birth_date.isoformat(),
        person.address,
    ) == ("lower_secondary", "none", "unemployed", CITIZEN_ID, "1995-02-03", "Tổ 5, phường Bách Quang")
    [entry] = audit_entries(db)
    assert entry.object_type == "attendees" and entry.object_id == str(person.id)
    assert entry.details == {
        "registration_id": registration.id,
        "fair_id": registration.fair_id,
        "fields": changed,
    }
    assert CITIZEN_ID not in str(entry.details) and "Bách Quang" not in str(entry.details)


def test_recorded_person_fields_are_never_overwritten(db, make_registration):
    registration = make_registration()
    person = registration.attendee
    person.citizen_id, person.education_level, person.address = CITIZEN_ID, "primary", "Tổ 1"
    db.session.commit()

    changed = add_details(
        registration,
        {
            "citizen_id": "019195009999",
            "education_level": "upper_secondary",
            "address": "Tổ 9",
            "qualification": "college",
        },
    )
    db.session.commit()

    person = db.session.get(Attendee, person.id)
    assert (person.citizen_id, person.education_level, person.address, person.qualification) == (
        CITIZEN_ID,
        "primary",
        "Tổ 1",
        "college",
    )
    assert changed == ["qualification"]
    assert audit_entries(db)[0].details["fields"] == ["qualification"]


def test_a_field_filled_meanwhile_is_not_overwritten(db, make_registration):
    """The record read says empty, but another request filled it before this one writes: the
    database decides, and what was written first stays."""
    registration = make_registration()
    person = registration.attendee
    assert person.address is None  # loaded
    db.session.execute(
        sa.update(Attendee)
        .where(Attendee.id == person.id)
        .values(address="Tổ 2")
        .execution_options(synchronize_session=False)
    )

    changed = add_details(registration, {"address": "Tổ 9", "situation": "student"})
    db.session.commit()

    assert db.session.scalar(sa.select(Attendee.address).where(Attendee.id == person.id)) == "Tổ 2"
    assert changed == ["situation"]


def test_nothing_given_changes_nothing_and_is_not_audited(db, make_registration):
    registration = make_registration()
    assert add_details(registration, {"wants_training": False}) == []
    assert audit_entries(db) == []


def test_household_code_only_for_a_priority_household(db, make_registration):
    registration = make_registration()
    assert "household_code" not in details.open_person_fields(registration)
    add_details(registration, {"household_code": "BQ-07"})
    assert registration.attendee.household_code is None

    registration.attendee.priority_group = PriorityGroup.NEAR_POOR
    db.session.commit()
    assert "household_code" in details.open_person_fields(registration)
    assert add_details(registration, {"household_code": "BQ-07"}) == ["household_code"]
    db.session.commit()
    assert db.session.get(Attendee, registration.attendee_id).household_code == "BQ-07"


def test_citizen_id_of_another_record_is_refused_without_saying_so(db, make_registration):
    registration = make_registration()
    other = another_person(db)

    with pytest.raises(RegistrationInvalid) as refused:
        add_details(registration, {"citizen_id": "0191 9500 1234", "desired_jobs": "Bảo vệ"})
    db.session.rollback()

    assert refused.value.code == "citizen_id_not_accepted"
    assert refused.value.fields == {"citizen_id": REFUSAL}
    assert other.full_name not in str(refused.value.fields)
    person = db.session.get(Attendee, registration.attendee_id)
    assert person.citizen_id is None
    assert db.session.get(Registration, registration.id).desired_jobs is None
    assert db.session.get(Attendee, other.id).citizen_id == CITIZEN_ID
    assert audit_entries(db) == []


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"citizen_id": "01919500123"}, "citizen_id", "Số căn cước (CCCD): phải gồm đúng 12 chữ số."),
        ({"citizen_id": "019196001234"}, "citizen_id", "khớp với năm sinh 1995"),  # the recorded year
        ({"citizen_id": "019095001234"}, "citizen_id", "khớp với giới tính"),  # the recorded sex
        ({"birth_date": "1996-02-03"}, "birth_date", "Ngày sinh: không khớp với năm sinh."),
        ({"birth_date": "31/02/1995"}, "birth_date", "Ngày sinh: cần một ngày có thật"),
        ({"education_level": "phd"}, "education_level", "Trình độ học vấn: lựa chọn không hợp lệ."),
        ({"situation": "retired"}, "situation", "Tình trạng hiện nay: lựa chọn không hợp lệ."),
        ({"desired_jobs": "x" * 1001}, "desired_jobs", "Công việc mong muốn: dài tối đa 1000 ký tự."),
        ({"address": "x" * 301}, "address", "Địa chỉ: dài tối đa 300 ký tự."),
        ({"desired_vacancy_ids": [999999]}, "desired_vacancy_ids", "có vị trí không tuyển tại phiên này"),
    ],
)
def test_bad_details_are_refused_by_the_registration_rules(db, make_registration, raw, field, message):
    registration = make_registration()
    with pytest.raises(RegistrationInvalid) as refused:
        add_details(registration, {"desired_jobs": "Bảo vệ", **raw})
    db.session.rollback()
    assert list(refused.value.fields) == [field]
    assert message in str(refused.value.fields[field])
    assert db.session.get(Registration, registration.id).desired_jobs is None


# --- The page ---------------------------------------------------------------------------------------


def test_ticket_page_links_to_the_details(client, make_registration):
    registration = make_registration()
    html = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)
    assert f'href="/t/{registration.ticket_secret}/details"' in html
    assert "Bổ sung thông tin (không bắt buộc)" in html


def test_details_page_is_private_and_asks_only_what_is_empty(client, db, make_registration, offer):
    registration = make_registration()
    vacancy = offer(registration.fair, "Thợ hàn")
    person = registration.attendee
    person.citizen_id, person.education_level = CITIZEN_ID, "primary"
    db.session.commit()

    response = client.get(f"/t/{registration.ticket_secret}/details")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert 'name="csrf_token"' in html
    for name in (
        "qualification",
        "situation",
        "birth_date",
        "address",
        "desired_jobs",
        "desired_vacancy_ids",
        "wants_training",
        "training_wish",
    ):
        assert f'name="{name}"' in html, name
    for name in ("citizen_id", "education_level", "household_code", "full_name", "phone"):
        assert f'name="{name}"' not in html, name
    assert f'value="{vacancy.id}"' in html and "Thợ hàn" in html
    recorded = re.search(r"<ul class=\"recorded-list[^>]*>(.*?)</ul>", html, re.S).group(1)
    assert "Số căn cước (CCCD)" in recorded and "Trình độ học vấn" in recorded
    assert CITIZEN_ID not in html and "Tiểu học" not in html  # named, never shown
    assert "Muốn sửa thông tin đã ghi nhận, hãy hỏi tại bàn đăng ký ở phiên." in html


def details_form(client, registration, **fields):
    page = client.get(f"/t/{registration.ticket_secret}/details").get_data(as_text=True)
    return {"csrf_token": csrf_token_from(page), "wants_training": "no", **fields}


def test_details_are_saved_and_shown_again(client, db, make_registration, offer):
    registration = make_registration()
    vacancy = offer(registration.fair)
    url = f"/t/{registration.ticket_secret}/details"
    response = client.post(
        url,
        data=details_form(
            client,
            registration,
            desired_vacancy_ids=str(vacancy.id),
            desired_jobs="Công nhân may",
            wants_training="yes",
            training_wish="May công nghiệp",
            education_level="primary",
            situation="unemployed",
            citizen_id="019 195 001 234",
        ),
    )

    assert response.status_code == 303 and response.headers["Location"] == f"{url}?saved=1"
    db.session.expire_all()
    row = db.session.get(Registration, registration.id)
    assert (row.desired_vacancy_ids, row.desired_jobs, row.wants_training, row.training_wish) == (
        [vacancy.id],
        "Công nhân may",
        True,
        "May công nghiệp",
    )
    assert (row.attendee.education_level, row.attendee.situation, row.attendee.citizen_id) == (
        "primary",
        "unemployed",
        CITIZEN_ID,
    )
    assert len(audit_entries(db)) == 1

    html = client.get(f"{url}?saved=1").get_data(as_text=True)
    assert "data-details-saved" in html
    assert re.search(rf'value="{vacancy.id}"[^>]*checked|checked[^>]*value="{vacancy.id}"', html)
    assert "Công nhân may</textarea>" in html and 'value="May công nghiệp"' in html
    assert 'name="citizen_id"' not in html and 'name="education_level"' not in html


def test_a_crafted_post_cannot_overwrite_recorded_data(client, db, make_registration):
    registration = make_registration()
    registration.attendee.citizen_id = CITIZEN_ID
    db.session.commit()
    response = client.post(
        f"/t/{registration.ticket_secret}/details",
        data=details_form(
            client,
            registration,
            citizen_id="019195009999",
            full_name="Kẻ Giả Mạo",
            phone="0999999999",
            birth_year="1990",
        ),
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("?saved=0")
    db.session.expire_all()
    person = db.session.get(Attendee, registration.attendee_id)
    assert (person.citizen_id, person.full_name, person.birth_year) == (
        CITIZEN_ID,
        "Nguyễn Thị Hồng Nhung",
        1995,
    )


def test_bad_input_is_named_next_to_the_field_and_kept(client, db, make_registration):
    registration = make_registration()
    response = client.post(
        f"/t/{registration.ticket_secret}/details",
        data=details_form(client, registration, citizen_id="12345", desired_jobs="Bảo vệ & <i>lái xe</i>"),
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = re.search(r'class="[^"]*field-citizen_id[^"]*".*?invalid-feedback[^>]*>([^<]+)<', body, re.S)
    assert error.group(1) == "Số căn cước (CCCD): phải gồm đúng 12 chữ số."
    assert 'value="12345"' in body and "Bảo vệ &amp; &lt;i&gt;lái xe&lt;/i&gt;</textarea>" in body
    assert response.headers["Cache-Control"] == "private, no-store"
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).desired_jobs is None


def test_bad_input_message_is_translated(client, db, make_registration):
    registration = make_registration()
    data = details_form(client, registration, citizen_id="12345")
    with client.session_transaction() as session:
        session["locale"] = "en"
    body = client.post(f"/t/{registration.ticket_secret}/details", data=data).get_data(as_text=True)
    assert "Citizen ID number (CCCD): must be exactly 12 digits." in body


def test_citizen_id_clash_on_the_page_reveals_nothing(client, db, make_registration):
    registration = make_registration()
    other = another_person(db)
    response = client.post(
        f"/t/{registration.ticket_secret}/details",
        data=details_form(client, registration, citizen_id=CITIZEN_ID),
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert REFUSAL in body
    assert other.full_name not in body and "họ tên khác" not in body and other.phone not in body
    db.session.expire_all()
    assert db.session.get(Attendee, registration.attendee_id).citizen_id is None


def test_citizen_id_tries_are_limited(client, db, make_registration):
    """Trying one number after another through ticket links is slowed down per number."""
    registration = make_registration()
    another_person(db)
    data = details_form(client, registration, citizen_id=CITIZEN_ID)
    url = f"/t/{registration.ticket_secret}/details"
    spaced = dict(data, citizen_id="019 195 001 234")
    assert [client.post(url, data=d).status_code for d in [data, spaced] * 3] == [422] * 5 + [429]
    other_ticket = make_registration(full_name="Lê Thị Hoa")
    assert client.post(f"/t/{other_ticket.ticket_secret}/details", data=data).status_code == 429
    # another number, or none, from the first ticket: not limited by that number's count
    assert client.post(url, data=dict(data, citizen_id="")).status_code == 303


def test_posts_per_ticket_are_limited(client, db, make_registration):
    registration = make_registration()
    data = details_form(client, registration)
    url = f"/t/{registration.ticket_secret}/details"
    codes = [client.post(url, data=dict(data, desired_jobs=f"Việc {n}")).status_code for n in range(21)]
    assert codes == [303] * 20 + [429]
    other_ticket = make_registration(full_name="Lê Thị Hoa")
    assert client.post(f"/t/{other_ticket.ticket_secret}/details", data=data).status_code == 303


def test_post_without_csrf_is_refused(client, db, make_registration):
    registration = make_registration()
    response = client.post(f"/t/{registration.ticket_secret}/details", data={"desired_jobs": "Bảo vệ"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).desired_jobs is None


def test_unknown_ticket_is_404(client, db, make_registration):
    registration = make_registration()
    wrong = registration.ticket_secret[:-1] + ("a" if registration.ticket_secret[-1] != "a" else "b")
    assert client.get(f"/t/{wrong}/details").status_code == 404
    page = client.get(f"/t/{registration.ticket_secret}/details").get_data(as_text=True)
    response = client.post(f"/t/{wrong}/details", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 404


def test_a_link_that_does_not_speak_for_the_person_fills_nothing(db, make_registration, make_fair):
    """Someone who knew a person's name and phone registered them for another fair and holds that
    link: what they give about the person goes to the desk as a pending change; nothing is filled."""
    first = make_registration()
    attendee = first.attendee
    later = Registration(
        fair_id=make_fair().id,
        attendee_id=attendee.id,
        channel=Channel.ONLINE,
        consent_personal_data_version="2025-01",
        consent_personal_data_at=utcnow(),
    )
    db.session.add(later)
    db.session.commit()
    assert details.open_person_fields(later) == details.PERSON_FIELDS  # says nothing of the record

    added = details.add_details(
        later, {"address": "Tổ 9", "citizen_id": CITIZEN_ID, "desired_jobs": "Bảo vệ"}
    )
    db.session.commit()
    assert added.changed == ["desired_jobs"] and added.proposed
    db.session.refresh(attendee)
    assert attendee.address is None and attendee.citizen_id is None
    change = db.session.scalars(sa.select(PendingChange)).one()
    assert change.attendee_id == attendee.id and change.registration_id == later.id
    assert set(change.proposed) == {"address", "citizen_id"}

    # The person's own first link still fills what is empty.
    assert details.add_details(first, {"address": "Tổ 3"}).changed == ["address"]
