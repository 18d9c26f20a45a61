"""Erasing a person erases them from the household list too, and keeps them counted."""

from datetime import date

import sqlalchemy as sa

from fairapp.attendees import verification
from fairapp.households.models import Category, HouseholdMember
from fairapp.households.rules import priority_worker_clause
from fairapp.privacy.services import erase
from tests.households.test_verification import listed, someone

TODAY = date(2026, 12, 7)


def test_erasure_covers_the_list_member(db, make_user):
    listed(db, "BQ-1", Category.POOR, [("Nguyễn Thị Lan", 1995, "019195001234")])
    lan = someone(db, "Nguyễn Thị Lan", 1995, "poor", citizen_id="019195001234")
    verification.verify(lan, day=TODAY)
    member = lan.household_member
    erase(lan, by=make_user("admin"), reason="người lao động yêu cầu")
    db.session.flush()
    assert (member.full_name, member.citizen_id, member.erased_at is not None) == ("Đã xoá", None, True)
    assert member.birth_year == 1995
    counted = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(HouseholdMember)
        .join(HouseholdMember.household)
        .where(priority_worker_clause(TODAY))
    )
    assert counted == 1
    again = someone(db, "Nguyễn Thị Lan", 1995, "poor")
    assert verification.verify(again, day=TODAY).value == "self_declared"
