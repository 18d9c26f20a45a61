"""privacy rights: erased job seekers (attendees.erased_at) and erasure requests

Revision ID: 7c0a00000001
Revises: 7b0a00000001
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = '7c0a00000001'
down_revision = '7b0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True))

    op.create_table('erasure_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attendee_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'carried_out', 'declined', name='erasurestatus',
                                native_enum=False, length=20), nullable=False),
    sa.Column('decided_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['attendee_id'], ['attendees.id'],
                            name=op.f('fk_erasure_requests_attendee_id_attendees')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_erasure_requests_decided_by_users')),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                            name=op.f('fk_erasure_requests_registration_id_registrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests'))
    )
    with op.batch_alter_table('erasure_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_requests_attendee_id'), ['attendee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_erasure_requests_registration_id'), ['registration_id'],
                              unique=False)
        batch_op.create_index('uq_erasure_requests_attendee_id_pending', ['attendee_id'], unique=True,
                              sqlite_where=sa.text("status = 'pending'"),
                              postgresql_where=sa.text("status = 'pending'"))


def downgrade():
    with op.batch_alter_table('erasure_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_erasure_requests_attendee_id_pending')
        batch_op.drop_index(batch_op.f('ix_erasure_requests_registration_id'))
        batch_op.drop_index(batch_op.f('ix_erasure_requests_attendee_id'))
    op.drop_table('erasure_requests')

    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
