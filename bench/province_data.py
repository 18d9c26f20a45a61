"""A province-sized data set for benchmarking the outcome dashboard and reports: a year of mobile job
fairs across the wards of Thái Nguyên (province 19).

At scale 1.0: 100,000 job seekers, 500 fairs, 200,000 registrations (a person registers for 1 to 5
fairs, mostly near home), check-ins for about 70 % of them, 60,000 booth records (only of people checked
in), 20,000 hires (mostly from shortlisted and offered records, starting after their fair; a tenth
without a fair) and 50,000 follow-ups (months 1, 3 and 6 of every confirmed hire) — with what those
need: ~300 employers with their vacancies, ~30 schools with their programmes, booths, an admin and
organisers with a few wards each (PASSWORD). Every count is multiplied by `scale`; the follow-ups are
three per confirmed hire, so their count is a multiple of three.

The data is as seen on 31 December of `year`: every fair closed; follow-ups due by then mostly
answered (some unreachable, waiting to be called again), later ones open; each hire's `sustainable`
decided by the one rule (fairapp.outcomes.rules.is_sustainable). The same seed makes the same rows.

Rows go in by SQLAlchemy Core executemany, with their ids given (the tables' sequences are moved past
them on PostgreSQL), into a database migrated, with its units loaded, and without fairs yet:

    .venv/bin/python -m bench.province_data --database-url sqlite:////tmp/province.sqlite3 [--scale 1]
"""

import argparse
import bisect
import contextlib
import itertools
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, scoped_session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fairapp.attendees.consent import PERSONAL_DATA_VERSION, SHARE_VERSION  # noqa: E402
from fairapp.attendees.models import (  # noqa: E402
    NONCE_ALPHABET,
    NONCE_LENGTH,
    TICKET_ALPHABET,
    TICKET_SECRET_LENGTH,
    Attendee,
    EducationLevel,
    Qualification,
    Registration,
    Situation,
)
from fairapp.auth.models import User, user_wards  # noqa: E402
from fairapp.auth.services import hash_password  # noqa: E402
from fairapp.booths.models import Booth, VacancyOffer  # noqa: E402
from fairapp.checkins.models import CheckIn  # noqa: E402
from fairapp.demo import data as names  # noqa: E402
from fairapp.fairs.models import Fair  # noqa: E402
from fairapp.fairs.services import LOCAL_TZ  # noqa: E402
from fairapp.geo.models import Ward  # noqa: E402
from fairapp.interviews.models import Interview  # noqa: E402
from fairapp.outcomes.models import FollowUp, Hire  # noqa: E402
from fairapp.outcomes.rules import SustainableRule, add_months, is_sustainable  # noqa: E402
from fairapp.partners.models import Employer, School, TrainingProgramme, Vacancy  # noqa: E402
from fairapp.partners.taxcode import check_digit  # noqa: E402
from fairapp.reports import reach  # noqa: E402
from fairapp.text import fold  # noqa: E402

PROVINCE = 19
TARGETS = {
    "attendees": 100_000,
    "fairs": 500,
    "registrations": 200_000,
    "interviews": 60_000,
    "hires": 20_000,
    "follow_ups": 50_000,
    "employers": 300,
    "schools": 30,
}
FOLLOW_UP_MONTHS = (1, 3, 6)  # the configured default (FOLLOW_UP_MONTHS); 6 decides (SustainableRule)
PASSWORD = "bench-password-1"
WARDS_PER_ORGANISER = 4
NEAR = 3  # wards within this many places in code order count as near (codes follow geography)
CHUNK = 5_000
OPEN_FOLLOW_UP = (  # what an open follow-up leaves empty
    "outcome", "checked_on", "reason", "note", "new_employer_name", "new_hire_id", "retry_on",
    "answered_by", "by_user_id", "recorded_at", "asked_at",
)  # fmt: skip

INDUSTRIES = [
    (industry, vacancies) for _name, industry, _ward, _address, _contact, vacancies in names.EMPLOYERS
]
BRANDS = [
    "Hưng Phát", "Tân Quang", "Minh Đức", "Phú Thành", "Trung Thành", "An Khánh", "Việt Hàn", "Hoà Bình",
    "Thịnh Vượng", "Đại Dương", "Kim Long", "Bắc Sơn", "Sao Mai", "Thái Hưng", "Phúc Lộc", "Đông Á",
    "Hải Nam", "Vạn Xuân", "Sông Cầu",
]  # fmt: skip
PROGRAMMES = [
    ("Công nghệ hàn", "trung_cap", 18, 9_000_000),
    ("Điện công nghiệp", "cao_dang", 30, 16_000_000),
    ("Cắt gọt kim loại", "so_cap", 3, 3_500_000),
    ("May thời trang", "so_cap", 3, 2_800_000),
    ("Sửa chữa xe máy", "so_cap", 3, 3_000_000),
    ("Kỹ thuật chế biến món ăn", "so_cap", 2, 2_500_000),
    ("Lái xe ô tô hạng B", "so_cap", 3, 15_000_000),
    ("Tin học văn phòng", "so_cap", 2, 1_500_000),
    ("Chăm sóc sắc đẹp", "trung_cap", 12, 8_000_000),
    ("Kế toán doanh nghiệp", "cao_dang", 30, 14_000_000),
]


class _Weights:
    """Values to draw with their weights (random.choices without its set-up on every draw)."""

    def __init__(self, weights: dict):
        self.values = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random):
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _between(rng: random.Random, low: int, high: int) -> int:
    """random.randint, a few times faster (no argument checks)."""
    return low + int(rng.random() * (high - low + 1))


CHANNELS = _Weights({"online": 55, "walk_in": 25, "staff": 20})
SHOW_UP = {"walk_in": 1.0, "staff": 0.72, "online": 0.56}  # about 70 % of registrations checked in
SCAN_SOURCES = _Weights({"scanner": 85, "kiosk": 8, "manual": 4, "offline": 3})
PRIORITY_GROUPS = _Weights({"poor": 8, "near_poor": 10, "escaped_poverty": 5, "none": 77})
BIRTH_YEARS = _Weights({year: 3 if 1988 <= year <= 2006 else 1 for year in range(1965, 2009)})
FAMILY_NAMES = _Weights(names.FAMILY_NAMES)
MIDDLE_NAMES = {gender: _Weights(weights) for gender, weights in names.MIDDLE_NAMES.items()}
BOOTHS_VISITED = _Weights({1: 55, 2: 30, 3: 15})
EMPLOYER_OUTCOMES = _Weights({"interviewed": 35, "shortlisted": 25, "offered": 18, "not_suitable": 22})
CONTRACTS = _Weights({"indefinite": 25, "fixed_12_plus": 45, "fixed_under_12": 15, "seasonal": 10, "none": 5})
INSURED = {"indefinite": 0.95, "fixed_12_plus": 0.95, "fixed_under_12": 0.6}  # else never
LEFT_AT = _Weights({None: 70, 1: 10, 3: 11, 6: 9})  # the follow-up month when the person had left
CHANGED_FROM = _Weights({None: 90, 1: 3, 3: 4, 6: 3})  # … when they had moved to another employer
LEAVE_REASONS = _Weights({"salary": 30, "distance": 20, "health": 10, "family": 20, "other": 20})


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


_TICKET_BYTES = bytes(ord(TICKET_ALPHABET[b % len(TICKET_ALPHABET)]) for b in range(256))
_NONCE_BYTES = bytes(ord(NONCE_ALPHABET[b % len(NONCE_ALPHABET)]) for b in range(256))


def _secret(rng: random.Random, letters: bytes, length: int) -> str:
    """Random letters of a ticket alphabet (`letters`: byte → letter), from the seeded generator."""
    return rng.randbytes(length).translate(letters).decode()


class _Writer:
    """Inserts rows in chunks on one connection, with ids given from the table's next free one."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.counts: dict[str, int] = {}

    def first_id(self, table: sa.Table) -> int:
        return (self.connection.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1

    def insert(self, table: sa.Table, rows: Iterable[dict]) -> int:
        statement = sa.insert(table)
        rows = iter(rows)
        total = 0
        while chunk := list(itertools.islice(rows, CHUNK)):
            self.connection.execute(statement, chunk)
            total += len(chunk)
        self.counts[table.name] = self.counts.get(table.name, 0) + total
        return total

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the ids given."""
        if self.connection.dialect.name != "postgresql":
            return
        for name in self.counts.keys() - {user_wards.name}:
            self.connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"
                " HAVING max(id) IS NOT NULL"
            )


@contextlib.contextmanager
def _connection(target: Engine | Connection | Session) -> Iterator[Connection]:
    """A session's or a connection's own transaction (the caller commits); an engine's, committed."""
    if isinstance(target, Session | scoped_session):
        yield target.connection()
    elif isinstance(target, Connection):
        yield target
    else:
        with target.begin() as connection:
            yield connection


@contextlib.contextmanager
def _large_cache(connection: Connection) -> Iterator[None]:
    """SQLite with a page cache of 256 MB meanwhile (2 MB by default): the indexes on random keys
    (ticket secrets, phones) are written all over their B-trees, so pages would be read again."""
    if connection.dialect.name != "sqlite":
        yield
        return
    size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(size)}")


def generate(engine_or_session, *, scale: float = 1.0, year: int = 2026, seed: int = 7) -> dict[str, int]:
    """Write the province's data set (see the module's documentation); return the rows made per table.
    An engine: one transaction, committed. A session or connection: written in its transaction, which
    the caller commits. The people's reach rows are computed as the worker would (fairapp.reports.reach),
    with the settings of the application whose context is pushed.
    ANALYZE at the end, so that the planner knows the tables' sizes (an engine on PostgreSQL: VACUUM
    ANALYZE, as autovacuum would do after such a load)."""
    rng = random.Random(seed)
    with _connection(engine_or_session) as connection, _large_cache(connection):
        writer = _Writer(connection)
        _Province(writer, rng, scale=scale, year=year).write()
        writer.finish()
        while reach.refresh(connection, limit=5_000):  # what the worker does (reach.drain), in batches
            pass
        if not isinstance(engine_or_session, Engine):
            _analyze(connection, [*writer.counts, "reach"])
    if isinstance(engine_or_session, Engine):
        if engine_or_session.dialect.name == "postgresql":
            # What autovacuum does soon after a load like this one: the statistics, and the visibility
            # map that lets an index answer alone (reach's dashboard pass reads only its index).
            with engine_or_session.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql(f"VACUUM ANALYZE {', '.join([*writer.counts, 'reach'])}")
        else:
            with engine_or_session.begin() as connection:
                _analyze(connection, [*writer.counts, "reach"])
    return writer.counts


def _analyze(connection: Connection, tables: Iterable[str]) -> None:
    """Statistics for the planner (PostgreSQL's autovacuum would gather them some time later)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"ANALYZE {', '.join(tables)}")
    else:
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {table}")


class _Province:
    def __init__(self, writer: _Writer, rng: random.Random, *, scale: float, year: int):
        self.writer, self.rng, self.year = writer, rng, year
        self.n = {name: max(1, round(count * scale)) for name, count in TARGETS.items()}
        self.as_of = date(year, 12, 31)
        self.wards = writer.connection.execute(
            sa.select(Ward.code, Ward.name, Ward.short_name, Ward.kind)
            .where(Ward.province_code == PROVINCE)
            .order_by(Ward.code)
        ).all()
        if not self.wards:
            raise ValueError(f"no wards of province {PROVINCE}: load the units first (flask geo load)")
        self.fold_cache: dict[str, str] = {}

    def write(self) -> None:
        self._users()
        self._partners()
        self._fairs()
        self._booths()
        self._people()
        self._check_ins()
        self._interviews()
        self._hires()

    def _ward_near(self, index: int) -> int:
        return min(len(self.wards) - 1, max(0, index + _between(self.rng, -NEAR, NEAR)))

    # --- Accounts: an admin and the organisers, each with a few neighbouring wards -------------------

    def _users(self) -> None:
        writer, created = self.writer, datetime(self.year - 1, 12, 1, tzinfo=UTC)
        password_hash = hash_password(PASSWORD)
        first = writer.first_id(User.__table__)
        groups = [
            self.wards[i : i + WARDS_PER_ORGANISER] for i in range(0, len(self.wards), WARDS_PER_ORGANISER)
        ]
        users = [("admin@thainguyen.bench.vn", "Quản trị Sở Nội vụ", "admin")] + [
            (f"organiser{n:02d}@thainguyen.bench.vn", f"Cán bộ {group[0].name}", "organiser")
            for n, group in enumerate(groups, start=1)
        ]
        row = {
            "phone": None,
            "employer_id": None,
            "school_id": None,
            "password_hash": password_hash,
            "active": True,
        }
        row |= {"session_version": 1, "created_at": created, "last_login_at": None}
        writer.insert(
            User.__table__,
            (
                {**row, "id": first + n, "email": email, "full_name": full_name, "role": role}
                for n, (email, full_name, role) in enumerate(users)
            ),
        )
        self.organiser_of = {}  # ward code → the organiser's user id
        for n, group in enumerate(groups, start=1):
            for ward in group:
                self.organiser_of[ward.code] = first + n
        writer.insert(
            user_wards, ({"user_id": user, "ward_code": code} for code, user in self.organiser_of.items())
        )

    # --- Employers with vacancies, schools with programmes ---------------------------------------------

    def _partners(self) -> None:
        rng, writer = self.rng, self.writer
        approved = datetime(self.year - 1, 11, 1, tzinfo=UTC)
        status = {
            "status": "approved",
            "approved_at": approved,
            "decided_at": approved,
            "created_at": approved,
        }
        status |= {
            "reject_reason": None,
            "suspend_reason": None,
            "suspended_at": None,
            "public_changed_at": None,
        }
        employer_id, vacancy_id = writer.first_id(Employer.__table__), writer.first_id(Vacancy.__table__)
        employers, vacancies, taken = [], [], set()
        self.employers = []  # (id, ward code, [(vacancy id, title, salary_min, salary_max)])
        for n in range(self.n["employers"]):
            industry, templates = INDUSTRIES[n % len(INDUSTRIES)]
            ward = self.wards[rng.randrange(len(self.wards))]
            kind = rng.choice(("TNHH", "TNHH", "Cổ phần"))
            tax_code = None
            while tax_code is None or tax_code in taken:
                first_nine = f"46{rng.randrange(10**7):07d}"
                digit = check_digit(first_nine)
                tax_code = None if digit is None else f"{first_nine}{digit}"
            taken.add(tax_code)
            name = f"Công ty {kind} {industry} {BRANDS[n % len(BRANDS)]} {ward.short_name}"
            employers.append(
                {
                    **status,
                    "id": employer_id + n,
                    "name": name[:200],
                    "tax_code": tax_code,
                    "industry": industry,
                    "address": f"Lô {_between(rng, 1, 40)}, {ward.name}, tỉnh Thái Nguyên",
                    "ward_code": ward.code,
                    "contact_name": "Phòng Nhân sự",
                    "phone": f"0208{rng.randrange(10**6):06d}",
                    "email": f"tuyendung{n}@congty.bench.vn",
                }
            )
            offered = []
            for title, occupation, _quantity, low, high, requirements in rng.sample(
                templates, _between(rng, 1, len(templates))
            ):
                low, high = low or 6_000_000, high or 9_000_000
                vacancies.append(
                    {
                        "id": vacancy_id,
                        "employer_id": employer_id + n,
                        "title": title,
                        "occupation": occupation,
                        "quantity": _between(rng, 5, 80),
                        "work_place": ward.name,
                        "working_hours": "8h/ngày",
                        "benefits": None,
                        "education": rng.choice(("none", "lower_secondary", "upper_secondary")),
                        "experience_years": None,
                        "age_min": 18,
                        "age_max": rng.choice((35, 40, 45)),
                        "requirements": requirements,
                        "salary_min": low,
                        "salary_max": high,
                        "deadline": self.as_of,
                        "status": "open",
                        "created_at": approved,
                        "updated_at": None,
                        "hidden_at": None,
                        "hide_reason": None,
                        "public_changed_at": None,
                    }
                )
                offered.append((vacancy_id, title, low, high))
                vacancy_id += 1
            self.employers.append((employer_id + n, ward.code, offered))
        writer.insert(Employer.__table__, employers)
        writer.insert(Vacancy.__table__, vacancies)

        school_id, programme_id = (
            writer.first_id(School.__table__),
            writer.first_id(TrainingProgramme.__table__),
        )
        schools, programmes = [], []
        self.schools = []  # (id, [(programme id, name)])
        for n in range(self.n["schools"]):
            ward = self.wards[rng.randrange(len(self.wards))]
            kind = "Trường Cao đẳng nghề" if n % 3 == 0 else "Trung tâm Giáo dục nghề nghiệp"
            schools.append(
                {
                    **status,
                    "id": school_id + n,
                    "name": f"{kind} {ward.short_name}"
                    + (f" {n // len(self.wards) + 1}" if n >= len(self.wards) else ""),
                    "address": ward.name,
                    "ward_code": ward.code,
                    "contact_name": "Phòng Tuyển sinh",
                    "phone": f"0208{rng.randrange(10**6):06d}",
                    "email": f"tuyensinh{n}@truong.bench.vn",
                }
            )
            taught = []
            for name, level, months, tuition in rng.sample(PROGRAMMES, _between(rng, 2, 5)):
                programmes.append(
                    {
                        "id": programme_id,
                        "school_id": school_id + n,
                        "name": name,
                        "level": level,
                        "duration_months": months,
                        "seats": rng.choice((20, 25, 30, 40)),
                        "tuition": tuition,
                        "priority_support": names.PRIORITY_SUPPORT,
                        "created_at": approved,
                        "public_changed_at": None,
                    }
                )
                taught.append((programme_id, name))
                programme_id += 1
            self.schools.append((school_id + n, taught))
        writer.insert(School.__table__, schools)
        writer.insert(TrainingProgramme.__table__, programmes)

    # --- Fairs over the year, in every ward (wards - phường - a little more often) -----------------------

    def _fairs(self) -> None:
        rng, writer, count = self.rng, self.writer, self.n["fairs"]
        order = list(range(len(self.wards))) + [i for i, w in enumerate(self.wards) if w.kind == "phuong"]
        rng.shuffle(order)
        first = writer.first_id(Fair.__table__)
        days = (date(self.year, 12, 31) - date(self.year, 1, 1)).days
        self.fairs = []  # (id, ward index, starts_at, ends_at)
        rows = []
        for n in range(count):
            day = date(self.year, 1, 3) + timedelta(days=(n * (days - 6)) // count + _between(rng, 0, 3))
            if day.weekday() == 6:  # not on a Sunday
                day += timedelta(days=1)
            morning = rng.random() < 0.8
            starts = _local(day, 7, 30) if morning else _local(day, 13, 30)
            ends = starts + timedelta(hours=4 if morning else 3)
            ward_index = order[n % len(order)]
            ward = self.wards[ward_index]
            self.fairs.append((first + n, ward_index, starts, ends))
            rows.append(
                {
                    "id": first + n,
                    "title": f"Phiên giao dịch việc làm lưu động {ward.name} tháng {day.month}/{day.year}",
                    "ward_code": ward.code,
                    "venue_name": rng.choice(("Nhà văn hoá ", "Trụ sở UBND ", "Sân vận động "))
                    + ward.short_name,
                    "venue_address": f"{ward.name}, tỉnh Thái Nguyên",
                    "directions": None,
                    "starts_at": starts,
                    "ends_at": ends,
                    "capacity": None,
                    "description": None,
                    "contact_name": "Cán bộ Lao động - Xã hội",
                    "contact_phone": f"0208{rng.randrange(10**6):06d}",
                    "status": "closed",
                    "cancel_reason": None,
                    "published_at": starts - timedelta(days=21),
                    "opened_at": starts,
                    "closed_at": ends,
                    "cancelled_at": None,
                    "cancelled_by": None,
                    "series_id": None,
                    "created_by": self.organiser_of[ward.code],
                    "created_at": starts - timedelta(days=30),
                    "updated_at": ends,
                }
            )
        writer.insert(Fair.__table__, rows)

    def _booths(self) -> None:
        rng, writer = self.rng, self.writer
        booth_id = writer.first_id(Booth.__table__)
        booths, offers = [], []
        self.booths = []  # per fair: [(booth id, employer or None, school or None)]
        for fair_id, _ward, starts, _ends in self.fairs:
            here = []
            employers = rng.sample(self.employers, min(len(self.employers), _between(rng, 8, 16)))
            schools = rng.sample(self.schools, min(len(self.schools), _between(rng, 1, 3)))
            for label, holder in itertools.chain(
                ((f"A{n}", ("employer", e)) for n, e in enumerate(employers, start=1)),
                ((f"B{n}", ("school", s)) for n, s in enumerate(schools, start=1)),
            ):
                kind, partner = holder
                booths.append(
                    {
                        "id": booth_id,
                        "fair_id": fair_id,
                        "employer_id": partner[0] if kind == "employer" else None,
                        "school_id": partner[0] if kind == "school" else None,
                        "label": label,
                        "status": "confirmed",
                        "cancel_reason": None,
                        "confirmed_at": starts - timedelta(days=7),
                        "created_by": None,
                        "created_at": starts - timedelta(days=14),
                    }
                )
                if kind == "employer":
                    offers.extend(
                        {
                            "fair_id": fair_id,
                            "vacancy_id": vacancy[0],
                            "created_at": starts - timedelta(days=7),
                        }
                        for vacancy in partner[2]
                    )
                here.append(
                    (booth_id, partner if kind == "employer" else None, partner if kind == "school" else None)
                )
                booth_id += 1
            self.booths.append(here)
        writer.insert(Booth.__table__, booths)
        writer.insert(VacancyOffer.__table__, offers)

    # --- Job seekers and their registrations ------------------------------------------------------------

    def _fair_counts(self) -> list[int]:
        """How many fairs each person registers for (1 to 5), adding up to the registrations."""
        rng, people = self.rng, self.n["attendees"]
        most = min(5, len(self.fairs))
        total = max(people, min(self.n["registrations"], people * most))
        counts = [min(most, c) for c in rng.choices((1, 2, 3, 4, 5), weights=(45, 25, 15, 10, 5), k=people)]
        surplus = sum(counts) - total
        while surplus:
            person = rng.randrange(people)
            if surplus > 0 and counts[person] > 1:
                counts[person] -= 1
                surplus -= 1
            elif surplus < 0 and counts[person] < most:
                counts[person] += 1
                surplus += 1
        return counts

    def _people(self) -> None:
        rng, fairs = self.rng, self.fairs
        near_fairs = [[] for _ in self.wards]  # ward index → the fairs in wards near it
        for f, (_id, ward_index, _starts, _ends) in enumerate(fairs):
            for index in range(max(0, ward_index - NEAR), min(len(self.wards), ward_index + NEAR + 1)):
                near_fairs[index].append(f)
        size = [rng.uniform(0.5, 2.0) for _ in fairs]  # some fairs draw more people
        cumulative = list(itertools.accumulate(size))
        homes, plan = [], []  # plan: (created_at, fair index, person, channel)
        for person, count in enumerate(self._fair_counts()):
            first_fair = bisect.bisect(cumulative, rng.random() * cumulative[-1])
            first_fair = min(first_fair, len(fairs) - 1)
            draw = rng.random()
            ward_index = fairs[first_fair][1]
            if draw >= 0.8:
                ward_index = self._ward_near(ward_index) if draw < 0.95 else rng.randrange(len(self.wards))
            homes.append(ward_index)
            chosen = {first_fair}
            pool = near_fairs[ward_index]
            for fair in rng.sample(pool, min(len(pool), count + 1)):
                if len(chosen) < count:
                    chosen.add(fair)
            while len(chosen) < count:
                chosen.add(rng.randrange(len(fairs)))
            for fair in chosen:
                starts = fairs[fair][2]
                channel = CHANNELS.draw(rng)
                if channel == "walk_in":
                    created = starts + timedelta(minutes=_between(rng, 0, 150), seconds=_between(rng, 0, 59))
                else:
                    created = starts - timedelta(days=_between(rng, 1, 20), minutes=_between(rng, 0, 900))
                plan.append((created, fair, person, channel))
        plan.sort()
        # Ids in order of creation: a person's id is their first registration's turn
        attendee_first, registration_first = (
            self.writer.first_id(Attendee.__table__),
            self.writer.first_id(Registration.__table__),
        )
        attendee_of, first_seen = {}, []
        for created, _fair, person, _channel in plan:
            if person not in attendee_of:
                attendee_of[person] = attendee_first + len(first_seen)
                first_seen.append((person, created))
        self.attendee_ward = {attendee_of[p]: self.wards[homes[p]].code for p in attendee_of}
        self.registrations = [  # (id, fair index, attendee id, channel, created_at)
            (registration_first + n, fair, attendee_of[person], channel, created)
            for n, (created, fair, person, channel) in enumerate(plan)
        ]
        self.writer.insert(Attendee.__table__, self._attendee_rows(first_seen, attendee_of))
        self.writer.insert(Registration.__table__, self._registration_rows())

    def _attendee_rows(self, first_seen, attendee_of) -> Iterator[dict]:
        rng = self.rng
        educations = [e.value for e in EducationLevel]
        ward_names = {ward.code: ward.name for ward in self.wards}
        for person, created in first_seen:
            attendee_id = attendee_of[person]
            gender = "male" if rng.random() < 0.5 else "female"
            full_name = " ".join(
                (
                    FAMILY_NAMES.draw(rng),
                    MIDDLE_NAMES[gender].draw(rng),
                    rng.choice(names.GIVEN_NAMES[gender]),
                )
            )
            if full_name not in self.fold_cache:
                self.fold_cache[full_name] = fold(full_name)
            birth_year = BIRTH_YEARS.draw(rng)
            group = PRIORITY_GROUPS.draw(rng)
            ward_code = self.attendee_ward[attendee_id]
            serial = attendee_id - 1
            citizen_id = None
            if rng.random() < 0.7 and serial < 10**6:  # 12 digits: province of birth, sex and century, year
                century_sex = (0 if birth_year < 2000 else 2) + (gender == "female")
                citizen_id = f"019{century_sex}{birth_year % 100:02d}{serial:06d}"
            yield {
                "id": attendee_id,
                "full_name": full_name,
                "name_key": self.fold_cache[full_name],
                "phone": rng.choice(names.MOBILE_PREFIXES)
                + f"{(serial * 7_654_321 + 1_234_567) % 10**7:07d}",
                "citizen_id": citizen_id,
                "birth_year": birth_year,
                "birth_date": date(birth_year, _between(rng, 1, 12), _between(rng, 1, 28))
                if citizen_id
                else None,
                "gender": gender,
                "ward_code": ward_code,
                "address": f"Tổ {_between(rng, 1, 30)}, {ward_names[ward_code]}"
                if rng.random() < 0.5
                else None,
                "education_level": rng.choice(educations),
                "qualification": rng.choice([q.value for q in Qualification]) if rng.random() < 0.6 else None,
                "situation": rng.choice([s.value for s in Situation]) if rng.random() < 0.7 else None,
                "priority_group": group,
                "household_code": f"{ward_code}-{rng.randrange(10**5):05d}" if group != "none" else None,
                "created_at": created,
                "updated_at": created,
                "erased_at": None,
            }

    def _registration_rows(self) -> Iterator[dict]:
        rng = self.rng
        for registration_id, fair, attendee_id, channel, created in self.registrations:
            shares = rng.random() < 0.75
            wants_training = rng.random() < 0.15
            yield {
                "id": registration_id,
                "fair_id": self.fairs[fair][0],
                "attendee_id": attendee_id,
                "channel": channel,
                "consent_personal_data_version": PERSONAL_DATA_VERSION,
                "consent_personal_data_at": created,
                "consent_share_version": SHARE_VERSION if shares else None,
                "consent_share_at": created if shares else None,
                "ticket_secret": _secret(rng, _TICKET_BYTES, TICKET_SECRET_LENGTH),
                "ticket_nonce": _secret(rng, _NONCE_BYTES, NONCE_LENGTH),
                "desired_jobs": rng.choice(names.DESIRED_JOBS) if rng.random() < 0.6 else None,
                "wants_training": wants_training,
                "training_wish": rng.choice(PROGRAMMES)[0] if wants_training else None,
                "created_by": None if channel == "online" else self._organiser(fair),
                "created_at": created,
            }

    def _organiser(self, fair: int) -> int:
        return self.organiser_of[self.wards[self.fairs[fair][1]].code]

    # --- At the fair: check-ins, then booth records of people checked in -----------------------------

    def _check_ins(self) -> None:
        rng = self.rng
        self.checked_in = []  # (registration id, fair index, attendee id, checked_in_at)
        rows = []
        for registration_id, fair, attendee_id, channel, created in self.registrations:
            if rng.random() >= SHOW_UP[channel]:
                continue
            _id, _ward, starts, ends = self.fairs[fair]
            if channel == "walk_in":
                at, source = created + timedelta(minutes=_between(rng, 1, 3)), "walk_in"
            else:
                at = starts + timedelta(seconds=_between(rng, 0, int((ends - starts).total_seconds()) - 1800))
                source = SCAN_SOURCES.draw(rng)
            self.checked_in.append((registration_id, fair, attendee_id, at))
            rows.append(
                {
                    "fair_id": self.fairs[fair][0],
                    "registration_id": registration_id,
                    "checked_in_at": at,
                    "source": source,
                    "scan_id": f"{rng.getrandbits(64):016x}" if source in ("scanner", "offline") else None,
                    "device_id": None,
                    "by_user_id": None if source == "kiosk" else self._organiser(fair),
                }
            )
        rows.sort(key=lambda row: row["checked_in_at"])
        self.writer.insert(CheckIn.__table__, rows)

    def _interviews(self) -> None:
        rng, wanted = self.rng, self.n["interviews"]
        interview_id = self.writer.first_id(Interview.__table__)
        self.employer_records = []  # (id, fair index, attendee id, employer, vacancy, outcome)
        visitors = list(self.checked_in)
        rng.shuffle(visitors)
        rows = []
        for registration_id, fair, attendee_id, checked_in_at in visitors:
            if len(rows) >= wanted:
                break
            visits = min(wanted - len(rows), BOOTHS_VISITED.draw(rng))
            for booth_id, employer, school in rng.sample(
                self.booths[fair], min(visits, len(self.booths[fair]))
            ):
                ends = self.fairs[fair][3]
                seen = min(checked_in_at + timedelta(minutes=_between(rng, 5, 90)), max(checked_in_at, ends))
                fair_day = _local_day(self.fairs[fair][2])
                vacancy = programme = None
                if employer is not None:
                    outcome = EMPLOYER_OUTCOMES.draw(rng)
                    vacancy = rng.choice(employer[2]) if rng.random() < 0.9 else None
                    self.employer_records.append(
                        (interview_id, fair, attendee_id, employer, vacancy, outcome)
                    )
                else:
                    outcome = "enrolled" if rng.random() < 0.3 else "counselled"
                    programme = rng.choice(school[1])[0] if rng.random() < 0.95 else None
                rows.append(
                    {
                        "id": interview_id,
                        "fair_id": self.fairs[fair][0],
                        "booth_id": booth_id,
                        "employer_id": employer[0] if employer else None,
                        "school_id": school[0] if school else None,
                        "registration_id": registration_id,
                        "attendee_id": attendee_id,
                        "vacancy_id": vacancy[0] if vacancy else None,
                        "programme_id": programme,
                        "outcome": outcome,
                        "rating": rng.choice((2, 3, 3, 4, 4, 5)) if rng.random() < 0.6 else None,
                        "notes": "Có kinh nghiệm, đi làm được ngay." if rng.random() < 0.2 else None,
                        "tags": [],
                        "next_step_at": (
                            _local(fair_day + timedelta(days=_between(rng, 3, 10)), 9)
                            if outcome == "shortlisted"
                            else None
                        ),
                        "next_step_place": "Phòng Nhân sự công ty" if outcome == "shortlisted" else None,
                        "intake_date": (
                            add_months(fair_day.replace(day=1), 1) if outcome == "enrolled" else None
                        ),
                        "not_checked_in": False,
                        "created_by": None,
                        "created_at": seen,
                        "updated_by": None,
                        "updated_at": None,
                    }
                )
                interview_id += 1
        self.writer.insert(Interview.__table__, rows)

    # --- After the fair: hires and their follow-ups -----------------------------------------------------

    def _hire_sources(self, wanted: int) -> list[tuple]:
        """Booth records that led to a hire: offered ones mostly, then shortlisted, a few interviewed;
        one per person and fair."""
        rng, chosen, taken = self.rng, [], set()
        chance = {"offered": 0.9, "shortlisted": 0.55, "interviewed": 0.08, "not_suitable": 0.0}
        records = list(self.employer_records)
        rng.shuffle(records)
        for second_pass in (False, True):
            for record in records:
                _id, fair, attendee_id, _employer, _vacancy, outcome = record
                if len(chosen) >= wanted or (fair, attendee_id) in taken or outcome == "not_suitable":
                    continue
                if second_pass or rng.random() < chance[outcome]:
                    chosen.append(record)
                    taken.add((fair, attendee_id))
        return chosen

    def _hires(self) -> None:
        rng, total = self.rng, self.n["hires"]
        confirmed = min(total, round(self.n["follow_ups"] / len(FOLLOW_UP_MONTHS)))
        told = round((total - confirmed) * 0.6)
        statuses = (
            ["confirmed"] * confirmed + ["to_confirm"] * told + ["dismissed"] * (total - confirmed - told)
        )
        rng.shuffle(statuses)
        interviewed_with = {(r[2], r[3][0]) for r in self.employer_records}
        jobs = []  # (created_at, row without id)
        keys = set()
        for record in self._hire_sources(round(total * 0.9)):
            interview_id, fair, attendee_id, employer, vacancy, _outcome = record
            vacancy = vacancy or rng.choice(employer[2])
            start = _local_day(self.fairs[fair][2]) + timedelta(days=_between(rng, 3, 45))
            if job := self._job(attendee_id, employer, vacancy, start, fair, interview_id, keys):
                jobs.append(job)
        attendees = sorted(self.attendee_ward)
        while len(jobs) < total:  # found without a fair: at the company's gate, through family
            attendee_id = rng.choice(attendees)
            start = date(self.year, 1, 1) + timedelta(days=rng.randrange(365))
            employer = rng.choice(self.employers)
            if (attendee_id, employer[0]) in interviewed_with:
                continue
            if rng.random() < 0.4:
                employer = None
            job = self._job(
                attendee_id, employer, employer and rng.choice(employer[2]), start, None, None, keys
            )
            if job:
                jobs.append(job)
        jobs.sort(key=lambda job: job["created_at"])
        first = self.writer.first_id(Hire.__table__)
        follow_ups = []
        for n, (job, status) in enumerate(zip(jobs, statuses, strict=False)):
            job["id"] = first + n
            self._stand(job, status, follow_ups)
        self.writer.insert(Hire.__table__, jobs)
        self.writer.insert(FollowUp.__table__, follow_ups)

    def _job(self, attendee_id, employer, vacancy, start, fair, interview_id, keys) -> dict | None:
        rng = self.rng
        if employer is None:
            name = f"Hộ kinh doanh {rng.choice(list(names.FAMILY_NAMES))} {rng.choice(BRANDS)}"
            key = f"name:{fold(name)}"
        else:
            name, key = None, f"id:{employer[0]}"
        if (attendee_id, key, start) in keys:
            return None
        keys.add((attendee_id, key, start))
        low, high = (vacancy[2], vacancy[3]) if vacancy else (5_000_000, 8_000_000)
        contract = CONTRACTS.draw(rng)
        insured = INSURED.get(contract, 0.0)
        fair_ends = self.fairs[fair][3] if fair is not None else None
        created = _local(start, 8) - timedelta(days=_between(rng, 0, 5))
        if fair_ends is not None:
            created = max(created, fair_ends + timedelta(hours=_between(rng, 2, 48)))
        return {
            "attendee_id": attendee_id,
            "fair_id": self.fairs[fair][0] if fair is not None else None,
            "interview_id": interview_id,
            "ward_code": self.attendee_ward[attendee_id],
            "employer_id": employer[0] if employer else None,
            "employer_name": name,
            "employer_tax_code": None,
            "employer_key": key,
            "vacancy_id": vacancy[0] if vacancy else None,
            "position": vacancy[1] if vacancy else "Bán hàng",
            "start_date": start,
            "monthly_salary": int(round(rng.uniform(low, high), -5)) if rng.random() < 0.9 else None,
            "contract_type": contract,
            "social_insurance": (rng.random() < insured) if rng.random() < 0.95 else None,
            "workplace_ward_code": employer[1] if employer else None,
            "workplace_province_code": PROVINCE,
            "status": None,
            "source": None,
            "sustainable": None,
            "decided_at": None,
            "created_by": None,
            "created_at": created,
            "updated_by": None,
            "updated_at": None,
        }

    def _stand(self, hire: dict, status: str, follow_ups: list[dict]) -> None:
        """The hire's status and source; for a confirmed one its follow-ups and the sustainable-job
        decision they make."""
        rng = self.rng
        organiser = self.organiser_of[hire["ward_code"]]
        hire["status"] = status
        if status != "confirmed":
            hire["source"] = "job_seeker"
            if status == "dismissed":
                hire["updated_by"], hire["updated_at"] = organiser, hire["created_at"] + timedelta(days=3)
            return
        hire["source"] = "employer" if rng.random() < 0.55 else "organiser"
        hire["created_by"] = organiser if hire["source"] == "organiser" else None
        left_at = LEFT_AT.draw(rng)
        changed_from = CHANGED_FROM.draw(rng)
        answers, still_open, left = {}, False, None
        for month in FOLLOW_UP_MONTHS:
            due = add_months(hire["start_date"], month)
            row = {
                "hire_id": hire["id"],
                "month": month,
                "due_on": due,
                "outcome": None,
                "checked_on": None,
                "reason": None,
            }
            row |= {
                "note": None,
                "new_employer_name": None,
                "new_hire_id": None,
                "retry_on": None,
                "attempts": 0,
            }
            row |= {"answered_by": None, "by_user_id": None, "recorded_at": None, "asked_at": None}
            follow_ups.append(row)
            if due <= self.as_of:
                row["asked_at"] = _local(due, 8)
            if left is not None:  # closed by the rule when the person left at an earlier milestone
                row |= {"outcome": "left", "checked_on": left[0], "reason": left[1], "answered_by": "rule"}
                row["recorded_at"] = left[2]
                answers[month] = "left"
                continue
            call = due + timedelta(days=_between(rng, 0, 12))
            if still_open or call > self.as_of:
                still_open = True
                answers[month] = None
                continue
            row["attempts"], row["by_user_id"] = _between(rng, 1, 2), organiser
            row["recorded_at"] = _local(call, 9, _between(rng, 0, 59))
            row["answered_by"] = "staff"
            answers[month] = None
            if rng.random() < 0.1:  # unreachable: called again later
                row["retry_on"] = call + timedelta(days=3)
                still_open = True
                continue
            if rng.random() < 0.2:
                row["answered_by"], row["by_user_id"] = "job_seeker", None
            outcome = "still_employed"
            if left_at == month:
                outcome = "left"
                row["reason"] = LEAVE_REASONS.draw(rng)
                left = (call, row["reason"], row["recorded_at"])
            elif changed_from is not None and changed_from <= month:
                outcome = "changed_employer"
                row["new_employer_name"] = f"Công ty TNHH {rng.choice(BRANDS)}"
            row["outcome"], row["checked_on"] = outcome, call
            answers[month] = outcome
        # Decided by the first answer that settles the rule; kept as it is, with when
        rule = SustainableRule()
        for row in follow_ups[-len(FOLLOW_UP_MONTHS) :]:
            so_far = {month: outcome for month, outcome in answers.items() if month <= row["month"]}
            decision = is_sustainable(so_far, social_insurance=hire["social_insurance"], rule=rule)
            if decision is not None:
                hire["sustainable"], hire["decided_at"] = decision, row["recorded_at"]
                break


def prepare(database_url: str) -> None:
    """Migrate the database as `flask db upgrade` does and load the administrative units."""
    from flask_migrate import upgrade

    from fairapp import create_app
    from fairapp.extensions import db
    from fairapp.geo import loader

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        loader.load_units()
        db.session.commit()
        db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    from fairapp import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fairapp-province-") as folder:
        os.environ.setdefault("FAIRAPP_INSTANCE_PATH", folder)
        prepare(args.database_url)
        engine = sa.create_engine(args.database_url)
        started = time.perf_counter()
        with create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": args.database_url}).app_context():
            counts = generate(engine, scale=args.scale, year=args.year, seed=args.seed)
        seconds = time.perf_counter() - started
        engine.dispose()
    for table, count in counts.items():
        print(f"{table:20} {count:>9,}")
    print(f"generated in {seconds:.1f} s ({engine.dialect.name}, scale {args.scale}, year {args.year})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
