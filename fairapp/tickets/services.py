"""Tickets: finding a ticket by its personal link, what its page shows, reissuing, the revocation list.

Services flush and never commit; the caller's view commits."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fairapp.attendees.models import Registration
from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.booths.services import public_offer
from fairapp.db import utcnow
from fairapp.errors import NotFound
from fairapp.extensions import db
from fairapp.tickets import signing
from fairapp.tickets.models import RevokedTicket

MAX_SECRET_LENGTH = 64


class TicketNotFound(NotFound):
    code = "ticket_not_found"
    message = _l("Không tìm thấy vé. Vui lòng kiểm tra lại đường dẫn.")


@dataclass(frozen=True)
class BoothToVisit:
    label: str | None
    name: str
    kind: str  # "employer" or "school"


def get_by_secret(secret: str) -> Registration:
    """The registration whose personal link carries `secret`; TicketNotFound otherwise."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        raise TicketNotFound()
    registration = db.session.scalar(sa.select(Registration).where(Registration.ticket_secret == secret))
    if registration is None:
        raise TicketNotFound()
    return registration


def booths_to_visit(fair_id: int) -> list[BoothToVisit]:
    """The booths the public sees at the fair (fairapp.booths.services.public_offer), by label then name."""
    booths = [BoothToVisit(b.label, (b.employer or b.school).name, "employer" if b.employer_id else "school")
              for b in public_offer(fair_id).booths]
    return sorted(booths, key=lambda b: (b.label is None, (b.label or "").zfill(8), b.name.casefold()))


def reissue_ticket(registration: Registration, *, by=None, origin: Origin = SYSTEM,
                   now: datetime | None = None, reason: str | None = None) -> Registration:
    """Give the registration a new nonce, so a new QR; the old one goes on the revocation list.
    The personal link stays the same."""
    now = now or utcnow()
    old = registration.ticket_nonce
    new = signing.new_nonce()
    while new == old:
        new = signing.new_nonce()
    db.session.add(RevokedTicket(registration_id=registration.id, nonce=old, revoked_at=now,
                                 reason=(reason or "")[:300] or "reissued",
                                 revoked_by=getattr(by, "id", None)))
    registration.ticket_nonce = new
    audit.record("ticket.reissue", actor=by, target=registration, origin=origin,
                 details={"fair_id": registration.fair_id, "revoked_nonce": old})
    db.session.flush()
    return registration


def revocations(fair_id: int) -> list[RevokedTicket]:
    """Every revoked ticket of the fair's registrations, oldest first."""
    return list(db.session.scalars(
        sa.select(RevokedTicket).join(Registration, RevokedTicket.registration_id == Registration.id)
        .where(Registration.fair_id == fair_id).order_by(RevokedTicket.id)))


def is_revoked(registration_id: int, nonce: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        RevokedTicket.registration_id == registration_id, RevokedTicket.nonce == nonce)))
