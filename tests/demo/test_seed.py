"""The demo data: what it contains, that it is valid, and the seed-demo command."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import Attendee, PriorityGroup, Registration
from fairapp.auth import services
from fairapp.auth.models import Role, User
from fairapp.booths.models import Booth, VacancyOffer
from fairapp.checkins.models import CheckIn
from fairapp.demo.seed import DEMO_PASSWORD, seed_demo
from fairapp.errors import DomainError
from fairapp.fairs.models import Fair, FairStatus
from fairapp.interviews.models import Interview
from fairapp.partners.models import Employer, PartnerStatus, School, TrainingProgramme, Vacancy
from fairapp.phones import normalise_mobile

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
SONG_CONG_WARDS = {"05518", "05533", "05528", "05503"}


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def valid_tax_code(code: str) -> bool:
    """10 digits; the last is 10 − (Σ wᵢ·dᵢ mod 11) over the first nine, and never 10."""
    if len(code) != 10 or not code.isdigit():
        return False
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    check = 10 - sum(w * int(d) for w, d in zip(weights, code[:9], strict=True)) % 11
    return check != 10 and check == int(code[9])


@pytest.fixture()
def seeded(db):
    summary = seed_demo(now=NOW)
    db.session.commit()
    return summary


def test_counts(db, seeded):
    assert count(db, Attendee) == 200
    assert count(db, Registration) == 290
    assert count(db, Employer) == 6
    assert count(db, School) == 2
    assert count(db, Fair) == 4
    assert count(db, User) == 5
    assert count(db, Booth) == 19
    assert count(db, TrainingProgramme) >= 4
    assert (seeded.attendees, seeded.employers, seeded.schools, seeded.fairs) == (200, 6, 2, 4)
    roles = Counter(db.session.scalars(sa.select(User.role)))
    assert roles == dict.fromkeys(Role, 1)


def test_fairs_one_held_months_ago_one_running_today_one_published_soon_one_draft(db, seeded):
    fairs = db.session.scalars(sa.select(Fair).order_by(Fair.starts_at)).all()
    past, today, soon, draft = fairs
    assert past.status_at(NOW) == FairStatus.CLOSED and past.starts_at < NOW - timedelta(days=180)
    assert today.status_at(NOW) == FairStatus.OPEN and soon.status_at(NOW) == FairStatus.PUBLISHED
    assert draft.status == FairStatus.DRAFT
    assert NOW < soon.starts_at < NOW + timedelta(weeks=6)
    assert soon.ends_at > soon.starts_at
    assert {f.ward_code for f in fairs} <= SONG_CONG_WARDS
    assert soon.venue_name.startswith("Nhà văn hoá")
    registered = Counter(db.session.scalars(sa.select(Registration.fair_id)))
    assert registered == {soon.id: 200, today.id: 60, past.id: 30}
    for fair in (today, soon):
        booths = db.session.scalars(sa.select(Booth).where(Booth.fair_id == fair.id)).all()
        assert sum(b.employer_id is not None for b in booths) == 6
        assert sum(b.school_id is not None for b in booths) == 2
    past_offers = db.session.scalar(
        sa.select(sa.func.count()).select_from(VacancyOffer).where(VacancyOffer.fair_id == past.id)
    )
    assert count(db, VacancyOffer) == 2 * count(db, Vacancy) + past_offers


def test_the_fair_running_today_has_arrivals_and_booth_records(db, seeded):
    employer_user = services.find_by_login("employer@demo.vn")
    today = db.session.scalars(sa.select(Fair).order_by(Fair.starts_at)).all()[1]
    interviews = db.session.scalars(sa.select(Interview).where(Interview.fair_id == today.id)).all()
    assert len(interviews) == 9 and seeded.interviews == 9 + 14
    by_employer = [i for i in interviews if i.employer_id]
    assert all(
        i.employer_id == employer_user.employer_id and i.created_by == employer_user.id for i in by_employer
    )
    assert all(
        i.vacancy_id in {v.id for v in db.session.get(Employer, i.employer_id).vacancies} for i in by_employer
    )
    assert all(len(i.entries) == 1 for i in interviews)
    assert count(db, CheckIn) == 35 + 24
    admitted = set(db.session.scalars(sa.select(CheckIn.registration_id)))
    assert {i.registration_id for i in interviews} <= admitted


def test_employers_have_valid_tax_codes_and_vacancies(db, seeded):
    employers = db.session.scalars(sa.select(Employer)).all()
    assert all(valid_tax_code(e.tax_code) for e in employers), [e.tax_code for e in employers]
    assert all(e.status == PartnerStatus.APPROVED and e.approved_at for e in employers)
    assert all(normalise_mobile(e.phone) == e.phone for e in employers)
    for employer in employers:
        assert 2 <= len(employer.vacancies) <= 4
        for vacancy in employer.vacancies:
            assert vacancy.quantity > 0
            if vacancy.salary_min is not None:
                assert 5_000_000 <= vacancy.salary_min <= vacancy.salary_max <= 20_000_000


def test_the_check_digit_rule_rejects_near_misses():
    assert valid_tax_code("0100109106")  # a well-known valid code
    assert not valid_tax_code("0100109107")
    assert not valid_tax_code("010010910")


def test_job_seekers_are_plausible(db, seeded):
    attendees = db.session.scalars(sa.select(Attendee)).all()
    assert all(normalise_mobile(a.phone) == a.phone for a in attendees)
    assert len({a.phone for a in attendees}) == 200
    assert all(1966 <= a.birth_year <= 2007 for a in attendees)
    assert all(a.ward_code in SONG_CONG_WARDS for a in attendees)
    assert all(len(a.full_name.split()) >= 3 for a in attendees)
    citizen_ids = [a.citizen_id for a in attendees if a.citizen_id]
    assert citizen_ids and all(len(c) == 12 and c.isdigit() for c in citizen_ids)
    shares = Counter(a.priority_group for a in attendees)
    assert 0.09 <= shares[PriorityGroup.POOR] / 200 <= 0.15
    assert 0.07 <= shares[PriorityGroup.NEAR_POOR] / 200 <= 0.13
    assert 0.04 <= shares[PriorityGroup.ESCAPED_POVERTY] / 200 <= 0.08
    assert all((a.household_code is None) == (a.priority_group == PriorityGroup.NONE) for a in attendees)


def test_registrations_carry_consent(db, seeded):
    registrations = db.session.scalars(sa.select(Registration)).all()
    assert all(r.consent_personal_data_version and r.consent_personal_data_at for r in registrations)
    assert all((r.consent_share_version is None) == (r.consent_share_at is None) for r in registrations)
    assert len({r.ticket_secret for r in registrations}) == 290


def test_every_demo_login_works(db, seeded):
    for email, role in seeded.logins:
        user = services.authenticate(email, DEMO_PASSWORD)
        assert user.role == role
    organiser = services.find_by_login("organiser@demo.vn")
    assert organiser.ward_codes == SONG_CONG_WARDS
    employer = db.session.scalar(sa.select(Employer).order_by(Employer.id))
    school = db.session.scalar(sa.select(School).order_by(School.id))
    assert services.find_by_login("employer@demo.vn").employer_id == employer.id
    assert services.find_by_login("school@demo.vn").school_id == school.id


def test_same_seed_same_people(db):
    first = seed_demo(now=NOW)
    names = db.session.scalars(sa.select(Attendee.full_name).order_by(Attendee.id)).all()
    db.session.rollback()
    assert first.attendees == 200
    seed_demo(now=NOW)
    assert db.session.scalars(sa.select(Attendee.full_name).order_by(Attendee.id)).all() == names


def test_seed_refuses_a_database_with_data(db, make_user):
    make_user("admin")
    with pytest.raises(DomainError) as raised:
        seed_demo(now=NOW)
    assert raised.value.code == "database_not_empty"
    assert count(db, Fair) == 0


def test_command_if_empty_is_idempotent(db, runner):
    first = runner.invoke(args=["seed-demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    for expected in (
        "admin@demo.vn",
        "organiser@demo.vn",
        "gate@demo.vn",
        "employer@demo.vn",
        "school@demo.vn",
        DEMO_PASSWORD,
    ):
        assert expected in first.output
    second = runner.invoke(args=["seed-demo", "--if-empty"])
    assert second.exit_code == 0, second.output
    assert "already has data" in second.output
    assert (count(db, User), count(db, Attendee), count(db, Fair)) == (5, 200, 4)


def test_command_without_if_empty_refuses_politely(db, runner, make_user):
    make_user("admin")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "--if-empty" in result.output
    assert "Traceback" not in result.output
    assert (count(db, User), count(db, Fair)) == (1, 0)


def test_command_if_empty_leaves_existing_accounts_alone(db, runner, make_user):
    make_user("admin")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert (count(db, User), count(db, Attendee)) == (1, 0)


def test_the_fair_held_months_ago_has_hires_and_follow_ups(db, seeded):
    from fairapp.fairs.services import local_day
    from fairapp.outcomes.models import FollowUp, Hire, HireSource, HireStatus, SelfReport

    past = db.session.scalars(sa.select(Fair).order_by(Fair.starts_at)).first()
    today = local_day(NOW)
    hires = db.session.scalars(sa.select(Hire).order_by(Hire.id)).all()
    assert seeded.hires == len(hires) == 11
    confirmed = [h for h in hires if h.status == HireStatus.CONFIRMED]
    assert len(confirmed) == 10 and all(h.fair_id == past.id and h.interview_id for h in confirmed)
    employer_user = services.find_by_login("employer@demo.vn")
    assert {h.source for h in confirmed} == {HireSource.EMPLOYER, HireSource.ORGANISER}
    assert all(h.created_by == employer_user.id for h in confirmed if h.source == HireSource.EMPLOYER)
    assert [h.sustainable for h in confirmed].count(True) == 3
    assert [h.sustainable for h in confirmed].count(False) == 1  # the one who left
    follow_ups = db.session.scalars(sa.select(FollowUp)).all()
    assert any(f.retry_on is not None and f.outcome is None for f in follow_ups)  # unreachable
    overdue = [
        f for f in follow_ups if f.outcome is None and f.due_on <= today and f.hire.status == "confirmed"
    ]
    assert len(overdue) >= 4  # the call list has work today
    told = [h for h in hires if h.status == HireStatus.TO_CONFIRM]
    assert len(told) == 1 and told[0].source == HireSource.JOB_SEEKER and told[0].fair_id == past.id
    report = db.session.scalar(sa.select(SelfReport))
    assert report.hire_id == told[0].id and report.handled_at is None


def test_the_year_has_a_plan_a_budget_and_costs_so_the_dashboard_shows_progress(db, seeded):
    from fairapp.auth.scope import EVERYWHERE
    from fairapp.fairs.services import local_day
    from fairapp.modelbase import utcnow
    from fairapp.plans.budget import budget_summary
    from fairapp.plans.costs import costs_total
    from fairapp.plans.services import targets_for

    year = local_day(utcnow()).year
    targets = targets_for(year, EVERYWHERE)
    assert set(targets) == {None, "05518", "05528", "05533"}
    assert targets[None]["hires"] == 200 and targets["05518"]["fairs"] == 4
    summary = budget_summary(year)
    assert summary["allocated"] == 2_400_000_000 and summary["disbursed"] == 652_800_000
    assert summary["disbursement_rate"] == 27.2
    assert costs_total(year, EVERYWHERE) > 0 or local_day(utcnow()).month <= 7  # the fair held in May


def test_command_makes_the_key_its_tickets_are_signed_with(db, database_url, tmp_path, monkeypatch):
    """An app server refuses to start when the database holds tickets and the instance folder has no
    key (fairapp.wsgi); the demo's tickets must not leave `make bench` or a first server there."""
    from fairapp import create_app
    from fairapp.tickets import signing
    from tests.conftest import _config

    monkeypatch.setenv("FAIRAPP_INSTANCE_PATH", str(tmp_path))
    app = create_app(_config(database_url, tmp_path))
    with app.app_context():  # this application's, not the test's (the command uses the current one)
        result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
        assert result.exit_code == 0, result.output
        assert (tmp_path / signing.KEY_FILENAME).is_file()
        signing.check_key_at_start()  # does not raise SigningKeyMissing
        db.engine.dispose()
