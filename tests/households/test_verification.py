"""Matching registrations to the household lists: by citizen ID, else folded name + birth year +
ward, else household code + name; the status verified / self_declared / conflict; settling a conflict
at the desk; a registration is verified as it is made."""

from datetime import date

import pytest
import sqlalchemy as sa

from fairapp.attendees import verification
from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, PriorityStatus
from fairapp.audit.models import AuditEntry
from fairapp.households.models import Category, Household, HouseholdMember
from fairapp.households.services import ListRow, save_household
from fairapp.text import fold
from tests.attendees.conftest import person, register_committed
from tests.checkins.conftest import make_fair  # noqa: F401
from tests.households.conftest import BA_XUYEN, BACH_QUANG

TODAY = date(2026, 12, 7)


def listed(db, code, category, members, *, ward=BACH_QUANG, escaped_on=None):
    household = Household(
        ward_code=ward, household_code=code, category=category, list_year=2026, escaped_on=escaped_on
    )
    for name, year, citizen_id in members:
        household.members.append(
            HouseholdMember(full_name=name, name_key=fold(name), birth_year=year, citizen_id=citizen_id)
        )
    db.session.add(household)
    db.session.flush()
    return household


PHONES = iter(range(10**6))


def someone(db, name, year, group, *, ward=BACH_QUANG, citizen_id=None, household_code=None):
    attendee = Attendee(
        full_name=name,
        name_key=fold(name),
        phone=f"0912{next(PHONES):06d}",
        birth_year=year,
        gender=Gender.FEMALE,
        ward_code=ward,
        priority_group=group,
        citizen_id=citizen_id,
        household_code=household_code,
    )
    db.session.add(attendee)
    db.session.flush()
    return attendee


@pytest.mark.parametrize(
    ("case", "typed", "expected", "how"),
    [
        (
            "citizen ID, another ward, another spelling",
            {"name": "Lan", "year": 1995, "ward": BA_XUYEN, "citizen_id": "019195001234", "group": "poor"},
            "verified",
            "citizen_id",
        ),
        (
            "folded name and year in the ward",
            {"name": "NGUYEN THI LAN", "year": 1995, "group": "poor"},
            "verified",
            "name_birth_year",
        ),
        (
            "household code and name, year wrong",
            {"name": "Nguyễn Thị Lan", "year": 1996, "household_code": "BQ-1", "group": "poor"},
            "verified",
            "household_code",
        ),
        (
            "same name and year, another ward",
            {"name": "Nguyễn Thị Lan", "year": 1995, "ward": BA_XUYEN, "group": "poor"},
            "self_declared",
            None,
        ),
        (
            "declared poor, listed near-poor",
            {"name": "Trần Văn Nam", "year": 1990, "group": "poor"},
            "conflict",
            "name_birth_year",
        ),
        (
            "declared none, listed poor",
            {"name": "nguyễn thị lan", "year": 1995, "group": "none"},
            "conflict",
            "name_birth_year",
        ),
        (
            "not on any list",
            {"name": "Phạm Thị Thu", "year": 2000, "group": "near_poor"},
            "self_declared",
            None,
        ),
        (
            "escaped, status expired, declared none",
            {"name": "Hoàng Văn Ba", "year": 1980, "group": "none"},
            "verified",
            "name_birth_year",
        ),
        (
            "escaped, status expired, declared escaped",
            {"name": "Hoàng Văn Ba", "year": 1980, "group": "escaped_poverty"},
            "conflict",
            "name_birth_year",
        ),
        (
            "two of one name and year: no guess",
            {"name": "Lê Văn Tư", "year": 1988, "group": "poor"},
            "self_declared",
            None,
        ),
    ],
)
def test_matching_table(db, case, typed, expected, how):
    listed(db, "BQ-1", Category.POOR, [("Nguyễn Thị Lan", 1995, "019195001234"), ("Lê Văn Tư", 1988, None)])
    listed(db, "BQ-2", Category.NEAR_POOR, [("Trần Văn Nam", 1990, None), ("Lê Văn Tư", 1988, None)])
    listed(db, "BQ-3", Category.ESCAPED_POVERTY, [("Hoàng Văn Ba", 1980, None)], escaped_on=date(2023, 1, 1))
    attendee = someone(
        db,
        typed["name"],
        typed["year"],
        PriorityGroup(typed["group"]),
        ward=typed.get("ward", BACH_QUANG),
        citizen_id=typed.get("citizen_id"),
        household_code=typed.get("household_code"),
    )
    assert verification.verify(attendee, day=TODAY) == PriorityStatus(expected), case
    found = verification._lookup(attendee, TODAY)
    assert (found.how if found else None) == how, case
    assert (attendee.household_member_id is not None) == (how is not None)


def test_an_inactive_or_erased_member_matches_nobody(db):
    household = listed(
        db, "BQ-1", Category.POOR, [("Nguyễn Thị Lan", 1995, None), ("Trần Văn Nam", 1990, None)]
    )
    household.members[0].active = False
    household.members[1].erased_at = household.created_at
    for name, year in (("Nguyễn Thị Lan", 1995), ("Trần Văn Nam", 1990)):
        assert (
            verification.verify(someone(db, name, year, PriorityGroup.POOR), day=TODAY)
            == PriorityStatus.SELF_DECLARED
        )


def test_settling_takes_the_list_or_keeps_the_declaration_until_the_list_changes(db, make_user):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    listed(db, "BQ-1", Category.NEAR_POOR, [("Nguyễn Thị Lan", 1995, None), ("Trần Văn Nam", 1990, None)])
    lan = someone(db, "Nguyễn Thị Lan", 1995, PriorityGroup.POOR)
    nam = someone(db, "Trần Văn Nam", 1990, PriorityGroup.POOR)
    verification.verify_ward([BACH_QUANG], day=TODAY)
    assert (lan.priority_status, nam.priority_status) == (PriorityStatus.CONFLICT, PriorityStatus.CONFLICT)

    assert verification.settle(lan, keep_declared=False, by=organiser, day=TODAY) == PriorityStatus.VERIFIED
    assert lan.priority_group == PriorityGroup.NEAR_POOR
    assert (
        verification.settle(nam, keep_declared=True, by=organiser, day=TODAY) == PriorityStatus.SELF_DECLARED
    )
    assert nam.priority_group == PriorityGroup.POOR
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "attendee.priority_settle")
    ).all()
    assert sorted(entry.details["kept"] for entry in entries) == ["declared", "list"]

    verification.verify_ward([BACH_QUANG], day=TODAY)  # the same list: the decision holds
    assert nam.priority_status == PriorityStatus.SELF_DECLARED
    with pytest.raises(verification.NoConflict):
        verification.settle(nam, keep_declared=True, by=organiser, day=TODAY)

    rows = [
        ListRow(
            0,
            BACH_QUANG,
            "BQ-1",
            Category.NEAR_POOR,
            2027,
            None,
            None,
            None,
            "Trần Văn Nam",
            1990,
            None,
            None,
            None,
            None,
            None,
        )
    ]
    save_household(rows, by=organiser)  # the next list changed the household: to look at again
    verification.verify_ward([BACH_QUANG], day=TODAY)
    assert nam.priority_status == PriorityStatus.CONFLICT


def test_a_registration_is_verified_as_it_is_made(db, make_fair):
    listed(db, "BQ-1", Category.NEAR_POOR, [("Nguyễn Thị Lan", 1995, "019195001234")])
    db.session.commit()
    fair = make_fair()
    outcome = register_committed(fair.id, person(), channel=Channel.ONLINE)
    attendee = db.session.get(Attendee, outcome.registration.attendee_id)
    assert attendee.priority_status == PriorityStatus.VERIFIED and attendee.household_member_id is not None

    other = register_committed(
        fair.id, person(full_name="Đỗ Thị Hà", citizen_id=None, phone="0912345679"), channel=Channel.ONLINE
    )
    assert (
        db.session.get(Attendee, other.registration.attendee_id).priority_status
        == PriorityStatus.SELF_DECLARED
    )


def test_the_staff_api_answer_says_the_status_and_the_public_one_does_not(db, client, make_fair, make_user):
    from tests.households.test_api import token_headers

    listed(db, "BQ-1", Category.POOR, [("Nguyễn Thị Lan", 1995, "019195001234")])
    db.session.commit()
    fair = make_fair()
    public = client.post(f"/api/v1/fairs/{fair.id}/registrations", json=person())
    assert public.status_code == 201 and "priority_status" not in public.get_json()
    staff = client.post(
        f"/api/v1/fairs/{fair.id}/registrations",
        json=person(
            full_name="Vũ Văn Khải", citizen_id=None, phone="0912345670", birth_year=1990, gender="male"
        ),
        headers=token_headers(make_user("organiser", ward_codes=[BACH_QUANG])),
    )
    assert staff.status_code == 201 and staff.get_json()["priority_status"] == "self_declared"


def test_the_conflicts_page_settles_at_the_desk(db, client, auth):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    listed(db, "BQ-1", Category.NEAR_POOR, [("Nguyễn Thị Lan", 1995, None)])
    lan = someone(db, "Nguyễn Thị Lan", 1995, PriorityGroup.POOR)
    elsewhere = someone(db, "Nguyễn Thị Lan", 1995, PriorityGroup.POOR, ward=BA_XUYEN)
    elsewhere.priority_status = PriorityStatus.CONFLICT
    verification.verify(lan, day=TODAY)
    db.session.commit()
    page = client.get("/manage/households/conflicts").get_data(as_text=True)
    assert f'data-attendee="{lan.id}"' in page and f'data-attendee="{elsewhere.id}"' not in page
    assert "Hộ cận nghèo" in page
    from tests.conftest import csrf_token_from

    token = csrf_token_from(page)
    assert (
        client.post(
            f"/manage/households/conflicts/{elsewhere.id}", data={"csrf_token": token, "keep": "list"}
        ).status_code
        == 404
    )
    response = client.post(
        f"/manage/households/conflicts/{lan.id}", data={"csrf_token": token, "keep": "sideways"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Attendee, lan.id).priority_status == PriorityStatus.CONFLICT
    client.post(f"/manage/households/conflicts/{lan.id}", data={"csrf_token": token, "keep": "list"})
    db.session.expire_all()
    settled = db.session.get(Attendee, lan.id)
    assert (settled.priority_status, settled.priority_group) == (
        PriorityStatus.VERIFIED,
        PriorityGroup.NEAR_POOR,
    )
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "priority.conflicts")
    )
