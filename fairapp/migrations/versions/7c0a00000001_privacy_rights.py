"""privacy rights (issue 10)

Revision ID: 7c0a00000001
Revises: 7b0a00000001
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.db


revision = '7c0a00000001'
down_revision = '7b0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
