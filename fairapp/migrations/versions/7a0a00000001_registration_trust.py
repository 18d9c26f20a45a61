"""registration trust: pending changes to a person's data (attendee_changes)

What the public channel asks to change is kept here until staff at the desk, or the person through
a ticket link they already held, confirm or reject it.

Revision ID: 7a0a00000001
Revises: 6a0a00000001
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = '7a0a00000001'
down_revision = '6a0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendee_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attendee_id', sa.Integer(), nullable=False),
    sa.Column('proposed', sa.JSON(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'rejected', name='changestatus',
                                native_enum=False, length=20), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_through', sa.String(length=20), nullable=True),
    sa.Column('decided_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attendee_id'], ['attendees.id'],
                            name=op.f('fk_attendee_changes_attendee_id_attendees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_attendee_changes_decided_by_users')),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_attendee_changes_fair_id_fairs'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                            name=op.f('fk_attendee_changes_registration_id_registrations'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendee_changes'))
    )
    with op.batch_alter_table('attendee_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendee_changes_attendee_id'), ['attendee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendee_changes_fair_id'), ['fair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendee_changes_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('attendee_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendee_changes_status'))
        batch_op.drop_index(batch_op.f('ix_attendee_changes_fair_id'))
        batch_op.drop_index(batch_op.f('ix_attendee_changes_attendee_id'))
    op.drop_table('attendee_changes')
