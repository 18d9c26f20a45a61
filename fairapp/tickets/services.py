"""Tickets: finding a ticket by its personal link, what its page shows, reissuing, revoking, the
revocation list. An erased person's tickets are gone: their QR codes are on the revocation list and
their links were given secrets nobody holds (fairapp.privacy); should one still be found, it answers
410 (ticket_erased), and it is never reissued.

Services flush, never commit."""

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fairapp.attendees.models import Registration, new_ticket_secret
from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.booths.services import public_offer
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.modelbase import utcnow
from fairapp.tickets import signing
from fairapp.tickets.models import RevokedTicket

MAX_SECRET_LENGTH = 64
# What a ticket link's secret can be made of (new_ticket_secret uses a part of it): anything else is
# no ticket, and never reaches the database (PostgreSQL refuses a NUL in a query).
_SECRET = re.compile(r"[A-Za-z0-9_-]+")


class TicketNotFound(NotFound):
    code = "ticket_not_found"
    message = _l("Không tìm thấy vé. Vui lòng kiểm tra lại đường dẫn.")


class TicketErased(DomainError):
    code = "ticket_erased"
    status = 410
    message = _l(
        "Vé này không còn hiệu lực: dữ liệu cá nhân của người đăng ký đã được xoá theo yêu cầu "
        "hoặc hết thời hạn lưu trữ."
    )


@dataclass(frozen=True)
class BoothToVisit:
    label: str | None
    name: str
    kind: str  # "employer" or "school"


def get_by_secret(secret: str) -> Registration:
    """The registration whose personal link carries `secret`; TicketNotFound otherwise."""
    if not secret or len(secret) > MAX_SECRET_LENGTH or not _SECRET.fullmatch(secret):
        raise TicketNotFound()
    registration = db.session.scalar(sa.select(Registration).where(Registration.ticket_secret == secret))
    if registration is None:
        raise TicketNotFound()
    if registration.attendee.erased_at is not None:
        raise TicketErased()
    return registration


def booths_to_visit(fair_id: int) -> list[BoothToVisit]:
    """The booths the public sees at the fair (fairapp.booths.services.public_offer), by label then name."""
    booths = [
        BoothToVisit(b.label, (b.employer or b.school).name, "employer" if b.employer_id else "school")
        for b in public_offer(fair_id).booths
    ]
    return sorted(booths, key=lambda b: (b.label is None, (b.label or "").zfill(8), b.name.casefold()))


def reissue_ticket(
    registration: Registration,
    *,
    by=None,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
    reason: str | None = None,
) -> Registration:
    """A new ticket for the registration: a new nonce (so a new QR) and a new personal link. The old
    QR goes on the revocation list and the old link finds nothing, so a lost or leaked ticket is
    useless to whoever holds it. Audited ("ticket.reissue"). Raises TicketErased for an erased person."""
    if registration.attendee.erased_at is not None:
        raise TicketErased()
    now = now or utcnow()
    old = registration.ticket_nonce
    new = signing.new_nonce()
    while new == old:
        new = signing.new_nonce()
    db.session.add(
        RevokedTicket(
            registration_id=registration.id,
            nonce=old,
            revoked_at=now,
            reason=(reason or "")[:300] or "reissued",
            revoked_by=getattr(by, "id", None),
        )
    )
    registration.ticket_nonce = new
    registration.ticket_secret = new_ticket_secret()
    audit.record(
        "ticket.reissue",
        actor=by,
        target=registration,
        origin=origin,
        details={
            "fair_id": registration.fair_id,
            "revoked_nonce": old,
            "new_link": True,
            **({"reason": reason[:300]} if reason else {}),
        },
    )
    db.session.flush()
    return registration


def revoke_ticket(registration: Registration, *, by=None, reason: str, now: datetime | None = None) -> bool:
    """Put the registration's current QR on the revocation list without issuing another, so that no
    QR it ever had is admitted again (earlier ones were revoked when reissued, or no longer match its
    nonce). False if it already was there. The caller audits; flushes."""
    if is_revoked(registration.id, registration.ticket_nonce):
        return False
    db.session.add(
        RevokedTicket(
            registration_id=registration.id,
            nonce=registration.ticket_nonce,
            revoked_at=now or utcnow(),
            reason=reason[:300],
            revoked_by=getattr(by, "id", None),
        )
    )
    db.session.flush()
    return True


def revocations(fair_id: int) -> list[RevokedTicket]:
    """Every revoked ticket of the fair's registrations, oldest first."""
    return list(
        db.session.scalars(
            sa.select(RevokedTicket)
            .join(Registration, RevokedTicket.registration_id == Registration.id)
            .where(Registration.fair_id == fair_id)
            .order_by(RevokedTicket.id)
        )
    )


def is_revoked(registration_id: int, nonce: str) -> bool:
    return db.session.scalar(
        sa.select(
            sa.exists().where(RevokedTicket.registration_id == registration_id, RevokedTicket.nonce == nonce)
        )
    )
