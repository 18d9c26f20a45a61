"""Factories for booth tests: an open fair with confirmed booths (employers with vacancies offered
there, a school with a programme), their users with API tokens, and registered job seekers' tickets."""

from dataclasses import dataclass

import pytest

from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.partners.models import ProgrammeLevel, TrainingProgramme, Vacancy
from tests.checkins.conftest import make_fair, register, ticket, token_for  # noqa: F401
from tests.partners.conftest import make_employer, make_school  # noqa: F401


@dataclass
class BoothSetup:
    booth: Booth
    user: object
    headers: dict
    vacancies: list
    programmes: list


@pytest.fixture()
def make_booth(db, token_for, make_employer, make_school):
    """make_booth(fair, kind="employer", vacancies=("Công nhân may",), status=CONFIRMED) → a BoothSetup:
    the booth, its holder's user and bearer headers, its vacancies (offered at the fair) or programmes."""

    def make(
        fair,
        kind="employer",
        *,
        vacancies=("Công nhân may công nghiệp",),
        status=BoothStatus.CONFIRMED,
        holder=None,
        label=None,
    ):
        if kind == "employer":
            holder = holder or make_employer()
            user, headers = token_for("employer", employer_id=holder.id)
            booth = Booth(fair_id=fair.id, employer_id=holder.id, status=status, label=label)
            offered = []
            for title in vacancies:
                vacancy = Vacancy(employer_id=holder.id, title=title, quantity=10)
                db.session.add(vacancy)
                db.session.flush()
                db.session.add(VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id))
                offered.append(vacancy)
            programmes = []
        else:
            holder = holder or make_school()
            user, headers = token_for("school", school_id=holder.id)
            booth = Booth(fair_id=fair.id, school_id=holder.id, status=status, label=label)
            programme = TrainingProgramme(
                school_id=holder.id, name="Điện công nghiệp", level=ProgrammeLevel.SO_CAP
            )
            db.session.add(programme)
            offered, programmes = [], [programme]
        db.session.add(booth)
        db.session.commit()
        return BoothSetup(booth, user, headers, offered, programmes)

    return make
