"""What queues which message: one function per cause, called by the service where it happens, in its
transaction (fairapp.messages.outbox.queue: the same cause queues one message, whatever happens).

    registration_confirmed(registration_id, attendee_id, phone, starts_at, ticket_secret, now=)
    appointment_set(interview, booth, registration, now=)
    fair_reminder(registration, fair, phone, now=)     (fairapp.messages.reminders)
    fair_invitation(member_id, fair, phone, attendee_id=, now=)   (fairapp.outreach.calls)

The ticket link is absolute (fairapp.links.absolute_url: PUBLIC_BASE_URL in production)."""

from datetime import UTC, datetime

from fairapp.links import absolute_url
from fairapp.messages import outbox, texts
from fairapp.messages.models import Message, MessageKind


def ticket_link(ticket_secret: str) -> str:
    return absolute_url("tickets.show", secret=ticket_secret)


def registration_confirmed(
    registration_id: int,
    attendee_id: int,
    phone: str,
    starts_at: datetime,
    ticket_secret: str,
    *,
    now: datetime | None = None,
) -> Message | None:
    """The ticket link, right after a new registration (key registration:<id>)."""
    params = texts.registration_params(starts_at, ticket_link(ticket_secret))
    return outbox.queue(
        MessageKind.REGISTRATION,
        key=f"registration:{registration_id}",
        phone=phone,
        text=texts.render(MessageKind.REGISTRATION, params),
        params=params,
        attendee_id=attendee_id,
        now=now,
    )


def appointment_set(interview, booth, registration, *, now: datetime | None = None) -> Message | None:
    """The appointment a booth set (interview.next_step_at), once per record and time
    (key appointment:<interview id>:<time, UTC ISO>)."""
    holder = booth.employer if booth.employer_id else booth.school
    at = interview.next_step_at
    params = texts.appointment_params(holder.name, at, interview.next_step_place)
    attendee = registration.attendee
    return outbox.queue(
        MessageKind.APPOINTMENT,
        key=f"appointment:{interview.id}:{at.astimezone(UTC).isoformat()}",
        phone=attendee.phone,
        text=texts.render(MessageKind.APPOINTMENT, params),
        params=params,
        attendee_id=attendee.id,
        now=now,
    )


def fair_reminder(registration, fair, phone: str, *, now: datetime | None = None) -> Message | None:
    """The day-before reminder of the fair (key fair_reminder:<registration id>)."""
    venue = ", ".join(part for part in (fair.venue_name, fair.venue_address) if part) or None
    params = texts.fair_reminder_params(
        fair.title, fair.starts_at, venue, ticket_link(registration.ticket_secret)
    )
    return outbox.queue(
        MessageKind.FAIR_REMINDER,
        key=f"fair_reminder:{registration.id}",
        phone=phone,
        text=texts.render(MessageKind.FAIR_REMINDER, params),
        params=params,
        attendee_id=registration.attendee_id,
        now=now,
    )


def fair_invitation(
    member_id: int, fair, phone: str | None, *, attendee_id: int | None = None, now: datetime | None = None
) -> Message | None:
    """The fair's invitation to a member of a priority household, with the fair's registration link:
    once per member and fair (key fair_invitation:<fair id>:<member id>), however often it is asked."""
    venue = ", ".join(part for part in (fair.venue_name, fair.venue_address) if part) or None
    params = texts.fair_invitation_params(
        fair.title, fair.starts_at, venue, absolute_url("public.register", fair_id=fair.id)
    )
    return outbox.queue(
        MessageKind.FAIR_INVITATION,
        key=invitation_key(member_id, fair.id),
        phone=phone,
        text=texts.render(MessageKind.FAIR_INVITATION, params),
        params=params,
        attendee_id=attendee_id,
        now=now,
    )


def invitation_key(member_id: int, fair_id: int) -> str:
    return f"fair_invitation:{fair_id}:{member_id}"
