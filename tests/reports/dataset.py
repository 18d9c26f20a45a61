"""A small data set whose indicators are worked out by hand (the numbers in tests/reports/test_indicators.py).

Fairs (local start times; Bách Quang 05528, Sông Công 05518, Bá Xuyên 05533):
    F1  10/03/2026 Bách Quang   E1 (confirmed, offers V1: 10 places), S1 (confirmed)
    F2  25/03/2026 Sông Công    E2 (confirmed, offers V2: 5 places)
    F3  05/07/2026 Bách Quang   E1's booth cancelled (still offers V1)
    F4  01/04/2026 Bá Xuyên     cancelled                     → never counted
    F5  20/12/2025 Bách Quang   (the year before)
    F6  31/12/2026 23:30        Bách Quang: still 2026 in Vietnam
    F7  01/01/2027 00:30        Sông Công: 2026 in UTC, 2027 in Vietnam → not 2026
    F8  draft in June 2026      Bách Quang                    → never counted

People (priority group, sex, birth year):
    A  poor, F, 1990         F1 F2 F3; in at F1, F2; E1 shortlisted (F1), E2 not suitable (F2);
                             hired by E1 from F1: employed at 1, 3 and 6 months → sustainable
    B  near_poor, M, 2000    F1; in; E1 interviewed; S1 enrolled; a hire by E2 still to confirm
    C  none, F, 1975         F2 and F4 (cancelled); in at F2; E2 offered; hired by E2 from F2, left at 1
    D  escaped_poverty, M, 1960
                             F3, not in; hired without a fair in Bách Quang from 02/05/2026,
                             changed employer at 1 month
    E  none, M, 1995         F5 (2025) only; hired from F5 starting 15/01/2026 → not 2026's
    G  poor, F, 2005         F6, in; F7 registered
    H  none, M, 1985         F1, in; S1 counselled; a hire dismissed"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, Registration
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.checkins.models import CheckIn
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.interviews.models import Interview, Outcome
from fairapp.modelbase import utcnow
from fairapp.outcomes.models import FollowUp, FollowUpOutcome, Hire, HireSource, HireStatus
from fairapp.partners.models import Employer, PartnerStatus, School, Vacancy
from fairapp.text import fold

BACH_QUANG, SONG_CONG, BA_XUYEN = "05528", "05518", "05533"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Dataset:
    fairs: dict[str, Fair] = field(default_factory=dict)
    people: dict[str, Attendee] = field(default_factory=dict)
    employers: dict[str, Employer] = field(default_factory=dict)
    school: School | None = None
    vacancies: dict[str, Vacancy] = field(default_factory=dict)
    hires: dict[str, Hire] = field(default_factory=dict)


def _at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VIETNAM)


def build() -> Dataset:
    data = Dataset()
    add = db.session.add

    def fair(name, day, ward, status=FairStatus.CLOSED, hour=8, minute=0):
        starts = _at(day, hour, minute)
        made = Fair(
            title=f"Phiên {name}",
            ward_code=ward,
            starts_at=starts,
            ends_at=starts + timedelta(hours=4),
            status=status,
        )
        add(made)
        data.fairs[name] = made

    fair("F1", date(2026, 3, 10), BACH_QUANG)
    fair("F2", date(2026, 3, 25), SONG_CONG)
    fair("F3", date(2026, 7, 5), BACH_QUANG)
    fair("F4", date(2026, 4, 1), BA_XUYEN, FairStatus.CANCELLED)
    fair("F5", date(2025, 12, 20), BACH_QUANG)
    fair("F6", date(2026, 12, 31), BACH_QUANG, FairStatus.PUBLISHED, hour=23, minute=30)
    fair("F7", date(2027, 1, 1), SONG_CONG, FairStatus.PUBLISHED, hour=0, minute=30)
    fair("F8", date(2026, 6, 15), BACH_QUANG, FairStatus.DRAFT)

    for name, tax in (("E1", "0100000001"), ("E2", "0100000002")):
        employer = Employer(name=f"Công ty {name}", tax_code=tax, status=PartnerStatus.APPROVED)
        add(employer)
        data.employers[name] = employer
    data.school = School(name="Trường Cao đẳng S1", status=PartnerStatus.APPROVED)
    add(data.school)
    db.session.flush()
    for name, employer, quantity in (("V1", "E1", 10), ("V2", "E2", 5)):
        vacancy = Vacancy(employer_id=data.employers[employer].id, title=f"Vị trí {name}", quantity=quantity)
        add(vacancy)
        data.vacancies[name] = vacancy
    db.session.flush()

    booths = {}
    for key, fair_name, holder, status in (
        ("F1E1", "F1", "E1", BoothStatus.CONFIRMED),
        ("F1S1", "F1", "S1", BoothStatus.CONFIRMED),
        ("F2E2", "F2", "E2", BoothStatus.CONFIRMED),
        ("F3E1", "F3", "E1", BoothStatus.CANCELLED),
    ):
        holder_fields = (
            {"school_id": data.school.id} if holder == "S1" else {"employer_id": data.employers[holder].id}
        )
        booths[key] = Booth(fair_id=data.fairs[fair_name].id, status=status, **holder_fields)
        add(booths[key])
    for fair_name, vacancy in (("F1", "V1"), ("F3", "V1"), ("F2", "V2")):
        add(VacancyOffer(fair_id=data.fairs[fair_name].id, vacancy_id=data.vacancies[vacancy].id))

    people = {
        "A": (PriorityGroup.POOR, Gender.FEMALE, 1990),
        "B": (PriorityGroup.NEAR_POOR, Gender.MALE, 2000),
        "C": (PriorityGroup.NONE, Gender.FEMALE, 1975),
        "D": (PriorityGroup.ESCAPED_POVERTY, Gender.MALE, 1960),
        "E": (PriorityGroup.NONE, Gender.MALE, 1995),
        "G": (PriorityGroup.POOR, Gender.FEMALE, 2005),
        "H": (PriorityGroup.NONE, Gender.MALE, 1985),
    }
    for n, (name, (group, gender, born)) in enumerate(people.items()):
        full_name = f"Người {name}"
        person = Attendee(
            full_name=full_name,
            name_key=fold(full_name),
            phone=f"09120000{n:02d}",
            birth_year=born,
            gender=gender,
            ward_code=BACH_QUANG,
            priority_group=group,
        )
        add(person)
        data.people[name] = person
    db.session.flush()

    registrations = {}
    for person, fair_names in {
        "A": "F1 F2 F3",
        "B": "F1",
        "C": "F2 F4",
        "D": "F3",
        "E": "F5",
        "G": "F6 F7",
        "H": "F1",
    }.items():
        for fair_name in fair_names.split():
            registration = Registration(
                fair_id=data.fairs[fair_name].id,
                attendee_id=data.people[person].id,
                channel=Channel.ONLINE,
                consent_personal_data_version="2025-01",
                consent_personal_data_at=utcnow(),
            )
            add(registration)
            registrations[person, fair_name] = registration
    db.session.flush()

    for person, fair_name in (("A", "F1"), ("A", "F2"), ("B", "F1"), ("C", "F2"), ("G", "F6"), ("H", "F1")):
        add(
            CheckIn(
                fair_id=data.fairs[fair_name].id,
                registration_id=registrations[person, fair_name].id,
                checked_in_at=data.fairs[fair_name].starts_at,
                source="staff",
            )
        )

    interviews = {}
    for person, fair_name, booth, outcome, vacancy in (
        ("A", "F1", "F1E1", Outcome.SHORTLISTED, "V1"),
        ("A", "F2", "F2E2", Outcome.NOT_SUITABLE, "V2"),
        ("B", "F1", "F1E1", Outcome.INTERVIEWED, "V1"),
        ("B", "F1", "F1S1", Outcome.ENROLLED, None),
        ("C", "F2", "F2E2", Outcome.OFFERED, "V2"),
        ("H", "F1", "F1S1", Outcome.COUNSELLED, None),
    ):
        registration = registrations[person, fair_name]
        record = Interview(
            fair_id=registration.fair_id,
            booth_id=booths[booth].id,
            employer_id=booths[booth].employer_id,
            school_id=booths[booth].school_id,
            registration_id=registration.id,
            attendee_id=registration.attendee_id,
            vacancy_id=data.vacancies[vacancy].id if vacancy else None,
            outcome=outcome,
        )
        add(record)
        interviews[person, booth] = record
    db.session.flush()

    def hire(key, person, employer, start, *, fair_name=None, status=HireStatus.CONFIRMED, sustainable=None):
        made = Hire(
            attendee_id=data.people[person].id,
            fair_id=data.fairs[fair_name].id if fair_name else None,
            ward_code=data.fairs[fair_name].ward_code if fair_name else BACH_QUANG,
            employer_id=data.employers[employer].id,
            employer_key=f"id:{data.employers[employer].id}",
            vacancy_id=data.vacancies["V1" if employer == "E1" else "V2"].id,
            start_date=start,
            status=status,
            source=HireSource.ORGANISER,
            sustainable=sustainable,
        )
        add(made)
        data.hires[key] = made

    hire("A", "A", "E1", date(2026, 4, 1), fair_name="F1", sustainable=True)
    hire("B", "B", "E2", date(2026, 4, 1), fair_name="F1", status=HireStatus.TO_CONFIRM)
    hire("C", "C", "E2", date(2026, 4, 15), fair_name="F2", sustainable=False)
    hire("D", "D", "E1", date(2026, 5, 2))
    hire("E", "E", "E1", date(2026, 1, 15), fair_name="F5")
    hire("H", "H", "E2", date(2026, 4, 1), fair_name="F1", status=HireStatus.DISMISSED)
    db.session.flush()

    for key, month, outcome in (
        ("A", 1, FollowUpOutcome.STILL_EMPLOYED),
        ("A", 3, FollowUpOutcome.STILL_EMPLOYED),
        ("A", 6, FollowUpOutcome.STILL_EMPLOYED),
        ("C", 1, FollowUpOutcome.LEFT),
        ("D", 1, FollowUpOutcome.CHANGED_EMPLOYER),
        ("D", 3, None),
        ("E", 1, FollowUpOutcome.STILL_EMPLOYED),
        ("B", 1, FollowUpOutcome.STILL_EMPLOYED),  # a hire still to confirm: counts nowhere
    ):
        start = data.hires[key].start_date
        due = date(
            start.year + (start.month + month - 1) // 12, (start.month + month - 1) % 12 + 1, start.day
        )
        add(
            FollowUp(
                hire_id=data.hires[key].id,
                month=month,
                due_on=due,
                outcome=outcome,
                checked_on=due if outcome else None,
            )
        )
    db.session.commit()
    return data
