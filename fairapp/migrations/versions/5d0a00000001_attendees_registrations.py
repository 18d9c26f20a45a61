"""attendees_registrations: what online and walk-in registration needs

attendees: name_key (folded name, for finding a person again by phone + name; unique with the
phone among people without a citizen ID), address, qualification, situation.
registrations: ticket_nonce (signed into the QR), desired_vacancy_ids, wants_training,
training_wish, created_by.

Revision ID: 5d0a00000001
Revises: 4c0a00000001
Create Date: 2026-11-25 12:45:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase  # noqa: F401


revision = '5d0a00000001'
down_revision = '4c0a00000001'
branch_labels = None
depends_on = None

NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _fold(value):
    import re
    import unicodedata

    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value or "")).strip().lower()
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c) != "Mn").replace("đ", "d")


def upgrade():
    import secrets

    bind = op.get_bind()
    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('qualification', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('situation', sa.String(length=20), nullable=True))
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket_nonce', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('desired_vacancy_ids', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('wants_training', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('training_wish', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_registrations_created_by_users'), 'users',
                                    ['created_by'], ['id'])

    # Rows from before: fold the names, give every ticket a nonce.
    attendees = sa.table('attendees', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                         sa.column('name_key', sa.String))
    for row in bind.execute(sa.select(attendees.c.id, attendees.c.full_name)).all():
        bind.execute(attendees.update().where(attendees.c.id == row.id)
                     .values(name_key=_fold(row.full_name)))
    registrations = sa.table('registrations', sa.column('id', sa.Integer),
                             sa.column('ticket_nonce', sa.String))
    for row in bind.execute(sa.select(registrations.c.id)).all():
        nonce = "".join(secrets.choice(NONCE_ALPHABET) for _ in range(8))
        bind.execute(registrations.update().where(registrations.c.id == row.id).values(ticket_nonce=nonce))

    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=200), nullable=False)
        batch_op.create_index('uq_attendees_phone_name_key', ['phone', 'name_key'], unique=True,
                              sqlite_where=sa.text('citizen_id IS NULL'),
                              postgresql_where=sa.text('citizen_id IS NULL'))
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('ticket_nonce', existing_type=sa.String(length=8), nullable=False)


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registrations_created_by_users'), type_='foreignkey')
        batch_op.drop_column('created_by')
        batch_op.drop_column('training_wish')
        batch_op.drop_column('wants_training')
        batch_op.drop_column('desired_vacancy_ids')
        batch_op.drop_column('ticket_nonce')
    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.drop_index('uq_attendees_phone_name_key')
        batch_op.drop_column('situation')
        batch_op.drop_column('qualification')
        batch_op.drop_column('address')
        batch_op.drop_column('name_key')
