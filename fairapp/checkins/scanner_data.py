"""What a scanner downloads to verify a fair's tickets offline (GET /api/v1/fairs/{id}/scanner-data).

Names only: no phone, citizen ID or priority group, just a marker that the person belongs to one of the
priority groups (so the gate can greet and count them)."""

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, PriorityGroup, Registration
from fairapp.checkins.models import CheckIn
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.modelbase import utcnow
from fairapp.tickets import signing
from fairapp.tickets.services import revocations


def scanner_data(fair: Fair) -> dict:
    rows = db.session.execute(
        sa.select(Registration.id, Attendee.full_name, Attendee.priority_group)
        .join(Attendee, Registration.attendee_id == Attendee.id)
        .where(Registration.fair_id == fair.id)
        .order_by(Registration.id)
    )
    checked_in = db.session.scalars(
        sa.select(CheckIn.registration_id).where(CheckIn.fair_id == fair.id).order_by(CheckIn.registration_id)
    )
    return {
        **verification_data(fair),
        "registrations": [
            {"registration_id": registration_id, "name": name, "priority": group != PriorityGroup.NONE}
            for registration_id, name, group in rows
        ],
        "checked_in": list(checked_in),
    }


def verification_data(fair: Fair) -> dict:
    """What any scanner needs to check a ticket of `fair` without the network, naming no one: the
    fair's status and hours, the signing key and the revocation list."""
    return {
        "fair": {
            "id": fair.id,
            "title": fair.title,
            "status": fair.status.value,
            "starts_at": fair.starts_at.isoformat(),
            "ends_at": fair.ends_at.isoformat(),
        },
        "generated_at": utcnow().isoformat(),
        "key": {
            "algorithm": signing.ALGORITHM,
            "key_id": signing.key_id(),
            "public_key": signing.public_key_b64url(),
            "payload_version": signing.VERSION,
        },
        # the same three at the top level, as the contract names them
        "public_key": signing.public_key_b64url(),
        "key_id": signing.key_id(),
        "revocations": [
            {"registration_id": r.registration_id, "nonce": r.nonce} for r in revocations(fair.id)
        ],
    }
