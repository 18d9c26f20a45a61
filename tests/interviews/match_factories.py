"""Factories for the job-suggestion tests: booths of employers (with vacancies offered at the fair) and
of schools (with programmes), and job seekers with their wishes."""

from itertools import count

import pytest

from fairapp.attendees.models import PriorityGroup
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.modelbase import utcnow
from fairapp.partners.models import (
    Employer,
    PartnerStatus,
    ProgrammeLevel,
    School,
    TrainingProgramme,
    Vacancy,
)

TAX_CODES = count(1)


@pytest.fixture()
def employer_booth(db):
    """employer_booth(fair, label, *titles or dicts, status="approved") → (booth, [vacancies])."""

    def make(fair, label, *vacancies, status=PartnerStatus.APPROVED, name=None):
        n = next(TAX_CODES)
        employer = Employer(name=name or f"Công ty {label}", tax_code=f"46{n:08d}", status=status)
        db.session.add(employer)
        db.session.flush()
        booth = Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED, label=label)
        db.session.add(booth)
        made = []
        for vacancy in vacancies:
            fields = {"title": vacancy} if isinstance(vacancy, str) else vacancy
            made.append(Vacancy(employer_id=employer.id, quantity=5, **fields))
            db.session.add(made[-1])
            db.session.flush()
            db.session.add(VacancyOffer(fair_id=fair.id, vacancy_id=made[-1].id))
        db.session.commit()
        return booth, made

    return make


@pytest.fixture()
def school_booth(db):
    def make(fair, label, *names):
        school = School(name=f"Trường nghề {label}", status=PartnerStatus.APPROVED)
        db.session.add(school)
        db.session.flush()
        booth = Booth(fair_id=fair.id, school_id=school.id, status=BoothStatus.CONFIRMED, label=label)
        db.session.add(booth)
        made = [
            TrainingProgramme(school_id=school.id, name=name, level=ProgrammeLevel.SO_CAP) for name in names
        ]
        db.session.add_all(made)
        db.session.commit()
        return booth, made

    return make


@pytest.fixture()
def seeker(db, register):
    """seeker(fair, desired_jobs=..., education_level=..., ...) → a Registration with these wishes."""

    def make(
        fair,
        full_name="Nguyễn Thị Hồng Nhung",
        *,
        priority_group=PriorityGroup.NONE,
        share=False,
        birth_year=1990,
        education_level=None,
        qualification=None,
        citizen_id=None,
        **wishes,
    ):
        registration = register(fair, full_name, priority_group=priority_group)
        attendee = registration.attendee
        attendee.birth_year, attendee.citizen_id = birth_year, citizen_id
        attendee.education_level, attendee.qualification = education_level, qualification
        for name, value in wishes.items():
            setattr(registration, name, value)
        if share:
            registration.consent_share_version, registration.consent_share_at = "2025-01", utcnow()
        db.session.commit()
        return registration

    return make
