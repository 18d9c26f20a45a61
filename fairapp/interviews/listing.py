"""Reading booth records: a booth's own record of a person, who referred someone to it, a fair's
records, and the cards to show beside them (each as the record's own booth may see it)."""

from collections import defaultdict

import sqlalchemy as sa

from fairapp.booths.models import Booth
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.interviews import card as cards
from fairapp.interviews.models import Interview, Referral


def own_record(booth: Booth, registration_id: int) -> Interview | None:
    return db.session.scalar(
        sa.select(Interview).where(
            Interview.booth_id == booth.id, Interview.registration_id == registration_id
        )
    )


def referred_by(booth: Booth, registration_id: int) -> list[dict]:
    """Which booths sent this person here, with their note: [{booth_id, name, label, note}]."""
    rows = db.session.scalars(
        sa.select(Referral)
        .where(Referral.to_booth_id == booth.id, Referral.registration_id == registration_id)
        .order_by(Referral.id)
    )
    return [
        {
            "booth_id": referral.from_booth_id,
            "name": (referral.from_booth.employer or referral.from_booth.school).name,
            "label": referral.from_booth.label,
            "note": referral.note,
        }
        for referral in rows
    ]


def interviews_of_fair(fair: Fair, *, booth: Booth | None = None) -> list[Interview]:
    """The fair's records, newest change first; one booth's only when `booth` is given."""
    query = sa.select(Interview).where(Interview.fair_id == fair.id)
    if booth is not None:
        query = query.where(Interview.booth_id == booth.id)
    changed = sa.func.coalesce(Interview.updated_at, Interview.created_at)
    return db.session.scalars(query.order_by(changed.desc(), Interview.id.desc())).all()


def cards_of(rows: list[Interview]) -> dict[int, cards.Card]:
    """The card beside each record (by record id), as the record's booth may see it."""
    by_booth: dict[int, list[Interview]] = defaultdict(list)
    for row in rows:
        by_booth[row.booth_id].append(row)
    found = {}
    for records in by_booth.values():
        booth = records[0].booth
        seen = cards.cards(booth, [row.registration_id for row in records])
        found.update({row.id: seen[row.registration_id] for row in records})
    return found
