"""What a booth sees of a job seeker: the candidate card, and the consent that decides it.

With consent to share (given when registering, for every booth of the fair; or on the person's own
phone for one booth, BoothConsent) the card shows name, age, sex, ward, schooling, qualification,
desired jobs and the wish to train. Without it: the initial of the given name and the ticket number.
Never, whatever the consent: the priority group, household code, citizen ID, phone or address. Those
fields are not read into a card at all, so no page, answer or export built from cards can show them.

    shares_with(booth, registration)     has the person agreed to share with this booth?
    card(booth, registration)            the card
    cards(booth_or_none, registrations)  many cards at once (lists, exports)"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from fairapp.attendees.forms import EDUCATION_CHOICES, GENDER_CHOICES, QUALIFICATION_CHOICES
from fairapp.attendees.models import Attendee, Registration
from fairapp.booths.models import Booth
from fairapp.checkins.models import CheckIn
from fairapp.extensions import db
from fairapp.geo.models import Ward
from fairapp.interviews.models import BoothConsent
from fairapp.modelbase import utcnow

_LABELS = {
    "gender": dict(GENDER_CHOICES),
    "education": dict(EDUCATION_CHOICES),
    "qualification": dict(QUALIFICATION_CHOICES),
}


@dataclass(frozen=True)
class Card:
    registration_id: int
    attendee_id: int
    ticket_number: str
    shared: bool  # the person agreed to share with this booth
    checked_in: bool  # admitted at the entrance
    name: str  # the full name when shared, else the initial of the given name ("H.")
    age: int | None = None
    gender: str | None = None
    ward: str | None = None
    education: str | None = None
    qualification: str | None = None
    desired_jobs: str | None = None
    wants_training: bool | None = None
    training_wish: str | None = None

    def labelled(self) -> dict:
        """The card as JSON: codes, and for each coded field its label in the current language."""
        data = asdict(self)
        for name, labels in _LABELS.items():
            value = data.get(name)
            data[f"{name}_label"] = str(labels[value]) if value in labels and value else None
        return data


def initial(full_name: str) -> str:
    """The initial of the given name (the last word of a Vietnamese name): "Nguyễn Thị Hồng" → "H."."""
    words = (full_name or "").split()
    return f"{words[-1][0].upper()}." if words else "?"


def ticket_number(registration_id: int) -> str:
    return f"{registration_id:06d}"


def shares_with(booth: Booth | None, registration: Registration) -> bool:
    return registration.consent_share_version is not None or (
        booth is not None and registration.id in _booth_consents(booth, [registration.id])
    )


def _booth_consents(booth: Booth, registration_ids: list[int]) -> set[int]:
    if not registration_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(BoothConsent.registration_id).where(
                BoothConsent.booth_id == booth.id,
                BoothConsent.registration_id.in_(registration_ids),
                BoothConsent.withdrawn_at.is_(None),
            )
        )
    )


def card(booth: Booth | None, registration: Registration) -> Card:
    return cards(booth, [registration.id])[registration.id]


# Only the fields a card may show are ever read.
_CARD_QUERY = (
    sa.select(
        Registration.id,
        Registration.attendee_id,
        Registration.consent_share_version,
        Registration.desired_jobs,
        Registration.wants_training,
        Registration.training_wish,
        Attendee.full_name,
        Attendee.birth_year,
        Attendee.gender,
        Attendee.education_level,
        Attendee.qualification,
        Attendee.erased_at,
        Ward.name.label("ward_name"),
        CheckIn.id.label("check_in_id"),
        BoothConsent.id.label("booth_consent_id"),
    )
    .join(Attendee, Registration.attendee_id == Attendee.id)
    .outerjoin(Ward, Attendee.ward_code == Ward.code)
    .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
    .outerjoin(
        BoothConsent,
        sa.and_(
            BoothConsent.registration_id == Registration.id,
            BoothConsent.booth_id == sa.bindparam("booth_id"),
            BoothConsent.withdrawn_at.is_(None),
        ),
    )
    .where(Registration.id.in_(sa.bindparam("ids", expanding=True)))
)


def cards(booth: Booth | None, registration_ids: Iterable[int]) -> dict[int, Card]:
    """The cards of these registrations as `booth` may see them (None: only consent given to every
    booth counts), by registration id."""
    ids = sorted(set(registration_ids))
    booth_id = booth.id if booth is not None else None  # None: no consent to one booth counts
    year = utcnow().year
    result = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for row in db.session.execute(_CARD_QUERY, {"ids": chunk, "booth_id": booth_id}):
            shared = row.erased_at is None and (
                row.consent_share_version is not None or row.booth_consent_id is not None
            )
            common = {
                "registration_id": row.id,
                "attendee_id": row.attendee_id,
                "ticket_number": ticket_number(row.id),
                "shared": shared,
                "checked_in": row.check_in_id is not None,
            }
            if not shared:
                result[row.id] = Card(**common, name=initial(row.full_name) if row.erased_at is None else "?")
                continue
            result[row.id] = Card(
                **common,
                name=row.full_name,
                age=year - row.birth_year if row.birth_year else None,
                gender=getattr(row.gender, "value", row.gender),
                ward=row.ward_name,
                education=row.education_level,
                qualification=row.qualification,
                desired_jobs=row.desired_jobs,
                wants_training=row.wants_training,
                training_wish=row.training_wish,
            )
    return result
