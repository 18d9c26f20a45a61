"""Badge sheets: 8 a page, names with diacritics as text, QR codes that decode to the ticket payload,
the parallel path joined in order, and the background job from request to download."""

import io
import re
import time
from datetime import timedelta

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp
from pypdf import PdfReader

from fairapp.audit.models import AuditEntry
from fairapp.modelbase import utcnow
from fairapp.registrations import badges, jobs
from fairapp.registrations.models import BadgeJob, BadgeJobStatus
from fairapp.text import fold
from fairapp.tickets.signing import ticket_payload
from tests.conftest import csrf_token_from, static_url
from tests.registrations.conftest import BACH_QUANG, SONG_CONG

NAMES = [
    "Nguyễn Thị Hồng Nhung",
    "Trần Văn Đức",
    "Lê Hoàng Phương Thảo",
    "Đặng Thị Huyền Trâm",
    "Phạm Quốc Việt",
    "Bùi Thị Ngọc Ánh",
    "Hoàng Văn Lượng",
    "Vũ Thị Thuỳ Dương",
    "Ông Văn Ước",
]


@pytest.fixture()
def fair_with(db, make_fair, register):
    def make(count: int):
        fair = make_fair(title="Phiên giao dịch việc làm lưu động phường Bách Quang")
        registrations = [
            register(fair, f"{NAMES[n % len(NAMES)]} {n:02d}", commit=False) for n in range(count)
        ]
        db.session.commit()
        return fair, registrations

    return make


def _text(page) -> str:
    return " ".join(page.extract_text().split())  # badges wrap long names over two lines


def _page_payloads(pdf: bytes, page: int) -> set[str]:
    document = pypdfium2.PdfDocument(pdf)
    image = document[page].render(scale=200 / 72).to_pil()  # 200 dpi
    return {result.text for result in zxingcpp.read_barcodes(image)}


def test_plan_chunks_is_even_and_a_multiple_of_the_workers():
    assert badges.plan_chunks(0, workers=2, chunk_pages=25) == []
    assert badges.plan_chunks(3, workers=2, chunk_pages=25) == [3]
    assert badges.plan_chunks(125, workers=2, chunk_pages=25) == [21, 21, 21, 21, 21, 20]
    assert badges.plan_chunks(3, workers=2, chunk_pages=1) == [1, 1, 1]
    assert sum(badges.plan_chunks(1000, workers=3, chunk_pages=7)) == 1000
    assert badges.page_count(17) == 3 and badges.page_count(16) == 2


def test_badge_pdf_pages_text_and_qr(app, fair_with):
    fair, registrations = fair_with(17)
    sheet, items = badges.collect_badges(fair)
    pdf = badges.build_pdf(sheet, items, workers=1)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3  # ceil(17 / 8)
    first = _text(reader.pages[0])
    ordered = sorted(items, key=lambda item: fold(item.name))
    for badge in ordered[:8]:
        assert badge.name in first  # Vietnamese diacritics survive as text
    assert ordered[8].name not in first
    assert fair.title in first and "Phường Bách Quang" in first
    payloads = {ticket_payload(r) for r in registrations}
    decoded = _page_payloads(pdf, 0)
    assert len(decoded) == 8 and decoded <= payloads
    assert {item.payload for item in ordered[:8]} == decoded  # each QR sits on its own badge's page
    assert len(_page_payloads(pdf, 2)) == 1


def test_user_text_is_escaped_in_badges(app, make_fair, register):
    fair = make_fair(title="<b>Phiên</b> & <script>x</script>")
    register(fair, "<img src=x> Lan")
    sheet, items = badges.collect_badges(fair)
    text = _text(PdfReader(io.BytesIO(badges.build_pdf(sheet, items, workers=1))).pages[0])
    assert "<img src=x> Lan" in text and "<b>Phiên</b> & <script>x</script>" in text


def test_parallel_chunks_are_joined_in_order(app, fair_with):
    fair, _registrations = fair_with(20)
    sheet, items = badges.collect_badges(fair)
    seen = []
    pdf = badges.build_pdf(sheet, items, workers=2, chunk_pages=1, progress=seen.append)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    assert sorted(seen) == [1, 2, 3]
    for number, page in enumerate(reader.pages):
        text = _text(page)
        for badge in items[number * 8 : (number + 1) * 8]:
            assert badge.name in text
    assert _page_payloads(pdf, 2) == {item.payload for item in items[16:]}


def _start(client, fair):
    page = client.get(f"/manage/fairs/{fair.id}/badges")
    assert page.status_code == 200
    return client.post(
        f"/manage/fairs/{fair.id}/badges", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))}
    )


def _wait(client, url, timeout=120):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        status = client.get(url).get_json()
        seen.append((status["status"], status["pages_done"]))
        if status["status"] not in ("queued", "running"):
            return status, seen
        time.sleep(0.2)
    raise AssertionError(f"the job did not finish: {seen[-5:]}")


def test_job_runs_to_done_and_the_file_downloads(app, db, fair_with, client, auth):
    app.config.update(BADGE_WORKERS=2, BADGE_CHUNK_PAGES=1)  # three chunks through the process pool
    fair, _registrations = fair_with(17)
    user = auth.login("organiser", ward_codes=[BACH_QUANG])
    response = _start(client, fair)
    assert response.status_code == 302
    job = db.session.scalars(sa.select(BadgeJob)).one()
    assert response.headers["Location"].endswith(f"/manage/fairs/{fair.id}/badges/{job.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(static_url("js/badges-progress.js"), page) and "<script>" not in page  # no inline script
    status, seen = _wait(client, f"/manage/fairs/{fair.id}/badges/{job.id}/status")
    assert status["status"] == "done", status
    figures = (status["pages_done"], status["pages_total"], status["badges_total"], status["percent"])
    assert figures == (3, 3, 17, 100)
    assert [done for _state, done in seen] == sorted(done for _state, done in seen)  # progress only grows
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert len(PdfReader(io.BytesIO(download.get_data())).pages) == 3
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "badges.request")).all()
    assert entry.actor_id == user.id and entry.details == {"job_id": job.id, "badges": 17}


def test_a_second_job_waits_for_the_first(app, db, make_fair, register, make_user):
    fair = make_fair()
    register(fair)
    user = make_user("admin")
    jobs.start_job(fair, by=user)
    with pytest.raises(jobs.JobAlreadyRunning):
        jobs.start_job(fair, by=user)


def test_a_job_handed_to_two_workers_runs_once(app, db, make_fair, register, make_user):
    """A task delivered twice (two workers, a retry): the second finds the job no longer queued."""
    fair = make_fair()
    register(fair)
    job = jobs.start_job(fair, by=make_user("admin"))
    db.session.commit()
    job_id = job.id
    before = set(jobs.badge_folder().iterdir())
    jobs.run_job(app, job_id)
    jobs.run_job(app, job_id)
    db.session.rollback()  # this test's read snapshot predates the runs
    job = db.session.get(BadgeJob, job_id)
    assert job.status == BadgeJobStatus.DONE
    assert [path.name for path in set(jobs.badge_folder().iterdir()) - before] == [job.file_name]


def test_no_registrations_no_job(db, make_fair, client, auth):
    fair = make_fair()
    auth.login("admin")
    page = client.get(f"/manage/fairs/{fair.id}/badges")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert "Tạo tệp PDF thẻ đeo" not in page.get_data(as_text=True)
    response = client.post(
        f"/manage/fairs/{fair.id}/badges", data={"csrf_token": token}, follow_redirects=True
    )
    assert "chưa có người đăng ký" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BadgeJob)) == 0


def test_an_interrupted_job_is_reported_and_can_be_restarted(
    app, db, make_fair, register, make_user, client, auth
):
    fair = make_fair()
    register(fair)
    user = make_user("admin")
    last_heard = utcnow() - jobs.STALE_AFTER - timedelta(minutes=1)
    job = jobs.start_job(fair, by=user, now=last_heard)
    job.status, job.updated_at = BadgeJobStatus.RUNNING, last_heard + timedelta(seconds=5)  # then lost
    db.session.commit()
    auth.login("admin")
    status = client.get(f"/manage/fairs/{fair.id}/badges/{job.id}/status").get_json()
    assert status["status"] == "failed" and "gián đoạn" in status["error"]
    assert jobs.start_job(fair, by=user).id != job.id


def test_files_are_deleted_after_a_day(app, db, make_fair, register, make_user, client, auth):
    fair = make_fair(ward_code=SONG_CONG)
    register(fair)
    user = make_user("admin")
    job = jobs.start_job(fair, by=user)
    path = jobs.badge_folder() / f"fair-{fair.id}-job-{job.id}-test.pdf"
    path.write_bytes(b"%PDF-1.7 test")
    job.status, job.file_name = BadgeJobStatus.DONE, path.name
    job.finished_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    auth.login("admin")
    assert jobs.purge_expired() == 1
    db.session.commit()
    assert not path.exists() and job.status == BadgeJobStatus.EXPIRED
    response = client.get(f"/manage/fairs/{fair.id}/badges/{job.id}/download")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/fairs/{fair.id}/badges")
