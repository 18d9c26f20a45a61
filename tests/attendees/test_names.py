"""Person names (issue 10): format characters removed, NFC, spaces collapsed, and letters of other
scripts refused, so that a look-alike never makes a second person; the same rule's letter part for
staff accounts and partner contacts."""

import unicodedata

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from fairapp.attendees.models import Attendee
from fairapp.attendees.validation import RegistrationInvalid, clean, clean_full_name
from fairapp.errors import ValidationError
from fairapp.text import clean_name, fold
from tests.attendees.conftest import person

FORMAT_CHARACTERS = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u180e",
    "\U000e0041",
]


@pytest.mark.parametrize("character", FORMAT_CHARACTERS)
def test_format_characters_are_removed(app, character):
    assert unicodedata.category(character) == "Cf"
    typed = f"Nguy{character}ễn {character}Văn{character} An{character}"
    assert clean_name(typed) == "Nguyễn Văn An"
    assert clean_full_name(typed) == "Nguyễn Văn An"
    assert fold(typed) == "nguyen van an"


def test_nfc_and_white_space(app):
    assert clean_full_name("\u00a0 Nguye\u0302\u0303n\u2003\u2003Thi\u0323\tLan \u3000") == "Nguyễn Thị Lan"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Nguyễn Văn Аn", "А"),  # Cyrillic A
        ("Нguyễn Văn An", "Н"),  # Cyrillic EN for N
        ("Nguyễn Văn Αn", "Α"),  # Greek ALPHA
        ("Ｎguyễn Văn An", "Ｎ"),  # full-width N
        ("𝐍guyễn Văn An", "𝐍"),  # mathematical bold N
        ("Nguyễn Văn An 2", "2"),
        ("Nguyễn <b>An</b>", "<"),
        ("Nguyễn Văn A\u0301\u0301n", "U+0301"),  # a second accent on one letter: no such Vietnamese letter
        ("阮文安", "阮"),
    ],
)
def test_other_scripts_digits_and_marks_are_refused_naming_the_character(app, typed, shown):
    with pytest.raises(ValueError) as refused:
        clean_full_name(typed)
    assert f"“{shown}”" in str(refused.value.args[0])


@pytest.mark.parametrize(
    "name",
    [
        "H'Hen Niê",
        "H’Hen Niê",
        "Nguyễn-Trần Thị Mai",
        "Lê T. Hà",
        "Đặng Thị Ỷ",
        "Y Moan Êban",
        "KSOR Y PHƯỚC",
    ],
)
def test_vietnamese_names_are_kept(app, name):
    assert clean_full_name(name) == name


def test_the_message_names_the_field(app):
    from datetime import date

    with pytest.raises(RegistrationInvalid) as refused:
        clean(person(full_name="Nguyễn Văn Аn"), today=date(2026, 1, 1))
    message = str(refused.value.fields["full_name"])
    assert message.startswith("Họ và tên: ") and "“А”" in message


@given(
    st.text(
        alphabet=st.one_of(
            st.characters(),
            st.sampled_from(
                FORMAT_CHARACTERS + [" ", "\u00a0", "\u0301", "\u0323", "\u0302", "a", "e", "\u3000"]
            ),
        )
    )
)
def test_cleaning_is_idempotent_and_leaves_no_format_character(typed):
    cleaned = clean_name(typed)
    assert clean_name(cleaned) == cleaned
    assert not any(unicodedata.category(c) == "Cf" for c in cleaned)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned


# --- Through the API: a look-alike is never a second person ------------------------------------------


@pytest.fixture()
def staff(db, make_user):
    from fairapp.auth import services

    _token, secret = services.issue_token(make_user("admin"), "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_look_alikes_never_make_a_second_person(client, db, make_fair, staff):
    fair = make_fair()
    url = f"/api/v1/fairs/{fair.id}/registrations"
    first = client.post(url, json=person(citizen_id=None), headers=staff)
    assert first.status_code == 201
    # invisible characters: the same person, the same registration
    again = client.post(
        url, json=person(citizen_id=None, full_name="Nguyễn\u200b Thị\u2060 La\u200dn\ufeff"), headers=staff
    )
    assert again.status_code == 200
    assert again.get_json()["attendee_id"] == first.get_json()["attendee_id"]
    # a Cyrillic letter: refused, naming the field
    refused = client.post(url, json=person(citizen_id=None, full_name="Nguyễn Thị Lаn"), headers=staff)
    assert refused.status_code == 422
    assert "full_name" in refused.get_json()["error"]["fields"]
    names = db.session.execute(sa.select(Attendee.full_name, Attendee.name_key)).all()
    assert names == [("Nguyễn Thị Lan", "nguyen thi lan")]


def test_staff_accounts_refuse_look_alike_letters(app, db):
    from fairapp.auth import services

    with pytest.raises(ValidationError) as refused:
        services.create_user(
            email="lan@example.vn", full_name="Nguyễn Thị Lаn", role="gate", password="demo-password-1"
        )
    assert "“а”" in str(refused.value.fields["full_name"])
    user = services.create_user(
        email="an@example.vn", full_name="Cổng\u200b số 2", role="gate", password="demo-password-1"
    )
    assert user.full_name == "Cổng số 2"  # digits are fine in an account's name


def test_partner_contacts_refuse_look_alike_letters(app, db):
    from fairapp.partners import services

    with pytest.raises(ValidationError) as refused:
        services.create_employer(
            {"name": "Công ty TNHH An Bình", "tax_code": "0101234565", "contact_name": "Trần Văn Нùng"}
        )
    assert "contact_name" in refused.value.fields
    employer = services.create_employer(
        {"name": "Công ty TNHH An Bình", "tax_code": "0101234565", "contact_name": "Trần\u200b Văn  Hùng"}
    )
    assert employer.contact_name == "Trần Văn Hùng"
