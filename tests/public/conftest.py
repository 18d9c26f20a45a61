"""Factories for the public pages: published fairs in the future, and who takes part in them."""

from datetime import timedelta
from itertools import count

import pytest

from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners.models import (
    Employer,
    PartnerStatus,
    ProgrammeLevel,
    School,
    TrainingProgramme,
    Vacancy,
)

BACH_QUANG, SONG_CONG, BA_XUYEN = "05528", "05518", "05533"


@pytest.fixture()
def make_fair(db):
    """make_fair(**overrides) → a saved, published Fair ten days from now, 07:30–11:30 UTC+7."""
    numbers = count(1)

    def make(**overrides):
        n = next(numbers)
        day = (utcnow() + timedelta(days=overrides.pop("days", 10))).replace(
            hour=0, minute=30, second=0, microsecond=0
        )
        starts_at = overrides.pop("starts_at", day)
        fields = {
            "title": f"Phiên giao dịch việc làm số {n}",
            "ward_code": BACH_QUANG,
            "venue_name": f"Nhà văn hoá tổ dân phố {n}",
            "venue_address": f"Số {n} đường Thắng Lợi",
            "starts_at": starts_at,
            "ends_at": overrides.pop("ends_at", starts_at + timedelta(hours=4)),
            "capacity": 300,
            "contact_name": "Chị Nguyễn Thị Hoa",
            "contact_phone": "0912345678",
            "status": FairStatus.PUBLISHED,
            **overrides,
        }
        fair = Fair(**fields)
        db.session.add(fair)
        db.session.commit()
        return fair

    return make


@pytest.fixture()
def take_part(db):
    """take_part(fair, employer=name, vacancies=[(title, quantity, min, max)], status=confirmed)
    or take_part(fair, school=name, programmes=[name, ...]) → the Booth."""
    tax_codes = count(100)

    def add(fair, *, employer=None, vacancies=(), school=None, programmes=(), status=BoothStatus.CONFIRMED):
        if employer:
            holder = Employer(
                name=employer, tax_code=f"0100109{next(tax_codes):03d}", status=PartnerStatus.APPROVED
            )
            db.session.add(holder)
            db.session.flush()
            for title, quantity, low, high in vacancies:
                vacancy = Vacancy(
                    employer_id=holder.id, title=title, quantity=quantity, salary_min=low, salary_max=high
                )
                db.session.add(vacancy)
                db.session.flush()
                db.session.add(VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id))
            booth = Booth(fair_id=fair.id, employer_id=holder.id, status=status)
        else:
            holder = School(name=school, status=PartnerStatus.APPROVED)
            db.session.add(holder)
            db.session.flush()
            for name in programmes:
                db.session.add(
                    TrainingProgramme(
                        school_id=holder.id, name=name, duration_months=3, level=ProgrammeLevel.SO_CAP
                    )
                )
            booth = Booth(fair_id=fair.id, school_id=holder.id, status=status)
        db.session.add(booth)
        db.session.commit()
        return booth

    return add
