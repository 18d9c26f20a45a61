"""iCalendar (RFC 5545) files for fairs: one per fair, and a feed of the upcoming ones.

Times are written in UTC ("…Z"), so no VTIMEZONE is needed and every calendar shows them in its own
zone. UIDs depend only on the fair's id and the site's host, so a calendar that imports the file
again, or follows the feed, updates the event instead of adding a copy."""

from dataclasses import dataclass
from datetime import UTC

from flask_babel import gettext as _
from icalendar import Calendar, Event

from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.poster import place
from fairapp.modelbase import utcnow

PRODUCT_ID = "-//fairapp//Phien giao dich viec lam//VI"


@dataclass(frozen=True)
class FairLinks:
    page: str  # absolute URL of the public fair page
    registration: str  # absolute URL of …/register


def event_uid(fair: Fair, host: str) -> str:
    return f"fair-{fair.id}@{host}"


def fair_event(fair: Fair, links: FairLinks, *, host: str) -> Event:
    event = Event()
    event.add("uid", event_uid(fair, host))
    event.add("dtstamp", utcnow())
    event.add("last-modified", fair.updated_at.astimezone(UTC))
    event.add("dtstart", fair.starts_at.astimezone(UTC))
    event.add("dtend", fair.ends_at.astimezone(UTC))
    event.add("summary", fair.title)
    event.add("location", place(fair))
    event.add("url", links.page)
    event.add("description", _description(fair, links))
    cancelled = fair.status == FairStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", 1 if cancelled else 0)  # a cancellation supersedes the announced event
    return event


def _description(fair: Fair, links: FairLinks) -> str:
    parts = []
    if fair.status == FairStatus.CANCELLED:
        parts.append(_("Phiên này đã bị huỷ.") + (f" {fair.cancel_reason}" if fair.cancel_reason else ""))
    if fair.description:
        parts.append(fair.description.strip())
    if directions := getattr(fair, "directions", None):
        parts.append(_("Đường đi: %(directions)s", directions=directions.strip()))
    if fair.contact_phone:
        parts.append(
            _(
                "Liên hệ: %(name)s, điện thoại %(phone)s",
                name=fair.contact_name or "",
                phone=fair.contact_phone,
            )
        )
    parts.append(_("Đăng ký tham gia: %(url)s", url=links.registration))
    return "\n\n".join(parts)


def calendar_file(fairs: list[tuple[Fair, FairLinks]], *, host: str, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for fair, links in fairs:
        calendar.add_component(fair_event(fair, links, host=host))
    return calendar.to_ical()
