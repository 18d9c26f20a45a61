"""The gate scanner pages under /scan/: who may use them, the fair chooser, search by name or phone
(no phone or ID in the answer), manual check-in, the walk-in that checks in at once, and the
installable parts (manifest, service worker)."""

import json
import re
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import PriorityGroup, Registration
from fairapp.checkins.models import CheckIn, Scan
from fairapp.extensions import db
from fairapp.fairs.models import FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, PartnerStatus, School
from tests.checkins.conftest import BACH_QUANG, SONG_CONG
from tests.conftest import csrf_token_from, static_url


def _login(auth, role):
    if role == "employer":
        employer = Employer(name="Công ty A", tax_code="0100109106", status=PartnerStatus.APPROVED)
        db.session.add(employer)
        db.session.commit()
        return auth.login(role, employer_id=employer.id)
    if role == "school":
        school = School(name="Trường nghề", status=PartnerStatus.APPROVED)
        db.session.add(school)
        db.session.commit()
        return auth.login(role, school_id=school.id)
    if role == "organiser":
        return auth.login(role, ward_codes=[BACH_QUANG])  # the fairs' ward: without wards, no fair
    return auth.login(role)


def _csrf(client, fair_id: int) -> str:
    html = client.get(f"/scan/{fair_id}").get_data(as_text=True)
    return html.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]


ROLES = [(None, 302), ("employer", 403), ("school", 403), ("gate", 200), ("organiser", 200), ("admin", 200)]


@pytest.mark.parametrize(("role", "status"), ROLES)
@pytest.mark.parametrize("path", ["/scan/", "/scan/{id}", "/scan/{id}/search?q=Nhung"])
def test_who_may_use_the_scanner_pages(client, auth, make_fair, register, role, status, path):
    fair = make_fair()
    register(fair)
    if role:
        _login(auth, role)
    response = client.get(path.format(id=fair.id))
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_who_may_check_in_by_hand(client, auth, make_fair, register, role, status):
    fair = make_fair()
    registration = register(fair)
    token = None
    if role in ("gate", "organiser", "admin"):
        _login(auth, role)
        token = _csrf(client, fair.id)
    else:
        if role:
            _login(auth, role)
        token = csrf_token_from(client.get("/login" if role is None else "/").get_data(as_text=True))
    response = client.post(
        f"/scan/{fair.id}/manual", json={"registration_id": registration.id}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == status
    expected = 1 if status == 200 else 0
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == expected


def test_organiser_of_another_ward_may_not_scan_for_the_fair(client, auth, make_fair, register):
    from fairapp.geo.models import Ward

    fair = make_fair(ward_code=BACH_QUANG)
    registration = register(fair)
    organiser = auth.make_user("organiser")
    organiser.wards = [db.session.get(Ward, SONG_CONG)]
    db.session.commit()
    page = client.get("/login")
    client.post(
        "/login",
        data={
            "login": organiser.email,
            "password": "demo-password-1",
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.get(f"/scan/{fair.id}").status_code == 403
    assert client.get(f"/scan/{fair.id}/search?q=Nhung").status_code == 403
    response = client.post(
        f"/scan/{fair.id}/manual", json={"registration_id": registration.id}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0
    chooser = client.get("/scan/").get_data(as_text=True)
    assert f'href="/scan/{fair.id}"' not in chooser and "data-no-fairs" in chooser


def test_chooser_lists_todays_open_and_published_fairs_only(client, auth, make_fair):
    now = utcnow()
    open_fair = make_fair(title="Phiên đang mở hôm nay")
    later = make_fair(
        title="Phiên chiều nay",
        status=FairStatus.PUBLISHED,
        opened_at=None,
        starts_at=now + timedelta(minutes=30),
        ends_at=now + timedelta(minutes=90),
    )
    make_fair(
        title="Phiên tuần sau", status=FairStatus.PUBLISHED, opened_at=None, starts_at=now + timedelta(days=7)
    )
    make_fair(title="Phiên nháp hôm nay", status=FairStatus.DRAFT, opened_at=None)
    auth.login("gate")
    html = client.get("/scan/").get_data(as_text=True)
    assert f'href="/scan/{open_fair.id}"' in html and "Phiên đang mở hôm nay" in html
    if (later.starts_at + timedelta(hours=7)).date() == (now + timedelta(hours=7)).date():
        assert "Phiên chiều nay" in html
    assert "Phiên tuần sau" not in html and "Phiên nháp hôm nay" not in html
    assert 'rel="manifest" href="/scan/manifest.webmanifest"' in html


def test_chooser_keeps_a_fair_begun_yesterday_while_it_runs(client, auth, make_fair):
    """Whatever the hour: a fair that started before today's (Vietnamese) midnight and is still
    running is listed; one that began yesterday and has ended is not."""
    from fairapp.fairs.services import local_datetime, local_day

    now = utcnow()
    midnight = local_datetime(local_day(now), time(0))
    make_fair(
        title="Phiên qua nửa đêm",
        starts_at=midnight - timedelta(hours=2),
        ends_at=max(now, midnight) + timedelta(hours=1),
    )
    make_fair(
        title="Phiên hôm qua đã xong",
        starts_at=midnight - timedelta(hours=5),
        ends_at=min(now, midnight) - timedelta(minutes=1),
    )
    auth.login("gate")
    html = client.get("/scan/").get_data(as_text=True)
    assert "Phiên qua nửa đêm" in html
    assert "Phiên hôm qua đã xong" not in html


def test_scanner_page_has_camera_keyboard_box_csrf_meta_and_no_inline_script(client, auth, make_fair):
    fair = make_fair()
    auth.login("gate")
    response = client.get(f"/scan/{fair.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert 'name="csrf-token"' in html and "data-qr-camera" in html and "data-qr-manual" in html
    assert all(
        re.search(static_url(f"js/{name}.js"), html) for name in ("qr-camera", "scanner", "scanner-store")
    )
    assert f'data-scanner-data-url="/api/v1/fairs/{fair.id}/scanner-data"' in html
    assert f"/manage/fairs/{fair.id}/walk-in?from=scanner" in html
    assert "<script>" not in html and "onclick" not in html


def test_scanner_page_declares_the_files_it_fetches_later_and_each_is_served(client, auth, make_fair):
    """The service worker stores these for a reopening without a network; a wrong name would keep the
    page from ever reporting itself ready offline."""
    fair = make_fair()
    auth.login("gate")
    html = client.get(f"/scan/{fair.id}").get_data(as_text=True)
    declared = html.split('data-offline-assets="', 1)[1].split('"', 1)[0].split()
    assert any(
        re.fullmatch(static_url("vendor/qr-scanner/qr-scanner-worker.min.js"), url) for url in declared
    )
    for url in declared:
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_search_finds_by_name_without_accents_and_by_phone_digits_never_showing_them(
    client, auth, make_fair, register
):
    fair = make_fair()
    other_fair = make_fair()
    nhung = register(fair, "Nguyễn Thị Hồng Nhung", priority_group=PriorityGroup.POOR)
    register(fair, "Trần Văn Bình")
    register(other_fair, "Nguyễn Thị Nhung Khác")
    attendee = nhung.attendee
    attendee.citizen_id = "019190001234"
    db.session.commit()
    auth.login("gate")

    answer = client.get(f"/scan/{fair.id}/search?q=nhung").get_json()
    assert answer["items"] == [
        {"registration_id": nhung.id, "name": "Nguyễn Thị Hồng Nhung", "priority": True, "checked_in": False}
    ]
    by_phone = client.get(f"/scan/{fair.id}/search", query_string={"q": attendee.phone[-6:]})
    body = by_phone.get_data(as_text=True)
    assert [item["registration_id"] for item in by_phone.get_json()["items"]] == [nhung.id]
    assert attendee.phone not in body and "019190001234" not in body
    assert set(by_phone.get_json()["items"][0]) == {"registration_id", "name", "priority", "checked_in"}
    assert client.get(f"/scan/{fair.id}/search?q=Khác").get_json()["items"] == []  # another fair's


@pytest.mark.parametrize(("query", "field_rule"), [("", "2"), ("x", "2"), ("a" * 101, "100"), ("098", "4")])
def test_search_refuses_too_short_or_long_queries_with_a_message(client, auth, make_fair, query, field_rule):
    fair = make_fair()
    auth.login("gate")
    response = client.get(f"/scan/{fair.id}/search", query_string={"q": query})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and "q" in error["fields"]
    assert field_rule in error["message"]


def test_manual_check_in_admits_once_then_says_already(client, auth, make_fair, register):
    fair = make_fair()
    registration = register(fair, "Lê Thị Mai", priority_group=PriorityGroup.NEAR_POOR)
    gate = auth.login("gate")
    token = _csrf(client, fair.id)
    first = client.post(
        f"/scan/{fair.id}/manual", json={"registration_id": registration.id}, headers={"X-CSRFToken": token}
    )
    assert first.status_code == 200
    assert first.get_json() | {"checked_in_at": None} == {
        "result": "ok",
        "registration_id": registration.id,
        "name": "Lê Thị Mai",
        "priority": True,
        "checked_in_at": None,
    }
    assert first.get_json()["checked_in_at"]
    second = client.post(
        f"/scan/{fair.id}/manual", json={"registration_id": registration.id}, headers={"X-CSRFToken": token}
    ).get_json()
    assert second["result"] == "already_checked_in"
    rows = db.session.scalars(sa.select(CheckIn)).all()
    assert [(row.registration_id, row.source, row.by_user_id) for row in rows] == [
        (registration.id, "manual", gate.id)
    ]
    assert db.session.scalar(sa.select(sa.func.count(Scan.id))) == 2
    found = client.get(f"/scan/{fair.id}/search?q=Mai").get_json()["items"]
    assert found[0]["checked_in"] is True


def test_manual_check_in_refuses_bad_input_other_fairs_and_missing_csrf(client, auth, make_fair, register):
    fair = make_fair()
    other = register(make_fair())
    auth.login("gate")
    token = _csrf(client, fair.id)
    url = f"/scan/{fair.id}/manual"
    for body in ({}, {"registration_id": "1"}, {"registration_id": -3}, {"registration_id": True}, [1]):
        response = client.post(url, json=body, headers={"X-CSRFToken": token})
        assert response.status_code == 422
        assert "registration_id" in response.get_json()["error"]["fields"]
    response = client.post(
        url, data="not json", headers={"X-CSRFToken": token, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    response = client.post(url, json={"registration_id": other.id}, headers={"X-CSRFToken": token})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.post(url, json={"registration_id": other.id}).status_code == 400  # no CSRF token
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_manual_check_in_when_the_fair_is_not_open(client, auth, make_fair, register):
    fair = make_fair(status=FairStatus.PUBLISHED, opened_at=None, starts_at=utcnow() + timedelta(hours=2))
    registration = register(fair)
    auth.login("gate")
    token = _csrf(client, fair.id)
    answer = client.post(
        f"/scan/{fair.id}/manual", json={"registration_id": registration.id}, headers={"X-CSRFToken": token}
    ).get_json()
    assert answer["result"] == "fair_not_open" and answer["checked_in_at"] is None
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def _walk_in_form(client, fair_id: int) -> dict:
    html = client.get(f"/manage/fairs/{fair_id}/walk-in?from=scanner").get_data(as_text=True)
    return {
        "csrf_token": csrf_token_from(html),
        "full_name": "Hoàng Văn Nam",
        "phone": "0987654321",
        "birth_year": "1988",
        "gender": "male",
        "ward_code": BACH_QUANG,
        "priority_group": "poor",
        "consent_personal_data": "y",
    }


def test_walk_in_from_the_scanner_is_checked_in_at_once(client, auth, make_fair):
    fair = make_fair()
    gate = auth.login("gate")
    url = f"/manage/fairs/{fair.id}/walk-in?from=scanner"
    response = client.post(url, data=_walk_in_form(client, fair.id))
    registration = db.session.scalar(sa.select(Registration).where(Registration.fair_id == fair.id))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/scan/{fair.id}?walk_in={registration.id}"
    check_in = db.session.scalar(sa.select(CheckIn))
    assert (check_in.registration_id, check_in.source, check_in.by_user_id) == (
        registration.id,
        "walk_in",
        gate.id,
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã đăng ký và cho vào:" in html and "Hoàng Văn Nam" in html and "ƯU TIÊN" in html


def test_walk_in_without_the_scanner_parameter_is_not_checked_in(client, auth, make_fair):
    fair = make_fair()
    auth.login("gate")
    response = client.post(f"/manage/fairs/{fair.id}/walk-in", data=_walk_in_form(client, fair.id))
    assert response.status_code == 303 and "/walk-in" in response.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_walk_in_from_the_scanner_before_the_fair_opens_registers_without_check_in(client, auth, make_fair):
    fair = make_fair(status=FairStatus.PUBLISHED, opened_at=None, starts_at=utcnow() + timedelta(hours=2))
    auth.login("gate")
    url = f"/manage/fairs/{fair.id}/walk-in?from=scanner"
    response = client.post(url, data=_walk_in_form(client, fair.id))
    assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "chưa check-in được" in html


def test_manifest_and_service_worker_make_the_scanner_installable(client):
    manifest = client.get("/scan/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    body = json.loads(manifest.get_data(as_text=True))
    assert body["start_url"] == "/scan/" and body["scope"] == "/scan/" and body["display"] == "standalone"
    icon = client.get(body["icons"][0]["src"])
    assert icon.status_code == 200 and b"<svg" in icon.data
    worker = client.get("/scan/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/scan/"
    assert "no-cache" in worker.headers["Cache-Control"]
    assert b"fairapp-scanner-" in worker.data
