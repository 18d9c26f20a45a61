"""The demo's plan and budget: this year's targets for the whole area and its three wards, the budget
as the city reported it (2.4 billion đồng allocated, 27.2% disbursed by October) and what the fairs
already held cost, so that the dashboard and the official report show % of plan and cost per hire."""

from datetime import date, datetime

import sqlalchemy as sa

from fairapp.auth.models import User
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import local_day
from fairapp.plans import budget, costs, services

WARD_TARGETS = {  # ward → (fairs, job seekers, priority workers, hires, sustainable jobs, trainees)
    "05518": (4, 400, 60, 80, 40, 20),
    "05528": (3, 300, 45, 60, 30, 15),
    "05533": (3, 300, 45, 60, 30, 15),
}
FAIR_COSTS = (
    ("venue", 2_000_000),
    ("publicity", 1_500_000),
    ("printing", 800_000),
    ("allowances", 2_400_000),
)


def plans_and_budget(now: datetime, admin_email: str) -> dict[str, int]:
    """Targets, budget entries and fair costs, recorded by the demo's admin; the counts."""
    admin = db.session.scalar(sa.select(User).where(User.email == admin_email))
    year = local_day(now).year
    names = ("fairs", "job_seekers", "priority_workers", "hires", "sustainable_jobs", "trainees")
    for ward, values in WARD_TARGETS.items():
        services.save_targets(year, ward, dict(zip(names, values, strict=True)), by=admin, now=now)
    whole = [sum(values[n] for values in WARD_TARGETS.values()) for n in range(len(names))]
    services.save_targets(year, None, dict(zip(names, whole, strict=True)), by=admin, now=now)
    entries = (
        ("central", "allocated", 1_600_000_000, date(year, 2, 10), "45/QĐ-UBND"),
        ("province", "allocated", 800_000_000, date(year, 3, 5), "112/QĐ-UBND"),
        ("central", "committed", 1_200_000_000, date(year, 4, 1), "20/HĐ"),
        ("central", "disbursed", 412_800_000, date(year, 7, 15), "UNC 0715"),
        ("province", "disbursed", 240_000_000, date(year, 10, 20), "UNC 1020"),
    )
    for source, kind, amount, day, document in entries:
        budget.add_budget_entry(
            year,
            source,
            kind,
            amount,
            entry_date=min(day, local_day(now)),
            document_no=document,
            by=admin,
            now=now,
        )
    held = db.session.scalars(
        sa.select(Fair).where(Fair.starts_at <= now, Fair.recorded_status != FairStatus.CANCELLED)
    ).all()
    for fair in held:
        for item, amount in FAIR_COSTS:
            costs.add_fair_cost(fair, item, amount, by=admin, now=now)
    return {
        "targets": len(WARD_TARGETS) + 1,
        "budget_entries": len(entries),
        "fair_costs": len(held) * len(FAIR_COSTS),
    }
