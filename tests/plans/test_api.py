"""The plans API: the answers' shape and values, each caller's scope, and the roles refused."""

from datetime import date

import pytest

from fairapp.plans import budget, costs, services
from tests.plans.conftest import BACH_QUANG, SONG_CONG

NO_TARGETS = dict.fromkeys(
    ["fairs", "job_seekers", "priority_workers", "hires", "sustainable_jobs", "trainees"]
)


@pytest.fixture()
def plans_2026(db, admin):
    services.save_targets(2026, None, {"fairs": 24, "hires": 600, "note": "KH 12/KH-UBND"}, by=admin)
    services.save_targets(2026, BACH_QUANG, {"fairs": 5, "job_seekers": 1_200}, by=admin)
    services.save_targets(2026, SONG_CONG, {"fairs": 4}, by=admin)
    db.session.commit()


def test_admin_gets_the_whole_area_and_every_ward(client, token_for, plans_2026):
    _user, headers = token_for("admin")
    answer = client.get("/api/v1/plans/2026", headers=headers).get_json()
    assert answer["year"] == 2026
    assert [(area["ward_code"], area["ward_name"]) for area in answer["areas"]] == [
        (None, "Toàn địa bàn"),
        (SONG_CONG, "Phường Sông Công"),
        (BACH_QUANG, "Phường Bách Quang"),
    ]
    assert answer["areas"][0]["targets"] == {**NO_TARGETS, "fairs": 24, "hires": 600}
    assert answer["areas"][0]["note"] == "KH 12/KH-UBND"
    assert answer["areas"][2]["targets"] == {**NO_TARGETS, "fairs": 5, "job_seekers": 1_200}


def test_organiser_gets_their_wards_only(client, token_for, plans_2026):
    _user, headers = token_for("organiser", ward_codes=[BACH_QUANG, "05533"])
    answer = client.get("/api/v1/plans/2026", headers=headers).get_json()
    assert [(area["ward_code"], area["targets"]["fairs"]) for area in answer["areas"]] == [
        (BACH_QUANG, 5),  # by ward code
        ("05533", None),
    ]
    assert client.get("/api/v1/plans/2025", headers=headers).get_json()["areas"][0]["targets"] == NO_TARGETS


@pytest.mark.parametrize("path", ["/api/v1/plans/99999", "/api/v1/plans/2019", "/api/v1/budgets/2101"])
def test_a_year_outside_the_plans_is_404(client, token_for, path):
    _user, headers = token_for("admin")
    response = client.get(path, headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_budget_summary_and_entries(db, client, token_for, admin):
    budget.add_budget_entry(
        2026, "central", "allocated", 2_400_000_000, by=admin, entry_date=date(2026, 1, 15)
    )
    budget.add_budget_entry(2026, "central", "disbursed", 1_800_000_000, by=admin, document_no="UNC 45")
    budget.add_budget_entry(2026, "city", "disbursed", 50_000_000, by=admin)
    db.session.commit()
    _user, headers = token_for("admin")
    answer = client.get("/api/v1/budgets/2026", headers=headers).get_json()
    assert answer["by_source"]["central"] == {
        "allocated": 2_400_000_000,
        "committed": 0,
        "disbursed": 1_800_000_000,
    }
    assert answer["by_source"]["city"] == {"allocated": 0, "committed": 0, "disbursed": 50_000_000}
    assert (answer["allocated"], answer["committed"], answer["disbursed"]) == (
        2_400_000_000,
        0,
        1_850_000_000,
    )
    assert answer["disbursement_rate"] == 77.1  # 1.850 of 2.400 million: 77,08…
    assert [(w["code"], w["source"], w["disbursed"]) for w in answer["warnings"]] == [
        ("disbursed_over_allocated", "city", 50_000_000)
    ]
    assert answer["entries"][0] == {
        "id": answer["entries"][0]["id"],
        "source": "central",
        "kind": "allocated",
        "amount": 2_400_000_000,
        "entry_date": "2026-01-15",
        "document_no": None,
        "note": None,
    }
    assert len(answer["entries"]) == 3


@pytest.mark.parametrize("role", ["organiser", "gate"])  # employers and schools: tests/test_access.py
def test_only_admins_get_the_budget(client, token_for, role):
    overrides = {"ward_codes": [BACH_QUANG]} if role == "organiser" else {}
    _user, headers = token_for(role, **overrides)
    response = client.get("/api/v1/budgets/2026", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_a_fairs_costs(db, client, token_for, make_fair, admin):
    fair = make_fair()
    costs.add_fair_cost(fair, "venue", 1_500_000, "HĐ 01", by=admin)
    costs.add_fair_cost(fair, "allowances", 600_000, by=admin, note="6 cán bộ")
    db.session.commit()
    _user, headers = token_for("organiser", ward_codes=[BACH_QUANG])
    answer = client.get(f"/api/v1/fairs/{fair.id}/costs", headers=headers).get_json()
    assert answer["fair_id"] == fair.id
    assert [(c["item"], c["amount"], c["document_no"], c["note"]) for c in answer["items"]] == [
        ("venue", 1_500_000, "HĐ 01", None),
        ("allowances", 600_000, None, "6 cán bộ"),
    ]
    assert answer["totals"] == {
        "venue": 1_500_000,
        "publicity": 0,
        "printing": 0,
        "allowances": 600_000,
        "transport": 0,
        "other": 0,
        "total": 2_100_000,
    }
    assert answer["total"] == 2_100_000


def test_a_fairs_costs_for_staff_of_its_ward_only(client, token_for, make_fair):
    fair = make_fair(ward_code=SONG_CONG)
    _user, headers = token_for("organiser", ward_codes=[BACH_QUANG])
    response = client.get(f"/api/v1/fairs/{fair.id}/costs", headers=headers)
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "ward_not_allowed")
    _gate, gate_headers = token_for("gate")
    assert client.get(f"/api/v1/fairs/{fair.id}/costs", headers=gate_headers).status_code == 403
    _admin, admin_headers = token_for("admin")
    assert client.get(f"/api/v1/fairs/{fair.id + 100}/costs", headers=admin_headers).status_code == 404


def test_the_routes_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/plans/{year}", "/api/v1/budgets/{year}", "/api/v1/fairs/{fair_id}/costs"):
        assert "get" in spec["paths"][path], path
    assert "TargetsSchema" in spec["components"]["schemas"] or any(
        "Targets" in k for k in spec["components"]["schemas"]
    )
