"""scoping: a scan id is unique per account and fair; used kiosk visit passes

Revision ID: 7e0a00000001
Revises: 7d0a00000001
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = '7e0a00000001'
down_revision = '7d0a00000001'
branch_labels = None
depends_on = None


def upgrade():
    # Every scan id was unique on its own, so it is unique with its account and fair too.
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_scans_scan_id"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_scans_scan_id_by_user_id_fair_id"),
                                          ["scan_id", "by_user_id", "fair_id"])

    op.create_table(
        "kiosk_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=24), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("used_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["fair_id"], ["fairs.id"], name=op.f("fk_kiosk_visits_fair_id_fairs")),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_kiosk_visits_registration_id_registrations"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_visits")),
        sa.UniqueConstraint("nonce", name=op.f("uq_kiosk_visits_nonce")),
    )
    with op.batch_alter_table("kiosk_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kiosk_visits_fair_id"), ["fair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kiosk_visits_registration_id"), ["registration_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("kiosk_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kiosk_visits_registration_id"))
        batch_op.drop_index(batch_op.f("ix_kiosk_visits_fair_id"))
    op.drop_table("kiosk_visits")

    # A scan id reused by another account or at another fair: the later scans keep their rows under
    # a server-made id ("downgraded-<row id>"), so the old one-id-one-scan rule can hold again.
    scans = sa.table("scans", sa.column("id", sa.Integer()), sa.column("scan_id", sa.String()))
    first = sa.select(sa.func.min(scans.c.id)).group_by(scans.c.scan_id)
    op.execute(scans.update().where(scans.c.id.not_in(first))
               .values(scan_id=sa.literal("downgraded-") + sa.cast(scans.c.id, sa.String())))
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_scans_scan_id_by_user_id_fair_id"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_scans_scan_id"), ["scan_id"])
