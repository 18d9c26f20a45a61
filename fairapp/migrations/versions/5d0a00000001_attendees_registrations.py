"""attendees_registrations

PLACEHOLDER made by the lead so the revision chain is fixed in advance: the engineer who owns
this revision fills in upgrade() and downgrade() IN THIS FILE (keep the ids; do not create
another file with the same revision id). Write the operations by hand or copy only your own
tables from an autogenerate run.

Revision ID: 5d0a00000001
Revises: 4c0a00000001
Create Date: 2026-11-25 12:45:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.db


revision = '5d0a00000001'
down_revision = '4c0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
