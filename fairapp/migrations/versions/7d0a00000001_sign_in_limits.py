"""sign in limits: failed sign-ins per account, address and pair; known addresses

Revision ID: 7d0a00000001
Revises: 7c0a00000001
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = '7d0a00000001'
down_revision = '7c0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Enum("account", "address", "pair", name="throttlescope",
                                   native_enum=False, length=10), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_throttles")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_sign_in_throttles_scope_key")),
    )
    with op.batch_alter_table("sign_in_throttles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_throttles_window_started_at"), ["window_started_at"],
                              unique=False)

    op.create_table(
        "sign_in_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("last_signed_in_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sign_in_addresses_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_addresses")),
        sa.UniqueConstraint("user_id", "address_key", name=op.f("uq_sign_in_addresses_user_id_address_key")),
    )


def downgrade():
    op.drop_table("sign_in_addresses")
    with op.batch_alter_table("sign_in_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_throttles_window_started_at"))
    op.drop_table("sign_in_throttles")
