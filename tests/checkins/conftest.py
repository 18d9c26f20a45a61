"""Factories for check-in tests: an open fair, registered job seekers with their QR payloads, devices,
and API helpers (bearer tokens)."""

from datetime import timedelta
from itertools import count

import pytest

from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, Registration
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.text import fold
from fairapp.tickets.signing import ticket_payload

BACH_QUANG, SONG_CONG = "05528", "05518"


@pytest.fixture()
def make_fair(db):
    """make_fair(**overrides) → a saved Fair, open now (started an hour ago, ends in three hours)."""
    numbers = count(1)

    def make(**overrides):
        n = next(numbers)
        starts_at = overrides.pop("starts_at", (utcnow() - timedelta(hours=1)).replace(microsecond=0))
        fields = {
            "title": f"Phiên giao dịch việc làm số {n}",
            "ward_code": BACH_QUANG,
            "venue_name": f"Nhà văn hoá tổ {n}",
            "starts_at": starts_at,
            "ends_at": overrides.pop("ends_at", starts_at + timedelta(hours=4)),
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
def register(db):
    """register(fair, full_name=..., priority_group=...) → a saved Registration with a new attendee."""
    numbers = count(1)

    def make(
        fair,
        full_name="Nguyễn Thị Hồng Nhung",
        *,
        priority_group=PriorityGroup.NONE,
        commit=True,
        ward_code=BACH_QUANG,
    ):
        n = next(numbers)
        attendee = Attendee(
            full_name=full_name,
            name_key=fold(full_name),
            phone=f"0986{n:06d}",
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
        )
        db.session.add(registration)
        if commit:
            db.session.commit()
        else:
            db.session.flush()
        return registration

    return make


@pytest.fixture()
def ticket(register):
    """ticket(fair, ...) → (registration, qr_payload)."""

    def make(fair, *args, **kwargs):
        registration = register(fair, *args, **kwargs)
        return registration, ticket_payload(registration)

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


@pytest.fixture()
def make_device(db):
    """make_device(user, name=...) → a saved Device of that user."""
    from fairapp.checkins import devices

    def make(user, name="Điện thoại cổng 1", gate="Cổng chính"):
        device, _token = devices.register_device(user, name=name, gate=gate)
        db.session.commit()
        return device

    return make
