"""Field rules: Vietnamese mobile numbers, citizen IDs (CCCD), names and the whole registration."""

from datetime import date

import pytest

from fairapp.attendees import validation
from fairapp.attendees.models import Gender, PriorityGroup
from fairapp.attendees.validation import RegistrationInvalid, check_citizen_id, clean, clean_full_name
from fairapp.phones import normalise_mobile
from tests.attendees.conftest import person

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Viettel 086, 096-098, 032-039
        ("0862345678", "0862345678"),
        ("0962345678", "0962345678"),
        ("0972345678", "0972345678"),
        ("0982345678", "0982345678"),
        ("0322345678", "0322345678"),
        ("0392345678", "0392345678"),
        # VinaPhone 088, 091, 094, 081-085
        ("0882345678", "0882345678"),
        ("0912345678", "0912345678"),
        ("0942345678", "0942345678"),
        ("0812345678", "0812345678"),
        ("0852345678", "0852345678"),
        # MobiFone 089, 090, 093, 070, 076-079
        ("0898345678", "0898345678"),
        ("0902345678", "0902345678"),
        ("0932345678", "0932345678"),
        ("0702345678", "0702345678"),
        ("0792345678", "0792345678"),
        # Vietnamobile 092, 056, 058; Gmobile 099, 059
        ("0922345678", "0922345678"),
        ("0562345678", "0562345678"),
        ("0993456789", "0993456789"),
        ("0592345678", "0592345678"),
        # spellings
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        (" 0912-345-678 ", "0912345678"),
    ],
)
def test_valid_mobiles(raw, expected):
    assert normalise_mobile(raw) == expected
    assert validation.clean_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "02083855123",  # Thái Nguyên landline
        "02438253456",  # Hà Nội landline
        "091234567",  # 9 digits
        "09123456789",  # 11 digits
        "+8491234567",  # +84 with 8 digits after the prefix
        "0112345678",  # no such range
        "+14155552671",  # not Vietnamese
        "abc",
        "",
        "   ",
        "0912345abc",
        # phonenumbers drops a stray letter or reads an extension: a typo is refused, not guessed
        "0927e288504",
        "927e288504",
        "0912345678 ext 5",
        "0912345678;5",
    ],
)
def test_invalid_mobiles(raw):
    assert normalise_mobile(raw) is None
    with pytest.raises(ValueError):
        validation.clean_phone(raw)


@pytest.mark.parametrize(
    ("citizen_id", "year", "gender"),
    [
        ("019195001234", 1995, Gender.FEMALE),  # Thái Nguyên, 20th century, woman
        ("019095001234", 1995, Gender.MALE),
        ("001200012345", 2000, Gender.MALE),  # Hà Nội, 21st century, man
        ("096306012345", 2006, Gender.FEMALE),  # Cà Mau, 21st century, woman
        ("079090000001", 1990, Gender.MALE),
        ("019 195 001 234", 1995, Gender.FEMALE),  # spaces as printed are fine
    ],
)
def test_valid_citizen_ids(citizen_id, year, gender):
    assert check_citizen_id(citizen_id, birth_year=year, gender=gender) == citizen_id.replace(" ", "")


@pytest.mark.parametrize(
    ("citizen_id", "year", "gender", "rule"),
    [
        ("01919500123", 1995, Gender.FEMALE, "12 chữ số"),  # 11 digits
        ("0191950012345", 1995, Gender.FEMALE, "12 chữ số"),  # 13 digits
        ("01919500123A", 1995, Gender.FEMALE, "12 chữ số"),  # a letter
        ("０１９１９５００１２３４", 1995, Gender.FEMALE, "12 chữ số"),  # full-width digits
        ("003195001234", 1995, Gender.FEMALE, "mã tỉnh"),  # 003 is no province code
        ("097195001234", 1995, Gender.FEMALE, "mã tỉnh"),
        ("000195001234", 1995, Gender.FEMALE, "mã tỉnh"),
        ("019095001234", 1995, Gender.FEMALE, "giới tính"),  # 0: a man
        ("019195001234", 1995, Gender.MALE, "giới tính"),  # 1: a woman
        ("019196001234", 1995, Gender.FEMALE, "năm sinh"),  # 96 ≠ 95
        ("019395001234", 1995, Gender.FEMALE, "năm sinh"),  # 2095 is another century
    ],
)
def test_invalid_citizen_ids(citizen_id, year, gender, rule):
    with pytest.raises(ValueError) as caught:
        check_citizen_id(citizen_id, birth_year=year, gender=gender)
    assert rule in str(caught.value.args[0])


def test_every_listed_province_code_is_accepted():
    assert len(validation.CCCD_PROVINCES) == 63
    for code in validation.CCCD_PROVINCES:
        assert check_citizen_id(f"{code}095001234", birth_year=1995, gender=Gender.MALE)


def test_names_are_nfc_trimmed_and_collapsed(app):
    decomposed = "  Nguye\u0302\u0303n   Thi\u0323 Lan \t"
    assert clean_full_name(decomposed) == "Nguyễn Thị Lan"
    with pytest.raises(ValueError):  # markup is no part of a name (tests/attendees/test_names.py)
        clean_full_name("<b>Lan</b>")


@pytest.mark.parametrize("name", ["", "    ", "\u3000\t ", None, "12345", "\x00Lan"])
def test_names_that_are_refused(app, name):
    with pytest.raises(ValueError):
        clean_full_name(name)


def test_clean_returns_normalised_person(app):
    clean_person = clean(person(phone="+84 912 345 678", full_name="  nguyễn  THỊ lan "), today=TODAY)
    assert clean_person.phone == "0912345678"
    assert clean_person.full_name == "nguyễn THỊ lan"
    assert clean_person.name_key == "nguyen thi lan"
    assert clean_person.priority_group == PriorityGroup.NEAR_POOR
    assert clean_person.gender == Gender.FEMALE


def test_clean_reports_every_bad_field_at_once(app):
    with pytest.raises(RegistrationInvalid) as caught:
        clean(
            {
                "full_name": "   ",
                "phone": "02083855123",
                "birth_year": "abc",
                "gender": "x",
                "ward_code": "99999",
                "priority_group": "rich",
                "citizen_id": "123",
                "consent_personal_data": False,
            },
            today=TODAY,
        )
    fields = caught.value.fields
    assert set(fields) == {
        "full_name",
        "phone",
        "birth_year",
        "gender",
        "ward_code",
        "priority_group",
        "citizen_id",
        "consent_personal_data",
    }
    assert fields["full_name"].startswith("Họ và tên:")
    assert fields["phone"].startswith("Số điện thoại:")
    assert fields["ward_code"] == "Nơi ở (phường/xã): phường/xã không hợp lệ."
    assert caught.value.status == 422


def test_citizen_id_checked_against_year_and_sex_given(app):
    with pytest.raises(RegistrationInvalid) as caught:
        clean(person(birth_year=1996), today=TODAY)
    assert set(caught.value.fields) == {"citizen_id"}
    with pytest.raises(RegistrationInvalid) as caught:
        clean(person(gender="male"), today=TODAY)
    assert "giới tính" in caught.value.fields["citizen_id"]


@pytest.mark.parametrize(("year", "ok"), [(2011, True), (2012, False), (1926, True), (1925, False)])
def test_birth_year_range(app, year, ok):
    raw = person(birth_year=year, citizen_id=None)
    if ok:
        assert clean(raw, today=TODAY).birth_year == year
    else:
        with pytest.raises(RegistrationInvalid) as caught:
            clean(raw, today=TODAY)
        assert set(caught.value.fields) == {"birth_year"}


def test_birth_date_alone_gives_the_year_and_must_agree(app):
    assert clean(person(birth_year=None, birth_date="21/08/1995"), today=TODAY).birth_year == 1995
    with pytest.raises(RegistrationInvalid) as caught:
        clean(person(birth_date="1994-08-21"), today=TODAY)
    assert "birth_date" in caught.value.fields
    with pytest.raises(RegistrationInvalid) as caught:
        clean(person(birth_date="31/02/1995"), today=TODAY)
    assert "birth_date" in caught.value.fields


def test_household_code_dropped_without_priority_group(app):
    assert clean(person(priority_group="none", household_code="TN-123"), today=TODAY).household_code is None
    assert clean(person(household_code=" TN-123 "), today=TODAY).household_code == "TN-123"


def test_vacancies_must_be_offered_at_the_fair(app):
    assert clean(
        person(desired_vacancy_ids=[3, 2, 3]), today=TODAY, vacancy_ids={2, 3}
    ).desired_vacancy_ids == [2, 3]
    with pytest.raises(RegistrationInvalid) as caught:
        clean(person(desired_vacancy_ids=[4]), today=TODAY, vacancy_ids={2, 3})
    assert set(caught.value.fields) == {"desired_vacancy_ids"}
