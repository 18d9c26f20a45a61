"""The organisers' live view: counts by priority group and ward, priority households not yet arrived
(phones audited), scan problems, and who may see it."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import PriorityGroup
from fairapp.audit.models import AuditEntry
from fairapp.checkins import services as checkins
from fairapp.live import services
from fairapp.modelbase import utcnow
from fairapp.tickets.services import reissue_ticket

BACH_QUANG, SONG_CONG = "05528", "05518"
POOR, NEAR_POOR, ESCAPED, NONE = (
    PriorityGroup.POOR,
    PriorityGroup.NEAR_POOR,
    PriorityGroup.ESCAPED_POVERTY,
    PriorityGroup.NONE,
)


def view_pass(html: str) -> str:
    return re.search(r'data-url="[^"]*\?view=([^"]+)"', html).group(1)


def audits(db, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_live_json_counts_change_after_a_check_in(client, auth, db, make_fair, register):
    fair = make_fair()
    poor = register(fair, "Nguyễn Văn An", priority_group=POOR)
    register(fair, "Trần Thị Bích", priority_group=NONE, ward_code=SONG_CONG)
    auth.login("organiser", ward_codes=[BACH_QUANG])
    before = client.get(f"/manage/fairs/{fair.id}/live.json").get_json()
    assert (before["registered"], before["checked_in"]) == (2, 0)
    groups = {row["group"]: row for row in before["by_priority_group"]}
    assert list(groups) == ["poor", "near_poor", "escaped_poverty", "none"]
    assert (groups["poor"]["registered"], groups["poor"]["checked_in"]) == (1, 0)
    assert groups["poor"]["label"] == "Hộ nghèo" and groups["near_poor"]["registered"] == 0

    checkins.check_in_registration(poor, by=None, source="kiosk")
    db.session.commit()

    after = client.get(f"/manage/fairs/{fair.id}/live.json").get_json()
    assert (after["registered"], after["checked_in"]) == (2, 1)
    groups = {row["group"]: row for row in after["by_priority_group"]}
    assert groups["poor"]["checked_in"] == 1 and groups["none"]["checked_in"] == 0
    wards = {row["code"]: row for row in after["by_ward"]}
    assert wards[BACH_QUANG] == {
        "code": BACH_QUANG,
        "name": "Phường Bách Quang",
        "registered": 1,
        "checked_in": 1,
    }
    assert wards[SONG_CONG]["registered"] == 1 and wards[SONG_CONG]["checked_in"] == 0
    assert after["priority_waiting_count"] == 0


def test_counts_are_per_fair(db, make_fair, register):
    fair, other = make_fair(), make_fair()
    register(fair)
    checkins.check_in_registration(register(other), by=None, source="manual")
    db.session.commit()
    assert (services.figures(fair).registered, services.figures(fair).checked_in) == (1, 0)
    assert (services.figures(other).registered, services.figures(other).checked_in) == (1, 1)


def test_priority_list_excludes_arrived_people_and_priority_none(db, make_fair, register):
    fair, other = make_fair(), make_fair()
    arrived = register(fair, "Lò Văn Ba", priority_group=POOR)
    register(fair, "Vi Thị Cúc", priority_group=NEAR_POOR)
    register(fair, "Hà Văn Đức", priority_group=ESCAPED)
    register(fair, "Ma Thị Én", priority_group=POOR)
    register(fair, "Nông Văn Phúc", priority_group=NONE)
    register(other, "Người phiên khác", priority_group=POOR)
    checkins.check_in_registration(arrived, by=None, source="kiosk")
    db.session.commit()
    waiting = services.priority_waiting(fair)
    # Poorest group first, then by name.
    assert [(w.full_name, w.priority_group) for w in waiting] == [
        ("Ma Thị Én", POOR),
        ("Vi Thị Cúc", NEAR_POOR),
        ("Hà Văn Đức", ESCAPED),
    ]
    assert all(re.fullmatch(r"0\d{9}", w.phone) for w in waiting)
    assert waiting[0].ward_name == "Phường Bách Quang"


def test_page_shows_phones_and_audits_each_load_once(client, auth, db, make_fair, register):
    fair = make_fair()
    waiting = register(fair, "Vi Thị Cúc", priority_group=NEAR_POOR)
    register(fair, "Nông Văn Phúc", priority_group=NONE)
    user = auth.login("admin")
    page = client.get(f"/manage/fairs/{fair.id}/live")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    assert "Vi Thị Cúc" in html and f'href="tel:{waiting.attendee.phone}"' in html
    assert "Nông Văn Phúc" not in html  # not a priority household, and nobody is listed by name otherwise
    entries = audits(db, "live.view_priority_contacts")
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.actor_id, entry.object_type, entry.object_id) == (user.id, "fairs", str(fair.id))
    assert entry.details == {"fair_id": fair.id, "shown": 1}

    # Polling with the page's pass brings the phones without a new entry per poll.
    url = f"/manage/fairs/{fair.id}/live.json?view={view_pass(html)}"
    for _ in range(3):
        body = client.get(url).get_json()
        assert [(w["name"], w["phone"], w["group"]) for w in body["priority_waiting"]] == [
            ("Vi Thị Cúc", waiting.attendee.phone, "near_poor")
        ]
    assert len(audits(db, "live.view_priority_contacts")) == 1
    client.get(f"/manage/fairs/{fair.id}/live")
    assert len(audits(db, "live.view_priority_contacts")) == 2


def test_json_without_an_audited_page_load_carries_no_phones(client, auth, db, make_fair, register):
    fair, other = make_fair(), make_fair()
    register(fair, "Vi Thị Cúc", priority_group=NEAR_POOR)
    auth.login("admin")
    other_pass = view_pass(client.get(f"/manage/fairs/{other.id}/live").get_data(as_text=True))
    for query in ("", "?view=", "?view=forged.pass", f"?view={other_pass}"):
        body = client.get(f"/manage/fairs/{fair.id}/live.json{query}").get_json()
        assert "priority_waiting" not in body, query
        assert body["priority_waiting_count"] == 1
    # Another account cannot use this account's pass either.
    own_pass = view_pass(client.get(f"/manage/fairs/{fair.id}/live").get_data(as_text=True))
    auth.logout()
    auth.login("admin")
    body = client.get(f"/manage/fairs/{fair.id}/live.json?view={own_pass}").get_json()
    assert "priority_waiting" not in body


def test_scan_problems_newest_first(db, make_fair, ticket, make_user, make_device):
    gate = make_user("gate")
    phone_a, phone_b = make_device(gate, "Máy A"), make_device(gate, "Máy B")
    fair, other = make_fair(), make_fair()
    now = utcnow().replace(microsecond=0)
    _ok, fine = ticket(fair, "Người vào bình thường")
    _elsewhere, foreign = ticket(other, "Người phiên khác")
    revoked_registration, old_payload = ticket(fair, "Người vé cũ")
    reissue_ticket(revoked_registration)
    _dup, duplicate = ticket(fair, "Người quét hai máy")
    _late, skewed = ticket(fair, "Người đồng hồ lệch")

    at = iter(now - timedelta(minutes=10) + timedelta(seconds=n) for n in range(100))
    assert checkins.check_in(fair, fine, by=gate, now=next(at)).result == "ok"
    assert checkins.check_in(fair, "F1.GARBAGE", by=gate, gate="Cổng A", now=next(at)).result == "invalid"
    assert checkins.check_in(fair, foreign, by=gate, now=next(at)).result == "wrong_fair"
    assert checkins.check_in(fair, old_payload, by=gate, now=next(at)).result == "revoked"
    assert (
        checkins.check_in(
            fair,
            duplicate,
            by=gate,
            device=phone_b,
            source="offline",
            scanned_at=now - timedelta(minutes=20),
            now=next(at),
        ).result
        == "ok"
    )
    late = checkins.check_in(
        fair,
        duplicate,
        by=gate,
        device=phone_a,
        source="offline",
        scanned_at=now - timedelta(minutes=21),
        now=next(at),
    )
    assert late.result == "already_checked_in"
    when = next(at)
    assert (
        checkins.check_in(
            fair, skewed, by=gate, device=phone_a, scanned_at=when + timedelta(hours=2), now=when
        ).result
        == "ok"
    )
    assert checkins.check_in(fair, fine, by=gate, now=next(at)).result == "already_checked_in"  # routine
    checkins.check_in(other, foreign, by=gate, now=next(at))  # another fair's scan: not listed here
    db.session.commit()

    problems = services.scan_problems(fair)
    assert [(p.result, p.flags) for p in problems] == [
        ("ok", ("clock_skew",)),
        ("already_checked_in", ("offline_duplicate",)),
        ("revoked", ()),
        ("wrong_fair", ()),
        ("invalid", ()),
    ]
    assert problems[0].full_name == "Người đồng hồ lệch" and problems[0].skew_seconds == 7200
    assert problems[1].device_name == "Máy A"
    assert problems[4].full_name is None and problems[4].gate == "Cổng A"


def test_scan_problems_in_the_json_are_readable(client, auth, db, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    _registration, payload = ticket(fair, "Người đồng hồ lệch")
    now = utcnow().replace(microsecond=0)
    checkins.check_in(fair, payload, by=gate, scanned_at=now - timedelta(hours=2), now=now, gate="Cổng B")
    db.session.commit()
    auth.login("admin")
    body = client.get(f"/manage/fairs/{fair.id}/live.json").get_json()
    [problem] = body["problems"]
    assert problem["flags"] == ["clock_skew"] and problem["name"] == "Người đồng hồ lệch"
    assert "Đồng hồ thiết bị lệch nhiều (-120 phút)" in problem["what"] and problem["where"] == "Cổng B"
    html = client.get(f"/manage/fairs/{fair.id}/live").get_data(as_text=True)
    assert "Đồng hồ thiết bị lệch nhiều" in html


@pytest.mark.parametrize(
    ("role", "wards", "expected"),
    [
        ("admin", None, 200),
        ("organiser", [BACH_QUANG], 200),
        ("organiser", [SONG_CONG], 403),
        ("gate", None, 403),
        ("employer", None, 403),
        ("school", None, 403),
        (None, None, 302),
    ],
)
def test_live_access(client, auth, db, make_fair, role, wards, expected):
    fair = make_fair()  # in Bách Quang
    if role:
        auth.login(role, **({"ward_codes": wards} if wards else {}))
    for url in (f"/manage/fairs/{fair.id}/live", f"/manage/fairs/{fair.id}/live.json"):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected != 200:
            assert b"tel:" not in response.data
    assert bool(audits(db, "live.view_priority_contacts")) == (expected == 200)


def test_live_of_a_missing_fair_is_404(client, auth):
    auth.login("admin")
    assert client.get("/manage/fairs/999999/live").status_code == 404
    assert client.get("/manage/fairs/999999/live.json").status_code == 404


def test_fair_page_links_to_live_view_and_kiosk(client, auth, make_fair):
    fair = make_fair()
    auth.login("admin")
    html = client.get(f"/manage/fairs/{fair.id}").get_data(as_text=True)
    assert f'href="/manage/fairs/{fair.id}/live"' in html
    assert f'href="/manage/fairs/{fair.id}/kiosk"' in html
