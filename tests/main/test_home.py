"""The home page lists the upcoming published fairs, soonest first, the visitor's ward first when
known (the `ward` parameter, or the ward remembered in a cookie), and writes nothing."""

import re
from datetime import timedelta

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow

BACH_QUANG, SONG_CONG, BA_XUYEN = "05528", "05518", "05533"


def fair(db, title, *, days, ward=BACH_QUANG, status=FairStatus.PUBLISHED, hours=4):
    starts_at = (utcnow() + timedelta(days=days)).replace(microsecond=0)
    row = Fair(
        title=title,
        ward_code=ward,
        venue_name="Nhà văn hoá",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        status=status,
    )
    db.session.add(row)
    db.session.commit()
    return row


def listed(html: str) -> list[str]:
    return re.findall(r'class="stretched-link fair-card__link" href="/fairs/\d+">([^<]+)</a>', html)


def test_home_lists_upcoming_published_fairs_soonest_first(client, db):
    fair(db, "Phiên tháng sau", days=30)
    fair(db, "Phiên tuần sau ở Sông Công", days=7, ward=SONG_CONG)
    fair(db, "Phiên đang diễn ra", days=0, hours=6)  # began this very second
    fair(db, "Phiên mở ngày mai", days=1, status=FairStatus.OPEN)
    fair(db, "Phiên còn nháp", days=2, status=FairStatus.DRAFT)
    fair(db, "Phiên đã huỷ", days=3, status=FairStatus.CANCELLED)
    fair(db, "Phiên đã qua", days=-3)
    fair(db, "Phiên đã đóng", days=5, status=FairStatus.CLOSED)

    html = client.get("/").get_data(as_text=True)

    assert listed(html) == [
        "Phiên đang diễn ra",
        "Phiên mở ngày mai",
        "Phiên tuần sau ở Sông Công",
        "Phiên tháng sau",
    ]
    assert "Chưa có phiên giao dịch nào được công bố" not in html
    assert html.count("Đang diễn ra") == 1
    assert 'href="/fairs"' in html


def test_the_visitors_ward_comes_first_and_is_remembered(client, db):
    fair(db, "Phiên Bách Quang sớm", days=2)
    fair(db, "Phiên Sông Công", days=9, ward=SONG_CONG)
    fair(db, "Phiên Bách Quang muộn", days=20)
    fair(db, "Phiên Bá Xuyên", days=5, ward=BA_XUYEN)
    soonest = ["Phiên Bách Quang sớm", "Phiên Bá Xuyên", "Phiên Sông Công", "Phiên Bách Quang muộn"]
    assert listed(client.get("/").get_data(as_text=True)) == soonest

    picked = client.get(f"/?ward={SONG_CONG}")
    assert listed(picked.get_data(as_text=True)) == [
        "Phiên Sông Công",
        "Phiên Bách Quang sớm",
        "Phiên Bá Xuyên",
        "Phiên Bách Quang muộn",
    ]
    assert f'<option value="{SONG_CONG}" selected>' in picked.get_data(as_text=True)
    cookie = picked.headers["Set-Cookie"]
    assert cookie.startswith(f"ward={SONG_CONG};") and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    # the next visit, without the parameter: the cookie remembers the ward
    again = client.get("/").get_data(as_text=True)
    assert listed(again)[0] == "Phiên Sông Công"

    # a ward picked on the list of fairs is remembered too
    client.get(f"/fairs?ward={BA_XUYEN}")
    assert listed(client.get("/").get_data(as_text=True))[0] == "Phiên Bá Xuyên"

    # "not chosen" forgets it; an unknown ward is ignored
    forgotten = client.get("/?ward=")
    assert forgotten.headers["Set-Cookie"].startswith("ward=;")
    assert listed(client.get("/").get_data(as_text=True)) == soonest
    assert listed(client.get("/?ward=99999").get_data(as_text=True)) == soonest


def test_at_most_six_fairs_and_a_link_to_the_rest(client, db):
    for n in range(8):
        fair(db, f"Phiên số {n + 1}", days=n + 1)
    html = client.get("/").get_data(as_text=True)
    assert listed(html) == [f"Phiên số {n}" for n in range(1, 7)]
    assert "thêm 2 phiên" in html


def test_reading_the_home_page_writes_nothing(client, db):
    started = fair(db, "Phiên đang diễn ra", days=0, hours=6)
    started.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))

    html = client.get("/").get_data(as_text=True)

    assert "Phiên đang diễn ra" in html and "Đang diễn ra" in html
    db.session.expire_all()
    assert db.session.get(Fair, started.id).recorded_status == FairStatus.PUBLISHED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == audit_before


def test_without_upcoming_fairs_the_home_page_says_so(client, db):
    fair(db, "Phiên còn nháp", days=2, status=FairStatus.DRAFT)
    html = client.get("/").get_data(as_text=True)
    assert listed(html) == [] and "Chưa có phiên giao dịch nào được công bố" in html


def test_signed_in_users_keep_their_dashboard(client, auth, db):
    fair(db, "Phiên tháng sau", days=30)
    auth.login("organiser")
    html = client.get("/").get_data(as_text=True)
    assert "Công việc của bạn" in html and listed(html) == []
