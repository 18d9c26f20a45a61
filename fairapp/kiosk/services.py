"""The kiosk's rotating token, and self check-in with it.

Token: HMAC-SHA256 under a key derived from SECRET_KEY for the purpose "kiosk", over
"<fair id>:<window>", where window = floor(unix time / 30). The first 15 bytes in base64url make a
20-character token; the QR on the kiosk screen encodes <base>/k/<fair id>/<token>. A token is
accepted in its own window and the next one only, so a photo of the screen stops working within
a minute, and it names one fair. No state is kept: any app server can check any token.

Filling in a phone number takes longer than a window, so the landing page opened with a valid
token carries a visit pass "<issued at>.<nonce>.<MAC>" (the same construction over
"<fair id>:<issued at>:<nonce>", purpose "kiosk-visit") that the form sends back. Every POST needs one
(the token alone admits nobody). A pass is short-lived (KIOSK_VISIT_SECONDS, default VISIT_SECONDS
after it was issued) and admits ONE person: admitting someone stores its nonce (UNIQUE in
kiosk_visits, in the check-in's transaction), and a second use is refused (kiosk_visit_used). A failed
lookup (a mistyped phone number) does not use it up. The result shows the admitted person's name
shortened (initials and given name), never in full.

Services flush, never commit."""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from fairapp.attendees.models import Attendee, Registration
from fairapp.attendees.services import mask_phone
from fairapp.audit.services import SYSTEM, Origin, record_read
from fairapp.checkins import services as checkins
from fairapp.errors import DomainError
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.kiosk.models import KioskVisit
from fairapp.modelbase import utcnow

WINDOW_SECONDS = 30
VISIT_SECONDS = 3 * 60  # enough to type a phone number and a year; KIOSK_VISIT_SECONDS overrides it
TOKEN_BYTES = 15  # 20 characters of base64url, 120 bits
NONCE_BYTES = 12  # 16 characters of base64url
MAX_TOKEN_LENGTH = 40
MAX_VISIT_LENGTH = 64
MAX_SECRET_LENGTH = 64


class KioskTokenExpired(DomainError):
    code = "kiosk_token_expired"
    status = 410
    message = _l("Mã QR đã hết hạn. Vui lòng quét lại mã trên màn hình điểm danh.")


class KioskClosed(DomainError):
    code = "fair_not_open"
    status = 409
    message = _l("Phiên giao dịch hiện không mở điểm danh.")


class VisitUsed(DomainError):
    code = "kiosk_visit_used"
    status = 409
    message = _l(
        "Lượt quét mã QR này đã được dùng để điểm danh. Mỗi lượt quét chỉ điểm danh cho một "
        "người: vui lòng quét lại mã QR trên màn hình điểm danh."
    )


class NotRegistered(DomainError):
    code = "not_registered"
    status = 404
    message = _l("Không tìm thấy đăng ký của bạn cho phiên này.")


class Ambiguous(DomainError):
    code = "ambiguous"
    status = 409
    message = _l("Có nhiều đăng ký trùng số điện thoại và năm sinh này. Vui lòng đến bàn đón tiếp.")


# --- Tokens ----------------------------------------------------------------------------------------


def _key(purpose: str) -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, f"fairapp.{purpose}".encode(), hashlib.sha256).digest()


def _mac(purpose: str, message: str) -> str:
    digest = hmac.new(_key(purpose), message.encode(), hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def window_of(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def token_for(fair_id: int, window: int) -> str:
    return _mac("kiosk", f"{fair_id}:{window}")


def token_matches(fair_id: int, token, *, now: datetime | None = None) -> bool:
    """True if `token` is this fair's token of the current or the previous window."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return False
    window = window_of(now or utcnow())
    return any(hmac.compare_digest(token, token_for(fair_id, w)) for w in (window, window - 1))


def seconds_left(now: datetime) -> int:
    """Seconds until the current window ends (when the kiosk shows the next token)."""
    return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS


def ensure_open(fair: Fair, *, now: datetime | None = None) -> None:
    """Raises KioskClosed unless the fair is open at `now`."""
    if fair.status_at(now or utcnow()) != FairStatus.OPEN:
        raise KioskClosed()


def current_token(fair: Fair, *, now: datetime | None = None) -> str:
    """The token the kiosk shows now. Raises KioskClosed when the fair is not open."""
    now = now or utcnow()
    ensure_open(fair, now=now)
    return token_for(fair.id, window_of(now))


def visit_seconds() -> int:
    return int(current_app.config.get("KIOSK_VISIT_SECONDS") or VISIT_SECONDS)


@dataclass(frozen=True)
class VisitPass:
    """A genuine, unexpired visit pass of one fair (used or not: use_visit decides)."""

    fair_id: int
    issued: int
    nonce: str


def visit_pass(fair_id: int, *, now: datetime | None = None) -> str:
    """A new pass for a landing page opened with a valid token."""
    issued = int((now or utcnow()).timestamp())
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    return f"{issued}.{nonce}.{_mac('kiosk-visit', f'{fair_id}:{issued}:{nonce}')}"


def read_visit(fair_id: int, visit, *, now: datetime | None = None) -> VisitPass | None:
    """The pass, if it is this fair's, genuine and not expired; else None."""
    if not isinstance(visit, str) or len(visit) > MAX_VISIT_LENGTH or not visit.isascii():
        return None
    issued, _, rest = visit.partition(".")
    nonce, _, mac = rest.partition(".")
    if not issued.isdigit() or not nonce or not mac:
        return None
    age = int((now or utcnow()).timestamp()) - int(issued)
    # A few seconds back: several app servers' clocks are never exactly alike.
    if not -5 <= age <= visit_seconds():
        return None
    if not hmac.compare_digest(mac, _mac("kiosk-visit", f"{fair_id}:{issued}:{nonce}")):
        return None
    return VisitPass(fair_id, int(issued), nonce)


def visit_matches(fair_id: int, visit, *, now: datetime | None = None) -> bool:
    return read_visit(fair_id, visit, now=now) is not None


def check_entry(fair: Fair, token, *, now: datetime | None = None) -> None:
    """The landing page was opened through the kiosk's QR in time (the token of the current or
    previous window), and the fair is open. Raises KioskTokenExpired or KioskClosed."""
    now = now or utcnow()
    if not token_matches(fair.id, token, now=now):
        raise KioskTokenExpired()
    ensure_open(fair, now=now)


def check_visit(fair: Fair, visit, *, now: datetime | None = None) -> VisitPass:
    """A form sent from a landing page: its visit pass is this fair's and unexpired (KioskTokenExpired),
    and the fair is open (KioskClosed). Whether the pass was used already, check_in decides."""
    now = now or utcnow()
    found = read_visit(fair.id, visit, now=now)
    if found is None:
        raise KioskTokenExpired()
    ensure_open(fair, now=now)
    return found


def use_visit(visit: VisitPass, registration: Registration, *, now: datetime | None = None) -> None:
    """Use the pass up for `registration`. Raises VisitUsed if it admitted someone already (the UNIQUE
    nonce decides, also between two requests racing). Flushes."""
    try:
        with db.session.begin_nested():
            db.session.add(
                KioskVisit(
                    nonce=visit.nonce,
                    fair_id=visit.fair_id,
                    registration_id=registration.id,
                    used_at=now or utcnow(),
                )
            )
    except sa.exc.IntegrityError:
        raise VisitUsed() from None


def short_name(full_name: str) -> str:
    """ "Hoàng Văn Dũng" → "H. V. Dũng": enough for a person to recognise their own name on the screen,
    not a stranger's full name."""
    words = full_name.split()
    if len(words) < 2:
        return full_name
    return " ".join([*(f"{word[0]}." for word in words[:-1]), words[-1]])


# --- Finding the job seeker ------------------------------------------------------------------------


def find_by_ticket(fair: Fair, secret) -> Registration:
    """The registration for this fair whose personal ticket link carries `secret`. NotRegistered
    otherwise (also for a ticket of another fair)."""
    if not isinstance(secret, str) or not secret or len(secret) > MAX_SECRET_LENGTH:
        raise NotRegistered()
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.ticket_secret == secret, Registration.fair_id == fair.id)
    )
    if registration is None:
        raise NotRegistered()
    return registration


def find_by_phone(fair: Fair, phone: str, birth_year: int, *, origin: Origin = SYSTEM) -> Registration:
    """The one registration for this fair of a person with this phone and birth year. Every lookup
    is audited (the phone masked; a read). Raises NotRegistered, or Ambiguous when several match."""
    found = db.session.scalars(
        sa.select(Registration)
        .join(Attendee, Attendee.id == Registration.attendee_id)
        .where(Registration.fair_id == fair.id, Attendee.phone == phone, Attendee.birth_year == birth_year)
        .order_by(Registration.id)
        .limit(2)
    ).all()
    record_read(
        "kiosk.lookup",
        actor_label="kiosk",
        origin=origin,
        details={
            "fair_id": fair.id,
            "phone": mask_phone(phone),
            "birth_year": birth_year,
            "found": len(found),
        },
    )
    if not found:
        raise NotRegistered()
    if len(found) > 1:
        raise Ambiguous()
    return found[0]


# --- Checking in -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KioskOutcome:
    result: str  # "ok", "already_checked_in", or a refusal code of the check-in service
    name: str  # shortened (short_name)
    checked_in_at: datetime | None


def check_in(
    registration: Registration, visit: VisitPass, *, origin: Origin = SYSTEM, now: datetime | None = None
) -> KioskOutcome:
    """Use the visit pass up (VisitUsed if it was) and check the registration in with source "kiosk"
    (the check-in service writes the scan, the check-in and the audit entry), in one transaction.
    Results: ok, already_checked_in, fair_not_open."""
    use_visit(visit, registration, now=now)
    outcome = checkins.check_in_registration(registration, by=None, source="kiosk", now=now, origin=origin)
    return KioskOutcome(
        result=outcome.result,
        name=short_name(registration.attendee.full_name),
        checked_in_at=outcome.checked_in_at,
    )
