"""The booth scanner page in Chromium at 360 px: an employer's fake camera plays a video of a real
ticket's QR (written with tests/browser/camera.py), the candidate card shows, and three taps and "Lưu"
record the interview. Offline (context.set_offline), a second ticket typed by a keyboard scanner is
checked in the browser, recorded into the booth's own queue, and uploaded once the network is back.

Also: the page reopens without a network (the /scan/ service worker), and a phone that still has the
gate scanner's version-1 database keeps its gate queue when the database gains the booth's stores."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from fairapp.attendees.models import Attendee, Channel, Gender, Registration
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.fairs.models import Fair, FairStatus
from fairapp.interviews.models import Interview, InterviewEntry, Referral
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, PartnerStatus, School, Vacancy
from fairapp.text import fold
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


def register(db, fair: Fair, full_name: str, phone: str, *, shares: bool) -> Registration:
    attendee = Attendee(
        full_name=full_name,
        name_key=fold(full_name),
        phone=phone,
        birth_year=1995,
        gender=Gender.FEMALE,
        ward_code=fair.ward_code,
    )
    db.session.add(attendee)
    db.session.flush()
    registration = Registration(
        fair_id=fair.id,
        attendee_id=attendee.id,
        channel=Channel.ONLINE,
        consent_personal_data_version="2025-01",
        consent_personal_data_at=utcnow(),
        consent_share_version="2025-01" if shares else None,
        consent_share_at=utcnow() if shares else None,
        desired_jobs="Công nhân may",
    )
    db.session.add(registration)
    db.session.commit()
    return registration


@pytest.fixture()
def booth(db, live_url):
    """A confirmed booth of an approved employer at an open fair, with two vacancies offered there, and
    a school's booth beside it."""
    fair = open_fair(db)
    employer = Employer(
        name="Công ty TNHH May Sông Công", tax_code="0101234565", status=PartnerStatus.APPROVED
    )
    db.session.add(employer)
    db.session.flush()
    vacancies = [
        Vacancy(employer_id=employer.id, title=title, quantity=20) for title in ("Công nhân may", "Thợ cắt")
    ]
    db.session.add_all(vacancies)
    db.session.flush()
    db.session.add_all(VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id) for vacancy in vacancies)
    booth = Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED, label="A3")
    school = School(name="Trường Cao đẳng Công nghiệp Thái Nguyên", status=PartnerStatus.APPROVED)
    db.session.add_all([booth, school])
    db.session.flush()
    db.session.add(Booth(fair_id=fair.id, school_id=school.id, status=BoothStatus.CONFIRMED, label="B1"))
    db.session.commit()
    return booth, vacancies


@pytest.fixture()
def tickets(db, booth):
    fair = booth[0].fair
    first = register(db, fair, "Đặng Thị Thu Hà", "0912000111", shares=True)
    second = register(db, fair, "Vũ Minh Tuấn", "0912000333", shares=False)
    return first, second


@pytest.fixture()
def camera_page(browser, live_url, tmp_path, app, tickets):
    video = tmp_path / "ticket.y4m"
    write_y4m(video, ticket_payload(tickets[0]))
    yield from camera_page_playing(browser, live_url, video)


def interview_of(db, registration_id: int) -> Interview | None:
    db.session.rollback()  # see what the live server committed
    return db.session.scalar(sa.select(Interview).where(Interview.registration_id == registration_id))


def test_employer_records_a_scanned_ticket_then_one_offline(db, make_user, camera_page, booth, tickets):
    booth, vacancies = booth
    first, second = tickets
    fair_id = booth.fair_id
    page = camera_page
    sign_in(page, make_user("employer", employer_id=booth.employer_id).email)
    page.goto("/scan/booths")
    page.locator(f"a[href='/scan/booth/{booth.id}']").click()
    scanner = page.locator("[data-booth-scanner]")
    expect(scanner).to_have_attribute("data-ready", "true")  # booth data kept for offline work

    page.get_by_role("button", name="Bật camera").click()
    candidate = page.locator("[data-candidate]")
    expect(candidate).to_have_attribute("data-result", "ok")
    card = page.locator("[data-card]")
    expect(card.locator("[data-card-name]")).to_have_text("Đặng Thị Thu Hà")
    expect(card).to_have_attribute("data-shared", "true")
    expect(card.locator("[data-field=desired_jobs]")).to_have_text("Công nhân may")
    expect(card.locator("[data-not-checked-in]")).to_be_visible()  # never scanned at the entrance
    expect(card.locator("[data-ask-consent]")).to_be_hidden()
    assert "0912000111" not in card.inner_text()

    form = page.locator("[data-record-form]")
    form.locator("[data-outcome=shortlisted]").click()
    form.locator("select[name=vacancy_id]").select_option(str(vacancies[1].id))
    form.locator("[data-star='4']").click()
    # A tag too long: the server's message shows next to the field, nothing is recorded.
    form.get_by_text("Thêm chi tiết").click()
    form.locator("input[name=tags]").fill("ca đêm, " + "x" * 40)
    form.get_by_role("button", name="Lưu", exact=True).click()
    expect(form).to_have_attribute("data-saved", "error")
    expect(form.locator("[data-error-for=tags]")).to_contain_text("Nhãn")
    assert interview_of(db, first.id) is None
    form.locator("input[name=tags]").fill("ca đêm")
    form.get_by_role("button", name="Lưu", exact=True).click()
    expect(form).to_have_attribute("data-saved", "online")
    expect(form.locator("[data-error-for=tags]")).to_be_empty()
    expect(form.locator("[data-save-status]")).to_have_text("Đã lưu.")
    screenshot(page, "booth", "saved-360")
    interview = interview_of(db, first.id)
    assert (interview.outcome.value, interview.rating, interview.vacancy_id, interview.booth_id) == (
        "shortlisted",
        4,
        vacancies[1].id,
        booth.id,
    )
    assert interview.tags == ["ca đêm"]

    # Offline: a keyboard scanner types the second ticket; the phone checks it and queues the record.
    page.context.set_offline(True)
    expect(scanner).to_have_attribute("data-online", "false")
    box = page.locator("[data-qr-manual]")
    box.fill(ticket_payload(second))
    box.press("Enter")
    expect(candidate).to_have_attribute("data-result", "offline")
    expect(card.locator("[data-card-name]")).to_have_text(f"Vé số {second.id:06d}")
    expect(card.locator("[data-card-fields]")).to_be_hidden()
    form.locator("[data-outcome=interviewed]").click()
    form.get_by_role("button", name="Lưu", exact=True).click()
    expect(form).to_have_attribute("data-saved", "queued")
    expect(scanner).to_have_attribute("data-queued", "1")
    expect(page.locator("[data-network]")).to_have_text("Ngoại tuyến — 1 lượt ghi đang chờ gửi")
    screenshot(page, "booth", "offline-queued-360")
    assert interview_of(db, second.id) is None

    page.context.set_offline(False)  # the `online` event uploads the queue
    expect(scanner).to_have_attribute("data-queued", "0")
    expect(scanner).to_have_attribute("data-synced", "1")
    expect(page.locator("[data-history] [data-state=saved]")).to_have_count(2)
    recorded = interview_of(db, second.id)
    assert (recorded.outcome.value, recorded.booth_id, recorded.vacancy_id) == ("interviewed", booth.id, None)
    assert db.session.scalars(
        sa.select(InterviewEntry.source).where(InterviewEntry.interview_id == recorded.id)
    ).all() == ["offline"]
    listed = page.request.get(f"/api/v1/fairs/{fair_id}/interviews")
    assert listed.status == 200
    items = {item["registration_id"]: item for item in listed.json()["items"]}
    assert items[second.id]["outcome"] == "interviewed"
    assert items[first.id]["outcome"] == "shortlisted" and items[first.id]["rating"] == 4

    # Online again, the same person without consent: the initial, the booth's record, the consent QR.
    page.get_by_role("button", name="Quét người tiếp theo").click()  # the last came by keyboard: no camera
    expect(box).to_be_focused()
    box.fill(ticket_payload(second))
    box.press("Enter")
    expect(candidate).to_have_attribute("data-result", "ok")
    expect(card).to_have_attribute("data-shared", "false")
    expect(card.locator("[data-card-name]")).to_have_text("T.")
    expect(card.locator("[data-existing]")).to_contain_text("Đã phỏng vấn")
    expect(form.locator("[data-outcome=interviewed]")).to_have_attribute("aria-pressed", "true")
    card.get_by_role("button", name="Xin đồng ý chia sẻ").click()
    expect(card.locator("[data-consent-qr]")).to_be_visible()
    assert card.locator("[data-consent-qr]").get_attribute("src").startswith("data:image/png;base64,")
    screenshot(page, "booth", "consent-360")

    refer = page.locator("[data-refer]")
    refer.get_by_text("Giới thiệu sang gian hàng khác").click()
    refer.locator("select[name=to_booth_id]").select_option(
        label="B1 · Trường Cao đẳng Công nghiệp Thái Nguyên"
    )
    refer.locator("input[name=note]").fill("Muốn học nghề điện")
    refer.get_by_role("button", name="Giới thiệu sang gian hàng đã chọn", exact=True).click()
    expect(refer.locator("[data-refer-status]")).to_have_text(
        "Đã giới thiệu sang B1 · Trường Cao đẳng Công nghiệp Thái Nguyên."
    )
    db.session.rollback()
    referral = db.session.scalar(sa.select(Referral))
    assert (referral.registration_id, referral.from_booth_id, referral.note) == (
        second.id,
        booth.id,
        "Muốn học nghề điện",
    )
    # The refused tag's answer is the one failed request the browser reports.
    assert [e for e in page.console_errors if "status of 422" not in e] == []


VERSION_1 = """() => new Promise((ok, fail) => {
  const request = indexedDB.open("fairapp-scanner", 1);
  request.onupgradeneeded = () => {
    const db = request.result;
    db.createObjectStore("fairs", { keyPath: "fair_id" });
    const admitted = db.createObjectStore("admitted", { keyPath: ["fair_id", "registration_id"] });
    admitted.createIndex("fair_id", "fair_id");
    const queue = db.createObjectStore("queue", { keyPath: "scan_id" });
    queue.createIndex("fair_id", "fair_id");
    queue.put({ scan_id: "gate-1", fair_id: 1, qr_payload: "F1.X", scanned_at: "2026-01-01T00:00:00Z" });
  };
  request.onsuccess = () => { request.result.close(); ok(true); };
  request.onerror = () => fail(request.error);
})"""

STORES = """() => new Promise((ok) => {
  const request = indexedDB.open("fairapp-scanner");
  request.onsuccess = () => {
    const db = request.result;
    const names = Array.from(db.objectStoreNames).sort();
    const count = db.transaction("queue").objectStore("queue").count();
    count.onsuccess = () => { const version = db.version; db.close(); ok([version, names, count.result]); };
  };
})"""


def test_the_page_reopens_offline_and_the_gate_queue_survives_the_store_upgrade(
    db, make_user, page_at, console_errors, booth
):
    booth, _vacancies = booth
    page = page_at(MOBILE[0])
    sign_in(page, make_user("employer", employer_id=booth.employer_id).email)
    page.goto("/scan/booths")  # loads the store script without opening the database
    assert page.evaluate(VERSION_1) is True
    page.goto(f"/scan/booth/{booth.id}")
    scanner = page.locator("[data-booth-scanner]")
    expect(scanner).to_have_attribute("data-ready", "true")
    version, names, queued = page.evaluate(STORES)
    assert version == 2
    assert names == ["admitted", "booth_queue", "booths", "fairs", "queue"]
    assert queued == 1  # the gate's unsent scan is still there

    expect(scanner).to_have_attribute("data-offline-ready", "true")  # the page and its files are cached
    page.context.set_offline(True)
    page.reload()  # served by the service worker; the booth data comes from IndexedDB
    expect(scanner).to_have_attribute("data-ready", "stored")
    expect(scanner).to_have_attribute("data-online", "false")
    assert console_errors == []
