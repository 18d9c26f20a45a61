"""Helpers for the booth record pages' tests: signing a booth's account in, recording through the one
service, and a job seeker whose sensitive fields are all filled in (to look for them in what a booth
gets)."""

from dataclasses import dataclass

import pytest

from fairapp.attendees.models import PriorityGroup
from fairapp.interviews import services
from fairapp.modelbase import utcnow
from tests.conftest import PASSWORD, csrf_token_from


def sign_in(client, user) -> None:
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]


def recorded(db, setup, registration, outcome="interviewed", **fields):
    """The booth's record of the person, made (or updated) through services.record, committed."""
    done = services.record(
        setup.booth, registration, services.Recording(outcome=outcome, **fields), by=setup.user
    )
    db.session.commit()
    return done.interview


@dataclass(frozen=True)
class Secrets:
    """The values that must never reach a booth."""

    citizen_id: str
    phone: str
    address: str
    household_code: str

    def values(self) -> list[str]:
        return [self.citizen_id, self.phone, self.address, self.household_code]


@pytest.fixture()
def sensitive_person(db, register):
    """sensitive_person(fair, full_name, shared=True, n=1) → (registration, Secrets): a poor household's
    member with citizen ID, phone, address and household code set; shared: consent to share with
    every booth of the fair."""

    def make(fair, full_name="Phạm Thị Bí Mật", *, shared=True, n=1):
        registration = register(fair, full_name, priority_group=PriorityGroup.POOR)
        secrets = Secrets(
            citizen_id=f"0011900{n:05d}",
            phone=f"09127{n:05d}",
            address=f"Số {n} ngõ Kín Đáo, tổ dân phố Mỏ Chè",
            household_code=f"HN-SC-{4240 + n}",
        )
        attendee = registration.attendee
        attendee.citizen_id = secrets.citizen_id
        attendee.phone = secrets.phone
        attendee.address = secrets.address
        attendee.household_code = secrets.household_code
        attendee.education_level = "upper_secondary"
        attendee.qualification = "short_course"
        if shared:
            registration.consent_share_version = "2025-01"
            registration.consent_share_at = utcnow()
        registration.desired_jobs = "Công nhân may"
        db.session.commit()
        return registration, secrets

    return make
