"""Reports count verified and self-declared priority-group people apart."""

from fairapp.attendees.models import PriorityGroup, PriorityStatus
from tests.checkins.conftest import make_fair, register, token_for  # noqa: F401
from tests.households.conftest import BACH_QUANG


def test_outcomes_split_each_priority_group_by_status(db, client, make_fair, register, token_for):
    fair = make_fair()
    statuses = [
        ("Người A", PriorityGroup.POOR, PriorityStatus.VERIFIED),
        ("Người B", PriorityGroup.POOR, PriorityStatus.VERIFIED),
        ("Người C", PriorityGroup.POOR, PriorityStatus.SELF_DECLARED),
        ("Người D", PriorityGroup.NEAR_POOR, PriorityStatus.CONFLICT),
        ("Người E", PriorityGroup.NONE, PriorityStatus.SELF_DECLARED),
    ]
    for name, group, status in statuses:
        registration = register(fair, name, priority_group=group)
        registration.attendee.priority_status = status
    db.session.commit()
    _user, headers = token_for("organiser", ward_codes=[BACH_QUANG])
    answer = client.get("/api/v1/reports/outcomes", headers=headers).get_json()
    split = answer["by_priority_status"]
    assert set(split) == {"poor", "near_poor", "escaped_poverty"}
    assert split["poor"]["verified"]["registered"] == 2
    assert split["poor"]["self_declared"]["registered"] == 1
    assert split["poor"]["conflict"]["registered"] == 0
    assert split["near_poor"]["conflict"]["registered"] == 1
    assert answer["by_priority_group"]["poor"]["registered"] == 3


def test_the_official_report_splits_groups_by_verification_and_shows_coverage(
    db, client, auth, make_fair, register
):
    import io

    from openpyxl import load_workbook

    from fairapp.households.models import Category, Household, HouseholdMember
    from fairapp.modelbase import utcnow

    auth.login("organiser", ward_codes=[BACH_QUANG])
    fair = make_fair()
    for name, group, status in (
        ("Người A", PriorityGroup.POOR, PriorityStatus.VERIFIED),
        ("Người B", PriorityGroup.POOR, PriorityStatus.SELF_DECLARED),
        ("Người C", PriorityGroup.NEAR_POOR, PriorityStatus.CONFLICT),
    ):
        register(fair, name, priority_group=group).attendee.priority_status = status
    household = Household(ward_code=BACH_QUANG, household_code="BQ-1", category=Category.POOR, list_year=2026)
    for name, year in (("Người A", 1990), ("Người X", 1985), ("Người Y", 2015)):  # Y: too young
        household.members.append(HouseholdMember(full_name=name, name_key=name.lower(), birth_year=year))
    db.session.add(household)
    db.session.flush()
    registration_a = household.members[0]
    from fairapp.attendees.models import Attendee

    db.session.scalars(
        db.select(Attendee).where(Attendee.full_name == "Người A")
    ).one().household_member_id = registration_a.id
    db.session.commit()
    year = utcnow().year
    response = client.get(f"/manage/reports/period.xlsx?period=year&year={year}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    sheet = load_workbook(io.BytesIO(response.data))["Chỉ tiêu"]
    rows = {row[0]: row[1:5] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], str)}
    assert rows["Hộ nghèo — đăng ký"] == (2, 1, 1, 0)
    assert rows["Hộ cận nghèo — đăng ký"] == (1, 0, 0, 1)
    assert rows["Phường Bách Quang"][:3] == (2, 1, "50,0 %")
