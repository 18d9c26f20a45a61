"""tickets: the revocation list (revoked_tickets)

A reissued ticket gets a new nonce; the old (registration, nonce) goes on this list, which
scanners download.

Revision ID: 5e0a00000001
Revises: 5d0a00000001
Create Date: 2026-11-25 12:45:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = '5e0a00000001'
down_revision = '5d0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('revoked_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=8), nullable=False),
    sa.Column('revoked_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                            name=op.f('fk_revoked_tickets_registration_id_registrations'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by'], ['users.id'], name=op.f('fk_revoked_tickets_revoked_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revoked_tickets')),
    sa.UniqueConstraint('registration_id', 'nonce', name=op.f('uq_revoked_tickets_registration_id_nonce'))
    )


def downgrade():
    op.drop_table('revoked_tickets')
