"""GET requests write nothing: a published fair whose start (or end) has passed shows its effective status
(open, or closed) on every page and API answer that shows it, and no INSERT, UPDATE or DELETE reaches the
database while they are served."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Channel, Gender, Registration
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.text import fold
from tests.fairs.conftest import BACH_QUANG

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")

# The fair's hours relative to now: started an hour ago, or started five hours ago and ended an hour ago.
CASES = {
    "open": (timedelta(hours=-1), timedelta(hours=3)),
    "closed": (timedelta(hours=-5), timedelta(hours=-1)),
}


@pytest.fixture()
def writes(db):
    """The INSERT, UPDATE and DELETE statements sent to the database while the test runs."""
    sent = []

    def note(_connection, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip().split(None, 1)[0].upper() in WRITES:
            sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    yield sent
    sa.event.remove(db.engine, "before_cursor_execute", note)


def _published_fair(db, status: str) -> tuple[Fair, Registration]:
    """A fair published (nothing else recorded) whose clock has made it `status`, and one ticket."""
    now = utcnow().replace(microsecond=0)
    start, end = CASES[status]
    fair = Fair(
        title="Phiên giao dịch việc làm Bách Quang",
        ward_code=BACH_QUANG,
        venue_name="Nhà văn hoá tổ dân phố Mỏ Chè 2",
        starts_at=now + start,
        ends_at=now + end,
        capacity=300,
        status=FairStatus.PUBLISHED,
        published_at=now - timedelta(days=7),
    )
    attendee = Attendee(
        full_name="Nguyễn Thị Hồng Nhung",
        name_key=fold("Nguyễn Thị Hồng Nhung"),
        phone="0986000001",
        birth_year=1990,
        gender=Gender.FEMALE,
        ward_code=BACH_QUANG,
    )
    db.session.add_all([fair, attendee])
    db.session.flush()
    registration = Registration(
        fair_id=fair.id,
        attendee_id=attendee.id,
        channel=Channel.ONLINE,
        consent_personal_data_version="2025-01",
        consent_personal_data_at=now - timedelta(days=2),
    )
    db.session.add(registration)
    db.session.commit()
    return fair, registration


def _as_published(db, fair: Fair) -> None:
    columns = Fair.__table__.c
    db.session.execute(
        sa.update(Fair.__table__)
        .where(columns.id == fair.id)
        .values({columns.status: "published", columns.opened_at: None, columns.closed_at: None})
    )
    db.session.commit()


def _label(status: str) -> str:
    return {"open": "Đang diễn ra", "closed": "Đã kết thúc"}[status]


def _public_pages(fair: Fair, registration: Registration, status: str) -> dict:
    """path → check(response), for a visitor without an account."""
    running = status == "open"

    def listed(response):
        body = response.get_data(as_text=True)
        # a fair that has ended is not upcoming; a running one is marked so
        return (fair.title in body and _label("open") in body) if running else fair.title not in body

    return {
        "/": listed,
        "/fairs": listed,
        f"/fairs/{fair.id}": lambda r: f'data-status="{status}"' in r.get_data(as_text=True),
        f"/fairs/{fair.id}/register": lambda r: (
            r.status_code == 200 and 'name="full_name"' in r.get_data(as_text=True)
            if running
            else r.status_code == 409 and "đã kết thúc" in r.get_data(as_text=True)
        ),
        f"/t/{registration.ticket_secret}": lambda r: (
            r.status_code == 200 and ('data-banner="closed"' in r.get_data(as_text=True)) != running
        ),
    }


def _staff_pages(fair: Fair, status: str) -> dict:
    """path → check(response), for a signed-in admin."""
    running = status == "open"

    def badge(response):
        return f'fair-status">{_label(status)}<' in response.get_data(as_text=True)

    def only_if(wanted: bool):
        return lambda r: r.status_code == 200 and (fair.title in r.get_data(as_text=True)) == wanted

    def status_of(item):
        return lambda r: r.status_code == 200 and item(r.get_json())["status"] == status

    return {
        f"/manage/fairs/{fair.id}": badge,
        "/manage/fairs/": badge,
        f"/manage/fairs/?status={status}": only_if(True),
        "/manage/fairs/?status=published": only_if(False),
        f"/manage/fairs/{fair.id}/kiosk": lambda r: (
            ("data-kiosk-closed hidden" in r.get_data(as_text=True)) == running
        ),
        f"/manage/fairs/{fair.id}/kiosk/token.json": lambda r: (
            r.get_json()["open"] == running and r.get_json()["status"] == status
        ),
        f"/scan/{fair.id}": lambda r: f'data-fair-status="{status}"' in r.get_data(as_text=True),
        "/scan/": only_if(running),
        "/api/v1/fairs": status_of(lambda body: body["items"][0]),
        f"/api/v1/fairs?status={status}": status_of(lambda body: body["items"][0]),
        "/api/v1/fairs?status=published": lambda r: r.get_json()["items"] == [],
        f"/api/v1/fairs/{fair.id}": status_of(lambda body: body),
        f"/api/v1/fairs/{fair.id}/stats": status_of(lambda body: body),
        f"/api/v1/fairs/{fair.id}/scanner-data": status_of(lambda body: body["fair"]),
    }


@pytest.mark.parametrize("status", list(CASES))
def test_get_pages_show_the_effective_status_and_write_nothing(app, db, client, auth, writes, status):
    fair, registration = _published_fair(db, status)
    auth.login("admin")  # signing in writes (the last sign-in): before anything is counted
    visitor = app.test_client()
    pages = [(visitor, path, check) for path, check in _public_pages(fair, registration, status).items()]
    pages += [(client, path, check) for path, check in _staff_pages(fair, status).items()]
    writes.clear()
    wrong, written = [], {}
    for browser, path, check in pages:
        response = browser.get(path)
        if response.status_code >= 500 or not check(response):
            wrong.append((path, response.status_code))
        if writes:
            written[path] = list(writes)
            _as_published(db, fair)  # the next page meets the fair as recorded again
            writes.clear()
    assert wrong == [] and written == {}
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).recorded == (FairStatus.PUBLISHED, None, None)
