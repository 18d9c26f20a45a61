"""The demo's household lists: this year's list of each demo ward, holding most of the job seekers who
declared a priority group (a few under another category, so that the desk has conflicts to settle)
and as many members again who have not come to a fair yet (the outreach call list, coverage under
100%), then the verification of everyone against it."""

import random
from datetime import date, datetime

import sqlalchemy as sa

from fairapp.attendees import verification
from fairapp.attendees.models import Attendee, PriorityGroup
from fairapp.auth.models import User
from fairapp.demo import data
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.households.models import Category
from fairapp.households.services import ListRow, apply_list
from fairapp.phones import normalise_mobile

OTHER = {
    Category.POOR: Category.NEAR_POOR,
    Category.NEAR_POOR: Category.POOR,
    Category.ESCAPED_POVERTY: Category.NEAR_POOR,
}
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
GIVEN = ("Văn Hùng", "Thị Hạnh", "Văn Tuấn", "Thị Thu", "Văn Long", "Thị Mai", "Văn Đức", "Thị Yến")


def household_lists(rng: random.Random, now: datetime, admin_email: str) -> dict[str, int]:
    """Save the lists and verify everyone; the counts."""
    admin = db.session.scalar(sa.select(User).where(User.email == admin_email))
    year = local_day(now).year
    rows: list[ListRow] = []
    declared = db.session.scalars(
        sa.select(Attendee).where(Attendee.priority_group != PriorityGroup.NONE).order_by(Attendee.id)
    ).all()
    for n, attendee in enumerate(declared):
        if n % 7 == 6:
            continue  # not on the list: self-declared
        category = Category(attendee.priority_group.value)
        if n % 11 == 5:
            category = OTHER[category]  # the list says otherwise: a conflict for the desk
        code = attendee.household_code or f"HGD-{attendee.ward_code}-{9000 + n:04d}"
        rows.append(
            _row(
                attendee.ward_code,
                code,
                category,
                year,
                attendee.full_name,
                attendee.birth_year,
                attendee.gender.value,
                attendee.citizen_id,
                None,
                "Chủ hộ",
            )
        )
        if rng.random() < 0.6:  # a relative who has not come yet
            rows.append(_relative(rng, attendee.ward_code, code, category, year, n))
    for ward in data.WARDS:
        for n in range(25):  # households nobody from has come yet
            code = f"HGD-{ward}-{5000 + n:04d}"
            category = (Category.POOR, Category.NEAR_POOR, Category.ESCAPED_POVERTY)[n % 3]
            for member in range(rng.randint(1, 3)):
                rows.append(_relative(rng, ward, code, category, year, n * 10 + member))
    applied = apply_list(rows, listed_on=date(year, 1, 15), by=admin, now=now)
    statuses = verification.verify_ward(list(data.WARDS), day=local_day(now))
    return {"households": applied.households_created, "members": applied.members_created, **statuses}


def _relative(rng, ward: str, code: str, category: Category, year: int, n: int) -> ListRow:
    gender = "female" if n % 2 else "male"
    name = f"{FAMILY[n % len(FAMILY)]} {GIVEN[(n // 2) % len(GIVEN)]}"
    phone = normalise_mobile(f"09{rng.randrange(10**8):08d}") if rng.random() < 0.7 else None
    return _row(ward, code, category, year, name, rng.randint(1968, 2008), gender, None, phone, "Con")


def _row(ward, code, category, year, name, birth_year, gender, citizen_id, phone, relation) -> ListRow:
    return ListRow(
        row=0,
        ward_code=ward,
        household_code=code,
        category=category,
        year=year,
        head_name=None,
        village=None,
        household_phone=None,
        full_name=name,
        birth_year=birth_year,
        birth_date=None,
        gender=gender,
        relation=relation,
        citizen_id=citizen_id,
        phone=phone,
    )
