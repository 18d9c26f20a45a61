"""The booth page's offline upload (POST /api/v1/fairs/{id}/interviews/sync), as the page sends it: each
item recorded in its own savepoint, a refused one beside accepted ones, a replay changing nothing."""

import sqlalchemy as sa

from fairapp.interviews.models import Interview, InterviewEntry
from tests.checkins.conftest import make_device  # noqa: F401


def item(setup, scan_id, payload, outcome="interviewed", **extra):
    return {
        "scan_id": scan_id,
        "qr_payload": payload,
        "outcome": outcome,
        "recorded_at": "2026-11-28T08:15:00+07:00",
        "employer_id": setup.booth.employer_id,
        "tags": [],
        **extra,
    }


def test_an_offline_batch_is_recorded_item_by_item_and_a_replay_changes_nothing(
    client, db, make_fair, ticket, make_booth, make_device
):
    fair = make_fair()
    setup = make_booth(fair)
    first, first_payload = ticket(fair)
    second, second_payload = ticket(fair, "Lê Văn Tám")
    device = make_device(setup.user)
    batch = {
        "device_id": device.public_id,
        "interviews": [
            item(setup, "s-1", first_payload, "shortlisted", rating=4, vacancy_id=setup.vacancies[0].id),
            item(setup, "s-2", second_payload, "enrolled"),  # a school's outcome: refused
            item(setup, "s-3", second_payload, tags=["ca đêm"]),
        ],
    }
    url = f"/api/v1/fairs/{fair.id}/interviews/sync"
    answer = client.post(url, json=batch, headers=setup.headers)
    assert answer.status_code == 200, answer.get_json()
    results = answer.get_json()["results"]
    assert [(r["scan_id"], r["result"]) for r in results] == [
        ("s-1", "ok"),
        ("s-2", "refused"),
        ("s-3", "ok"),
    ]
    assert results[1]["error"]["code"] == "validation_error"

    again = client.post(url, json=batch, headers=setup.headers).get_json()["results"]
    assert [r["result"] for r in again] == ["repeated", "refused", "repeated"]
    db.session.rollback()
    rows = db.session.scalars(sa.select(Interview).order_by(Interview.registration_id)).all()
    assert [(row.registration_id, row.outcome.value, row.rating) for row in rows] == [
        (first.id, "shortlisted", 4),
        (second.id, "interviewed", None),
    ]
    assert rows[1].tags == ["ca đêm"]
    sources = db.session.scalars(sa.select(InterviewEntry.source)).all()
    assert sources == ["offline", "offline"]
