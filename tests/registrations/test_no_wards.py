"""Deny by default: an organiser without wards sees no fair — no fair page, registration list, detail,
export, live view, scanner, kiosk or API answer — and every list is empty, with a notice saying whom
to ask. The same requests by an organiser of the fair's ward succeed (the test cannot pass by accident)."""

from datetime import timedelta

import pytest

from fairapp.auth import services as auth_services
from fairapp.fairs.models import FairStatus
from fairapp.modelbase import utcnow
from tests.registrations.conftest import BACH_QUANG

CITIZEN_ID = "019195001234"


@pytest.fixture()
def open_fair(make_fair, register):
    """A fair open now in Bách Quang with one registered job seeker (a full citizen ID on file)."""
    starts_at = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    fair = make_fair(
        title="Phiên Bách Quang hôm nay",
        status=FairStatus.OPEN,
        starts_at=starts_at,
        opened_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
    )
    return fair, register(fair, "Nguyễn Thị Hồng Nhung", citizen_id=CITIZEN_ID)


def _pages(fair, registration) -> list[str]:
    base = f"/manage/fairs/{fair.id}"
    return [
        base,
        f"{base}/registrations",
        f"{base}/registrations/{registration.id}",
        f"{base}/registrations/export.csv",
        f"{base}/registrations/export.xlsx",
        f"{base}/live",
        f"{base}/live.json",
        f"{base}/walk-in",
        f"{base}/kiosk",
        f"{base}/kiosk/token.json",
        f"{base}/booths",
        f"/scan/{fair.id}",
        f"/scan/{fair.id}/search?q=Nhung",
    ]


def _api(fair) -> list[str]:
    return [
        f"/api/v1/fairs/{fair.id}",
        f"/api/v1/fairs/{fair.id}/stats",
        f"/api/v1/fairs/{fair.id}/scanner-data",
        f"/api/v1/fairs/{fair.id}/revocations",
    ]


def _bearer(db, user) -> dict:
    _token, secret = auth_services.issue_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize(("wards", "status"), [([], 403), ([BACH_QUANG], 200)])
def test_fair_pages_and_api(client, db, auth, open_fair, wards, status):
    fair, registration = open_fair
    organiser = auth.login("organiser", ward_codes=wards)
    for url in _pages(fair, registration):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 403:
            html = response.get_data(as_text=True)
            assert CITIZEN_ID not in html and "Nguyễn Thị Hồng Nhung" not in html, url
    headers = _bearer(db, organiser)
    for url in _api(fair):
        response = client.get(url, headers=headers)
        assert response.status_code == status, url
    scan = client.post("/api/v1/checkins", headers=headers, json={"fair_id": fair.id, "qr_payload": "x"})
    assert scan.status_code == status
    staff_registration = client.post(
        f"/api/v1/fairs/{fair.id}/registrations",
        headers=headers,
        json={
            "full_name": "Lò Văn Pá",
            "phone": "0912345678",
            "birth_year": 1990,
            "gender": "male",
            "ward_code": BACH_QUANG,
            "priority_group": "none",
            "consent_personal_data": True,
        },
    )
    assert staff_registration.status_code == (403 if status == 403 else 201)


@pytest.mark.parametrize(("wards", "listed"), [([], False), ([BACH_QUANG], True)])
def test_lists_are_empty_and_say_whom_to_ask(client, db, auth, make_user, open_fair, wards, listed):
    fair, _registration = open_fair
    make_user("admin", full_name="Trần Quản Trị", email="quantri@songcong.gov.vn")
    organiser = auth.login("organiser", ward_codes=wards)
    pages = {url: client.get(url).get_data(as_text=True) for url in ("/manage/fairs/", "/scan/", "/")}
    assert (fair.title in pages["/manage/fairs/"]) == listed
    assert (f'href="/scan/{fair.id}"' in pages["/scan/"]) == listed
    for url, html in pages.items():
        assert ("data-no-wards-notice" in html) == (not listed), url
        if not listed:
            assert "chưa được giao phường/xã nào" in html and "Trần Quản Trị" in html, url
            assert "quantri@songcong.gov.vn" in html, url
    items = client.get("/api/v1/fairs", headers=_bearer(db, organiser)).get_json()["items"]
    assert [item["id"] for item in items] == ([fair.id] if listed else [])


def test_other_roles_see_no_notice(client, auth, open_fair):
    for role in ("admin", "gate"):
        auth.login(role)
        assert "data-no-wards-notice" not in client.get("/").get_data(as_text=True)
        auth.logout()
