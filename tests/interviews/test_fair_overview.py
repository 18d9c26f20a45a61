"""The organiser's view of a fair's booth records: counts per booth, per vacancy against its quota, per
programme, the people seen by priority group, referrals; every record with full names; exports;
who may see it."""

import re

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import PriorityGroup
from fairapp.audit.models import AuditEntry
from fairapp.interviews import overview, services
from tests.interviews.list_fixtures import recorded
from tests.interviews.test_candidate_lists import csv_rows, xlsx_text

POOR, NEAR_POOR, NONE, ESCAPED = (
    PriorityGroup.POOR,
    PriorityGroup.NEAR_POOR,
    PriorityGroup.NONE,
    PriorityGroup.ESCAPED_POVERTY,
)


@pytest.fixture()
def busy_fair(db, make_fair, make_booth, register):
    """Two employers and a school; four people (two poor, one near-poor, one not in a priority group).

    E1 (A1, vacancies may q10, điện q10): Lan(poor) shortlisted/may, Huệ(near) interviewed, Cúc(none)
                                          offered/may
    E2 (A2, vacancy hàn q10):            Lan not_suitable/hàn, Mai(poor) offered/hàn
    S1 (programme điện CN):              Lan counselled, Huệ enrolled/điện CN
    one referral E2 → S1 (Lan)"""
    fair = make_fair()
    e1 = make_booth(fair, vacancies=("Công nhân may", "Thợ điện"), label="A1")
    e2 = make_booth(fair, vacancies=("Thợ hàn",), label="A2")
    s1 = make_booth(fair, "school", label="B1")
    lan = register(fair, "Trần Thị Lan", priority_group=POOR)
    hue = register(fair, "Lê Thị Huệ", priority_group=NEAR_POOR)
    cuc = register(fair, "Phạm Thị Cúc", priority_group=NONE)
    mai = register(fair, "Ngô Thị Mai", priority_group=POOR)
    sewing = e1.vacancies[0].id
    recorded(db, e1, lan, "shortlisted", vacancy_id=sewing)
    recorded(db, e1, hue, "interviewed")
    recorded(db, e1, cuc, "offered", vacancy_id=sewing)
    recorded(db, e2, lan, "not_suitable", vacancy_id=e2.vacancies[0].id)
    recorded(db, e2, mai, "interviewed", vacancy_id=e2.vacancies[0].id)
    recorded(db, e2, mai, "offered", vacancy_id=e2.vacancies[0].id)  # a second visit: updated, not added
    recorded(db, s1, lan, "counselled")
    recorded(db, s1, hue, "enrolled", programme_id=s1.programmes[0].id)
    services.refer(e2.booth, lan, s1.booth.id, by=e2.user)
    db.session.commit()
    return fair


def _counts(tally, names=("interviewed", "shortlisted", "offered", "not_suitable", "counselled", "enrolled")):
    return tuple(tally[name] for name in names) + (tally.seen,)


def test_the_counts(db, busy_fair):
    summary = overview.fair_overview(busy_fair)
    booths = {tally.label: _counts(tally) for tally in summary.booths}
    assert booths == {
        "A1": (1, 1, 1, 0, 0, 0, 3),
        "A2": (0, 0, 1, 1, 0, 0, 2),
        "B1": (0, 0, 0, 0, 1, 1, 2),
    }
    vacancies = {tally.name: (tally.quota, *_counts(tally)) for tally in summary.vacancies}
    assert vacancies == {
        "Công nhân may": (10, 0, 1, 1, 0, 0, 0, 2),
        "Thợ điện": (10, 0, 0, 0, 0, 0, 0, 0),
        "Thợ hàn": (10, 0, 0, 1, 1, 0, 0, 2),
    }
    assert [(tally.name, _counts(tally)) for tally in summary.programmes] == [
        ("Điện công nghiệp", (0, 0, 0, 0, 0, 1, 1))
    ]
    groups = {group: _counts(tally) for group, tally in summary.by_priority_group.items()}
    assert groups == {
        POOR: (0, 1, 1, 1, 1, 0, 2),  # Lan and Mai: each person once per outcome
        NEAR_POOR: (1, 0, 0, 0, 0, 1, 1),
        NONE: (0, 0, 1, 0, 0, 0, 1),
        ESCAPED: (0, 0, 0, 0, 0, 0, 0),
    }
    assert summary.total.seen == 4 and summary.referrals == 1
    assert _counts(summary.total)[:6] == (1, 1, 2, 1, 1, 1)


def test_the_page_as_the_fairs_organiser(client, auth, busy_fair):
    auth.login("organiser", ward_codes=[busy_fair.ward_code])
    answer = client.get(f"/manage/fairs/{busy_fair.id}/interviews")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    page = answer.get_data(as_text=True)
    poor = re.search(r'<tr data-group="poor">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r'data-count="(\w+)">(\d+)<', poor) == [
        ("interviewed", "0"),
        ("shortlisted", "1"),
        ("offered", "1"),
        ("not_suitable", "1"),
        ("counselled", "1"),
        ("enrolled", "0"),
        ("seen", "2"),
    ]
    assert "Số lượt giới thiệu sang gian hàng khác: 1" in page
    for name in ("Trần Thị Lan", "Lê Thị Huệ", "Phạm Thị Cúc", "Ngô Thị Mai"):  # staff see full names
        assert name in page
    assert page.count('data-record="') == 7
    only_a2 = client.get(f"/manage/fairs/{busy_fair.id}/interviews?outcome=offered").get_data(as_text=True)
    assert only_a2.count('data-record="') == 2


def test_the_fair_page_links_it(client, auth, busy_fair):
    auth.login("admin")
    page = client.get(f"/manage/fairs/{busy_fair.id}").get_data(as_text=True)
    assert f"/manage/fairs/{busy_fair.id}/interviews" in page


def test_staff_exports_are_audited(client, db, auth, busy_fair):
    user = auth.login("admin")
    answer = client.get(f"/manage/fairs/{busy_fair.id}/interviews/export.csv?outcome=offered")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    rows = csv_rows(answer.data)
    assert sorted(row[3] for row in rows[1:]) == ["Ngô Thị Mai", "Phạm Thị Cúc"]
    assert "Hộ nghèo" in [row[4] for row in rows[1:]]
    answer = client.get(f"/manage/fairs/{busy_fair.id}/interviews/export.xlsx")
    assert "Trần Thị Lan" in xlsx_text(answer.data)
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "interview.export").order_by(AuditEntry.id)
    ).all()
    assert [
        (e.actor_id, e.object_type, e.object_id, e.details["format"], e.details["rows"]) for e in entries
    ] == [
        (user.id, "fairs", str(busy_fair.id), "csv", 2),
        (user.id, "fairs", str(busy_fair.id), "xlsx", 7),
    ]


@pytest.mark.parametrize(
    "path",
    ["/manage/fairs/{fair}/interviews", "/manage/fairs/{fair}/interviews/export.csv"],
)
def test_an_organiser_of_another_ward_is_refused(client, db, auth, busy_fair, path):
    auth.login("organiser", ward_codes=["05518"])
    assert client.get(path.format(fair=busy_fair.id)).status_code == 403
    assert client.get(path.format(fair=999999)).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "interview.export")) == 0


@pytest.mark.parametrize("role", ["gate", "employer", "school"])
def test_other_roles_are_refused(client, auth, busy_fair, role):
    auth.login(role)
    assert client.get(f"/manage/fairs/{busy_fair.id}/interviews").status_code == 403
