"""Scanner devices: a browser registered by a signed-in gate user, revoked by an organiser of their wards
(or an admin).

Registering gives the browser a device token (as pretixSCAN's devices have): the scanner page sends it
as `Authorization: Bearer fad_…` and nothing else, no cookie and no CSRF token, so a scanner keeps
working through a long day offline whatever happens to the session, and a stolen page cannot be
replayed from another site. The token is valid while the device is not revoked and its user is active
and has not been signed out everywhere since (users.session_version). Requests made otherwise (a
session, an account's API token) may name a device with `X-Device-Id`. Either way a revoked device is
refused on every app server: the check reads the database on each request (one indexed lookup).
Services flush, never commit."""

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.auth.models import Role, User, user_wards
from fairapp.checkins.models import Device
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.modelbase import utcnow

HEADER = "X-Device-Id"
TOKEN_PREFIX = "fad_"
MAX_TOKEN_LENGTH = 100
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
) -> tuple[Device, str]:
    """A new device for `user` and its token: its public_id and the token go to the browser, which
    alone holds the token (only its hash is kept). Audited. Flushes."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = Device(
        user_id=user.id,
        name=_clean(name, 100),
        gate=_clean(gate, 50),
        token_hash=_digest(token),
        session_version=user.session_version,
    )
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
    return device, token


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_device_token(secret: str | None) -> bool:
    return isinstance(secret, str) and secret.startswith(TOKEN_PREFIX)


def device_for_token(secret: str) -> tuple[Device, User] | None:
    """The device and its user for a device token, revoked or not (the caller refuses a revoked one
    with device_revoked), or None: unknown, its user inactive or signed out everywhere since. One
    indexed query."""
    if not is_device_token(secret) or len(secret) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.execute(_BY_TOKEN, {"token_hash": _digest(secret)}).first()
    if row is None:
        return None
    device, user = row
    if not user.active or device.session_version != user.session_version:
        return None
    return device, user


_BY_TOKEN = (
    sa.select(Device, User)
    .join(User, User.id == Device.user_id)
    .where(Device.token_hash == sa.bindparam("token_hash"))
)


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


def sign_out_device(
    public_id: str | None, *, user: User, origin: Origin = SYSTEM, now: datetime | None = None
) -> Device | None:
    """The user signs out on the browser that is this device: it is revoked (its token refused from
    then on), if it is theirs and still live. Anything else named is ignored. Audited. Flushes."""
    device = find_device(public_id)
    if device is None or device.user_id != user.id or device.revoked_at is not None:
        return None
    device.revoked_at = now or utcnow()
    device.revoked_by = user.id
    audit.record("device.sign_out", actor=user, target=device, origin=origin, details={"name": device.name})
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
