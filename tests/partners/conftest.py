"""Factories for partner and booth tests: employers, schools, published fairs and API tokens."""

from datetime import timedelta

import pytest

from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners import services
from fairapp.partners.models import PartnerStatus

BACH_QUANG = "05528"
# Valid tax codes (check digit right): 10 − (Σ wᵢ·dᵢ mod 11)
TAX_A, TAX_B, TAX_C = "0101234565", "0300000000", "4600000009"


@pytest.fixture()
def make_employer(db):
    """make_employer(status="approved", **data) → a saved Employer."""
    counter = iter(range(1, 10_000))
    codes = iter([TAX_A, TAX_B, TAX_C, "0100000003"])

    def make(status: str = "approved", **data):
        n = next(counter)
        values = {"name": f"Công ty TNHH Số {n}", "tax_code": next(codes), **data}
        employer = services.create_employer(values)
        employer.status = PartnerStatus(status)
        db.session.commit()
        return employer

    return make


@pytest.fixture()
def make_school(db):
    counter = iter(range(1, 10_000))

    def make(status: str = "approved", **data):
        school = services.create_school({"name": f"Trường Cao đẳng Nghề {next(counter)}", **data})
        school.status = PartnerStatus(status)
        db.session.commit()
        return school

    return make


@pytest.fixture()
def published_fair(db):
    """published_fair(**overrides) → a published fair a week from now in Phường Bách Quang."""
    counter = iter(range(1, 10_000))

    def make(**overrides):
        starts_at = utcnow().replace(microsecond=0) + timedelta(days=7)
        fair = Fair(
            **{
                "title": f"Phiên giao dịch việc làm lưu động số {next(counter)}",
                "ward_code": BACH_QUANG,
                "venue_name": "Nhà văn hoá tổ dân phố Mỏ Chè 2",
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(hours=4),
                "status": FairStatus.PUBLISHED,
                "published_at": utcnow(),
                **overrides,
            }
        )
        db.session.add(fair)
        db.session.commit()
        return fair

    return make


@pytest.fixture()
def bearer(db):
    """bearer(user) → headers with a fresh API token of that user."""
    from fairapp.auth.services import issue_token

    def make(user):
        _token, secret = issue_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return make
