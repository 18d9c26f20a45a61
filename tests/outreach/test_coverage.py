"""Coverage of the priority households on a hand-made ward (build_ward below, the numbers worked out by
hand): who counts (working age in the year, the list's status in effect, still on the list; an erased
member too), the
steps counted by the reports' rule wherever the fair was, "reached" (registered or hired, or a need
recorded by the year's latest call), coverage_pct; the API's answer and who may ask; the dashboard's
panel."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Channel, Gender, Registration
from fairapp.audit.models import AuditEntry
from fairapp.checkins.models import CheckIn
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import local_day
from fairapp.households.models import Category, Household, HouseholdMember, MemberGender
from fairapp.modelbase import utcnow
from fairapp.outcomes.models import Hire, HireSource, HireStatus
from fairapp.outreach.coverage import Coverage, coverage, coverage_by_ward, member_rows, worker_day
from fairapp.outreach.models import ContactOutcome, OutreachContact
from fairapp.partners.models import Employer, PartnerStatus
from fairapp.text import fold
from tests.checkins.conftest import token_for  # noqa: F401
from tests.reports.test_dashboard import Tables

BACH_QUANG, SONG_CONG, BA_XUYEN = "05528", "05518", "05533"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2025
TODAY = date(2026, 12, 8)  # the year asked is a past one: its list and ages on 31/12/2025


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=VIETNAM)


@dataclass
class Ward:
    """What build_ward made: members by key, fairs by key."""

    members: dict = field(default_factory=dict)
    fairs: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)  # member key → the attendee matched to them


def build_ward() -> Ward:
    """Bách Quang's list in 2025 (retirement that year: men 61 years 3 months, women 56 years 8 months):

    H1 poor          m1  M 1990   registered at FA (Bách Quang), in, hired from FA, sustainable
                     m2  F 1969   (56: working age) registered at FB in Sông Công, in
                     m3  M 2011   (14) registered at FA              → not counted
                     m4  F 1968   (57: retired)                      → not counted
                     m5  M 2010   (15) call: will come               → reached
    H2 near_poor     m6  F 1985   calls: has a job, then unreachable (the latest) → not reached
                     m7  M 1964   (61: working age) calls: unreachable, then not looking → reached
                     m8  M 1980   no longer on the list, registered at FA → not counted
                     m9  F 1992   registered at F24 (2024) and a 2024 call "will come" → not reached
                     m10 M 1975   hired without a fair (by phone), 2025 → hired, reached
                     m14 F 1991   erased (what named her is gone), registered at FA → still counted
    H3 escaped 06/2022 (expired 06/2025)  m11 M 1990 registered at FA → not counted
    H4 escaped 03/2023 (until 03/2026)    m12 F 1995 nothing          → counted, not reached
    Sông Công's list: H5 poor             m13 M 1988 registered at FA (Bách Quang) → counts for Sông Công

    Bách Quang 2025: members 9 (m1 m2 m5 m6 m7 m9 m10 m12 m14), registered 3, checked in 2, hired 2,
    sustained 1, reached 6 (m1 m2 m5 m7 m10 m14), coverage 66.7 %. Sông Công: 1 member, registered,
    reached: 100.0 %."""
    ward = Ward()
    add = db.session.add

    def fair(key, day, ward_code, status=FairStatus.CLOSED):
        made = Fair(
            title=f"Phiên {key}",
            ward_code=ward_code,
            venue_name=f"Nhà văn hoá {key}",
            starts_at=at(day),
            ends_at=at(day) + timedelta(hours=4),
            status=status,
        )
        add(made)
        ward.fairs[key] = made

    fair("FA", date(2025, 3, 10), BACH_QUANG)
    fair("FB", date(2025, 9, 20), SONG_CONG)
    fair("F24", date(2024, 11, 5), BACH_QUANG)
    employer = Employer(name="Công ty May Sông Công", tax_code="0100000001", status=PartnerStatus.APPROVED)
    add(employer)

    def household(code, category, ward_code=BACH_QUANG, escaped_on=None):
        made = Household(
            ward_code=ward_code,
            household_code=code,
            category=category,
            list_year=YEAR,
            escaped_on=escaped_on,
            village="Tổ 3",
            phone="0912000099",
        )
        add(made)
        return made

    households = {
        "H1": household("H1", Category.POOR),
        "H2": household("H2", Category.NEAR_POOR),
        "H3": household("H3", Category.ESCAPED_POVERTY, escaped_on=date(2022, 6, 1)),
        "H4": household("H4", Category.ESCAPED_POVERTY, escaped_on=date(2023, 3, 1)),
        "H5": household("H5", Category.POOR, ward_code=SONG_CONG),
    }
    db.session.flush()
    members = {
        "m1": ("H1", "M", 1990),
        "m2": ("H1", "F", 1969),
        "m3": ("H1", "M", 2011),
        "m4": ("H1", "F", 1968),
        "m5": ("H1", "M", 2010),
        "m6": ("H2", "F", 1985),
        "m7": ("H2", "M", 1964),
        "m8": ("H2", "M", 1980),
        "m9": ("H2", "F", 1992),
        "m10": ("H2", "M", 1975),
        "m14": ("H2", "F", 1991),
        "m11": ("H3", "M", 1990),
        "m12": ("H4", "F", 1995),
        "m13": ("H5", "M", 1988),
    }
    for n, (key, (code, sex, born)) in enumerate(members.items(), start=1):
        name = f"Thành viên {key}"
        member = HouseholdMember(
            household_id=households[code].id,
            full_name=name,
            name_key=fold(name),
            birth_year=born,
            gender=MemberGender.MALE if sex == "M" else MemberGender.FEMALE,
            phone=f"09130000{n:02d}" if key != "m6" else None,
            active=key != "m8",
            erased_at=utcnow() if key == "m14" else None,
        )
        add(member)
        ward.members[key] = member
    db.session.flush()

    def person(key):
        member = ward.members[key]
        found = Attendee(
            full_name=member.full_name,
            name_key=member.name_key,
            phone=f"0987{member.id:06d}",
            birth_year=member.birth_year,
            gender=Gender.MALE if member.gender == MemberGender.MALE else Gender.FEMALE,
            ward_code=member.household.ward_code,
            household_member_id=member.id,
        )
        add(found)
        ward.people[key] = found
        return found

    for key in ("m1", "m2", "m3", "m8", "m9", "m10", "m11", "m13", "m14"):
        person(key)
    db.session.flush()
    registrations = {}
    for key, fair_key in (
        ("m1", "FA"),
        ("m2", "FB"),
        ("m3", "FA"),
        ("m8", "FA"),
        ("m9", "F24"),
        ("m11", "FA"),
        ("m13", "FA"),
        ("m14", "FA"),
    ):
        registration = Registration(
            fair_id=ward.fairs[fair_key].id,
            attendee_id=ward.people[key].id,
            channel=Channel.STAFF,
            consent_personal_data_version="2025-01",
            consent_personal_data_at=utcnow(),
        )
        add(registration)
        registrations[key] = registration
    db.session.flush()
    for key in ("m1", "m2"):
        registration = registrations[key]
        fair_of = db.session.get(Fair, registration.fair_id)
        add(
            CheckIn(
                fair_id=registration.fair_id,
                registration_id=registration.id,
                checked_in_at=fair_of.starts_at,
                source="staff",
            )
        )

    def hire(key, fair_key, start, sustainable=None):
        fair_of = ward.fairs.get(fair_key)
        add(
            Hire(
                attendee_id=ward.people[key].id,
                fair_id=fair_of.id if fair_of else None,
                ward_code=fair_of.ward_code if fair_of else BACH_QUANG,
                employer_id=employer.id,
                employer_key=f"id:{employer.id}",
                start_date=start,
                status=HireStatus.CONFIRMED,
                source=HireSource.ORGANISER,
                sustainable=sustainable,
            )
        )

    hire("m1", "FA", date(2025, 4, 1), sustainable=True)
    hire("m10", None, date(2025, 6, 1))

    def call(key, outcome, day, retry_on=None):
        add(
            OutreachContact(member_id=ward.members[key].id, outcome=outcome, retry_on=retry_on, at=at(day, 9))
        )

    call("m5", ContactOutcome.WILL_COME, date(2025, 3, 1))
    call("m6", ContactOutcome.HAS_JOB, date(2025, 2, 1))
    call("m6", ContactOutcome.UNREACHABLE, date(2025, 5, 1), retry_on=date(2025, 5, 4))
    call("m7", ContactOutcome.UNREACHABLE, date(2025, 2, 1), retry_on=date(2025, 2, 4))
    call("m7", ContactOutcome.NOT_LOOKING, date(2025, 2, 5))
    call("m9", ContactOutcome.WILL_COME, date(2024, 10, 1))
    db.session.commit()
    return ward


@pytest.fixture()
def ward(db):
    return build_ward()


EXPECTED = {
    "members_working_age": 9,
    "reached": 6,
    "registered": 3,
    "checked_in": 2,
    "hired": 2,
    "sustained": 1,
    "coverage_pct": 66.7,
}


# --- The service ---------------------------------------------------------------------------------------


def test_coverage_of_the_hand_made_ward(ward):
    assert coverage(BACH_QUANG, YEAR, today=TODAY).as_dict() == EXPECTED


def test_coverage_by_ward_counts_a_member_where_they_live_whatever_the_fairs_ward(ward):
    found = coverage_by_ward([BACH_QUANG, SONG_CONG, BA_XUYEN], YEAR, today=TODAY)
    assert found[BACH_QUANG].as_dict() == EXPECTED
    # m13 lives in Sông Công and registered at a fair in Bách Quang
    assert found[SONG_CONG].as_dict() == {
        "members_working_age": 1,
        "reached": 1,
        "registered": 1,
        "checked_in": 0,
        "hired": 0,
        "sustained": 0,
        "coverage_pct": 100.0,
    }
    assert found[BA_XUYEN] == Coverage() and found[BA_XUYEN].coverage_pct is None  # no list: no share
    total = Coverage.total(found.values())
    assert (total.members_working_age, total.reached, total.coverage_pct) == (10, 7, 70.0)


def test_coverage_by_ward_reads_every_ward_in_one_statement(ward):
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        coverage_by_ward([BACH_QUANG, SONG_CONG, BA_XUYEN], YEAR, today=TODAY)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_the_members_rows_say_who_counts_and_how_far_each_went(ward):
    rows = {row.member_id: row for row in member_rows(BACH_QUANG, YEAR, today=TODAY)}
    keys = {key for key, member in ward.members.items() if member.id in rows}
    assert keys == {"m1", "m2", "m5", "m6", "m7", "m9", "m10", "m12", "m14"}
    m = {key: rows[ward.members[key].id] for key in keys}
    assert (m["m1"].registered, m["m1"].checked_in, m["m1"].hired, m["m1"].sustained) == (True,) * 4
    assert m["m5"].reached and not m["m5"].registered and m["m5"].last_outcome == ContactOutcome.WILL_COME
    assert not m["m6"].reached and m["m6"].last_outcome == ContactOutcome.UNREACHABLE
    assert m["m7"].reached and m["m7"].last_outcome == ContactOutcome.NOT_LOOKING
    assert not m["m9"].reached and m["m9"].last_outcome is None  # 2024's call and fair: another year
    assert m["m10"].hired and m["m10"].reached and not m["m10"].registered
    assert not m["m12"].reached and m["m12"].category == Category.ESCAPED_POVERTY


def test_the_working_age_day_is_today_in_the_current_year(ward):
    assert worker_day(YEAR, TODAY) == date(2025, 12, 31)
    assert worker_day(2026, TODAY) == TODAY
    # In 2026 the escaped household H4 (03/2023) has expired, and 2025's steps and calls are the past
    found = coverage(BACH_QUANG, 2026, today=TODAY)
    # m2 (women: 57 years) and m7 (men: 61 years 6 months) are retired, m3 turned 15:
    # m1 m3 m5 m6 m9 m10 m14
    assert found.members_working_age == 7 and found.reached == 0 and found.coverage_pct == 0.0


def test_coverage_pct_is_rounded_half_up_to_one_decimal():
    assert Coverage(members_working_age=3, reached=2).coverage_pct == 66.7
    assert Coverage(members_working_age=16, reached=1).coverage_pct == 6.3  # 6.25: half up
    assert Coverage(members_working_age=0).coverage_pct is None


# --- The API -------------------------------------------------------------------------------------------


def url(code=BACH_QUANG, year=YEAR):
    return f"/api/v1/wards/{code}/coverage" + (f"?year={year}" if year is not None else "")


def test_the_api_answers_the_wards_coverage(ward, client, token_for):
    _user, headers = token_for("admin")
    response = client.get(url(), headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"ward_code": BACH_QUANG, "year": YEAR, **EXPECTED}
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "outreach.coverage")).one()
    assert entry.details == {"ward_code": BACH_QUANG, "year": YEAR}


def test_an_organiser_of_the_ward_may_ask_and_another_wards_may_not(ward, client, token_for):
    _user, own = token_for("organiser", ward_codes=[BACH_QUANG])
    assert client.get(url(), headers=own).get_json()["coverage_pct"] == 66.7
    _user, other = token_for("organiser", ward_codes=[SONG_CONG])
    refused = client.get(url(), headers=other)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "ward_not_allowed"
    assert refused.get_json()["error"]["message"] == "Bạn không được xem số liệu của phường, xã này."
    assert client.get(url(SONG_CONG), headers=other).status_code == 200


@pytest.mark.parametrize("role", ["employer", "gate", "school"])
def test_other_roles_are_refused(ward, client, token_for, role):
    _user, headers = token_for(role)
    response = client.get(url(), headers=headers)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_anonymous_callers_get_401(ward, client):
    response = client.get(url())
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_an_unknown_ward_is_404_and_a_bad_year_names_the_field(ward, client, token_for):
    _user, headers = token_for("admin")
    missing = client.get(url("99999"), headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "unknown_ward"
    assert client.get(url("abc"), headers=headers).status_code == 404
    for year in ("1999", "abc"):
        bad = client.get(url(year=year), headers=headers)
        assert bad.status_code == 422 and "year" in bad.get_json()["error"]["fields"], bad.get_json()
    assert client.get(url(year=None), headers=headers).get_json()["year"] == local_day(utcnow()).year


def test_the_api_is_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    path = spec["paths"]["/api/v1/wards/{code}/coverage"]
    operation = path["get"]
    parameters = [*path.get("parameters", []), *operation["parameters"]]
    assert {(p["in"], p["name"]) for p in parameters} >= {("path", "code"), ("query", "year")}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[1]
    properties = spec["components"]["schemas"][name]["properties"]
    assert set(EXPECTED) | {"ward_code", "year"} <= set(properties)
    assert {"403", "404"} <= set(operation["responses"])


# --- The dashboard ----------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_coverage_per_ward_and_the_total(ward, client, auth):
    auth.login("admin")
    response = client.get(f"/manage/dashboard?year={YEAR}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    table = Tables(html).tables["coverage"]
    assert table["head"][-1] == "Tỷ lệ bao phủ (mục tiêu 100 %)"
    assert table["rows"] == {
        "Phường Bách Quang": ["9", "6", "3", "2", "2", "1", "3", "66,7 %"],
        "Phường Sông Công": ["1", "1", "1", "0", "0", "0", "0", "100,0 %"],
        "Tổng cộng": ["10", "7", "4", "2", "2", "1", "3", "70,0 %"],
    }
    assert re.search(r'href="/manage/households/outreach\?ward=05528"', html)


def test_an_organiser_sees_the_coverage_of_their_wards_only(ward, client, auth):
    auth.login("organiser", ward_codes=[SONG_CONG, BA_XUYEN])
    html = client.get(f"/manage/dashboard?year={YEAR}").get_data(as_text=True)
    rows = Tables(html).tables["coverage"]["rows"]
    assert rows["Phường Sông Công"][-1] == "100,0 %"
    assert rows["Phường Bá Xuyên"] == ["0", "0", "0", "0", "0", "0", "0", "—"]
    assert "Phường Bách Quang" not in rows
    narrowed = client.get(f"/manage/dashboard?year={YEAR}&ward_code={SONG_CONG}").get_data(as_text=True)
    assert list(Tables(narrowed).tables["coverage"]["rows"]) == ["Phường Sông Công"]
