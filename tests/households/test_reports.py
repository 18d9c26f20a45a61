"""Reports count verified and self-declared priority-group people apart."""

from fairapp.attendees.models import PriorityGroup, PriorityStatus
from tests.checkins.conftest import make_fair, register, token_for  # noqa: F401
from tests.households.conftest import BACH_QUANG


def test_outcomes_split_each_priority_group_by_status(db, client, make_fair, register, token_for):
    fair = make_fair()
    statuses = [
        ("Người A", PriorityGroup.POOR, PriorityStatus.VERIFIED),
        ("Người B", PriorityGroup.POOR, PriorityStatus.VERIFIED),
        ("Người C", PriorityGroup.POOR, PriorityStatus.SELF_DECLARED),
        ("Người D", PriorityGroup.NEAR_POOR, PriorityStatus.CONFLICT),
        ("Người E", PriorityGroup.NONE, PriorityStatus.SELF_DECLARED),
    ]
    for name, group, status in statuses:
        registration = register(fair, name, priority_group=group)
        registration.attendee.priority_status = status
    db.session.commit()
    _user, headers = token_for("organiser", ward_codes=[BACH_QUANG])
    answer = client.get("/api/v1/reports/outcomes", headers=headers).get_json()
    split = answer["by_priority_status"]
    assert set(split) == {"poor", "near_poor", "escaped_poverty"}
    assert split["poor"]["verified"]["registered"] == 2
    assert split["poor"]["self_declared"]["registered"] == 1
    assert split["poor"]["conflict"]["registered"] == 0
    assert split["near_poor"]["conflict"]["registered"] == 1
    assert answer["by_priority_group"]["poor"]["registered"] == 3
