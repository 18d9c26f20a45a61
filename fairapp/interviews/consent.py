"""A job seeker's consent to one booth, given on their own phone.

The booth, after scanning someone who did not agree to share when registering, shows a QR of a
consent link naming the booth and the registration (signed, valid CONSENT_LINK_MAX_AGE). The person
opens it with their own phone; the page agrees with the ticket that phone holds (the ticket link's
secret, which the ticket page keeps on the phone): only the person holding that ticket can agree, never
the booth's own phone. Withdrawn from the ticket page; the records already made stay.

    consent_link_token(booth, registration)   the token in the QR's link
    read_consent_link(token)                  (booth, registration_id), or ConsentLinkInvalid
    give(booth, registration)                 agree (again)
    withdraw(registration, booth_id)          withdraw
    given_to(registration)                    the booths it was given to, still in force"""

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from fairapp.attendees import consent as consent_texts
from fairapp.attendees.models import Registration
from fairapp.audit.services import SYSTEM, Origin
from fairapp.audit.services import record as audit
from fairapp.booths.models import Booth, BoothStatus
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.interviews.models import BoothConsent
from fairapp.modelbase import utcnow
from fairapp.transactions import write_point

CONSENT_LINK_MAX_AGE = 30 * 60  # seconds: long enough to find one's phone, short enough not to linger
MAX_TOKEN_LENGTH = 200
_SALT = "fairapp.booth-consent"


class ConsentLinkInvalid(DomainError):
    code = "consent_link_invalid"
    status = 404
    message = _l("Đường dẫn đồng ý không hợp lệ hoặc đã hết hạn. Hãy nhờ gian hàng hiện lại mã QR.")


class NotYourTicket(DomainError):
    code = "not_your_ticket"
    status = 403
    message = _l(
        "Điện thoại này không giữ vé của người được hỏi. Hãy mở đường dẫn vé của bạn trên điện thoại "
        "này một lần rồi quét lại mã QR."
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def consent_link_token(booth: Booth, registration: Registration) -> str:
    return _serializer().dumps([booth.id, registration.id])


def read_consent_link(token: str) -> tuple[Booth, int]:
    """The booth and the registration id a consent link names; ConsentLinkInvalid when forged,
    expired, or the booth is no longer taking part."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise ConsentLinkInvalid()
    try:
        booth_id, registration_id = _serializer().loads(token, max_age=CONSENT_LINK_MAX_AGE)
    except (BadSignature, SignatureExpired, TypeError, ValueError):
        raise ConsentLinkInvalid() from None
    booth = db.session.get(Booth, booth_id) if isinstance(booth_id, int) else None
    if booth is None or booth.status != BoothStatus.CONFIRMED or not isinstance(registration_id, int):
        raise ConsentLinkInvalid()
    return booth, registration_id


def give(
    booth: Booth, registration: Registration, *, now: datetime | None = None, origin: Origin = SYSTEM
) -> BoothConsent:
    """Agree to share with `booth` (the current BOOTH_SHARE text); again after a withdrawal."""
    if registration.fair_id != booth.fair_id:
        raise NotFound()
    now = now or utcnow()
    query = sa.select(BoothConsent).where(
        BoothConsent.registration_id == registration.id, BoothConsent.booth_id == booth.id
    )
    write_point()  # SQLite: the writer's turn before the read and the savepoint below
    given = db.session.scalar(query)
    if given is None:
        given = BoothConsent(registration_id=registration.id, booth_id=booth.id)
        try:
            with db.session.begin_nested():
                db.session.add(given)
                given.version, given.given_at = consent_texts.BOOTH_SHARE_VERSION, now
                db.session.flush()
        except sa.exc.IntegrityError:
            given = db.session.scalar(query)
    given.version, given.given_at, given.withdrawn_at = consent_texts.BOOTH_SHARE_VERSION, now, None
    audit(
        "consent.booth_give",
        actor_label="job_seeker",
        target=registration,
        origin=origin,
        details={"booth_id": booth.id, "version": given.version},
    )
    db.session.flush()
    return given


def withdraw(
    registration: Registration, booth_id: int, *, now: datetime | None = None, origin: Origin = SYSTEM
) -> None:
    """Withdraw the consent given to one booth (nothing happens when none is in force)."""
    given = db.session.scalar(
        sa.select(BoothConsent).where(
            BoothConsent.registration_id == registration.id,
            BoothConsent.booth_id == booth_id,
            BoothConsent.withdrawn_at.is_(None),
        )
    )
    if given is None:
        return
    given.withdrawn_at = now or utcnow()
    audit(
        "consent.booth_withdraw",
        actor_label="job_seeker",
        target=registration,
        origin=origin,
        details={"booth_id": booth_id},
    )
    db.session.flush()


def given_to(registration: Registration) -> list[BoothConsent]:
    return db.session.scalars(
        sa.select(BoothConsent)
        .where(BoothConsent.registration_id == registration.id, BoothConsent.withdrawn_at.is_(None))
        .order_by(BoothConsent.given_at)
    ).all()
