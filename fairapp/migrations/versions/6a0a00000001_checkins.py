"""checkins: scanner devices, every scan, one check-in per registration

Revision ID: 6a0a00000001
Revises: 5f0a00000001
Create Date: 2026-11-25 13:20:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = '6a0a00000001'
down_revision = '5f0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("gate", sa.String(length=50), nullable=True),
        sa.Column("created_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_devices_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revoked_by"], ["users.id"], name=op.f("fk_devices_revoked_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("public_id", name=op.f("uq_devices_public_id")),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_devices_user_id"), ["user_id"], unique=False)

    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("scan_id", sa.String(length=64), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["fair_id"], ["fairs.id"], name=op.f("fk_check_ins_fair_id_fairs")),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_check_ins_registration_id_registrations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_check_ins_device_id_devices")),
        sa.ForeignKeyConstraint(["by_user_id"], ["users.id"], name=op.f("fk_check_ins_by_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_check_ins_registration_id")),
    )
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_ins_fair_id"), ["fair_id"], unique=False)

    op.create_table(
        "scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.String(length=64), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("payload_digest", sa.String(length=64), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("gate", sa.String(length=50), nullable=True),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("device_time", fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
        sa.Column("server_time", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.Column("skew_seconds", sa.Integer(), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("flag_reason", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["fair_id"], ["fairs.id"], name=op.f("fk_scans_fair_id_fairs")),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_scans_registration_id_registrations"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_scans_device_id_devices")),
        sa.ForeignKeyConstraint(["by_user_id"], ["users.id"], name=op.f("fk_scans_by_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scans")),
        sa.UniqueConstraint("scan_id", name=op.f("uq_scans_scan_id")),
    )
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.create_index("ix_scans_fair_id_flagged", ["fair_id", "flagged"], unique=False)
        batch_op.create_index(batch_op.f("ix_scans_registration_id"), ["registration_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scans_device_id"), ["device_id"], unique=False)


def downgrade():
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scans_device_id"))
        batch_op.drop_index(batch_op.f("ix_scans_registration_id"))
        batch_op.drop_index("ix_scans_fair_id_flagged")
    op.drop_table("scans")
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_ins_fair_id"))
    op.drop_table("check_ins")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_user_id"))
    op.drop_table("devices")
