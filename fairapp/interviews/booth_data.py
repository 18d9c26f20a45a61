"""What a booth's scanner page downloads to work offline (GET /api/v1/fairs/{id}/booth-data).

Enough to verify a ticket without the server (the signing key, the fair, its revocation list) and to
record as usual (the booth, its vacancies or programmes, the outcomes it may record, the other booths
to refer someone to). No person: not one name, phone or registration of the fair's job seekers; an
employer never receives the fair's attendee list. The revocation list names tickets (registration id
and nonce), nothing about their holders."""

import sqlalchemy as sa

from fairapp.booths.models import Booth, VacancyOffer
from fairapp.checkins.scanner_data import verification_data
from fairapp.extensions import db
from fairapp.interviews import services
from fairapp.interviews.labels import OUTCOME_LABELS
from fairapp.interviews.models import EMPLOYER_OUTCOMES, SCHOOL_OUTCOMES
from fairapp.partners.models import TrainingProgramme, Vacancy

EMPLOYER, SCHOOL = "employer", "school"


def kind_of(booth: Booth) -> str:
    return EMPLOYER if booth.employer_id else SCHOOL


def holder_name(booth: Booth) -> str:
    return (booth.employer or booth.school).name


def outcomes_of(booth: Booth) -> list[dict]:
    """The outcomes this booth may record, in the order they are offered, with their labels."""
    outcomes = EMPLOYER_OUTCOMES if booth.employer_id else SCHOOL_OUTCOMES
    return [{"value": outcome.value, "label": str(OUTCOME_LABELS[outcome])} for outcome in outcomes]


def vacancies_of(booth: Booth) -> list[dict]:
    """The employer's vacancies offered at the booth's fair: [{id, title}] (a school's booth: none)."""
    if not booth.employer_id:
        return []
    rows = db.session.execute(
        sa.select(Vacancy.id, Vacancy.title)
        .join(VacancyOffer, VacancyOffer.vacancy_id == Vacancy.id)
        .where(Vacancy.employer_id == booth.employer_id, VacancyOffer.fair_id == booth.fair_id)
        .order_by(Vacancy.title, Vacancy.id)
    )
    return [{"id": vacancy_id, "title": title} for vacancy_id, title in rows]


def programmes_of(booth: Booth) -> list[dict]:
    """The school's training programmes: [{id, name}] (an employer's booth: none)."""
    if not booth.school_id:
        return []
    rows = db.session.execute(
        sa.select(TrainingProgramme.id, TrainingProgramme.name)
        .where(TrainingProgramme.school_id == booth.school_id)
        .order_by(TrainingProgramme.name, TrainingProgramme.id)
    )
    return [{"id": programme_id, "name": name} for programme_id, name in rows]


def booth_summary(booth: Booth) -> dict:
    return {
        "id": booth.id,
        "kind": kind_of(booth),
        "label": booth.label,
        "name": holder_name(booth),
        "employer_id": booth.employer_id,
        "school_id": booth.school_id,
        "status": booth.status.value,
    }


def booth_data(booth: Booth) -> dict:
    fair = booth.fair
    return {
        **verification_data(fair),
        "booth": booth_summary(booth),
        "vacancies": vacancies_of(booth),
        "programmes": programmes_of(booth),
        "outcomes": outcomes_of(booth),
        "booths": [
            {"id": other.id, "label": other.label, "name": holder_name(other)}
            for other in services.referral_targets(booth)
        ],
    }
