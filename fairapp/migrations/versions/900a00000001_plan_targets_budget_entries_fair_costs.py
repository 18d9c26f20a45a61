"""plan targets, budget entries, fair costs: one target row per year and area (area_key: the ward
code or "*" for the whole area), budget entries by source and kind, and what each fair cost

Revision ID: 900a00000001
Revises: 8e0a00000001
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import fairapp.modelbase

revision = "900a00000001"
down_revision = "8e0a00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "budget_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "central", "province", "city", "other", name="budgetsource", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum("allocated", "committed", "disbursed", name="budgetkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("document_no", sa.String(length=100), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_budget_entries_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_budget_entries_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_entries")),
    )
    with op.batch_alter_table("budget_entries", schema=None) as batch_op:
        batch_op.create_index("ix_budget_entries_year_source", ["year", "source"], unique=False)

    op.create_table(
        "plan_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.String(length=5), nullable=True),
        sa.Column("area_key", sa.String(length=10), nullable=False),
        sa.Column("fairs", sa.BigInteger(), nullable=True),
        sa.Column("job_seekers", sa.BigInteger(), nullable=True),
        sa.Column("priority_workers", sa.BigInteger(), nullable=True),
        sa.Column("hires", sa.BigInteger(), nullable=True),
        sa.Column("sustainable_jobs", sa.BigInteger(), nullable=True),
        sa.Column("trainees", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(ward_code IS NULL AND area_key = '*') OR area_key = ward_code",
            name=op.f("ck_plan_targets_area_key_matches_ward"),
        ),
        sa.CheckConstraint("fairs IS NULL OR fairs >= 0", name=op.f("ck_plan_targets_fairs_not_negative")),
        sa.CheckConstraint("hires IS NULL OR hires >= 0", name=op.f("ck_plan_targets_hires_not_negative")),
        sa.CheckConstraint(
            "job_seekers IS NULL OR job_seekers >= 0", name=op.f("ck_plan_targets_job_seekers_not_negative")
        ),
        sa.CheckConstraint(
            "priority_workers IS NULL OR priority_workers >= 0",
            name=op.f("ck_plan_targets_priority_workers_not_negative"),
        ),
        sa.CheckConstraint(
            "sustainable_jobs IS NULL OR sustainable_jobs >= 0",
            name=op.f("ck_plan_targets_sustainable_jobs_not_negative"),
        ),
        sa.CheckConstraint(
            "trainees IS NULL OR trainees >= 0", name=op.f("ck_plan_targets_trainees_not_negative")
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_plan_targets_updated_by_users")),
        sa.ForeignKeyConstraint(["ward_code"], ["wards.code"], name=op.f("fk_plan_targets_ward_code_wards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_targets")),
        sa.UniqueConstraint("year", "area_key", name=op.f("uq_plan_targets_year_area_key")),
    )
    with op.batch_alter_table("plan_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_targets_ward_code"), ["ward_code"], unique=False)

    op.create_table(
        "fair_costs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=False),
        sa.Column(
            "item",
            sa.Enum(
                "venue",
                "publicity",
                "printing",
                "allowances",
                "transport",
                "other",
                name="costitem",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("document_no", sa.String(length=100), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_fair_costs_amount_not_negative")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_fair_costs_created_by_users")),
        sa.ForeignKeyConstraint(
            ["fair_id"], ["fairs.id"], name=op.f("fk_fair_costs_fair_id_fairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_costs")),
    )
    with op.batch_alter_table("fair_costs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fair_costs_fair_id"), ["fair_id"], unique=False)


def downgrade():
    with op.batch_alter_table("fair_costs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fair_costs_fair_id"))

    op.drop_table("fair_costs")
    with op.batch_alter_table("plan_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_targets_ward_code"))

    op.drop_table("plan_targets")
    with op.batch_alter_table("budget_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_entries_year_source")

    op.drop_table("budget_entries")
