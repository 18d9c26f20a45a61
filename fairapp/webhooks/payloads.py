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
        attendee_id = people.attendee_id(event)
        for listener in chosen:
            rows.append(
                {
                    "subscription_id": listener.id,
                    "event_id": event.id,
                    "event_type": event.type,
                    "payload": body(event, people.person(event, listener), people.fair(event)),
                    "attendee_id": attendee_id,
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


_R, _A, _F = Registration.__table__.c, Attendee.__table__.c, Fair.__table__.c
_PERSON_COLUMNS = (
    _A.id,
    _A.full_name,
    _A.birth_year,
    _A.gender,
    _A.ward_code,
    _A.education_level,
    _A.qualification,
    _A.erased_at,
)
# Built once (SQLAlchemy caches their compiled form): the registrations named by id or by person and
# fair, each with its person and fair; people without a registration; fairs without one.
_REGISTRATIONS = (
    sa.select(
        _R.id.label("registration_id"),
        _R.attendee_id,
        _R.fair_id,
        _R.consent_share_version,
        _R.desired_jobs,
        _F.ward_code.label("fair_ward_code"),
        *_PERSON_COLUMNS,
    )
    .join(Attendee.__table__, _A.id == _R.attendee_id)
    .join(Fair.__table__, _F.id == _R.fair_id)
    .where(
        sa.or_(
            _R.id.in_(sa.bindparam("registration_ids", expanding=True)),
            sa.and_(
                _R.attendee_id.in_(sa.bindparam("attendee_ids", expanding=True)),
                _R.fair_id.in_(sa.bindparam("fair_ids", expanding=True)),
            ),
        )
    )
)
_PEOPLE = sa.select(*_PERSON_COLUMNS).where(_A.id.in_(sa.bindparam("ids", expanding=True)))
_FAIRS = sa.select(_F.id, _F.ward_code).where(_F.id.in_(sa.bindparam("ids", expanding=True)))


class _People:
    """The people, registrations and fairs a batch of events names, read at once: one query when every
    event names a registration, or a person at a fair they registered for."""

    def __init__(self, session: Session, events: list) -> None:
        registration_ids = sorted({e.registration_id for e in events if e.registration_id is not None})
        attendee_ids = sorted({e.attendee_id for e in events if e.attendee_id is not None})
        fair_ids = sorted({e.fair_id for e in events if e.fair_id is not None})
        rows = session.execute(
            _REGISTRATIONS,
            {"registration_ids": registration_ids, "attendee_ids": attendee_ids, "fair_ids": fair_ids},
        ).all()
        self.registrations = {row.registration_id: row for row in rows}
        self.by_person_fair = {(row.attendee_id, row.fair_id): row for row in rows}
        self.attendees = {row.attendee_id: row for row in rows}
        self.fairs = {row.fair_id: {"id": row.fair_id, "ward_code": row.fair_ward_code} for row in rows}
        if missing := [i for i in attendee_ids if i not in self.attendees]:
            self.attendees.update({row.id: row for row in session.execute(_PEOPLE, {"ids": missing})})
        if missing := [i for i in fair_ids if i not in self.fairs]:
            self.fairs.update(
                {
                    row.id: {"id": row.id, "ward_code": row.ward_code}
                    for row in session.execute(_FAIRS, {"ids": missing})
                }
            )

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

    def attendee_id(self, event) -> int | None:
        if event.attendee_id is not None:
            return event.attendee_id
        return getattr(self._registration(event), "attendee_id", None)

    def person(self, event, listener) -> dict | None:
        registration = self._registration(event)
        attendee = self.attendees.get(self.attendee_id(event))
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
