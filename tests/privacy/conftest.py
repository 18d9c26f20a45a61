"""Factories for privacy tests: an open fair, a job seeker registered for one or more fairs, tokens."""

from datetime import timedelta
from itertools import count

import pytest

from fairapp.attendees import consent
from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, Registration
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.text import fold

BACH_QUANG, SONG_CONG = "05528", "05518"


@pytest.fixture()
def make_fair(db):
    """make_fair(**overrides) → a saved Fair in Bách Quang, open now (started an hour ago)."""
    numbers = count(1)

    def make(**overrides):
        n = next(numbers)
        starts_at = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
        fields = {
            "title": f"Phiên giao dịch việc làm số {n}",
            "ward_code": BACH_QUANG,
            "venue_name": f"Nhà văn hoá tổ {n}",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=4),
            "status": FairStatus.OPEN,
            "opened_at": starts_at,
            **overrides,
        }
        fair = Fair(**fields)
        db.session.add(fair)
        db.session.commit()
        return fair

    return make


@pytest.fixture()
def person(db):
    """person(*fairs, full_name=..., citizen_id=None, share=True, **attendee fields) → the Attendee,
    registered for each fair (online, consenting to share unless share=False)."""
    numbers = count(1)

    def make(
        *fairs,
        full_name="Nguyễn Thị Hồng Nhung",
        share=True,
        registered_at=None,
        consent_version=consent.PERSONAL_DATA_VERSION,
        **fields,
    ):
        n = next(numbers)
        registered_at = registered_at or utcnow()
        attendee = Attendee(
            **{
                "full_name": full_name,
                "name_key": fold(full_name),
                "phone": f"0912{n:06d}",
                "birth_year": 1990,
                "gender": Gender.FEMALE,
                "ward_code": BACH_QUANG,
                "priority_group": PriorityGroup.POOR,
                "created_at": registered_at,
                **fields,
            }
        )
        db.session.add(attendee)
        db.session.flush()
        for fair in fairs:
            db.session.add(
                Registration(
                    fair_id=fair.id,
                    attendee_id=attendee.id,
                    channel=Channel.ONLINE,
                    consent_personal_data_version=consent_version,
                    consent_personal_data_at=registered_at,
                    consent_share_version="2026-11-v1" if share else None,
                    consent_share_at=registered_at if share else None,
                    desired_jobs="Thợ may, gọi 0912000999",
                    created_at=registered_at,
                )
            )
        db.session.commit()
        return attendee

    return make


@pytest.fixture()
def token_for(db, make_user):
    """token_for(role="gate", **user fields) → (user, headers with a bearer token)."""
    from fairapp.auth import services

    def make(role="gate", **overrides):
        user = make_user(role, **overrides)
        _token, secret = services.issue_token(user, "test")
        db.session.commit()
        return user, {"Authorization": f"Bearer {secret}"}

    return make
