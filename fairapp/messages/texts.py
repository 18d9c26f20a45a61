"""What the messages say, in Vietnamese whatever the request's language (the job seeker reads them on
a phone, not in the interface they were queued from).

Each kind has a function returning its parameters (plain strings: a Zalo ZNS template's data) and the
text rendered from them (an SMS):

    registration_params(starts_at, link)                           → {"date", "link"}
    fair_reminder_params(title, starts_at, venue, link)            → {"fair", "date", "time", "venue", "link"}
    appointment_params(employer_name, at, place)                   → {"employer", "date", "time", "place"}
    follow_up_params(full_name, employer_name, answer_link)        → {"name", "employer", "link"}
    fair_invitation_params(title, starts_at, venue, link)          → {"fair", "date", "time", "venue", "link"}
    render(kind, params) -> str

and a shortcut per kind (registration_text(...), ... fair_invitation_text(...)). A text is kept within
SMS_LENGTH characters once folded to ASCII by shortening its free parts (a fair's title, a venue, an
employer's name), never its link. plain_ascii(text) is that folding."""

import unicodedata
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from fairapp.fairs.services import to_local
from fairapp.messages.models import MessageKind

SMS_LENGTH = 160  # one plain-ASCII SMS part
ELLIPSIS = "..."
# Punctuation a Vietnamese text may hold that has a plain-ASCII spelling.
_ASCII_PUNCTUATION = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
    }
)
# The parameters that may be shortened to fit, most expendable first.
_SHRINKABLE = ("venue", "fair", "place", "employer", "name")


def plain_ascii(text: str) -> str:
    """The text without diacritics, case and punctuation kept: "Đến Nhà văn hoá…" → "Den Nha van hoa...".
    A character with no ASCII spelling is dropped."""
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_PUNCTUATION))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.translate(_ASCII_PUNCTUATION).encode("ascii", "ignore").decode("ascii")


def _date(moment: datetime) -> str:
    return to_local(moment).strftime("%d/%m/%Y")


def _time(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M")


# --- Parameters -------------------------------------------------------------------------------------


def registration_params(starts_at: datetime, link: str) -> dict:
    return {"date": _date(starts_at), "link": link}


def fair_reminder_params(title: str, starts_at: datetime, venue: str | None, link: str) -> dict:
    return {
        "fair": title,
        "date": _date(starts_at),
        "time": _time(starts_at),
        "venue": venue or "",
        "link": link,
    }


def appointment_params(employer_name: str, at: datetime, place: str | None) -> dict:
    return {"employer": employer_name, "date": _date(at), "time": _time(at), "place": place or ""}


def follow_up_params(full_name: str, employer_name: str, answer_link: str) -> dict:
    return {"name": full_name, "employer": employer_name, "link": answer_link}


def fair_invitation_params(title: str, starts_at: datetime, venue: str | None, link: str) -> dict:
    """The fair a priority-household member is invited to, and the link that registers for it."""
    return fair_reminder_params(title, starts_at, venue, link)


# --- Texts ------------------------------------------------------------------------------------------


def _template(kind: MessageKind, params: dict) -> str:
    """The Vietnamese text of `kind` with `params` (gettext in the vi locale)."""
    if kind == MessageKind.REGISTRATION:
        return _("Bạn đã đăng ký phiên giao dịch việc làm ngày %(date)s. Vé QR của bạn: %(link)s", **params)
    if kind == MessageKind.FAIR_REMINDER:
        if params.get("venue"):
            return _("Nhắc lịch: %(fair)s, %(time)s ngày %(date)s tại %(venue)s. Vé: %(link)s", **params)
        return _("Nhắc lịch: %(fair)s, %(time)s ngày %(date)s. Vé: %(link)s", **params)
    if kind == MessageKind.APPOINTMENT:
        if params.get("place"):
            return _("%(employer)s hẹn gặp bạn lúc %(time)s ngày %(date)s tại %(place)s.", **params)
        return _("%(employer)s hẹn gặp bạn lúc %(time)s ngày %(date)s.", **params)
    if kind == MessageKind.FOLLOW_UP:
        return _("Chào %(name)s, công việc ở %(employer)s thế nào? Trả lời bằng một chạm: %(link)s", **params)
    if kind == MessageKind.FAIR_INVITATION:
        if params.get("venue"):
            return _("Mời bạn dự %(fair)s, %(time)s ngày %(date)s tại %(venue)s. Đăng ký: %(link)s", **params)
        return _("Mời bạn dự %(fair)s, %(time)s ngày %(date)s. Đăng ký: %(link)s", **params)
    raise ValueError(kind)


def render(kind: MessageKind, params: dict) -> str:
    """The text of a message of `kind`, in Vietnamese, at most SMS_LENGTH characters once folded to
    ASCII when shortening its free parts can make it so (the link is never cut)."""
    with force_locale("vi"):
        text = _template(kind, params)
        over = len(plain_ascii(text)) - SMS_LENGTH
        if over <= 0:
            return text
        shortened = dict(params)
        for name in _SHRINKABLE:
            value = shortened.get(name) or ""
            if over <= 0 or len(value) <= 8:
                continue
            keep = max(8, len(value) - over - len(ELLIPSIS))
            shortened[name] = value[:keep].rstrip() + ELLIPSIS
            over -= len(value) - len(shortened[name])
        return _template(kind, shortened)


def registration_text(starts_at: datetime, link: str) -> str:
    return render(MessageKind.REGISTRATION, registration_params(starts_at, link))


def fair_reminder_text(title: str, starts_at: datetime, venue: str | None, link: str) -> str:
    return render(MessageKind.FAIR_REMINDER, fair_reminder_params(title, starts_at, venue, link))


def appointment_text(employer_name: str, at: datetime, place: str | None) -> str:
    return render(MessageKind.APPOINTMENT, appointment_params(employer_name, at, place))


def follow_up_text(full_name: str, employer_name: str, answer_link: str) -> str:
    """ "How is your new job?" with the link that answers in one tap (queued by the follow-ups)."""
    return render(MessageKind.FOLLOW_UP, follow_up_params(full_name, employer_name, answer_link))


def fair_invitation_text(title: str, starts_at: datetime, venue: str | None, link: str) -> str:
    """The invitation to a fair with its registration link (queued from the outreach call list)."""
    return render(MessageKind.FAIR_INVITATION, fair_invitation_params(title, starts_at, venue, link))
