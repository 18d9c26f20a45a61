"""Field rules for a job seeker's registration, shared by the public form, the walk-in form and the
API: names, mobile numbers, birth year or date, citizen ID (CCCD), ward, priority group.

`clean(raw, today=...)` returns a CleanPerson or raises RegistrationInvalid whose `fields` holds one
translated message per bad field (keys are the API's field names). Text is stored as typed (after
fairapp.text.clean_name: format characters removed, NFC, spaces collapsed); HTML in free text is not an
error, templates escape it. A full name holds Latin letters, spaces and ' ’ - . only
(fairapp.text.not_in_person_name), so that a look-alike letter of another script (Cyrillic "Н" for
"N") never makes a second person: the folded name_key is computed from the clean name."""

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from fairapp.attendees.models import EducationLevel, Gender, PriorityGroup, Qualification, Situation
from fairapp.errors import ValidationError
from fairapp.geo import services as geo_services
from fairapp.phones import normalise_mobile
from fairapp.text import clean_name, fold, not_in_person_name, shown

# The province codes that begin a citizen ID (Circular 59/2021/TT-BCA, Annex: the 63 provinces as
# before the 2025 merger; numbers already given out keep them).
CCCD_PROVINCES = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hoà Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hoá",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hoà",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa – Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}
# Fourth digit: century of birth and sex (even: male, odd: female).
CENTURY_DIGITS = {
    "0": 1900,
    "1": 1900,
    "2": 2000,
    "3": 2000,
    "4": 2100,
    "5": 2100,
    "6": 2200,
    "7": 2200,
    "8": 1800,
    "9": 1800,
}

MIN_AGE = 15  # the legal working age
MAX_AGE = 100
NAME_LENGTH = 200
_LETTER = re.compile(r"[^\W\d_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

FIELD_LABELS = {
    "full_name": _l("Họ và tên"),
    "phone": _l("Số điện thoại"),
    "birth_year": _l("Năm sinh"),
    "birth_date": _l("Ngày sinh"),
    "gender": _l("Giới tính"),
    "ward_code": _l("Nơi ở (phường/xã)"),
    "citizen_id": _l("Số căn cước (CCCD)"),
    "priority_group": _l("Đối tượng ưu tiên"),
    "household_code": _l("Mã hộ"),
    "education_level": _l("Trình độ học vấn"),
    "qualification": _l("Trình độ chuyên môn kỹ thuật"),
    "situation": _l("Tình trạng hiện nay"),
    "desired_jobs": _l("Công việc mong muốn"),
    "desired_vacancy_ids": _l("Vị trí tuyển dụng"),
    "training_wish": _l("Nghề muốn học"),
    "address": _l("Địa chỉ"),
    "consent_personal_data": _l("Đồng ý xử lý dữ liệu cá nhân"),
}
TEXT_LIMITS = {"household_code": 50, "desired_jobs": 1000, "training_wish": 200, "address": 300}


class RegistrationInvalid(ValidationError):
    """Bad input for a registration; `fields` maps field names to translated messages."""

    code = "validation_error"


def _message(name: str, rule) -> str:
    return f"{FIELD_LABELS.get(name, name)}: {rule}"


@dataclass
class CleanPerson:
    full_name: str
    name_key: str
    phone: str
    birth_year: int
    birth_date: date | None
    gender: Gender
    ward_code: str
    priority_group: PriorityGroup
    citizen_id: str | None = None
    household_code: str | None = None
    education_level: str | None = None
    qualification: str | None = None
    situation: str | None = None
    address: str | None = None
    desired_jobs: str | None = None
    desired_vacancy_ids: list[int] = field(default_factory=list)
    wants_training: bool = False
    training_wish: str | None = None
    consent_personal_data: bool = False
    consent_share_with_employers: bool = False


# The same number is read twice a request (the rate-limit key, then here): phonenumbers parses it once.
mobile = functools.lru_cache(maxsize=256)(normalise_mobile)


# --- Single fields (each returns the clean value or raises ValueError with the broken rule) -------


def clean_full_name(value) -> str:
    name = clean_name(value if isinstance(value, str) else "")
    if not name:
        raise ValueError(_l("bắt buộc, không được chỉ gồm dấu cách."))
    if len(name) > NAME_LENGTH:
        raise ValueError(_l("dài tối đa %(max)s ký tự.", max=NAME_LENGTH))
    if _CONTROL.search(name) or not _LETTER.search(name):
        raise ValueError(_l("phải có chữ cái và không chứa ký tự điều khiển."))
    if (character := not_in_person_name(name)) is not None:
        raise ValueError(
            _l(
                "có ký tự “%(character)s” không dùng trong họ tên; chỉ dùng chữ cái tiếng "
                "Việt, dấu cách, dấu nháy ('), gạch nối (-) và dấu chấm.",
                character=shown(character),
            )
        )
    return name


def clean_phone(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_l("bắt buộc."))
    phone = mobile(value)
    if phone is None:
        raise ValueError(_l("cần số di động Việt Nam 10 chữ số, ví dụ 0912 345 678."))
    return phone


def clean_birth_year(value, today: date) -> int:
    if value in (None, ""):
        raise ValueError(_l("bắt buộc."))
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ValueError(_l("phải là năm có 4 chữ số, ví dụ 1995.")) from None
    if not today.year - MAX_AGE <= year <= today.year - MIN_AGE:
        raise ValueError(
            _l(
                "phải từ %(first)s đến %(last)s (từ %(min)s tuổi).",
                first=today.year - MAX_AGE,
                last=today.year - MIN_AGE,
                min=MIN_AGE,
            )
        )
    return year


def check_citizen_id(value, *, birth_year: int | None, gender: Gender | None) -> str:
    """Exactly 12 digits; a known province code; the century/sex digit and the two year digits
    agree with the birth year and sex given (when those are known)."""
    text = re.sub(r"[\s.-]", "", value) if isinstance(value, str) else ""
    if not text.isascii() or not text.isdigit() or len(text) != 12:
        raise ValueError(_l("phải gồm đúng 12 chữ số."))
    if text[:3] not in CCCD_PROVINCES:
        raise ValueError(_l("ba chữ số đầu %(code)s không phải mã tỉnh/thành phố.", code=text[:3]))
    century = CENTURY_DIGITS[text[3]]
    female = int(text[3]) % 2 == 1
    if gender is not None and female != (gender == Gender.FEMALE):
        raise ValueError(_l("chữ số thứ tư không khớp với giới tính đã chọn."))
    if birth_year is not None and century + int(text[4:6]) != birth_year:
        raise ValueError(_l("chữ số thứ tư đến thứ sáu không khớp với năm sinh %(year)s.", year=birth_year))
    return text


def _choice(value, enum_class, default=None):
    if value in (None, ""):
        return default
    try:
        return enum_class(value)
    except ValueError:
        raise ValueError(_l("lựa chọn không hợp lệ.")) from None


def _text(value, limit: int) -> str | None:
    text = clean_name(value) if isinstance(value, str) else ""
    if len(text) > limit:
        raise ValueError(_l("dài tối đa %(max)s ký tự.", max=limit))
    return text or None


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "y", "yes", "on", "co", "có")
    return bool(value)


# --- The whole registration -----------------------------------------------------------------------


def clean(
    raw: dict, *, today: date, vacancy_ids: set[int] | None = None, require_consent: bool = True
) -> CleanPerson:
    """Check every field of `raw` (API names) and return them clean, or raise RegistrationInvalid
    with a message for each bad field. `vacancy_ids`: the vacancies the fair offers."""
    errors: dict[str, str] = {}
    values: dict = {}

    def attempt(name: str, check):
        try:
            values[name] = check()
        except ValueError as error:
            errors[name] = _message(name, error.args[0])
            values[name] = None

    attempt("full_name", lambda: clean_full_name(raw.get("full_name")))
    attempt("phone", lambda: clean_phone(raw.get("phone")))
    attempt("birth_date", lambda: _birth_date(raw.get("birth_date"), today))
    if values.get("birth_date") and raw.get("birth_year") in (None, ""):
        values["birth_year"] = values["birth_date"].year
    else:
        attempt("birth_year", lambda: clean_birth_year(raw.get("birth_year"), today))
        if (
            values.get("birth_date")
            and values.get("birth_year")
            and values["birth_date"].year != values["birth_year"]
        ):
            errors["birth_date"] = _message("birth_date", _l("không khớp với năm sinh."))
    attempt("gender", lambda: _required_choice(raw.get("gender"), Gender))
    attempt("ward_code", lambda: _ward(raw.get("ward_code")))
    attempt("priority_group", lambda: _choice(raw.get("priority_group"), PriorityGroup, PriorityGroup.NONE))
    for name, enum_class in (
        ("education_level", EducationLevel),
        ("qualification", Qualification),
        ("situation", Situation),
    ):
        attempt(name, lambda enum_class=enum_class, name=name: _value(_choice(raw.get(name), enum_class)))
    for name, limit in TEXT_LIMITS.items():
        attempt(name, lambda name=name, limit=limit: _text(raw.get(name), limit))
    if raw.get("citizen_id") not in (None, ""):
        attempt(
            "citizen_id",
            lambda: check_citizen_id(
                raw.get("citizen_id"), birth_year=values.get("birth_year"), gender=values.get("gender")
            ),
        )
    else:
        values["citizen_id"] = None
    attempt("desired_vacancy_ids", lambda: _vacancies(raw.get("desired_vacancy_ids"), vacancy_ids))

    consent = _bool(raw.get("consent_personal_data"))
    if require_consent and not consent:
        errors["consent_personal_data"] = _message(
            "consent_personal_data", _l("cần đồng ý để đăng ký tham dự.")
        )
    if errors:
        raise RegistrationInvalid(fields=errors)

    group = values["priority_group"]
    return CleanPerson(
        full_name=values["full_name"],
        name_key=fold(values["full_name"]),
        phone=values["phone"],
        birth_year=values["birth_year"],
        birth_date=values["birth_date"],
        gender=values["gender"],
        ward_code=values["ward_code"],
        priority_group=group,
        citizen_id=values["citizen_id"],
        household_code=values["household_code"] if group != PriorityGroup.NONE else None,
        education_level=values["education_level"],
        qualification=values["qualification"],
        situation=values["situation"],
        address=values["address"],
        desired_jobs=values["desired_jobs"],
        desired_vacancy_ids=values["desired_vacancy_ids"],
        wants_training=_bool(raw.get("wants_training")),
        training_wish=values["training_wish"] if _bool(raw.get("wants_training")) else None,
        consent_personal_data=consent,
        consent_share_with_employers=_bool(raw.get("consent_share_with_employers")),
    )


def _value(member):
    return member.value if member is not None else None


def _required_choice(value, enum_class):
    member = _choice(value, enum_class)
    if member is None:
        raise ValueError(_l("bắt buộc."))
    return member


def _ward(value) -> str:
    code = value.strip() if isinstance(value, str) else ""
    if not code:
        raise ValueError(_l("bắt buộc."))
    if len(code) > 10 or not _known_ward(code):
        raise ValueError(_l("phường/xã không hợp lệ."))
    return code


def _known_ward(code: str) -> bool:
    """Whether the ward exists. Wards are reference data that is loaded, never deleted: a code once
    found is remembered for the application (not one that was not found: units may be loaded later)."""
    known = current_app.extensions.setdefault("attendees_known_wards", set())
    if code in known:
        return True
    if geo_services.get_ward(code) is None:
        return False
    known.add(code)
    return True


def _birth_date(value, today: date) -> date | None:
    if value in (None, ""):
        return None
    day = value if isinstance(value, date) else None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        if day is None:
            try:
                day = datetime.strptime(str(value).strip(), pattern).date()
            except ValueError:
                continue
    if day is None:
        raise ValueError(_l("cần một ngày có thật, dạng dd/mm/yyyy hoặc yyyy-mm-dd."))
    clean_birth_year(day.year, today)
    return day


def _vacancies(value, offered: set[int] | None) -> list[int]:
    if value in (None, "", []):
        return []
    if not isinstance(value, list | tuple) or any(
        isinstance(item, bool) or not isinstance(item, int) for item in value
    ):
        raise ValueError(_l("phải là danh sách mã vị trí."))
    if offered is not None and not set(value) <= offered:
        raise ValueError(_l("có vị trí không tuyển tại phiên này."))
    return sorted(set(value))
