"""The gate scanner page in Chromium: the fake camera plays a video of a real ticket's QR (written here
with Pillow as .y4m from ticket_payload), the page admits it (green, with the name and the priority
marker), and the same ticket again is amber. Offline (context.set_offline), a scan typed by a
keyboard scanner is checked in the browser, queued, and uploaded once the network is back: one
check-in in the database, not two. A page opened online and reopened without a network still decodes
the camera (everything the camera needs came from the service worker's cache)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, Registration
from fairapp.checkins.models import CheckIn, Device, Scan
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.text import fold
from fairapp.tickets.services import reissue_ticket
from fairapp.tickets.signing import ticket_payload
from tests.browser.camera import camera_page_playing, write_y4m
from tests.browser.conftest import MOBILE, screenshot, sign_in

pytestmark = pytest.mark.browser


def open_fair(db) -> Fair:
    starts_at = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    fair = Fair(
        title="Phiên giao dịch việc làm Bách Quang",
        ward_code="05528",
        venue_name="Nhà văn hoá",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=5),
        status=FairStatus.OPEN,
        opened_at=starts_at,
    )
    db.session.add(fair)
    db.session.commit()
    return fair


def register(db, fair: Fair, full_name: str, phone: str, priority=PriorityGroup.NONE) -> Registration:
    attendee = Attendee(
        full_name=full_name,
        name_key=fold(full_name),
        phone=phone,
        birth_year=1992,
        gender=Gender.FEMALE,
        ward_code=fair.ward_code,
        priority_group=priority,
    )
    db.session.add(attendee)
    db.session.flush()
    registration = Registration(
        fair_id=fair.id,
        attendee_id=attendee.id,
        channel=Channel.ONLINE,
        consent_personal_data_version="2025-01",
        consent_personal_data_at=utcnow(),
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def check_ins(db, registration_id: int) -> list[CheckIn]:
    db.session.rollback()  # see what the live server committed
    return list(db.session.scalars(sa.select(CheckIn).where(CheckIn.registration_id == registration_id)))


@pytest.fixture()
def ticket(db, live_url):
    """An open fair and a priority-household job seeker's registration with its signed QR payload.
    The key is the live server's (the same instance folder), so signing here is signing there."""
    fair = open_fair(db)
    registration = register(db, fair, "Đặng Thị Thu Hà", "0912000111", PriorityGroup.POOR)
    return fair, registration, ticket_payload(registration)


@pytest.fixture()
def camera_page(browser, live_url, tmp_path, app, ticket):
    """A page whose camera plays the ticket's QR."""
    _fair, _registration, payload = ticket
    video = tmp_path / "ticket.y4m"
    write_y4m(video, payload)
    yield from camera_page_playing(browser, live_url, video)


def test_camera_admits_the_ticket_then_says_already_checked_in(db, make_user, camera_page, ticket):
    fair, registration, _payload = ticket
    page = camera_page
    sign_in(page, make_user("gate").email)
    page.goto("/scan/")
    page.get_by_role("link", name=fair.title).click()
    scanner = page.locator("[data-scanner]")
    expect(scanner).to_have_attribute("data-ready", "true")

    page.get_by_role("button", name="Bật camera").click()
    answer = page.locator("[data-answer]")
    expect(answer).to_have_attribute("data-result", "ok")
    expect(answer).to_have_attribute("data-colour", "green")
    expect(answer.locator("[data-answer-name]")).to_have_text("Đặng Thị Thu Hà")
    expect(answer.locator("[data-answer-priority]")).to_be_visible()
    expect(answer.locator("[data-answer-title]")).to_have_text("MỜI VÀO")
    screenshot(page, "scanner", "green-360")

    # The video keeps showing the same ticket: after the repeat pause it is read again → amber.
    expect(answer).to_have_attribute("data-result", "already_checked_in", timeout=10_000)
    expect(answer).to_have_attribute("data-colour", "amber")
    expect(answer.locator("[data-answer-name]")).to_have_text("Đặng Thị Thu Hà")
    expect(page.locator("[data-history] [data-result=ok]")).to_have_count(1)
    screenshot(page, "scanner", "amber-360")

    rows = check_ins(db, registration.id)
    assert [(row.source, row.device_id is not None) for row in rows] == [("scanner", True)]
    assert db.session.scalar(sa.select(sa.func.count(Device.id))) == 1
    results = db.session.scalars(sa.select(Scan.result).where(Scan.registration_id == registration.id)).all()
    assert results[0] == "ok" and set(results[1:]) == {"already_checked_in"}
    assert page.console_errors == []


def test_page_reopened_offline_decodes_the_camera_and_syncs_later(db, make_user, camera_page, ticket):
    fair, registration, _payload = ticket
    lost = register(db, fair, "Vũ Minh Tuấn", "0912000333")
    lost_payload = ticket_payload(lost)
    reissue_ticket(lost)  # the old QR goes on the revocation list
    db.session.commit()
    page = camera_page
    sign_in(page, make_user("gate").email)
    page.goto(f"/scan/{fair.id}")
    scanner = page.locator("[data-scanner]")
    expect(scanner).to_have_attribute("data-ready", "true")  # scanner data in IndexedDB
    expect(scanner).to_have_attribute("data-offline-ready", "true")  # every file the page needs cached

    page.context.set_offline(True)
    page.reload()  # served by the service worker
    expect(scanner).to_have_attribute("data-ready", "stored")
    expect(scanner).to_have_attribute("data-offline-ready", "true")  # the worker found them all cached
    page.get_by_role("button", name="Bật camera").click()
    expect(page.locator("[data-qr-camera]")).to_have_attribute("data-qr-state", "scanning")
    answer = page.locator("[data-answer]")
    expect(answer).to_have_attribute("data-result", "ok", timeout=10_000)  # the decoder is running
    expect(answer).to_have_attribute("data-colour", "green")
    expect(answer.locator("[data-answer-name]")).to_have_text("Đặng Thị Thu Hà")
    expect(answer.locator("[data-answer-detail]")).to_have_text(
        "Kiểm tra ngoại tuyến — sẽ gửi lên máy chủ khi có mạng."
    )
    expect(page.locator("[data-network]")).to_have_text("Ngoại tuyến — 1 lượt quét đang chờ gửi")
    expect(scanner).to_have_attribute("data-queued", "1")
    screenshot(page, "scanner", "offline-camera-green-360")

    # The same ticket still in front of the lens after the repeat pause: amber, from what the phone knows.
    expect(answer).to_have_attribute("data-result", "already_checked_in", timeout=10_000)
    expect(answer).to_have_attribute("data-colour", "amber")
    # The answers keep covering the screen while the ticket stays in view: the button from the keyboard.
    page.get_by_role("button", name="Tắt camera").press("Enter")
    expect(page.locator("[data-qr-camera]")).to_have_attribute("data-qr-state", "stopped")
    box = page.locator("[data-qr-manual]")
    box.fill(lost_payload)
    box.press("Enter")
    expect(answer).to_have_attribute("data-result", "revoked")
    expect(answer).to_have_attribute("data-colour", "red")
    assert check_ins(db, registration.id) == []

    page.context.set_offline(False)  # the `online` event uploads the queue
    expect(scanner).to_have_attribute("data-queued", "0")
    expect(page.locator("[data-network]")).to_be_hidden()
    rows = check_ins(db, registration.id)
    assert [(row.source, row.device_id is not None) for row in rows] == [("offline", True)]
    assert check_ins(db, lost.id) == []
    results = db.session.scalars(sa.select(Scan.result).where(Scan.registration_id == registration.id)).all()
    assert results.count("ok") == 1 and set(results) == {"ok", "already_checked_in"}
    assert db.session.scalars(sa.select(Scan.result).where(Scan.registration_id == lost.id)).all() == [
        "revoked"
    ]
    assert page.console_errors == []


def test_offline_scan_is_checked_locally_queued_and_synced_once(
    db, make_user, page_at, console_errors, ticket
):
    fair, registration, payload = ticket
    other = register(db, fair, "Phạm Văn Long", "0912000222")
    page = page_at(MOBILE[0])
    sign_in(page, make_user("gate").email)
    page.goto(f"/scan/{fair.id}")
    scanner = page.locator("[data-scanner]")
    expect(scanner).to_have_attribute("data-ready", "true")  # scanner data stored in IndexedDB
    expect(scanner).to_have_attribute("data-offline-ready", "true")  # page shell cached
    expect(page.locator("[data-count-registered]")).to_have_text("2")
    expect(page.locator("[data-count-checked]")).to_have_text("0")

    page.context.set_offline(True)
    page.reload()  # served by the service worker; the data comes from IndexedDB
    expect(scanner).to_have_attribute("data-ready", "stored")
    box = page.locator("[data-qr-manual]")
    box.fill(payload)
    box.press("Enter")
    answer = page.locator("[data-answer]")
    expect(answer).to_have_attribute("data-result", "ok")
    expect(answer.locator("[data-answer-name]")).to_have_text("Đặng Thị Thu Hà")
    expect(page.locator("[data-network]")).to_contain_text("Ngoại tuyến — 1 lượt quét đang chờ gửi")

    # Offline the page still knows what it admitted, refuses a forged ticket and another fair's.
    box.fill(payload)
    box.press("Enter")
    expect(answer).to_have_attribute("data-result", "already_checked_in")
    forged = payload[:-6] + ("AAAAAA" if not payload.endswith("AAAAAA") else "BBBBBA")
    box.fill(forged)
    box.press("Enter")
    expect(answer).to_have_attribute("data-result", "invalid")
    expect(answer).to_have_attribute("data-colour", "red")
    expect(page.locator("[data-network]")).to_contain_text("3 lượt quét đang chờ gửi")
    expect(page.locator("[data-count-checked]")).to_have_text("1")
    screenshot(page, "scanner", "offline-queued-360")
    assert check_ins(db, registration.id) == []

    page.context.set_offline(False)  # the `online` event uploads the queue
    expect(scanner).to_have_attribute("data-queued", "0", timeout=15_000)
    expect(page.locator("[data-network]")).to_be_hidden()
    expect(scanner).to_have_attribute("data-synced", "3")
    rows = check_ins(db, registration.id)
    assert [(row.source, row.device_id is not None) for row in rows] == [("offline", True)]
    assert check_ins(db, other.id) == []
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1
    results = sorted(db.session.scalars(sa.select(Scan.result).where(Scan.fair_id == fair.id)))
    assert results == ["already_checked_in", "invalid", "ok"]
    expect(page.locator("[data-count-checked]")).to_have_text("1")
    assert console_errors == []


def test_search_and_manual_check_in_then_sign_out_wipes_local_data(
    db, make_user, page_at, console_errors, ticket
):
    fair, registration, _payload = ticket
    page = page_at(MOBILE[0])
    sign_in(page, make_user("gate").email)
    page.goto(f"/scan/{fair.id}")
    expect(page.locator("[data-scanner]")).to_have_attribute("data-ready", "true")
    page.get_by_placeholder("Tên hoặc số điện thoại").fill("thu ha")
    page.get_by_role("button", name="Tìm").click()
    row = page.locator(f"[data-registration-id='{registration.id}']")
    expect(row).to_contain_text("Đặng Thị Thu Hà")
    expect(row).not_to_contain_text("0912000111")
    row.get_by_role("button", name="Cho vào").click()
    expect(page.locator("[data-answer]")).to_have_attribute("data-result", "ok")
    assert [r.source for r in check_ins(db, registration.id)] == ["manual"]

    stored = (
        "() => new Promise((ok) => { const r = indexedDB.open('fairapp-scanner'); "
        "r.onsuccess = () => { const tx = r.result.transaction('fairs'); "
        "const q = tx.objectStore('fairs').count(); "
        "q.onsuccess = () => { r.result.close(); ok(q.result); }; }; })"
    )
    assert page.evaluate(stored) == 1
    assert page.evaluate("() => localStorage.getItem('fairapp.scanner.device')")
    with page.expect_navigation():  # the navbar's sign-out form (folded away at this width)
        page.evaluate("() => document.querySelector('form.navbar-logout').requestSubmit()")
    page.wait_for_url("**/login")
    expect(page.locator("html")).to_have_attribute("data-scanner-wiped", "true")
    names = page.evaluate("() => indexedDB.databases().then((list) => list.map((d) => d.name))")
    assert "fairapp-scanner" not in names
    assert page.evaluate("() => localStorage.getItem('fairapp.scanner.device')") is None
    assert page.evaluate("() => caches.keys()") == [] or all(
        not name.startswith("fairapp-scanner-") for name in page.evaluate("() => caches.keys()")
    )
    assert console_errors == []


def test_a_long_offline_queue_is_uploaded_in_batches(db, make_user, page_at, console_errors, ticket):
    """A morning offline at a busy gate queues more scans than one upload may carry (500): the page
    sends them 200 at a time, and every one is kept once."""
    fair, registration, payload = ticket
    page = page_at(MOBILE[0])
    sign_in(page, make_user("gate").email)
    page.goto(f"/scan/{fair.id}")
    scanner = page.locator("[data-scanner]")
    expect(scanner).to_have_attribute("data-ready", "true")
    page.context.set_offline(True)
    page.evaluate(
        """([fairId, payload]) => Promise.all(Array.from({length: 450}, (_, n) => ScannerStore.enqueue({
             scan_id: "queued-" + n, fair_id: fairId, qr_payload: payload,
             scanned_at: new Date(Date.now() - 1000 * (450 - n)).toISOString()})))""",
        [fair.id, payload],
    )
    uploads = []
    page.on("request", lambda request: uploads.append(request) if request.url.endswith("/sync") else None)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(scanner).to_have_attribute("data-synced", "450", timeout=30_000)
    expect(scanner).to_have_attribute("data-queued", "0")
    assert [len(request.post_data_json["scans"]) for request in uploads] == [200, 200, 50]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Scan.id)).where(Scan.fair_id == fair.id)) == 450
    assert len(check_ins(db, registration.id)) == 1
    assert console_errors == []
