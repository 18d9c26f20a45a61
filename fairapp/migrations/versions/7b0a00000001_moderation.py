"""moderation: suspended partners, hidden vacancies, public changes since review

Adds: on employers and schools suspend_reason, suspended_at, public_changed_at; on vacancies hidden_at,
hide_reason, public_changed_at; on training_programmes public_changed_at. The partner status
"suspended" needs no schema change (statuses are stored as plain strings). downgrade() removes the
columns; a suspended partner becomes rejected, the status the old code knows that keeps it out of
public view.

Revision ID: 7b0a00000001
Revises: 7a0a00000001
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = '7b0a00000001'
down_revision = '7a0a00000001'
branch_labels = None
depends_on = None

PARTNERS = ('employers', 'schools')


def _moment(name):
    return sa.Column(name, fairapp.modelbase.UTCDateTime(timezone=True), nullable=True)


def upgrade():
    for table in PARTNERS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('suspend_reason', sa.Text(), nullable=True))
            batch_op.add_column(_moment('suspended_at'))
            batch_op.add_column(_moment('public_changed_at'))

    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.add_column(_moment('hidden_at'))
        batch_op.add_column(sa.Column('hide_reason', sa.Text(), nullable=True))
        batch_op.add_column(_moment('public_changed_at'))

    with op.batch_alter_table('training_programmes', schema=None) as batch_op:
        batch_op.add_column(_moment('public_changed_at'))


def downgrade():
    with op.batch_alter_table('training_programmes', schema=None) as batch_op:
        batch_op.drop_column('public_changed_at')

    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_column('public_changed_at')
        batch_op.drop_column('hide_reason')
        batch_op.drop_column('hidden_at')

    for table in reversed(PARTNERS):
        op.execute(f"UPDATE {table} SET status = 'rejected', reject_reason = suspend_reason "
                   "WHERE status = 'suspended'")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('public_changed_at')
            batch_op.drop_column('suspended_at')
            batch_op.drop_column('suspend_reason')
