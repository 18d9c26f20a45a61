"""Scanner devices: a browser registered by a signed-in gate user, revoked by an organiser of their wards
(or an admin).

A request that carries `X-Device-Id` names its device; a revoked (or unknown) device is refused on every
app server, because the check reads the database each time (one indexed lookup by public id).
Services flush, never commit."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from fairapp import fastsql
from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.auth.models import Role, User, user_wards
from fairapp.checkins.models import Device
from fairapp.db import utcnow
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.fastsql import Prepared

HEADER = "X-Device-Id"
MAX_PUBLIC_ID_LENGTH = 40
LAST_SEEN_INTERVAL_S = 60  # last_seen_at is written at most once a minute per device


class DeviceRevoked(DomainError):
    code = "device_revoked"
    status = 401
    message = _l(
        "Thiết bị này đã bị thu hồi quyền quét vé. Vui lòng đăng nhập lại trên thiết bị khác "
        "hoặc liên hệ người tổ chức."
    )


class DeviceUnknown(DomainError):
    code = "device_unknown"
    status = 401
    message = _l("Thiết bị chưa được đăng ký. Vui lòng đăng ký lại thiết bị quét vé.")


class DeviceNotYours(DomainError):
    code = "device_not_yours"
    status = 403
    message = _l("Thiết bị này thuộc về một tài khoản khác.")


class DeviceNotManaged(DomainError):
    code = "device_not_managed"
    status = 403
    message = _l("Bạn chỉ được thu hồi thiết bị của nhân viên và cán bộ thuộc phường/xã mình phụ trách.")


def _clean(value, length: int) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value[:length] or None


def register_device(
    user: User, *, name: str | None = None, gate: str | None = None, origin: Origin = SYSTEM
) -> Device:
    """A new device for `user`; its public_id goes to the browser. Audited. Flushes."""
    device = Device(user_id=user.id, name=_clean(name, 100), gate=_clean(gate, 50))
    db.session.add(device)
    db.session.flush()
    audit.record(
        "device.register",
        actor=user,
        target=device,
        origin=origin,
        details={"name": device.name, "gate": device.gate},
    )
    db.session.flush()
    return device


def find_device(public_id: str | None) -> Device | None:
    """The device with this public id, revoked or not (one indexed lookup), or None."""
    if not isinstance(public_id, str) or not public_id or len(public_id) > MAX_PUBLIC_ID_LENGTH:
        return None
    return db.session.scalar(sa.select(Device).where(Device.public_id == public_id))


def touch(device: Device, *, now: datetime | None = None) -> None:
    """Note that the device was seen (written at most once a minute)."""
    now = now or utcnow()
    if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() >= LAST_SEEN_INTERVAL_S:
        device.last_seen_at = now


def device_for_request(public_id: str | None, user=None, *, now: datetime | None = None) -> Device | None:
    """The device a request names, or None if it names none. Raises DeviceRevoked (revoked),
    DeviceUnknown (no such device) or DeviceNotYours (another account's device)."""
    if public_id is None or public_id == "":
        return None
    if len(public_id) > MAX_PUBLIC_ID_LENGTH:
        raise DeviceUnknown()
    device = db.session.scalar(sa.select(Device).where(Device.public_id == public_id))
    if device is None:
        raise DeviceUnknown()
    if device.revoked_at is not None:
        raise DeviceRevoked()
    if user is not None and getattr(user, "id", None) != device.user_id:
        raise DeviceNotYours()
    now = now or utcnow()
    if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() >= LAST_SEEN_INTERVAL_S:
        device.last_seen_at = now
    return device


@dataclass(frozen=True)
class DeviceRef:
    """A device as the check-in's hot path reads it (one Core query, no ORM object)."""

    id: int
    user_id: int
    gate: str | None
    last_seen_at: datetime | None
    revoked_at: datetime | None


_DEVICES = Device.__table__
_DEVICE_REF = Prepared(
    sa.select(
        _DEVICES.c.id, _DEVICES.c.user_id, _DEVICES.c.gate, _DEVICES.c.last_seen_at, _DEVICES.c.revoked_at
    ).where(_DEVICES.c.public_id == sa.bindparam("public_id"))
)


_TOUCH = Prepared(
    sa.update(_DEVICES).where(_DEVICES.c.id == sa.bindparam("device_id")), columns=["last_seen_at"]
)


def device_ref(public_id: str | None) -> DeviceRef | None:
    """find_device, as a DeviceRef."""
    if not isinstance(public_id, str) or not public_id or len(public_id) > MAX_PUBLIC_ID_LENGTH:
        return None
    row = _DEVICE_REF.first(fastsql.connection(), {"public_id": public_id})
    return DeviceRef(*row) if row is not None else None


def touch_ref(device: DeviceRef, *, now: datetime | None = None) -> None:
    """touch() for a DeviceRef: one conditional UPDATE, at most once a minute."""
    now = now or utcnow()
    if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() >= LAST_SEEN_INTERVAL_S:
        _TOUCH.execute(fastsql.connection(), {"device_id": device.id, "last_seen_at": now})


def device_is_revoked(public_id: str) -> bool:
    """True if the public id names a revoked device (the request guard's one indexed lookup)."""
    if not public_id or len(public_id) > MAX_PUBLIC_ID_LENGTH:
        return False
    return bool(
        db.session.scalar(sa.select(Device.revoked_at.is_not(None)).where(Device.public_id == public_id))
    )


def manageable(user: User) -> sa.ColumnElement[bool]:
    """The devices `user` may manage and revoke, as a condition on Device: admins every device; anyone
    their own; an organiser also those of the users in their wards, that is gate staff and organisers
    who share at least one ward with them (fairapp.auth.scope: an organiser without wards, none)."""
    if user.role == Role.ADMIN:
        return sa.true()
    own = Device.user_id == user.id
    scope = user.ward_scope
    if user.role != Role.ORGANISER or scope.empty:
        return own
    owner, owner_ward = aliased(User), user_wards.alias("owner_wards")
    in_their_wards = sa.exists().where(
        owner.id == Device.user_id,
        owner.role.in_([Role.GATE, Role.ORGANISER]),
        owner_ward.c.user_id == owner.id,
        scope.clause(owner_ward.c.ward_code),
    )
    return sa.or_(own, in_their_wards)


def may_manage(user: User, device: Device) -> bool:
    """manageable(user), for one device."""
    return bool(db.session.scalar(sa.select(sa.exists().where(Device.id == device.id, manageable(user)))))


def revoke_device(
    device_id: int, *, by: User, origin: Origin = SYSTEM, now: datetime | None = None
) -> Device:
    """Revoke a device: its next request is refused with device_revoked. Audited. Flushes.
    Raises NotFound, or DeviceNotManaged for a device the user may not manage (manageable)."""
    device = db.session.get(Device, device_id)
    if device is None:
        raise NotFound()
    if not may_manage(by, device):
        raise DeviceNotManaged()
    if device.revoked_at is None:
        device.revoked_at = now or utcnow()
        device.revoked_by = by.id
        audit.record(
            "device.revoke",
            actor=by,
            target=device,
            origin=origin,
            details={"name": device.name, "user_id": device.user_id},
        )
        db.session.flush()
    return device


def devices_for(user: User) -> list[tuple[Device, User]]:
    """The devices `user` may manage, newest first, with their owners."""
    query = (
        sa.select(Device, User)
        .join(User, Device.user_id == User.id)
        .where(manageable(user))
        .order_by(Device.revoked_at.is_not(None), Device.created_at.desc(), Device.id.desc())
    )
    return [(device, owner) for device, owner in db.session.execute(query)]
