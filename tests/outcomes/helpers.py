"""Small helpers of the hire API tests: today, counts of rows, the API's calls."""

from datetime import timedelta

import sqlalchemy as sa

from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.modelbase import utcnow
from fairapp.outcomes.models import FollowUp, Hire


def today():
    return local_day(utcnow())


def days(n: int) -> str:
    """Today plus n days, as the API writes a date."""
    return (today() + timedelta(days=n)).isoformat()


def count(model=Hire) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def counts() -> tuple[int, int]:
    return count(Hire), count(FollowUp)


def post_hire(client, headers, **body):
    return client.post("/api/v1/hires", json=body, headers=headers)


def post_follow_up(client, headers, hire_id, **body):
    return client.post(f"/api/v1/hires/{hire_id}/follow-ups", json=body, headers=headers)


def refused(response, status: int, code: str, field: str | None = None) -> dict:
    """Assert a refusal's status, code and field; returns the error."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code, error
    if field is not None:
        assert field in error.get("fields", {}), error
    return error
