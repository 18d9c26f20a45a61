"""Factories for hires: an open fair with an employer's booth, a registered job seeker the booth
recorded, and an organiser of the fair's ward."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from fairapp.fairs.services import local_day
from fairapp.interviews import services as interviews
from fairapp.interviews.models import Outcome
from fairapp.modelbase import utcnow
from fairapp.outcomes import services
from fairapp.outcomes.models import HireSource
from tests.checkins.conftest import BACH_QUANG, make_fair, register, ticket, token_for  # noqa: F401
from tests.interviews.conftest import make_booth  # noqa: F401
from tests.partners.conftest import make_employer, make_school  # noqa: F401


@dataclass
class Seen:
    """A person an employer's booth recorded at a fair."""

    fair: object
    booth: object
    employer_user: object
    employer_headers: dict
    registration: object
    interview: object

    @property
    def attendee_id(self) -> int:
        return self.registration.attendee_id


@pytest.fixture()
def seen(db, make_fair, make_booth, register):
    """seen(outcome="shortlisted", fair=None, setup=None, name=...) → a Seen: the booth's record of a
    newly registered person at an open fair (a new fair and booth unless given)."""

    def make(outcome=Outcome.SHORTLISTED, *, fair=None, setup=None, name="Nguyễn Thị Hồng Nhung", **person):
        fair = fair or (setup.booth.fair if setup else make_fair())
        setup = setup or make_booth(fair)
        registration = register(fair, name, **person)
        recorded = interviews.record(
            setup.booth,
            registration,
            interviews.Recording(
                outcome=outcome, vacancy_id=setup.vacancies[0].id if setup.vacancies else None
            ),
            by=setup.user,
        )
        db.session.commit()
        return Seen(fair, setup.booth, setup.user, setup.headers, registration, recorded.interview)

    return make


@pytest.fixture()
def organiser(make_user):
    """An organiser of Bách Quang, the fairs' ward."""
    return make_user("organiser", ward_codes=[BACH_QUANG])


@pytest.fixture()
def hire(db, seen):
    """hire(seen=None, start_in_days=0, **hiring fields) → a confirmed hire recorded by the employer."""

    def make(seen_person=None, *, start_in_days=0, by=None, **fields):
        seen_person = seen_person or seen()
        start = local_day(utcnow()) + timedelta(days=start_in_days)
        recorded = services.record_hire(
            services.Hiring(attendee_id=seen_person.attendee_id, start_date=start, **fields),
            by=by or seen_person.employer_user,
            source=HireSource.EMPLOYER,
        )
        db.session.commit()
        return recorded.hire

    return make


@pytest.fixture()
def past_fair(make_fair):
    """past_fair(days_ago=200) → a fair held that many days ago (its follow-ups fall due by now)."""

    def make(days_ago=200, **overrides):
        return make_fair(starts_at=(utcnow() - timedelta(days=days_ago)).replace(microsecond=0), **overrides)

    return make


@pytest.fixture()
def staff_headers(token_for):
    """staff_headers(role="organiser", wards=(BACH_QUANG,)) → (user, bearer headers)."""

    def make(role="organiser", wards=(BACH_QUANG,)):
        return token_for(role, ward_codes=list(wards)) if role == "organiser" else token_for(role)

    return make
