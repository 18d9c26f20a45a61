"""Factories for the organisers' registration pages: a fair and registered job seekers."""

from datetime import timedelta
from itertools import count

import pytest

from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, Registration
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.text import fold

BACH_QUANG, SONG_CONG, BA_XUYEN = "05528", "05518", "05533"


@pytest.fixture()
def make_fair(db):
    """make_fair(**overrides) → a saved, published Fair in Bách Quang ten days from now."""
    numbers = count(1)

    def make(**overrides):
        n = next(numbers)
        starts_at = (utcnow() + timedelta(days=10)).replace(hour=0, minute=30, second=0, microsecond=0)
        fields = {
            "title": f"Phiên giao dịch việc làm số {n}",
            "ward_code": BACH_QUANG,
            "venue_name": f"Nhà văn hoá tổ {n}",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=4),
            "status": FairStatus.PUBLISHED,
            **overrides,
        }
        fair = Fair(**fields)
        db.session.add(fair)
        db.session.commit()
        return fair

    return make


@pytest.fixture()
def register(db):
    """register(fair, full_name=..., phone=..., citizen_id=..., ward_code=..., priority_group=...)
    → a saved Registration with a new attendee (phone and citizen ID unique unless given)."""
    numbers = count(1)

    def make(
        fair,
        full_name="Nguyễn Thị Hồng Nhung",
        *,
        phone=None,
        citizen_id=None,
        ward_code=BACH_QUANG,
        priority_group=PriorityGroup.NONE,
        commit=True,
        **overrides,
    ):
        n = next(numbers)
        attendee = Attendee(
            full_name=full_name,
            name_key=fold(full_name),
            phone=phone or f"0987{n:06d}",
            citizen_id=citizen_id,
            birth_year=1990,
            gender=Gender.FEMALE,
            ward_code=ward_code,
            priority_group=priority_group,
        )
        db.session.add(attendee)
        db.session.flush()
        registration = Registration(
            fair_id=fair.id,
            attendee_id=attendee.id,
            channel=Channel.ONLINE,
            consent_personal_data_version="2025-01",
            consent_personal_data_at=utcnow(),
            **overrides,
        )
        db.session.add(registration)
        if commit:
            db.session.commit()
        else:
            db.session.flush()
        return registration

    return make
