"""A search of the registration list for a phone number or citizen ID is audited like the detail page,
the query masked; a name search or no search writes nothing."""

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.registrations import services
from tests.registrations.conftest import BACH_QUANG

CITIZEN_ID = "019195001234"


def _searches(db):
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "registrations.search").order_by(AuditEntry.id)
    ).all()


@pytest.mark.parametrize(
    "query, masked",
    [
        ("0987000001", "*******001"),
        ("+84 987 000 001", "*******001"),
        (CITIZEN_ID, "********1234"),
        ("1234", "****"),
    ],
)
def test_a_phone_or_citizen_id_search_is_audited_masked(query, masked, client, auth, db, make_fair, register):
    fair = make_fair()
    register(fair, phone="0987000001", citizen_id=CITIZEN_ID)
    organiser = auth.login("organiser", ward_codes=[BACH_QUANG])

    response = client.get(f"/manage/fairs/{fair.id}/registrations", query_string={"q": query})

    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    [entry] = _searches(db)
    assert entry.actor_id == organiser.id and entry.object_type == "fairs" and entry.object_id == str(fair.id)
    assert entry.details == {"fair_id": fair.id, "query": masked, "results": 1}
    assert query not in str(entry.details)


@pytest.mark.parametrize("query", ["", "nguyen thi"])
def test_a_name_search_or_none_is_not_audited(query, client, auth, db, make_fair, register):
    fair = make_fair()
    register(fair)
    auth.login("admin")
    assert client.get(f"/manage/fairs/{fair.id}/registrations", query_string={"q": query}).status_code == 200
    assert _searches(db) == []


def test_an_export_filtered_by_phone_audits_the_query_masked(client, auth, db, make_fair, register):
    fair = make_fair()
    register(fair, phone="0987000001")
    auth.login("admin")
    client.get(f"/manage/fairs/{fair.id}/registrations/export.csv", query_string={"q": "0987000001"})
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export.registrations"))
    assert entry.details["filter"] == {"query": "*******001"}


def test_mask_search():
    assert services.mask_search("0912345678") == "*******678"
    assert services.mask_search(CITIZEN_ID) == "********1234"
    assert services.mask_search("12345") == "*****"
