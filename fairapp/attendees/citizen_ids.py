"""A citizen ID (CCCD) already held by a record with another name.

Online it is refused like any other bad field, with one message that says neither that the number
is known nor whose it is (PUBLIC_MESSAGE, code validation_error); the refusal is audited with the
number masked and rate-limited per address and per number (fairapp.attendees.limits). Staff see
the conflict (code citizen_id_conflict) and settle it at the desk: look up who holds the number, check
the physical card, and move the number to the right person (`move`), audited.

Errors (DomainError codes): validation_error (422, online), citizen_id_conflict (409, staff),
citizen_id_not_held (404), citizen_id_same_person, citizen_id_target_has_other,
citizen_id_release_clash (409)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from fairapp.attendees.models import Attendee, Channel
from fairapp.attendees.validation import RegistrationInvalid, _message
from fairapp.audit.services import SYSTEM, Origin, record, record_read
from fairapp.errors import Conflict, NotFound
from fairapp.extensions import db

# The only answer the public channel gets for a number held under another name. It must not be used
# for anything else: seen for another reason it would stop meaning nothing.
PUBLIC_MESSAGE = _l(
    "Chúng tôi không thể đăng ký số CCCD này trực tuyến. Vui lòng mang CCCD đến bàn đăng ký tại phiên."
)
STAFF_RULE = _l("đang ghi cho một người có họ tên khác. Hãy kiểm tra thẻ CCCD rồi xử lý tại bàn đăng ký.")


def mask(citizen_id: str | None) -> str:
    """ "********1234": the last four digits only; "" when there is none."""
    if not citizen_id:
        return ""
    return "*" * (len(citizen_id) - 4) + citizen_id[-4:]


class HeldUnderAnotherName(RegistrationInvalid):
    """The number typed is held by a record with another name; remembers what the audit records."""

    def __init__(self, *, citizen_id: str, holder_id: int, fair_id: int, channel: Channel):
        super().__init__(fields={"citizen_id": self.field_message()})
        self.citizen_id, self.holder_id, self.fair_id, self.channel = citizen_id, holder_id, fair_id, channel

    def field_message(self) -> str:
        raise NotImplementedError


class CitizenIdRefused(HeldUnderAnotherName):
    """Online: answered exactly like any other bad field (validation_error, 422)."""

    def field_message(self):
        return PUBLIC_MESSAGE


class CitizenIdConflict(HeldUnderAnotherName):
    """Staff: the number is held by a record with another name; settle it at the desk."""

    code = "citizen_id_conflict"
    status = 409
    message = _l("Số CCCD này đang ghi cho một người có họ tên khác.")

    def field_message(self):
        return staff_message()


def staff_message() -> str:
    """The message staff see next to the citizen ID field."""
    return _message("citizen_id", STAFF_RULE)


def clash(attendee: Attendee, citizen_id: str, *, fair_id: int, channel: Channel) -> HeldUnderAnotherName:
    """The refusal for a number found on `attendee`, whose name is not the one typed."""
    error = CitizenIdRefused if channel == Channel.ONLINE else CitizenIdConflict
    return error(citizen_id=citizen_id, holder_id=attendee.id, fair_id=fair_id, channel=channel)


def record_clash(error: HeldUnderAnotherName, *, by=None, origin: Origin = SYSTEM) -> None:
    """Audit a refused number (masked). Run in a transaction of its own (fairapp.attendees.services
    .register asks for it afterwards): the registration's is rolled back."""
    record(
        "registration.citizen_id_conflict",
        actor=by,
        actor_label=None if by is not None else error.channel.value,
        target=db.session.get(Attendee, error.holder_id),
        origin=origin,
        details={
            "fair_id": error.fair_id,
            "citizen_id": mask(error.citizen_id),
            "channel": error.channel.value,
        },
    )
    db.session.flush()


# --- The desk --------------------------------------------------------------------------------------


class CitizenIdNotHeld(NotFound):
    code = "citizen_id_not_held"
    message = _l("Không có hồ sơ nào mang số CCCD này.")


class MoveRefused(Conflict):
    MESSAGES = {
        "citizen_id_same_person": _l("Người được chọn đã mang số CCCD này."),
        "citizen_id_target_has_other": _l(
            "Người được chọn đã có một số CCCD khác. Kiểm tra lại trước khi chuyển."
        ),
        "citizen_id_release_clash": _l(
            "Không gỡ được số CCCD: hồ sơ đang giữ số này trùng số điện "
            "thoại và họ tên với một hồ sơ khác chưa có CCCD."
        ),
    }

    def __init__(self, code: str):
        super().__init__(self.MESSAGES[code], code=code)


def holder_of(citizen_id: str, *, by, fair_id: int, origin: Origin = SYSTEM) -> Attendee | None:
    """The record holding the number, for staff at a fair's desk. Every lookup is audited (masked; a
    read)."""
    holder = db.session.scalar(sa.select(Attendee).where(Attendee.citizen_id == citizen_id))
    record_read(
        "attendee.citizen_id_lookup",
        actor=by,
        target=holder,
        origin=origin,
        details={"fair_id": fair_id, "citizen_id": mask(citizen_id), "found": holder is not None},
    )
    return holder


def move(citizen_id: str, *, to: Attendee | None, by, fair_id: int, origin: Origin = SYSTEM) -> Attendee:
    """Take the number off the record holding it and give it to `to` (None: to nobody yet, so that
    the person at the desk can be registered with it). Staff have checked the physical card. Returns
    the former holder. Audited as attendee.citizen_id_moved (from, to, number masked)."""
    holder = db.session.scalar(sa.select(Attendee).where(Attendee.citizen_id == citizen_id))
    if holder is None:
        raise CitizenIdNotHeld()
    if to is not None and to.id == holder.id:
        raise MoveRefused("citizen_id_same_person")
    if to is not None and to.citizen_id is not None:
        raise MoveRefused("citizen_id_target_has_other")
    savepoint = db.session.begin_nested()
    try:
        holder.citizen_id = None
        db.session.flush()
        if to is not None:
            to.citizen_id = citizen_id
            db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise MoveRefused("citizen_id_release_clash") from None
    savepoint.commit()
    record(
        "attendee.citizen_id_moved",
        actor=by,
        target=holder,
        origin=origin,
        details={
            "fair_id": fair_id,
            "citizen_id": mask(citizen_id),
            "from": holder.id,
            "to": to.id if to is not None else None,
        },
    )
    db.session.flush()
    return holder
