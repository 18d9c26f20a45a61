"""periodic runs: each periodic job claims its scheduled minute once, whichever worker is first

Revision ID: 8e0a00000001
Revises: 820a00000001
Create Date: 2026-12-08 00:00:00

"""

from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = "8e0a00000001"
down_revision = "820a00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "periodic_runs",
        sa.Column("job", sa.String(length=50), nullable=False),
        sa.Column("due_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", "due_at", name=op.f("pk_periodic_runs")),
    )


def downgrade():
    op.drop_table("periodic_runs")
