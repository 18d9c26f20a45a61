"""Demo data for Sông Công: a fair in two weeks with 200 job seekers registered, one running today
(60 of them registered, some admitted, a few already seen at the booths), one held seven months ago
with the hires that came of it and their follow-ups (fairapp.demo.hires), a draft, six employers, two
schools and one account per role. Deterministic (random.Random(2026)) apart from ticket secrets.
Flushes, never commits."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, Registration
from fairapp.audit.services import record
from fairapp.auth.models import Role, User
from fairapp.auth.services import create_user
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.checkins.models import CheckIn
from fairapp.demo import data
from fairapp.demo.hires import past_fair_and_hires
from fairapp.demo.households import household_lists
from fairapp.demo.plans import plans_and_budget
from fairapp.errors import Conflict
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.geo import loader
from fairapp.interviews.models import Interview, InterviewEntry, Outcome
from fairapp.modelbase import utcnow
from fairapp.partners.models import (
    Employer,
    PartnerStatus,
    ProgrammeLevel,
    School,
    TrainingProgramme,
    Vacancy,
)
from fairapp.phones import normalise_mobile

DEMO_PASSWORD = "fairapp-demo"
ADMIN_EMAIL = "admin@demo.vn"
CONSENT_VERSION = "2025-07"
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ATTENDEES = 200
# Shares of the priority groups among the demo job seekers (the rest: none).
PRIORITY_COUNTS = {PriorityGroup.POOR: 24, PriorityGroup.NEAR_POOR: 20, PriorityGroup.ESCAPED_POVERTY: 12}
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


class DatabaseNotEmpty(Conflict):
    code = "database_not_empty"
    message = _l("Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.")


@dataclass
class DemoSummary:
    fairs: int = 0
    employers: int = 0
    vacancies: int = 0
    schools: int = 0
    programmes: int = 0
    booths: int = 0
    attendees: int = 0
    interviews: int = 0
    registrations: int = 0
    hires: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)  # (email, role)
    password: str = DEMO_PASSWORD


def has_data() -> bool:
    """Whether anyone has put data in: accounts, fairs, partners or job seekers."""
    return any(
        db.session.scalar(sa.select(model.id).limit(1)) is not None
        for model in (User, Fair, Employer, School, Attendee)
    )


def tax_check_digit(first_nine: str) -> int | None:
    """The tenth digit of a tax code, or None when no digit can complete these nine."""
    check = 10 - sum(w * int(d) for w, d in zip(TAX_WEIGHTS, first_nine, strict=True)) % 11
    return None if check == 10 else check


def seed_demo(now: datetime | None = None) -> DemoSummary:
    """Load the demo data into an empty database. Raises database_not_empty otherwise."""
    if has_data():
        raise DatabaseNotEmpty()
    now = now or utcnow()
    rng = random.Random(2026)
    loader.load_units()
    summary = DemoSummary()

    employers = _employers(rng, now, summary)
    schools = _schools(rng, now, summary)
    published, _draft = _fairs(rng, now, summary)
    _booths(published, employers, schools, now, summary)
    _job_seekers(rng, published, now, summary)
    _accounts(employers[0], schools[0], summary)
    _today(rng, now, employers, schools, summary)
    past = past_fair_and_hires(rng, now, employers, consent_version=CONSENT_VERSION)
    summary.fairs += 1
    summary.booths += past["booths"]
    summary.registrations += past["registrations"]
    summary.interviews += past["interviews"]
    summary.hires = past["hires"] + past["self_reports"]
    plans_and_budget(now, ADMIN_EMAIL)
    household_lists(rng, now, ADMIN_EMAIL)
    record(
        "demo.seed",
        details={"fairs": summary.fairs, "employers": summary.employers, "attendees": summary.attendees},
    )
    db.session.flush()
    return summary


# ---------------------------------------------------------------- partners


def _tax_code(rng: random.Random, taken: set[str]) -> str:
    while True:
        first_nine = data.TAX_CODE_PREFIX + "".join(str(rng.randrange(10)) for _ in range(7))
        check = tax_check_digit(first_nine)
        if check is not None and first_nine + str(check) not in taken:
            taken.add(first_nine + str(check))
            return first_nine + str(check)


def _phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        number = normalise_mobile(rng.choice(data.MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}")
        if number and number not in taken:
            taken.add(number)
            return number


def _employers(rng, now, summary) -> list[Employer]:
    tax_codes, phones, employers = set(), set(), []
    for n, (name, industry, ward, address, contact, vacancies) in enumerate(data.EMPLOYERS, start=1):
        employer = Employer(
            name=name,
            tax_code=_tax_code(rng, tax_codes),
            industry=industry,
            ward_code=ward,
            address=address,
            contact_name=contact,
            phone=_phone(rng, phones),
            email=f"tuyendung{n}@doanhnghiep.demo.vn",
            status=PartnerStatus.APPROVED,
            approved_at=now - timedelta(days=30),
            created_at=now - timedelta(days=35),
        )
        for title, occupation, quantity, low, high, requirements in vacancies:
            employer.vacancies.append(
                Vacancy(
                    title=title,
                    occupation=occupation,
                    quantity=quantity,
                    salary_min=low,
                    salary_max=high,
                    work_place=address,
                    requirements=requirements,
                    deadline=(now + timedelta(days=60)).date(),
                    created_at=now - timedelta(days=20),
                )
            )
        employers.append(employer)
    db.session.add_all(employers)
    summary.employers = len(employers)
    summary.vacancies = sum(len(e.vacancies) for e in employers)
    return employers


def _schools(rng, now, summary) -> list[School]:
    phones, schools = set(), []
    for n, (name, ward, address, programmes) in enumerate(data.SCHOOLS, start=1):
        school = School(
            name=name,
            ward_code=ward,
            address=address,
            phone=_phone(rng, phones),
            email=f"tuyensinh{n}@truongnghe.demo.vn",
            status=PartnerStatus.APPROVED,
            approved_at=now - timedelta(days=30),
            created_at=now - timedelta(days=35),
        )
        for title, level, months, tuition, seats in programmes:
            school.programmes.append(
                TrainingProgramme(
                    name=title,
                    level=ProgrammeLevel(level),
                    duration_months=months,
                    tuition=tuition,
                    seats=seats,
                    priority_support=data.PRIORITY_SUPPORT,
                )
            )
        schools.append(school)
    db.session.add_all(schools)
    summary.schools = len(schools)
    summary.programmes = sum(len(s.programmes) for s in schools)
    return schools


# ---------------------------------------------------------------- fairs and booths


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_ZONE).astimezone(UTC)


def _fairs(rng, now, summary) -> tuple[Fair, Fair]:
    today = now.astimezone(LOCAL_ZONE).date()
    published_day, draft_day = today + timedelta(days=14), today + timedelta(days=42)
    published = Fair(
        title="Phiên giao dịch việc làm lưu động phường Sông Công",
        ward_code="05518",
        venue_name="Nhà văn hoá tổ dân phố Mỏ Chè 2",
        venue_address="Đường Thắng Lợi, Phường Sông Công, tỉnh Thái Nguyên",
        starts_at=_local(published_day, 7, 30),
        ends_at=_local(published_day, 11, 30),
        capacity=400,
        description=(
            "Gặp trực tiếp sáu doanh nghiệp trong các khu công nghiệp Sông Công và hai cơ sở "
            "đào tạo nghề. Mang theo căn cước công dân và vé QR (nếu đã đăng ký)."
        ),
        contact_name="Đ/c Trần Văn Hùng, cán bộ văn hoá – xã hội phường",
        contact_phone=_phone(rng, set()),
        status=FairStatus.PUBLISHED,
        published_at=now - timedelta(days=14),
        created_at=now - timedelta(days=21),
        updated_at=now - timedelta(days=14),
    )
    draft = Fair(
        title="Phiên giao dịch việc làm lưu động xã Tân Cương",
        ward_code="05503",
        venue_name="Hội trường Uỷ ban nhân dân xã Tân Cương",
        venue_address="Xã Tân Cương, tỉnh Thái Nguyên",
        starts_at=_local(draft_day, 8, 0),
        ends_at=_local(draft_day, 11, 30),
        capacity=250,
        contact_name="Đ/c Nông Thị Hạnh, cán bộ văn hoá – xã hội xã",
        contact_phone=_phone(rng, set()),
        status=FairStatus.DRAFT,
        created_at=now - timedelta(days=3),
        updated_at=now - timedelta(days=3),
    )
    db.session.add_all([published, draft])
    summary.fairs = 2
    return published, draft


def _booths(fair, employers, schools, now, summary) -> None:
    booths = [
        Booth(fair=fair, employer=employer, label=f"A{n}", status=BoothStatus.CONFIRMED)
        for n, employer in enumerate(employers, start=1)
    ]
    booths += [
        Booth(fair=fair, school=school, label=f"B{n}", status=BoothStatus.CONFIRMED)
        for n, school in enumerate(schools, start=1)
    ]
    offers = [
        VacancyOffer(fair=fair, vacancy=vacancy) for employer in employers for vacancy in employer.vacancies
    ]
    db.session.add_all(booths + offers)
    summary.booths = len(booths)


# ---------------------------------------------------------------- job seekers


def _pick(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _citizen_id(rng, gender: Gender, birth_year: int, taken: set[str]) -> str:
    """CCCD: province of birth (019 Thái Nguyên), sex and century, year, six random digits."""
    century_sex = (0 if birth_year < 2000 else 2) + (1 if gender == Gender.FEMALE else 0)
    while True:
        number = f"019{century_sex}{birth_year % 100:02d}{rng.randrange(10**6):06d}"
        if number not in taken:
            taken.add(number)
            return number


def _full_name(rng, gender: Gender) -> str:
    middle = _pick(rng, data.MIDDLE_NAMES[gender])
    given = rng.choice([name for name in data.GIVEN_NAMES[gender] if name != middle])
    return f"{_pick(rng, data.FAMILY_NAMES)} {middle} {given}"


def _job_seekers(rng, fair, now, summary) -> None:
    groups = [group for group, count in PRIORITY_COUNTS.items() for _ in range(count)]
    groups += [PriorityGroup.NONE] * (ATTENDEES - len(groups))
    rng.shuffle(groups)
    wards = {code: share for code, (_name, share) in data.WARDS.items()}
    phones, citizen_ids, attendees, registrations = set(), set(), [], []
    for group in groups:
        gender = Gender.FEMALE if rng.random() < 0.55 else Gender.MALE
        birth_year = rng.randint(1966, 2007)
        ward = _pick(rng, wards)
        attendee = Attendee(
            full_name=_full_name(rng, gender),
            phone=_phone(rng, phones),
            gender=gender,
            birth_year=birth_year,
            birth_date=(
                date(birth_year, 1, 1) + timedelta(days=rng.randrange(365)) if rng.random() < 0.3 else None
            ),
            citizen_id=(_citizen_id(rng, gender, birth_year, citizen_ids) if rng.random() < 0.7 else None),
            ward_code=ward,
            priority_group=group,
            household_code=(
                f"HGD-{ward}-{rng.randint(1, 1500):04d}" if group != PriorityGroup.NONE else None
            ),
            education_level=_pick(rng, data.EDUCATION_LEVELS),
        )
        registered_at = now - timedelta(days=rng.randint(0, 10), minutes=rng.randint(0, 1439))
        shares = rng.random() < 0.65
        registrations.append(
            Registration(
                fair=fair,
                attendee=attendee,
                channel=Channel.ONLINE if rng.random() < 0.75 else Channel.STAFF,
                consent_personal_data_version=CONSENT_VERSION,
                consent_personal_data_at=registered_at,
                consent_share_version=CONSENT_VERSION if shares else None,
                consent_share_at=registered_at if shares else None,
                desired_jobs=(
                    ", ".join(rng.sample(data.DESIRED_JOBS, rng.randint(1, 2)))
                    if rng.random() < 0.7
                    else None
                ),
                created_at=registered_at,
            )
        )
        attendee.created_at = attendee.updated_at = registered_at
        attendees.append(attendee)
    db.session.add_all(attendees + registrations)
    summary.attendees, summary.registrations = len(attendees), len(registrations)


# ---------------------------------------------------------------- accounts


def _accounts(employer: Employer, school: School, summary) -> None:
    db.session.flush()  # the employer and school need their ids
    accounts = [
        (ADMIN_EMAIL, Role.ADMIN, "Quản trị hệ thống (demo)", {}),
        (
            "organiser@demo.vn",
            Role.ORGANISER,
            "Cán bộ tổ chức phiên (demo)",
            {"ward_codes": list(data.WARDS)},
        ),
        ("gate@demo.vn", Role.GATE, "Nhân viên cổng vào (demo)", {"ward_codes": list(data.WARDS)}),
        ("employer@demo.vn", Role.EMPLOYER, "Cán bộ tuyển dụng (demo)", {"employer_id": employer.id}),
        ("school@demo.vn", Role.SCHOOL, "Cán bộ tuyển sinh (demo)", {"school_id": school.id}),
    ]
    for email, role, name, links in accounts:
        create_user(email=email, full_name=name, role=role.value, password=DEMO_PASSWORD, **links)
        summary.logins.append((email, role.value))


# ---------------------------------------------------------------- a fair running today

TODAY_REGISTRATIONS = 60
TODAY_ADMITTED = 35
TODAY_SEEN_BY_EMPLOYER = 6
TODAY_COUNSELLED = 3


def _today(rng, now, employers, schools, summary) -> None:
    """A fair that opened an hour ago in Phường Bách Quang with every partner's booth, so the entrance
    and the booths can be tried at once: 60 of the job seekers registered, 35 admitted, six seen by
    the first employer (whose account is employer@demo.vn) and three counselled by the first school."""
    started = now.replace(second=0, microsecond=0) - timedelta(hours=1)
    fair = Fair(
        title="Phiên giao dịch việc làm lưu động phường Bách Quang (đang diễn ra)",
        ward_code="05528",
        venue_name="Nhà văn hoá tổ dân phố Tân Thành",
        venue_address="Phường Bách Quang, tỉnh Thái Nguyên",
        starts_at=started,
        ends_at=started + timedelta(hours=5),
        capacity=300,
        contact_name="Đ/c Lương Thị Thu, cán bộ văn hoá – xã hội phường",
        contact_phone=_phone(rng, set()),
        status=FairStatus.PUBLISHED,
        published_at=now - timedelta(days=10),
        created_at=now - timedelta(days=12),
        updated_at=now - timedelta(days=10),
    )
    db.session.add(fair)
    booths = [
        Booth(fair=fair, employer=employer, label=f"A{n}", status=BoothStatus.CONFIRMED)
        for n, employer in enumerate(employers, start=1)
    ]
    booths += [
        Booth(fair=fair, school=school, label=f"B{n}", status=BoothStatus.CONFIRMED)
        for n, school in enumerate(schools, start=1)
    ]
    offers = [VacancyOffer(fair=fair, vacancy=v) for employer in employers for v in employer.vacancies]
    people = db.session.scalars(sa.select(Attendee).order_by(Attendee.id)).all()
    earlier = {  # loaded before any new registration is linked: a lazy load would flush them half-made
        attendee.id: attendee.registrations[0].desired_jobs if attendee.registrations else None
        for attendee in people
    }
    registrations = [
        Registration(
            fair=fair,
            attendee=attendee,
            channel=Channel.ONLINE,
            consent_personal_data_version=CONSENT_VERSION,
            consent_personal_data_at=now - timedelta(days=2),
            consent_share_version=CONSENT_VERSION if n % 3 else None,
            consent_share_at=now - timedelta(days=2) if n % 3 else None,
            desired_jobs=earlier[attendee.id],
            created_at=now - timedelta(days=2),
        )
        for n, attendee in enumerate(rng.sample(people, TODAY_REGISTRATIONS))
    ]
    db.session.add_all(booths + offers + registrations)
    db.session.flush()
    admitted = registrations[:TODAY_ADMITTED]
    db.session.add_all(
        CheckIn(
            fair_id=fair.id,
            registration_id=registration.id,
            checked_in_at=started + timedelta(minutes=5 + n),
            source="scanner",
        )
        for n, registration in enumerate(admitted)
    )
    users = {user.email: user for user in db.session.scalars(sa.select(User))}
    employer_user, school_user = users["employer@demo.vn"], users["school@demo.vn"]
    outcomes = [Outcome.INTERVIEWED, Outcome.SHORTLISTED, Outcome.SHORTLISTED, Outcome.OFFERED]
    outcomes += [Outcome.NOT_SUITABLE, Outcome.INTERVIEWED]
    seen = [
        (
            booths[0],
            registration,
            outcome,
            employer_user,
            employers[0].vacancies[n % len(employers[0].vacancies)].id,
        )
        for n, (registration, outcome) in enumerate(
            zip(admitted[:TODAY_SEEN_BY_EMPLOYER], outcomes, strict=True)
        )
    ]
    seen += [
        (booths[len(employers)], registration, Outcome.COUNSELLED, school_user, None)
        for registration in admitted[TODAY_SEEN_BY_EMPLOYER : TODAY_SEEN_BY_EMPLOYER + TODAY_COUNSELLED]
    ]
    for n, (booth, registration, outcome, user, vacancy_id) in enumerate(seen):
        at = started + timedelta(minutes=30 + 4 * n)
        rating = 3 + n % 3 if booth.employer_id else None
        interview = Interview(
            fair_id=fair.id,
            booth_id=booth.id,
            employer_id=booth.employer_id,
            school_id=booth.school_id,
            registration_id=registration.id,
            attendee_id=registration.attendee_id,
            vacancy_id=vacancy_id,
            outcome=outcome,
            rating=rating,
            tags=[],
            created_by=user.id,
            created_at=at,
        )
        interview.entries.append(
            InterviewEntry(
                fair_id=fair.id,
                outcome=outcome,
                vacancy_id=vacancy_id,
                rating=rating,
                tags=[],
                by_user_id=user.id,
                recorded_at=at,
            )
        )
        db.session.add(interview)
    summary.fairs += 1
    summary.booths += len(booths)
    summary.registrations += len(registrations)
    summary.interviews = len(seen)
