"""Organisers manage (see and revoke) the scanner devices of the users in their wards: gate staff and
organisers who share at least one ward with them, and their own. Admins manage every device."""

import pytest
import sqlalchemy as sa

from fairapp.auth.models import User
from fairapp.checkins import devices
from fairapp.checkins.models import Device
from tests.checkins.conftest import BACH_QUANG, SONG_CONG
from tests.conftest import csrf_token_from

BA_XUYEN = "05533"


@pytest.fixture()
def phones(make_user, make_device):
    """One device per kind of owner, by name."""
    owners = {
        "gate of Bách Quang": make_user("gate", ward_codes=[BACH_QUANG]),
        "gate of Bách Quang and Sông Công": make_user("gate", ward_codes=[BACH_QUANG, SONG_CONG]),
        "gate of Sông Công": make_user("gate", ward_codes=[SONG_CONG]),
        "gate without wards": make_user("gate"),
        "organiser of Bách Quang": make_user("organiser", ward_codes=[BACH_QUANG, BA_XUYEN]),
        "organiser of Sông Công": make_user("organiser", ward_codes=[SONG_CONG]),
    }
    return {name: make_device(owner, name=name) for name, owner in owners.items()}


IN_BACH_QUANG = {"gate of Bách Quang", "gate of Bách Quang and Sông Công", "organiser of Bách Quang"}


def _names(user) -> set[str]:
    return {device.name for device, _owner in devices.devices_for(user)}


def test_who_manages_which_device(db, make_user, make_device, phones):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    own = make_device(organiser, name="own phone")
    assert _names(organiser) == IN_BACH_QUANG | {"own phone"}
    assert {name for name, device in phones.items() if devices.may_manage(organiser, device)} == IN_BACH_QUANG
    assert devices.may_manage(organiser, own)

    admin = make_user("admin")
    assert _names(admin) == set(phones) | {"own phone"}
    # An organiser without wards manages only their own devices; gate staff only theirs.
    lonely = make_user("organiser")
    assert _names(lonely) == set()
    gate = db.session.get(User, phones["gate of Sông Công"].user_id)
    assert _names(gate) == {"gate of Sông Công"}


def test_revoking_another_wards_device_is_refused(client, db, auth, phones):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    html = client.get("/manage/devices/").get_data(as_text=True)
    assert "gate of Bách Quang" in html
    assert "gate of Sông Công" not in html and "gate without wards" not in html
    token = csrf_token_from(html)
    for name in ("gate of Sông Công", "gate without wards", "organiser of Sông Công"):
        response = client.post(
            f"/manage/devices/{phones[name].id}/revoke", data={"csrf_token": token}, follow_redirects=True
        )
        assert "chỉ được thu hồi thiết bị" in response.get_data(as_text=True), name
    response = client.post(
        f"/manage/devices/{phones['gate of Bách Quang'].id}/revoke", data={"csrf_token": token}
    )
    assert response.status_code == 302
    db.session.expire_all()
    revoked = set(db.session.scalars(sa.select(Device.name).where(Device.revoked_at.is_not(None))))
    assert revoked == {"gate of Bách Quang"}


def test_revoking_another_wards_device_through_the_api(client, db, token_for, phones):
    _organiser, headers = token_for("organiser", ward_codes=[BACH_QUANG])
    refused = client.post(f"/api/v1/devices/{phones['gate of Sông Công'].id}/revoke", headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "device_not_managed"
    allowed = client.post(
        f"/api/v1/devices/{phones['gate of Bách Quang and Sông Công'].id}/revoke", headers=headers
    )
    assert allowed.status_code == 200
    _admin, admin_headers = token_for("admin")
    assert (
        client.post(
            f"/api/v1/devices/{phones['gate without wards'].id}/revoke", headers=admin_headers
        ).status_code
        == 200
    )
    db.session.expire_all()
    assert db.session.get(Device, phones["gate of Sông Công"].id).revoked_at is None
