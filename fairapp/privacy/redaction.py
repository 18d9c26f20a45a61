"""Redacting an erased person's values from the audit trail: the rows stay (who did what, when, to
which object), the personal values in their details are replaced by REDACTED.

The audit log is append-only (fairapp.audit.models refuses ORM updates); this is its one sanctioned
change, made with a Core UPDATE of the `details` column only, and itself audited by the erasure.

Which entries: those whose object is the person or one of their registrations, or whose details name
the person (`attendee_id`), or contain their phone or citizen ID anywhere (an entry about another
object, such as a pending change, may carry them). In the entries about the person, values under
PERSONAL_KEYS are redacted whatever they are; in every entry found, any text containing one of the
person's values has that value replaced."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from fairapp.attendees.models import Attendee
from fairapp.audit.models import AuditEntry
from fairapp.extensions import db

REDACTED = "[đã xoá]"
PERSONAL_KEYS = frozenset(
    {"full_name", "name", "phone", "citizen_id", "birth_date", "address", "household_code"}
)
MIN_VALUE_LENGTH = 4  # shorter values (a household code "12") would redact unrelated text


@dataclass(frozen=True)
class Identity:
    """What identified one person, read before their record is emptied."""

    attendee_id: int
    registration_ids: tuple[int, ...]
    values: tuple[str, ...]  # name, phone, citizen ID, birth date, address, household code
    searchable: tuple[str, ...]  # the values worth a text search of the whole log (phone, citizen ID)

    @classmethod
    def of(cls, attendee: Attendee) -> "Identity":
        values = [
            attendee.full_name,
            attendee.phone,
            attendee.citizen_id,
            attendee.address,
            attendee.household_code,
            *_date_forms(attendee.birth_date),
        ]
        return cls(
            attendee.id,
            tuple(r.id for r in attendee.registrations),
            tuple(v for v in values if v and len(v) >= MIN_VALUE_LENGTH),
            tuple(v for v in (attendee.phone, attendee.citizen_id) if v and len(v) >= 9),
        )


def _date_forms(day: date | None) -> list[str]:
    return [day.isoformat(), day.strftime("%d/%m/%Y")] if day else []


def redact(value: Any, secrets: tuple[str, ...], *, by_key: bool) -> Any:
    """`value` with every occurrence of `secrets` in its text replaced, recursively; with `by_key`, the
    values of PERSONAL_KEYS too."""
    if isinstance(value, dict):
        return {
            key: REDACTED
            if by_key and key in PERSONAL_KEYS and value[key] not in (None, "")
            else redact(value[key], secrets, by_key=by_key)
            for key in value
        }
    if isinstance(value, list):
        return [redact(item, secrets, by_key=by_key) for item in value]
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
    return value


def redact_audit(identities: Iterable[Identity]) -> int:
    """Redact the audit entries of these people (one scan of the log for all of them); the number of
    entries changed."""
    identities = list(identities)
    if not identities:
        return 0
    attendee_ids = {i.attendee_id for i in identities}
    secrets = tuple(sorted({v for i in identities for v in i.values}, key=len, reverse=True))
    changed = 0
    for entry_id, object_type, object_id, details in db.session.execute(_candidates(identities)):
        about = _is_about(object_type, object_id, details, identities, attendee_ids)
        redacted = redact(details or {}, secrets, by_key=about)
        if redacted != details:
            db.session.execute(
                sa.update(AuditEntry.__table__)
                .where(AuditEntry.__table__.c.id == entry_id)
                .values(details=redacted)
            )
            changed += 1
    _expire_loaded_entries()
    return changed


def _candidates(identities: list[Identity]) -> sa.Select:
    columns = AuditEntry.__table__.c
    text = sa.cast(columns.details, sa.Text)
    registration_ids = [str(r) for i in identities for r in i.registration_ids]
    conditions = [
        sa.and_(
            columns.object_type == Attendee.__tablename__,
            columns.object_id.in_([str(i.attendee_id) for i in identities]),
        )
    ]
    if registration_ids:
        conditions.append(
            sa.and_(columns.object_type == "registrations", columns.object_id.in_(registration_ids))
        )
    for identity in identities:
        # Details are stored as json.dumps writes them: '"attendee_id": 12,' or '"attendee_id": 12}'
        conditions += [
            text.like(f'%"attendee_id": {identity.attendee_id},%'),
            text.like(f'%"attendee_id": {identity.attendee_id}}}%'),
        ]
        conditions += [text.contains(value, autoescape=True) for value in identity.searchable]
    return (
        sa.select(columns.id, columns.object_type, columns.object_id, columns.details)
        .where(sa.or_(*conditions))
        .order_by(columns.id)
    )


def _is_about(object_type, object_id, details, identities: list[Identity], attendee_ids: set[int]) -> bool:
    if object_type == Attendee.__tablename__:
        return object_id in {str(a) for a in attendee_ids}
    if object_type == "registrations":
        return any(object_id == str(r) for i in identities for r in i.registration_ids)
    return isinstance(details, dict) and details.get("attendee_id") in attendee_ids


def _expire_loaded_entries() -> None:
    """Entries already loaded in this session would still show the old details: reload them on use."""
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, AuditEntry):
            db.session.expire(instance, ["details"])
