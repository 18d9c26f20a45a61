"""registration_lists_badges

PLACEHOLDER made by the lead so the revision chain is fixed in advance: the engineer who owns
this revision fills in upgrade() and downgrade() IN THIS FILE (keep the ids; do not create
another file with the same revision id). Write the operations by hand or copy only your own
tables from an autogenerate run.

Revision ID: 5f0a00000001
Revises: 5e0a00000001
Create Date: 2026-11-25 12:45:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = '5f0a00000001'
down_revision = '5e0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "badge_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum("queued", "running", "done", "failed", "expired", name="badgejobstatus",
                                    native_enum=False, length=20), nullable=False),
        sa.Column("badges_total", sa.Integer(), nullable=False),
        sa.Column("pages_total", sa.Integer(), nullable=False),
        sa.Column("pages_done", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["fair_id"], ["fairs.id"], name=op.f("fk_badge_jobs_fair_id_fairs")),
        sa.ForeignKeyConstraint(["requested_by"], ["users.id"], name=op.f("fk_badge_jobs_requested_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_jobs")),
    )
    with op.batch_alter_table("badge_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_jobs_fair_id"), ["fair_id"], unique=False)


def downgrade():
    with op.batch_alter_table("badge_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_badge_jobs_fair_id"))
    op.drop_table("badge_jobs")
