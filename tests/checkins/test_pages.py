"""Organiser pages: the device list with revoke buttons, the checked-in filter and column on the
registrations list, the checked-in count on the fair's page."""

import re

import pytest
import sqlalchemy as sa

from fairapp.checkins import services
from fairapp.checkins.models import Device
from tests.checkins.conftest import BACH_QUANG, SONG_CONG
from tests.conftest import csrf_token_from


def test_device_list_and_revoke(client, db, auth, make_user, make_device):
    gate = make_user("gate", full_name="Vi Văn Cổng", ward_codes=[BACH_QUANG])
    device = make_device(gate, "Điện thoại Oppo")
    auth.login("organiser", ward_codes=[BACH_QUANG, SONG_CONG])
    page = client.get("/manage/devices/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Điện thoại Oppo" in html and "Vi Văn Cổng" in html
    response = client.post(f"/manage/devices/{device.id}/revoke", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Device, device.id).revoked_at is not None
    html = client.get("/manage/devices/").get_data(as_text=True)
    assert 'data-revoked="yes"' in html and "Đã thu hồi" in html


def test_revoke_needs_csrf(client, db, auth, make_user, make_device):
    device = make_device(make_user("gate"))
    auth.login("organiser")
    client.post(f"/manage/devices/{device.id}/revoke", data={})
    db.session.expire_all()
    assert db.session.get(Device, device.id).revoked_at is None


@pytest.mark.parametrize(
    "role,status",
    [(None, 302), ("gate", 403), ("employer", 403), ("school", 403), ("organiser", 200), ("admin", 200)],
)
def test_device_list_access(role, status, client, auth):
    if role:
        auth.login(role)
    assert client.get("/manage/devices/").status_code == status


def test_gate_cannot_revoke(client, db, auth, make_user, make_device):
    device = make_device(make_user("gate"))
    auth.login("gate")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post(f"/manage/devices/{device.id}/revoke", data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Device, device.id).revoked_at is None


def test_registrations_checked_in_filter_and_column(client, db, auth, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    _a, arrived = ticket(fair, "Nông Thị Đến")
    ticket(fair, "Hà Văn Chưa")
    services.check_in(fair, arrived, by=gate)
    db.session.commit()
    auth.login("admin")
    everyone = client.get(f"/manage/fairs/{fair.id}/registrations").get_data(as_text=True)
    assert "Nông Thị Đến" in everyone and "Hà Văn Chưa" in everyone and "Đã đến" in everyone
    only_in = client.get(f"/manage/fairs/{fair.id}/registrations?checked_in=yes").get_data(as_text=True)
    assert "Nông Thị Đến" in only_in and "Hà Văn Chưa" not in only_in
    not_yet = client.get(f"/manage/fairs/{fair.id}/registrations?checked_in=no").get_data(as_text=True)
    assert "Hà Văn Chưa" in not_yet and "Nông Thị Đến" not in not_yet
    bad = client.get(f"/manage/fairs/{fair.id}/registrations?checked_in=maybe")
    assert bad.status_code == 200
    assert "Điểm danh: chọn một lựa chọn trong danh sách." in bad.get_data(as_text=True)


def test_fair_page_shows_checked_in_count(client, db, auth, make_fair, ticket, make_user):
    gate = make_user("gate")
    fair = make_fair()
    for n in range(3):
        _r, payload = ticket(fair)
        if n < 2:
            services.check_in(fair, payload, by=gate)
    db.session.commit()
    auth.login("admin")
    html = client.get(f"/manage/fairs/{fair.id}").get_data(as_text=True)
    assert re.search(r"đã điểm danh: 2\b", html)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Device)) == 0
