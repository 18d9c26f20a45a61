"""Factories for tickets: a published fair, a registered job seeker, a confirmed booth."""

from datetime import timedelta
from itertools import count

import pytest

from fairapp.attendees.models import Attendee, Channel, Gender, Registration
from fairapp.booths.models import Booth, BoothStatus
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, PartnerStatus, School
from fairapp.text import fold

BACH_QUANG = "05528"


@pytest.fixture()
def make_fair(db):
    """make_fair(**overrides) → a saved, published Fair ten days from now, 07:30–11:30 in Vietnam."""
    numbers = count(1)

    def make(**overrides):
        n = next(numbers)
        starts_at = (utcnow() + timedelta(days=10)).replace(hour=0, minute=30, second=0, microsecond=0)
        fields = {
            "title": f"Phiên giao dịch việc làm số {n}",
            "ward_code": BACH_QUANG,
            "venue_name": f"Nhà văn hoá tổ dân phố {n}",
            "venue_address": f"Số {n} đường Thắng Lợi",
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
def make_registration(db, make_fair):
    """make_registration(fair=None, full_name=...) → a saved online Registration with its attendee."""
    phones = count(1)

    def make(fair=None, *, full_name="Nguyễn Thị Hồng Nhung", **overrides):
        fair = fair or make_fair()
        attendee = Attendee(
            full_name=full_name,
            name_key=fold(full_name),
            phone=f"09{next(phones):08d}",
            birth_year=1995,
            gender=Gender.FEMALE,
            ward_code=fair.ward_code,
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
        db.session.commit()
        return registration

    return make


@pytest.fixture()
def add_booth(db):
    """add_booth(fair, employer=name | school=name, label=None, status=confirmed) → the Booth."""
    tax_codes = count(100)

    def add(fair, *, employer=None, school=None, label=None, status=BoothStatus.CONFIRMED):
        if employer:
            holder = Employer(
                name=employer, tax_code=f"0100109{next(tax_codes):03d}", status=PartnerStatus.APPROVED
            )
        else:
            holder = School(name=school, status=PartnerStatus.APPROVED)
        db.session.add(holder)
        db.session.flush()
        booth = Booth(
            fair_id=fair.id,
            label=label,
            status=status,
            **({"employer_id": holder.id} if employer else {"school_id": holder.id}),
        )
        db.session.add(booth)
        db.session.commit()
        return booth

    return add
