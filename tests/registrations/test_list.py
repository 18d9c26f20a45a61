"""The organisers' registration list and detail: who may see them, masking, search, filters, audit."""

import re

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import PriorityGroup
from fairapp.audit.models import AuditEntry
from fairapp.registrations import services
from fairapp.registrations.models import BadgeJob, BadgeJobStatus
from tests.conftest import csrf_token_from
from tests.registrations.conftest import BA_XUYEN, BACH_QUANG, SONG_CONG

CITIZEN_ID = "019195001234"


def _routes(fair, registration, job):
    base = f"/manage/fairs/{fair.id}"
    return [
        ("GET", f"{base}/registrations"),
        ("GET", f"{base}/registrations/{registration.id}"),
        ("GET", f"{base}/registrations/export.xlsx"),
        ("GET", f"{base}/registrations/export.csv"),
        ("GET", f"{base}/badges"),
        ("POST", f"{base}/badges"),
        ("GET", f"{base}/badges/{job.id}"),
        ("GET", f"{base}/badges/{job.id}/status"),
        ("GET", f"{base}/badges/{job.id}/download"),
    ]


@pytest.fixture()
def listed(db, make_fair, register, make_user):
    fair = make_fair()
    registration = register(fair, citizen_id=CITIZEN_ID)
    author = make_user("admin")
    job = BadgeJob(
        fair_id=fair.id,
        requested_by=author.id,
        status=BadgeJobStatus.FAILED,
        badges_total=1,
        pages_total=1,
        error="x",
    )
    db.session.add(job)
    db.session.commit()
    return fair, registration, job


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("admin", True),
        ("organiser of the ward", True),
        ("organiser without wards", False),  # deny by default: no wards, no fair (fairapp.auth.scope)
        ("organiser of another ward", False),
    ],
)
def test_access_by_ward(who, allowed, listed, client, auth):
    fair, registration, job = listed
    if who == "admin":
        auth.login("admin")
    elif who == "organiser of the ward":
        auth.login("organiser", ward_codes=[BACH_QUANG])
    elif who == "organiser without wards":
        auth.login("organiser")
    else:
        auth.login("organiser", ward_codes=[SONG_CONG])
    for method, url in _routes(fair, registration, job):
        if method == "POST":
            continue  # starting a job is covered below (it needs a CSRF token and starts work)
        response = client.open(url, method=method)
        if allowed:
            assert response.status_code in (200, 302), (url, response.status_code)
        else:
            assert response.status_code == 403, (url, response.status_code)


def test_organiser_of_another_ward_cannot_start_badges(listed, client, auth):
    fair, _registration, _job = listed
    auth.login("organiser", ward_codes=[SONG_CONG])
    token = csrf_token_from(client.get("/").get_data(as_text=True))  # the sign-out form's token
    response = client.post(f"/manage/fairs/{fair.id}/badges", data={"csrf_token": token})
    assert response.status_code == 403
    assert BadgeJob.query.filter_by(fair_id=fair.id).count() == 1  # only the fixture's


@pytest.mark.parametrize("role", ["gate", "employer", "school"])
def test_other_roles_are_forbidden(role, listed, client, auth):
    fair, registration, job = listed
    auth.login(role)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    for method, url in _routes(fair, registration, job):
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, url


def test_anonymous_is_sent_to_sign_in(listed, client):
    fair, registration, _job = listed
    response = client.get(f"/manage/fairs/{fair.id}/registrations/{registration.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_fair_and_registration_of_another_fair_are_404(listed, make_fair, client, auth):
    fair, registration, _job = listed
    other = make_fair()
    auth.login("admin")
    assert client.get("/manage/fairs/99999/registrations").status_code == 404
    assert client.get(f"/manage/fairs/{other.id}/registrations/{registration.id}").status_code == 404


def test_list_masks_citizen_ids_and_shows_priority_group(make_fair, register, client, auth):
    fair = make_fair()
    register(fair, "Lò Thị Mai", citizen_id=CITIZEN_ID, priority_group=PriorityGroup.POOR)
    auth.login("organiser", ward_codes=[BACH_QUANG])
    html = client.get(f"/manage/fairs/{fair.id}/registrations").get_data(as_text=True)
    assert "Lò Thị Mai" in html
    assert "********1234" in html
    assert CITIZEN_ID not in html
    assert "Hộ nghèo" in html


def test_detail_shows_the_full_citizen_id_and_is_audited(db, make_fair, register, client, auth):
    fair = make_fair()
    registration = register(fair, "Hà Văn Sơn", citizen_id=CITIZEN_ID)
    user = auth.login("organiser", ward_codes=[BACH_QUANG])
    response = client.get(f"/manage/fairs/{fair.id}/registrations/{registration.id}")
    assert response.status_code == 200
    assert CITIZEN_ID in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "registration.view_personal")
    ).all()
    assert [(e.actor_id, e.object_type, e.object_id) for e in entries] == [
        (user.id, "registrations", str(registration.id))
    ]
    client.get(f"/manage/fairs/{fair.id}/registrations/{registration.id}")
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "registration.view_personal"))
        == 2
    )


def test_mask_citizen_id():
    assert services.mask_citizen_id("019195001234") == "********1234"
    assert services.mask_citizen_id(None) == ""
    assert services.mask_citizen_id("") == ""


@pytest.fixture()
def crowd(make_fair, register):
    fair = make_fair()
    register(fair, "Nguyễn Văn Đức", phone="0912345678", citizen_id="019090005678")
    register(
        fair, "Trần Thị Ánh", phone="0987000111", ward_code=SONG_CONG, priority_group=PriorityGroup.NEAR_POOR
    )
    register(fair, "Đỗ Đức Anh", phone="0977000222", ward_code=BA_XUYEN, priority_group=PriorityGroup.POOR)
    other = make_fair()
    register(other, "Nguyễn Văn Đức Hai", phone="0966000333")
    return fair


def _names(fair, **filters) -> list[str]:
    page = services.list_registrations(fair, services.RegistrationFilter(**filters))
    return sorted(row["full_name"] for row in page.items)


def test_search_by_name_without_diacritics(crowd):
    assert _names(crowd, query="nguyen van duc") == ["Nguyễn Văn Đức"]
    assert _names(crowd, query="ĐỨC") == ["Nguyễn Văn Đức", "Đỗ Đức Anh"]
    assert _names(crowd, query="  anh ") == ["Trần Thị Ánh", "Đỗ Đức Anh"]
    assert _names(crowd, query="100%") == []


def test_search_by_phone_and_citizen_id(crowd):
    assert _names(crowd, query="0912 345 678") == ["Nguyễn Văn Đức"]
    assert _names(crowd, query="+84912345678") == ["Nguyễn Văn Đức"]
    assert _names(crowd, query="5678") == ["Nguyễn Văn Đức"]  # the digits a masked ID shows
    assert _names(crowd, query="019090005678") == ["Nguyễn Văn Đức"]


def test_filters_by_ward_and_priority_group(crowd):
    assert _names(crowd, ward_code=SONG_CONG) == ["Trần Thị Ánh"]
    assert _names(crowd, priority_group=PriorityGroup.POOR) == ["Đỗ Đức Anh"]
    assert _names(crowd, query="duc", priority_group=PriorityGroup.POOR) == ["Đỗ Đức Anh"]
    assert _names(crowd, ward_code=SONG_CONG, priority_group=PriorityGroup.POOR) == []


def test_filters_through_the_page(crowd, client, auth):
    auth.login("admin")
    url = f"/manage/fairs/{crowd.id}/registrations?q=duc&ward_code={BA_XUYEN}"
    html = client.get(url).get_data(as_text=True)
    assert "Đỗ Đức Anh" in html and "Nguyễn Văn Đức" not in html
    assert "1 người đăng ký khớp bộ lọc" in html


def test_bad_filter_values_are_refused_with_a_message(crowd, client, auth):
    auth.login("admin")
    response = client.get(f"/manage/fairs/{crowd.id}/registrations?priority_group=rich&ward_code=99999")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Diện ưu tiên: chọn một diện trong danh sách." in html
    assert "Phường/xã cư trú: chọn một phường/xã trong danh sách." in html
    assert "3 người đăng ký khớp bộ lọc" in html  # unfiltered, not a 500


def test_pagination(db, make_fair, register, client, auth):
    fair = make_fair()
    for n in range(services.PER_PAGE + 5):
        register(fair, f"Người lao động {n:03d}", commit=False)
    db.session.commit()
    first = services.list_registrations(fair, services.RegistrationFilter(), page=1)
    second = services.list_registrations(fair, services.RegistrationFilter(), page=2)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (55, 2, 50, 5)
    assert not {r["id"] for r in first.items} & {r["id"] for r in second.items}
    assert services.list_registrations(fair, services.RegistrationFilter(), page=99).page == 2
    auth.login("admin")
    html = client.get(f"/manage/fairs/{fair.id}/registrations?q=lao&page=2").get_data(as_text=True)
    assert "Trang 2 / 2" in html
    assert re.search(r'href="/manage/fairs/\d+/registrations\?[^"]*page=1', html)
    assert len(re.findall(r"/registrations/\d+\"", html)) == 5
