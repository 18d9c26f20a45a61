"""device tokens: the scanner page authenticates as its device

Revision ID: 800a00000001
Revises: 7f0a00000001
Create Date: 2026-12-07 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '800a00000001'
down_revision = '7f0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_devices_token_hash'), ['token_hash'])


def downgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_devices_token_hash'), type_='unique')
        batch_op.drop_column('session_version')
        batch_op.drop_column('token_hash')
