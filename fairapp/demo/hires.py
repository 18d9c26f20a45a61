"""Demo data of a fair held seven months ago in Phường Sông Công, and what came of it: hires recorded
through the services (fairapp.outcomes.services), as the employer and the organiser would have
recorded them, with their follow-ups — a few sustainable jobs, one person who left, one unreachable —
some follow-ups due or overdue today (the call list has work), and one hire a job seeker told of
through the ticket link, for the organiser to confirm. Flushes, never commits."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Channel, Registration
from fairapp.auth.models import User
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.checkins.models import CheckIn
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.interviews.models import Interview, InterviewEntry, Outcome
from fairapp.outcomes import services
from fairapp.outcomes.models import ContractType, FollowUpOutcome, HireSource, JobAnswer, LeaveReason
from fairapp.partners.models import Vacancy

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
HELD_DAYS_AGO = 200
PAST_REGISTRATIONS = 30
PAST_ADMITTED = 24
PAST_BOOTHS = 3  # the first three employers
S, C, L, U = (
    FollowUpOutcome.STILL_EMPLOYED,
    FollowUpOutcome.CHANGED_EMPLOYER,
    FollowUpOutcome.LEFT,
    FollowUpOutcome.UNREACHABLE,
)
# (days after the fair the job started, the answers by month: None leaves the milestone open)
HIRES = [
    (5, {1: S, 3: S, 6: S}),  # sustainable
    (5, {1: S, 3: S, 6: S}),  # sustainable
    (6, {1: S, 3: S, 6: C}),  # sustainable: changed employer, still at work
    (7, {1: S, 3: L}),  # left at three months: the six-month milestone closes too
    (7, {1: S, 3: S, 6: U}),  # unreachable at six months: undecided, to call again
    (8, {1: S, 3: S}),  # the six-month follow-up overdue
    (100, {1: S}),  # the three-month follow-up overdue
    (112, {1: S}),  # the three-month follow-up due within days
    (160, {}),  # the first follow-up overdue
    (175, {}),  # the first follow-up due soon
]


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_ZONE).astimezone(UTC)


def past_fair_and_hires(rng, now: datetime, employers, *, consent_version: str) -> dict[str, int]:
    """The fair seven months ago, its booths' records and the hires that came of it; the counts."""
    today = now.astimezone(LOCAL_ZONE).date()
    held = today - timedelta(days=HELD_DAYS_AGO)
    fair = Fair(
        title="Phiên giao dịch việc làm lưu động phường Sông Công (tháng 5)",
        ward_code="05518",
        venue_name="Sân Uỷ ban nhân dân phường Sông Công",
        venue_address="Phường Sông Công, tỉnh Thái Nguyên",
        starts_at=_local(held, 7, 30),
        ends_at=_local(held, 11, 30),
        capacity=300,
        contact_name="Đ/c Trần Văn Hùng, cán bộ văn hoá – xã hội phường",
        status=FairStatus.PUBLISHED,  # held: closed by the clock
        published_at=_local(held, 7, 30) - timedelta(days=14),
        created_at=_local(held, 7, 30) - timedelta(days=21),
        updated_at=_local(held, 7, 30) - timedelta(days=14),
    )
    db.session.add(fair)
    hiring = employers[:PAST_BOOTHS]
    booths = [
        Booth(fair=fair, employer=employer, label=f"A{n}", status=BoothStatus.CONFIRMED)
        for n, employer in enumerate(hiring, start=1)
    ]
    offers = [VacancyOffer(fair=fair, vacancy=v) for employer in hiring for v in employer.vacancies]
    people = db.session.scalars(sa.select(Attendee).order_by(Attendee.id)).all()
    registered_at = fair.starts_at - timedelta(days=3)
    registrations = [
        Registration(
            fair=fair,
            attendee=attendee,
            channel=Channel.ONLINE,
            consent_personal_data_version=consent_version,
            consent_personal_data_at=registered_at,
            consent_share_version=consent_version if n % 4 else None,
            consent_share_at=registered_at if n % 4 else None,
            created_at=registered_at,
        )
        for n, attendee in enumerate(rng.sample(people, PAST_REGISTRATIONS))
    ]
    db.session.add_all(booths + offers + registrations)
    db.session.flush()
    admitted = registrations[:PAST_ADMITTED]
    db.session.add_all(
        CheckIn(
            fair_id=fair.id,
            registration_id=registration.id,
            checked_in_at=fair.starts_at + timedelta(minutes=3 + 2 * n),
            source="scanner",
        )
        for n, registration in enumerate(admitted)
    )
    users = {user.email: user for user in db.session.scalars(sa.select(User))}
    employer_user, organiser = users["employer@demo.vn"], users["organiser@demo.vn"]
    interviews = []
    for n, registration in enumerate(admitted[: len(HIRES) + 4]):
        booth = booths[n % PAST_BOOTHS]
        at = fair.starts_at + timedelta(minutes=40 + 5 * n)
        outcome = Outcome.OFFERED if n < len(HIRES) else Outcome.NOT_SUITABLE
        vacancy_id = booth.employer.vacancies[n % len(booth.employer.vacancies)].id
        by = employer_user if booth.employer_id == employer_user.employer_id else organiser
        interview = Interview(
            fair_id=fair.id,
            booth_id=booth.id,
            employer_id=booth.employer_id,
            registration_id=registration.id,
            attendee_id=registration.attendee_id,
            vacancy_id=vacancy_id,
            outcome=outcome,
            tags=[],
            created_by=by.id,
            created_at=at,
        )
        interview.entries.append(
            InterviewEntry(
                fair_id=fair.id,
                outcome=outcome,
                vacancy_id=vacancy_id,
                tags=[],
                by_user_id=by.id,
                recorded_at=at,
            )
        )
        interviews.append(interview)
    db.session.add_all(interviews)
    db.session.flush()

    hires, answered = 0, 0
    for interview, (started_after, answers) in zip(interviews, HIRES, strict=False):
        by = employer_user if interview.employer_id == employer_user.employer_id else organiser
        vacancy = db.session.get(Vacancy, interview.vacancy_id)
        start = held + timedelta(days=started_after)
        recorded_at = _local(start, 9, 0) - timedelta(days=3)
        hire = services.record_hire(
            services.Hiring(
                attendee_id=interview.attendee_id,
                employer_id=interview.employer_id,
                interview_id=interview.id,
                vacancy_id=interview.vacancy_id,
                start_date=start,
                monthly_salary=(vacancy.salary_min if vacancy and vacancy.salary_min else 6_200_000),
                contract_type=ContractType.FIXED_LONG,
                social_insurance=True,
            ),
            by=by,
            source=HireSource.EMPLOYER if by is employer_user else HireSource.ORGANISER,
            now=max(recorded_at, fair.ends_at),
        ).hire
        hires += 1
        for follow_up in list(hire.follow_ups):
            outcome = answers.get(follow_up.month)
            if outcome is None:
                continue
            checked_on = min(follow_up.due_on + timedelta(days=2), today - timedelta(days=1))
            services.record_follow_up(
                hire,
                services.Answer(
                    checked_on=checked_on,
                    outcome=outcome,
                    month=follow_up.month,
                    reason=LeaveReason.SALARY if outcome == L else None,
                    new_employer_name="Công ty TNHH May Sông Công" if outcome == C else None,
                    retry_in_days=4 if outcome == U else None,
                ),
                by=organiser,
                now=_local(checked_on, 15, 0),
            )
            answered += 1
    # One person told of a job through the ticket link: the organiser confirms it by phone
    told = admitted[-1]
    services.self_report(
        told,
        JobAnswer.EMPLOYED,
        client_key="demo-self-report-0001",
        employer_name="Cơ sở may Hương Giang",
        start_date=today - timedelta(days=20),
        now=now - timedelta(days=2),
    )
    db.session.flush()
    return {
        "registrations": len(registrations),
        "booths": len(booths),
        "interviews": len(interviews),
        "hires": hires,
        "follow_ups_answered": answered,
        "self_reports": 1,
    }
