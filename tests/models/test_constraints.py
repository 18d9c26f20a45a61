"""The database itself refuses what the domain forbids (on SQLite and PostgreSQL alike)."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DataError, IntegrityError

from fairapp.attendees.models import Attendee, Channel, Gender, Registration
from fairapp.booths.models import Booth, VacancyOffer
from fairapp.fairs.models import Fair
from fairapp.partners.models import Employer, School, Vacancy

START = datetime(2026, 12, 5, 0, 30, tzinfo=UTC)


def make_fair(db, **overrides):
    fields = {
        "title": "Phiên giao dịch việc làm lưu động",
        "ward_code": "05518",
        "venue_name": "Nhà văn hoá tổ dân phố 1",
        "starts_at": START,
        "ends_at": START + timedelta(hours=4),
        **overrides,
    }
    fair = Fair(**fields)
    db.session.add(fair)
    db.session.flush()
    return fair


def make_attendee(db, **overrides):
    fields = {
        "full_name": "Nguyễn Thị Hoa",
        "phone": "0912345678",
        "birth_year": 1990,
        "gender": Gender.FEMALE,
        "ward_code": "05518",
        **overrides,
    }
    attendee = Attendee(**fields)
    db.session.add(attendee)
    db.session.flush()
    return attendee


def make_employer(db, tax_code="4600100155"):
    employer = Employer(name="Công ty TNHH Thử nghiệm", tax_code=tax_code)
    db.session.add(employer)
    db.session.flush()
    return employer


def registration(fair, attendee):
    return Registration(
        fair_id=fair.id,
        attendee_id=attendee.id,
        channel=Channel.ONLINE,
        consent_personal_data_version="2025-07",
        consent_personal_data_at=START,
    )


def refused(db, *objects):
    """True when flushing these objects breaks a constraint; the session is usable afterwards.
    Objects refer to their parents by id, so a refused one is not left in a parent's collection."""
    savepoint = db.session.begin_nested()
    db.session.add_all(objects)
    try:
        db.session.flush()
    except (IntegrityError, DataError):  # PostgreSQL refuses an over-long string as DataError
        savepoint.rollback()
        return True
    savepoint.commit()
    return False


def test_one_registration_per_person_per_fair(db):
    fair, other_fair = make_fair(db), make_fair(db, title="Phiên khác")
    attendee = make_attendee(db)
    assert not refused(db, registration(fair, attendee))
    assert refused(db, registration(fair, attendee))
    assert not refused(db, registration(other_fair, attendee))
    rows = db.session.query(Registration).filter_by(attendee_id=attendee.id).all()
    assert {r.fair_id for r in rows} == {fair.id, other_fair.id}
    assert len({r.ticket_secret for r in rows}) == 2 and all(len(r.ticket_secret) == 20 for r in rows)


def test_booth_belongs_to_exactly_one_employer_or_school(db):
    fair, employer = make_fair(db), make_employer(db)
    school = School(name="Trường Cao đẳng Thử nghiệm")
    db.session.add(school)
    db.session.flush()
    assert refused(db, Booth(fair_id=fair.id, employer_id=employer.id, school_id=school.id))
    assert refused(db, Booth(fair_id=fair.id))
    assert not refused(
        db, Booth(fair_id=fair.id, employer_id=employer.id), Booth(fair_id=fair.id, school_id=school.id)
    )
    assert refused(db, Booth(fair_id=fair.id, employer_id=employer.id, label="A2"))
    assert refused(db, Booth(fair_id=fair.id, school_id=school.id, label="B2"))
    assert db.session.query(Booth).filter_by(fair_id=fair.id).count() == 2


def test_vacancy_offered_once_per_fair(db):
    fair, employer = make_fair(db), make_employer(db)
    vacancy = Vacancy(employer_id=employer.id, title="Công nhân may", quantity=10)
    assert not refused(db, vacancy)
    assert not refused(db, VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id))
    assert refused(db, VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id))


@pytest.mark.parametrize(("capacity", "ok"), [(0, False), (-5, False), (1, True), (None, True)])
def test_fair_capacity_positive_or_unlimited(db, capacity, ok):
    fair = Fair(
        title="Phiên",
        ward_code="05518",
        venue_name="Hội trường",
        starts_at=START,
        ends_at=START + timedelta(hours=3),
        capacity=capacity,
    )
    assert refused(db, fair) is not ok


def test_fair_ends_after_it_starts(db):
    assert refused(
        db, Fair(title="Phiên", ward_code="05518", venue_name="Hội trường", starts_at=START, ends_at=START)
    )
    assert refused(
        db,
        Fair(
            title="Phiên",
            ward_code="05518",
            venue_name="Hội trường",
            starts_at=START,
            ends_at=START - timedelta(minutes=1),
        ),
    )
    assert not refused(
        db,
        Fair(
            title="Phiên",
            ward_code="05518",
            venue_name="Hội trường",
            starts_at=START,
            ends_at=START + timedelta(seconds=1),
        ),
    )


def test_fair_ward_must_exist(db):
    assert refused(
        db,
        Fair(
            title="Phiên",
            ward_code="99999",
            venue_name="Hội trường",
            starts_at=START,
            ends_at=START + timedelta(hours=1),
        ),
    )


@pytest.mark.parametrize(
    ("low", "high", "ok"),
    [
        (9_000_000, 6_500_000, False),
        (6_500_000, 9_000_000, True),
        (7_000_000, 7_000_000, True),
        (None, None, True),  # thoả thuận
        (6_500_000, None, True),
    ],
)
def test_vacancy_salary_range(db, low, high, ok):
    employer = make_employer(db)
    vacancy = Vacancy(employer_id=employer.id, title="Thợ hàn", quantity=5, salary_min=low, salary_max=high)
    assert refused(db, vacancy) is not ok


def test_vacancy_quantity_positive(db):
    employer = make_employer(db)
    assert refused(db, Vacancy(employer_id=employer.id, title="Thợ hàn", quantity=0))
    assert not refused(db, Vacancy(employer_id=employer.id, title="Thợ hàn", quantity=1))


def test_employer_tax_code_unique(db):
    make_employer(db, tax_code="4600100155")
    assert refused(db, Employer(name="Công ty khác", tax_code="4600100155"))


def test_citizen_id_unique_but_many_may_have_none(db):
    make_attendee(db, citizen_id="019190012345")
    assert refused(
        db,
        Attendee(
            full_name="Trần Văn Nam",
            phone="0987654321",
            birth_year=1985,
            gender=Gender.MALE,
            ward_code="05528",
            citizen_id="019190012345",
        ),
    )
    assert not refused(
        db,
        Attendee(
            full_name="Lê Văn An", phone="0987000001", birth_year=1980, gender=Gender.MALE, ward_code="05528"
        ),
        Attendee(
            full_name="Lê Thị Bình",
            phone="0987000002",
            birth_year=1982,
            gender=Gender.FEMALE,
            ward_code="05528",
        ),
    )
    assert db.session.query(Attendee).filter(Attendee.citizen_id.is_(None)).count() == 2


@pytest.mark.parametrize("citizen_id", ["01919001234", "0191900123456"])
def test_citizen_id_has_twelve_characters(db, citizen_id):
    assert refused(
        db,
        Attendee(
            full_name="Trần Văn Nam",
            phone="0987654321",
            birth_year=1985,
            gender=Gender.MALE,
            ward_code="05528",
            citizen_id=citizen_id,
        ),
    )


def test_enums_stored_by_value_and_datetimes_come_back_aware_utc(db):
    fair = make_fair(db)
    attendee = make_attendee(db)
    db.session.add(registration(fair, attendee))
    db.session.commit()
    db.session.expire_all()
    raw = db.session.execute(sa.text("SELECT gender, priority_group FROM attendees")).one()
    assert tuple(raw) == ("female", "none")
    assert db.session.get(Fair, fair.id).starts_at == START
    assert db.session.get(Fair, fair.id).starts_at.tzinfo is not None
