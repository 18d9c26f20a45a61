"""What a subscription receives: the body of each event, with the person's fields its purpose allows.

Every body: {"type": <event type>, "timestamp": <when it happened, ISO 8601 UTC>, "data": {...}};
`data` holds the event's own fields (ids, outcome, dates: no personal fields), `fair` ({id,
ward_code}) when the event belongs to a fair, and `person`:

- purpose `statistics`: {"ref", "gender", "age_band", "ward_code"} — `ref` is a pseudonym of the
  person, stable for this subscription and different for every other (count a person once without
  knowing who), the age band as the reports use it ("25-34"), the person's ward.
- purpose `job_portal`: the same, plus `"shared": true/false`; with true also "attendee_id",
  "full_name", "birth_year", "education_level", "qualification", "desired_jobs" — what a booth's
  candidate card shows (fairapp.interviews.card) — when the person agreed to share their profile with
  the employers of the event's fair (their registration for that fair carries the consent), and was
  not erased. An event without a fair (a hire recorded without one, its follow-ups) shares nothing.

Never sent, whatever the purpose: citizen ID, phone, address, birth date, household code, priority
group and status, free-text notes, a leaving reason, a salary."""

from datetime import UTC
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairapp.attendees.models import Attendee, Registration
from fairapp.fairs.models import Fair
from fairapp.modelbase import utcnow
from fairapp.webhooks import signing
from fairapp.webhooks.models import DeliveryStatus, Purpose

AGE_BANDS = ((15, 24), (25, 34), (35, 44), (45, 54), (55, 64))  # as fairapp.reports.facts counts them


def age_band(age: int) -> str:
    if age < AGE_BANDS[0][0]:
        return f"<{AGE_BANDS[0][0]}"
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return f"{AGE_BANDS[-1][1] + 1}+"


def deliveries(session: Session, events: list, listeners: tuple) -> list[dict[str, Any]]:
    """The delivery rows of `events` (fairapp.webhooks.events.Event) for `listeners` (Listener: id,
    purpose, events), reading the people, registrations and fairs they name in three queries."""
    targets = [(event, [listener for listener in listeners if _wants(listener, event)]) for event in events]
    targets = [(event, chosen) for event, chosen in targets if chosen]
    if not targets:
        return []
    people = _People(session, [event for event, _chosen in targets])
    now = utcnow()
    rows = []
    for event, chosen in targets:
        for listener in chosen:
            rows.append(
                {
                    "subscription_id": listener.id,
                    "event_id": event.id,
                    "event_type": event.type,
                    "payload": body(event, people.person(event, listener), people.fair(event)),
                    "status": DeliveryStatus.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
    return rows


def _wants(listener, event) -> bool:
    if event.only_subscription is not None:
        return listener.id == event.only_subscription
    return event.type in listener.events


def body(event, person: dict | None, fair: dict | None) -> dict[str, Any]:
    data = dict(event.data)
    if fair is not None:
        data["fair"] = fair
    if person is not None:
        data["person"] = person
    return {"type": event.type, "timestamp": iso(event.at), "data": data}


def iso(moment) -> str:
    """A moment as the bodies write it: ISO 8601 in UTC with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _People:
    """The people, registrations and fairs a batch of events names, read once."""

    def __init__(self, session: Session, events: list) -> None:
        registration_ids = {e.registration_id for e in events if e.registration_id is not None}
        attendee_ids = {e.attendee_id for e in events if e.attendee_id is not None}
        r = Registration.__table__.c
        self.registrations = {
            row.id: row
            for row in session.execute(
                sa.select(r.id, r.attendee_id, r.fair_id, r.consent_share_version, r.desired_jobs).where(
                    sa.or_(r.id.in_(registration_ids), r.attendee_id.in_(attendee_ids))
                )
            )
        }
        self.by_person_fair = {(row.attendee_id, row.fair_id): row for row in self.registrations.values()}
        attendee_ids |= {row.attendee_id for row in self.registrations.values()}
        a = Attendee.__table__.c
        self.attendees = {
            row.id: row
            for row in session.execute(
                sa.select(
                    a.id,
                    a.full_name,
                    a.birth_year,
                    a.gender,
                    a.ward_code,
                    a.education_level,
                    a.qualification,
                    a.erased_at,
                ).where(a.id.in_(attendee_ids))
            )
        }
        fair_ids = {e.fair_id for e in events if e.fair_id is not None}
        fair_ids |= {
            self.registrations[e.registration_id].fair_id
            for e in events
            if e.registration_id in self.registrations
        }
        f = Fair.__table__.c
        self.fairs = {
            row.id: {"id": row.id, "ward_code": row.ward_code}
            for row in session.execute(sa.select(f.id, f.ward_code).where(f.id.in_(fair_ids)))
        }

    def _registration(self, event):
        if event.registration_id is not None:
            return self.registrations.get(event.registration_id)
        if event.attendee_id is not None and event.fair_id is not None:
            return self.by_person_fair.get((event.attendee_id, event.fair_id))
        return None

    def fair(self, event) -> dict | None:
        registration = self._registration(event)
        fair_id = event.fair_id if event.fair_id is not None else getattr(registration, "fair_id", None)
        return self.fairs.get(fair_id) if fair_id is not None else None

    def person(self, event, listener) -> dict | None:
        registration = self._registration(event)
        attendee_id = (
            event.attendee_id if event.attendee_id is not None else getattr(registration, "attendee_id", None)
        )
        attendee = self.attendees.get(attendee_id)
        if attendee is None:
            return None
        person = {
            "ref": signing.person_ref(listener.id, attendee.id),
            "gender": _value(attendee.gender),
            "age_band": age_band(event.at.year - attendee.birth_year),
            "ward_code": attendee.ward_code,
        }
        if listener.purpose != Purpose.JOB_PORTAL:
            return person
        shared = (
            registration is not None
            and registration.consent_share_version is not None
            and attendee.erased_at is None
        )
        person["shared"] = shared
        if shared:
            person.update(
                {
                    "attendee_id": attendee.id,
                    "full_name": attendee.full_name,
                    "birth_year": attendee.birth_year,
                    "education_level": attendee.education_level,
                    "qualification": attendee.qualification,
                    "desired_jobs": registration.desired_jobs,
                }
            )
        return person


def _value(member) -> str | None:
    return getattr(member, "value", member)
