"""Factories for fair tests: a pinned clock and make_fair(**overrides)."""

from datetime import UTC, datetime, timedelta

import pytest

from fairapp.fairs.models import Fair, FairStatus

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 02/03/2026 08:00 in Vietnam
BACH_QUANG, SONG_CONG, BA_XUYEN = "05528", "05518", "05533"


@pytest.fixture()
def make_fair(db):
    """make_fair(**overrides) → a saved Fair (draft by default, 7 days after NOW, 07:30–11:30 local)."""
    counter = iter(range(1, 10_000))

    def make(**overrides):
        n = next(counter)
        starts_at = overrides.pop("starts_at", NOW + timedelta(days=7, hours=-0.5))
        fields = {
            "title": f"Phiên giao dịch việc làm số {n}",
            "ward_code": BACH_QUANG,
            "venue_name": f"Nhà văn hoá tổ {n}",
            "starts_at": starts_at,
            "ends_at": overrides.pop("ends_at", starts_at + timedelta(hours=4)),
            "status": FairStatus.DRAFT,
            **overrides,
        }
        fair = Fair(**fields)
        db.session.add(fair)
        db.session.commit()
        return fair

    return make
