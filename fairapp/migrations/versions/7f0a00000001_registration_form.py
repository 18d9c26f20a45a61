"""registration form

Revision ID: 7f0a00000001
Revises: 7e0a00000001
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = '7f0a00000001'
down_revision = '7e0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
