"""fair planning: season series, directions, status times, drafts without a venue

Adds fair_series (a season planned in one step) and, on fairs: directions, published/opened/closed/
cancelled times, cancelled_by, series_id; venue_name becomes nullable (a draft may have no venue yet).
downgrade() fills missing venue names with an empty string before making the column NOT NULL again.

Revision ID: 3a35e49166f7
Revises: a3c5ef536921
Create Date: 2026-11-25 12:09:46.126118

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


# revision identifiers, used by Alembic.
revision = '3a35e49166f7'
down_revision = 'a3c5ef536921'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('fair_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('pattern', sa.String(length=300), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_fair_series_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fair_series'))
    )
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('directions', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('published_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('opened_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.alter_column('venue_name',
               existing_type=sa.VARCHAR(length=200),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_fairs_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_fairs_cancelled_by_users'), 'users', ['cancelled_by'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_fairs_series_id_fair_series'), 'fair_series', ['series_id'], ['id'])


def downgrade():
    op.execute("UPDATE fairs SET venue_name = '' WHERE venue_name IS NULL")
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_fairs_series_id_fair_series'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_fairs_cancelled_by_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_fairs_series_id'))
        batch_op.alter_column('venue_name',
               existing_type=sa.VARCHAR(length=200),
               nullable=False)
        batch_op.drop_column('series_id')
        batch_op.drop_column('cancelled_by')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('opened_at')
        batch_op.drop_column('published_at')
        batch_op.drop_column('directions')
    op.drop_table('fair_series')
