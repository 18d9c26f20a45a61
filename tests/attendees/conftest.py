"""Factories for registration tests: fairs in any status, a valid person, vacancies on offer."""

from datetime import timedelta
from itertools import count

import pytest

from fairapp.attendees import services
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, PartnerStatus, Vacancy
from fairapp.transactions import run_in_transaction

BACH_QUANG, SONG_CONG = "05528", "05518"


@pytest.fixture()
def make_fair(db):
    """make_fair(**overrides) → a saved Fair (published, ten days ahead, capacity 300)."""
    numbers = count(1)

    def make(**overrides):
        n = next(numbers)
        starts_at = overrides.pop("starts_at", (utcnow() + timedelta(days=10)).replace(microsecond=0))
        fields = {
            "title": f"Phiên giao dịch việc làm số {n}",
            "ward_code": BACH_QUANG,
            "venue_name": f"Nhà văn hoá tổ {n}",
            "starts_at": starts_at,
            "ends_at": overrides.pop("ends_at", starts_at + timedelta(hours=4)),
            "capacity": 300,
            "status": FairStatus.PUBLISHED,
            **overrides,
        }
        fair = Fair(**fields)
        db.session.add(fair)
        db.session.commit()
        return fair

    return make


@pytest.fixture()
def offer_vacancy(db):
    """offer_vacancy(fair, title) → the Vacancy, offered at the fair by a new employer with a confirmed
    booth there (the public sees nothing else: fairapp.booths.services.public_offer)."""
    numbers = count(200)

    def offer(fair, title="Công nhân may"):
        employer = Employer(
            name=f"Công ty May {title}", tax_code=f"0100109{next(numbers):03d}", status=PartnerStatus.APPROVED
        )
        db.session.add(employer)
        db.session.flush()
        vacancy = Vacancy(employer_id=employer.id, title=title, quantity=20)
        db.session.add(vacancy)
        db.session.flush()
        db.session.add(VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id))
        db.session.add(Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED))
        db.session.commit()
        return vacancy

    return offer


def person(**overrides) -> dict:
    """A valid registration body (API names): a woman born in 1995 in Bách Quang with a CCCD."""
    return {
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "birth_year": 1995,
        "gender": "female",
        "ward_code": BACH_QUANG,
        "priority_group": "near_poor",
        "citizen_id": "019195001234",
        "consent_personal_data": True,
        **overrides,
    }


def register_committed(fair_id: int, typed: dict, **options) -> services.Outcome:
    """services.register in a transaction of its own, committed, as a request runs it."""
    return run_in_transaction(lambda: services.register(fair_id, typed, **options))
