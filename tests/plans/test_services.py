"""The plans' services: who may set which area's targets, one row per year and area whatever
happens, the input rules (the field named), the budget's sums and warnings, fairs' costs."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth.models import User
from fairapp.auth.scope import EVERYWHERE, NOWHERE, WardScope
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db as _db
from fairapp.fairs.services import local_datetime
from fairapp.plans import budget, costs, services
from fairapp.plans.checks import MAX_AMOUNT
from fairapp.plans.models import INDICATORS, BudgetEntry, FairCost, PlanTarget
from fairapp.transactions import run_in_transaction
from tests.plans.conftest import BACH_QUANG, SONG_CONG

THREADS = 8


def count(model) -> int:
    _db.session.rollback()
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    _db.session.rollback()
    return caught.value


# --- Targets: who sets which area ---------------------------------------------------------------------


def test_admin_sets_the_whole_area_and_any_ward(db, admin):
    whole = services.save_targets(2026, None, {"fairs": 24, "hires": 600}, by=admin)
    ward = services.save_targets(2026, SONG_CONG, {"fairs": 4, "job_seekers": 1_200}, by=admin)
    db.session.commit()
    assert (whole.ward_code, whole.area_key, whole.fairs, whole.hires, whole.trainees) == (
        None,
        "*",
        24,
        600,
        None,
    )
    assert (ward.ward_code, ward.fairs, ward.job_seekers) == (SONG_CONG, 4, 1_200)
    found = services.targets_for(2026, EVERYWHERE)
    assert found[None] == {**dict.fromkeys(INDICATORS), "fairs": 24, "hires": 600}
    assert found[SONG_CONG]["job_seekers"] == 1_200
    assert set(found) == {None, SONG_CONG}


def test_organiser_sets_their_own_ward(db, organiser):
    target = services.save_targets(
        2026, BACH_QUANG, {"hires": 80, "note": " Theo KH 12/KH-UBND "}, by=organiser
    )
    db.session.commit()
    assert (target.hires, target.note, target.updated_by) == (80, "Theo KH 12/KH-UBND", organiser.id)


@pytest.mark.parametrize("ward_code", [SONG_CONG, None])
def test_organiser_cannot_set_another_ward_nor_the_whole_area(db, organiser, ward_code):
    error = refused(lambda: services.save_targets(2026, ward_code, {"fairs": 3}, by=organiser))
    assert (error.code, error.status) == ("area_not_allowed", 403)
    assert count(PlanTarget) == 0


def test_organiser_sees_their_wards_only_never_the_whole_area(db, admin, make_user):
    services.save_targets(2026, None, {"fairs": 24}, by=admin)
    services.save_targets(2026, BACH_QUANG, {"fairs": 5}, by=admin)
    services.save_targets(2026, SONG_CONG, {"fairs": 4}, by=admin)
    services.save_targets(2025, BACH_QUANG, {"fairs": 1}, by=admin)
    db.session.commit()
    scope = WardScope(ward_codes=frozenset({BACH_QUANG, "05533"}))
    found = services.targets_for(2026, scope)
    assert found == {
        BACH_QUANG: {**dict.fromkeys(INDICATORS), "fairs": 5},
        "05533": dict.fromkeys(INDICATORS),
    }
    assert services.targets_for(2026, NOWHERE) == {}


def test_saving_the_same_year_and_area_again_updates_the_one_row(db, admin):
    first = services.save_targets(2026, BACH_QUANG, {"fairs": 5, "hires": 100}, by=admin)
    db.session.commit()
    again = services.save_targets(2026, BACH_QUANG, {"hires": 120, "trainees": None}, by=admin)
    db.session.commit()
    assert again.id == first.id
    assert count(PlanTarget) == 1
    row = db.session.get(PlanTarget, first.id)
    assert (row.fairs, row.hires, row.trainees) == (5, 120, None)  # fairs left out: kept
    services.save_targets(2026, None, {"fairs": 1}, by=admin)
    services.save_targets(2026, None, {"fairs": 2}, by=admin)
    db.session.commit()
    assert count(PlanTarget) == 2
    assert services.targets_for(2026, EVERYWHERE)[None]["fairs"] == 2
    actions = db.session.scalars(
        sa.select(AuditEntry.details).where(AuditEntry.action == "plan_targets.save")
    ).all()
    assert [a["created"] for a in actions] == [True, False, True, False]
    assert actions[1]["changed"] == {"hires": [100, 120]}


@pytest.mark.parametrize(
    "values, code, field",
    [
        ({"fairs": -5}, "amount_negative", "fairs"),
        ({"hires": MAX_AMOUNT + 1}, "amount_too_large", "hires"),
        ({"trainees": 10**20}, "amount_too_large", "trainees"),
        ({"job_seekers": 1.5}, "not_a_number", "job_seekers"),
        ({"job_seekers": "12"}, "not_a_number", "job_seekers"),
        ({"fairs": True}, "not_a_number", "fairs"),
        ({"visitors": 3}, "unknown_indicator", "visitors"),
        ({"note": "x" * 501}, "too_long", "note"),
        ({"note": "a\x00b"}, "invalid_text", "note"),
    ],
)
def test_bad_targets_are_refused_naming_the_field(db, admin, values, code, field):
    error = refused(lambda: services.save_targets(2026, BACH_QUANG, values, by=admin))
    assert (error.code, error.status, list(error.fields)) == (code, 422, [field])
    assert count(PlanTarget) == 0


def test_the_largest_target_is_accepted(db, admin):
    assert (
        services.save_targets(2026, BACH_QUANG, {"job_seekers": MAX_AMOUNT}, by=admin).job_seekers
        == MAX_AMOUNT
    )


@pytest.mark.parametrize("year", [2019, 2101, 99999, "2026"])
def test_a_year_outside_2020_2100_is_refused(db, admin, year):
    error = refused(lambda: services.save_targets(year, BACH_QUANG, {"fairs": 1}, by=admin))
    assert (error.code, list(error.fields)) == ("year_out_of_range", ["year"])


def test_an_unknown_ward_is_refused(db, admin):
    error = refused(lambda: services.save_targets(2026, "99999", {"fairs": 1}, by=admin))
    assert (error.code, list(error.fields)) == ("ward_not_found", ["ward_code"])


def _race(app, work_for):
    start = threading.Barrier(THREADS)

    def send(n):
        with app.app_context():
            try:
                start.wait()
                return run_in_transaction(lambda: work_for(n), writes=True)
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(send, range(THREADS)))


@pytest.mark.parametrize("ward_code", [BACH_QUANG, None])
def test_racing_saves_of_one_year_and_area_make_one_row(app, admin, ward_code):
    admin_id = admin.id

    def work(n):
        by = _db.session.get(User, admin_id)
        return services.save_targets(2027, ward_code, {"hires": 100 + n}, by=by).id

    ids = _race(app, work)
    assert len(set(ids)) == 1
    assert count(PlanTarget) == 1
    assert 100 <= _db.session.scalar(sa.select(PlanTarget.hires)) < 100 + THREADS


# --- Budget -------------------------------------------------------------------------------------------


def test_entries_add_up_by_source_and_stage(db, admin):
    budget.add_budget_entry(2026, "central", "allocated", 2_000_000_000, by=admin, document_no="123/QĐ-UBND")
    budget.add_budget_entry(2026, "central", "allocated", 400_000_000, by=admin)
    budget.add_budget_entry(2026, "province", "allocated", 600_000_000, by=admin)
    budget.add_budget_entry(2026, "central", "committed", 1_500_000_000, by=admin)
    change = budget.add_budget_entry(
        2026, "central", "disbursed", 1_800_000_000, by=admin, entry_date=date(2026, 6, 30)
    )
    budget.add_budget_entry(2025, "central", "disbursed", 9_000_000, by=admin)
    db.session.commit()
    assert change.warnings == []
    assert change.entry.entry_date == date(2026, 6, 30)
    summary = budget.budget_summary(2026)
    assert summary["by_source"]["central"] == {
        "allocated": 2_400_000_000,
        "committed": 1_500_000_000,
        "disbursed": 1_800_000_000,
    }
    assert summary["by_source"]["city"] == {"allocated": 0, "committed": 0, "disbursed": 0}
    assert (summary["allocated"], summary["committed"], summary["disbursed"]) == (
        3_000_000_000,
        1_500_000_000,
        1_800_000_000,
    )
    assert summary["disbursement_rate"] == 60.0
    assert summary["warnings"] == []
    assert [e.amount for e in budget.budget_entries(2026)][:2] == [2_000_000_000, 400_000_000]


def test_disbursed_beyond_allocated_is_recorded_with_a_warning(db, admin):
    budget.add_budget_entry(2026, "city", "allocated", 100_000_000, by=admin)
    budget.add_budget_entry(2026, "central", "allocated", 900_000_000, by=admin)
    change = budget.add_budget_entry(2026, "city", "disbursed", 150_000_000, by=admin)
    db.session.commit()
    assert count(BudgetEntry) == 3
    assert len(change.warnings) == 1
    warning = change.warnings[0]
    assert (warning["code"], warning["source"], warning["allocated"], warning["disbursed"]) == (
        "disbursed_over_allocated",
        "city",
        100_000_000,
        150_000_000,
    )
    assert "150.000.000 đ" in warning["message"] and "100.000.000 đ" in warning["message"]
    assert budget.budget_summary(2026)["disbursement_rate"] == 15.0  # overall: 150 of 1.000 million


def test_deleting_an_allocation_may_bring_the_warning(db, admin):
    allocated = budget.add_budget_entry(2026, "other", "allocated", 10_000_000, by=admin).entry
    budget.add_budget_entry(2026, "other", "disbursed", 5_000_000, by=admin)
    db.session.commit()
    change = budget.delete_budget_entry(allocated.id, by=admin)
    db.session.commit()
    assert [w["source"] for w in change.warnings] == ["other"]
    assert count(BudgetEntry) == 1
    assert budget.budget_summary(2026)["disbursement_rate"] is None
    deleted = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "budget_entry.delete"))
    assert deleted.details["amount"] == 10_000_000


def test_budget_is_for_admins_only(db, organiser, admin):
    error = refused(lambda: budget.add_budget_entry(2026, "city", "allocated", 1, by=organiser))
    assert (error.code, error.status) == ("budget_admins_only", 403)
    entry = budget.add_budget_entry(2026, "city", "allocated", 1, by=admin).entry
    db.session.commit()
    assert refused(lambda: budget.delete_budget_entry(entry.id, by=organiser)).status == 403
    assert isinstance(refused(lambda: budget.delete_budget_entry(entry.id + 1, by=admin)), NotFound)


@pytest.mark.parametrize(
    "args, kwargs, code, field",
    [
        ((2026, "city", "allocated", -1), {}, "amount_negative", "amount"),
        ((2026, "city", "allocated", MAX_AMOUNT + 1), {}, "amount_too_large", "amount"),
        ((2026, "city", "allocated", None), {}, "not_a_number", "amount"),
        ((2026, "district", "allocated", 1), {}, "unknown_source", "source"),
        ((2026, "city", "spent", 1), {}, "unknown_kind", "kind"),
        ((2019, "city", "allocated", 1), {}, "year_out_of_range", "year"),
        ((2026, "city", "allocated", 1), {"entry_date": date(1999, 1, 1)}, "invalid_date", "entry_date"),
        ((2026, "city", "allocated", 1), {"document_no": "x" * 101}, "too_long", "document_no"),
    ],
)
def test_bad_budget_entries_are_refused_naming_the_field(db, admin, args, kwargs, code, field):
    error = refused(lambda: budget.add_budget_entry(*args, by=admin, **kwargs))
    assert (error.code, list(error.fields)) == (code, [field])
    assert count(BudgetEntry) == 0


# --- Fair costs --------------------------------------------------------------------------------------


def test_fair_costs_by_item_and_total(db, make_fair, organiser):
    fair, other = make_fair(), make_fair()
    costs.add_fair_cost(fair, "venue", 1_500_000, "HĐ 01", by=organiser)
    costs.add_fair_cost(fair, "publicity", 800_000, by=organiser, note="Loa phát thanh 3 ngày")
    costs.add_fair_cost(fair, "publicity", 200_000, by=organiser)
    db.session.commit()
    found = costs.fair_costs([fair.id, other.id])
    assert found[fair.id] == {
        "venue": 1_500_000,
        "publicity": 1_000_000,
        "printing": 0,
        "allowances": 0,
        "transport": 0,
        "other": 0,
        "total": 2_500_000,
    }
    assert found[other.id]["total"] == 0
    assert costs.fair_costs([]) == {}
    assert count(AuditEntry) >= 3


def test_costs_only_by_staff_of_the_fairs_ward(db, make_fair, make_user, admin):
    fair = make_fair(ward_code=SONG_CONG)
    outsider = make_user("organiser", ward_codes=[BACH_QUANG])
    error = refused(lambda: costs.add_fair_cost(fair, "venue", 1, by=outsider))
    assert (error.code, error.status) == ("ward_not_allowed", 403)
    cost = costs.add_fair_cost(fair, "venue", 1_000, by=admin)
    db.session.commit()
    assert refused(lambda: costs.delete_fair_cost(cost.id, by=outsider)).status == 403
    assert isinstance(
        refused(lambda: costs.delete_fair_cost(cost.id, fair_id=fair.id + 1, by=admin)), NotFound
    )
    costs.delete_fair_cost(cost.id, fair_id=fair.id, by=admin)
    db.session.commit()
    assert count(FairCost) == 0


@pytest.mark.parametrize(
    "item, amount, code, field",
    [
        ("venue", -5, "amount_negative", "amount"),
        ("venue", 10**20, "amount_too_large", "amount"),
        ("banquet", 5, "unknown_item", "item"),
    ],
)
def test_bad_costs_are_refused(db, make_fair, admin, item, amount, code, field):
    fair = make_fair()
    error = refused(lambda: costs.add_fair_cost(fair, item, amount, by=admin))
    assert (error.code, list(error.fields)) == (code, [field])


def test_costs_total_of_a_year_in_scope_by_local_start(db, make_fair, admin):
    def starting(day: date, hour: int, ward=BACH_QUANG):
        starts_at = local_datetime(day, datetime.min.time().replace(hour=hour))
        return make_fair(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), ward_code=ward)

    new_year_morning = starting(date(2026, 1, 1), 1)  # 31/12/2025 18:00 UTC: in 2026 all the same
    new_years_eve = starting(date(2025, 12, 31), 23)
    song_cong = starting(date(2026, 5, 1), 8, SONG_CONG)
    for fair, amount in ((new_year_morning, 1_000_000), (new_years_eve, 7_000_000), (song_cong, 300_000)):
        costs.add_fair_cost(fair, "other", amount, by=admin)
    db.session.commit()
    assert costs.costs_total(2026, EVERYWHERE) == 1_300_000
    assert costs.costs_total(2025, EVERYWHERE) == 7_000_000
    assert costs.costs_total(2026, WardScope(ward_codes=frozenset({SONG_CONG}))) == 300_000
    assert costs.costs_total(2026, NOWHERE) == 0
