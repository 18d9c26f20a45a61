"""priority households: the ward lists (households, members) and their imports; on attendees the
priority status, the list member found for them and the labour-information consent; outreach calls;
labour-information records and exports. On SQLite, batch mode rebuilds attendees, which drops its
triggers (the reach notes of 910a00000001): they are read before and made again after.

Revision ID: 920a00000001
Revises: 910a00000001
Create Date: 2026-12-07 19:02:45.852642

"""

from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


# revision identifiers, used by Alembic.
revision = "920a00000001"
down_revision = "910a00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.String(length=5), nullable=False),
        sa.Column("unit_code", sa.String(length=5), nullable=False),
        sa.Column("household_code", sa.String(length=50), nullable=False),
        sa.Column("head_name", sa.String(length=200), nullable=True),
        sa.Column("village", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column(
            "category",
            sa.Enum("poor", "near_poor", "escaped_poverty", name="category", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("list_year", sa.Integer(), nullable=False),
        sa.Column("escaped_on", sa.Date(), nullable=True),
        sa.Column("created_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ward_code"], ["wards.code"], name=op.f("fk_households_ward_code_wards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint(
            "ward_code",
            "unit_code",
            "household_code",
            name=op.f("uq_households_ward_code_unit_code_household_code"),
        ),
    )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_households_category"), ["category"], unique=False)

    op.create_table(
        "household_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column(
            "gender",
            sa.Enum("male", "female", name="membergender", native_enum=False, length=10),
            nullable=True,
        ),
        sa.Column("relation", sa.String(length=50), nullable=True),
        sa.Column("citizen_id", sa.String(length=12), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("erased_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "citizen_id IS NULL OR length(citizen_id) = 12",
            name=op.f("ck_household_members_citizen_id_length"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_members_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_members")),
        sa.UniqueConstraint(
            "household_id",
            "name_key",
            "birth_year",
            name=op.f("uq_household_members_household_id_name_key_birth_year"),
        ),
    )
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_members_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(
            "ix_household_members_name_key_birth_year", ["name_key", "birth_year"], unique=False
        )

    op.create_table(
        "household_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=100), nullable=True),
        sa.Column("file_kind", sa.String(length=10), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=True),
        sa.Column("ward_code", sa.String(length=5), nullable=True),
        sa.Column("list_year", sa.Integer(), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("only_valid", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "refused",
                "done",
                "failed",
                name="importstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=100), nullable=True),
        sa.Column("created_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_household_imports_requested_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["ward_code"], ["wards.code"], name=op.f("fk_household_imports_ward_code_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_imports")),
    )
    op.create_table(
        "labour_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.String(length=5), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("by", sa.Integer(), nullable=True),
        sa.Column("created_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by"], ["users.id"], name=op.f("fk_labour_exports_by_users")),
        sa.ForeignKeyConstraint(
            ["ward_code"], ["wards.code"], name=op.f("fk_labour_exports_ward_code_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labour_exports")),
    )
    with op.batch_alter_table("labour_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_labour_exports_ward_code"), ["ward_code"], unique=False)

    op.create_table(
        "labour_records",
        sa.Column("attendee_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "status",
            sa.Enum("exported", "entered", "returned", name="labourstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("export_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["attendees.id"],
            name=op.f("fk_labour_records_attendee_id_attendees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["labour_exports.id"],
            name=op.f("fk_labour_records_export_id_labour_exports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_labour_records_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("attendee_id", name=op.f("pk_labour_records")),
    )
    op.create_table(
        "outreach_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "will_come",
                "has_job",
                "not_looking",
                "moved",
                "unreachable",
                name="contactoutcome",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("retry_on", sa.Date(), nullable=True),
        sa.Column("by", sa.Integer(), nullable=True),
        sa.Column("at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by"], ["users.id"], name=op.f("fk_outreach_contacts_by_users")),
        sa.ForeignKeyConstraint(
            ["fair_id"], ["fairs.id"], name=op.f("fk_outreach_contacts_fair_id_fairs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["household_members.id"],
            name=op.f("fk_outreach_contacts_member_id_household_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_contacts")),
    )
    with op.batch_alter_table("outreach_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_outreach_contacts_member_id_at", ["member_id", "at"], unique=False)

    triggers = _attendee_triggers()
    with op.batch_alter_table("attendees", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "priority_status",
                sa.Enum(
                    "verified",
                    "self_declared",
                    "conflict",
                    name="prioritystatus",
                    native_enum=False,
                    length=20,
                ),
                nullable=False,
                server_default="self_declared",
            )
        )
        batch_op.add_column(sa.Column("household_member_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("labour_consent_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("priority_settled_at", fairapp.modelbase.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("labour_consent_version", sa.String(length=20), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_attendees_household_member_id"), ["household_member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_attendees_priority_status"), ["priority_status"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_attendees_household_member_id_household_members"),
            "household_members",
            ["household_member_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("attendees", schema=None) as batch_op:
        batch_op.alter_column("priority_status", server_default=None)
    _restore([sql.replace(OLD_COLUMNS, NEW_COLUMNS) for sql in triggers])
    # reach copies the status too (fairapp.reports.reach); everyone is self-declared until verified
    op.add_column(
        "reach",
        sa.Column(
            "priority_status",
            sa.Enum(
                "verified", "self_declared", "conflict", name="prioritystatus", native_enum=False, length=20
            ),
            nullable=False,
            server_default="self_declared",
        ),
    )
    # the dashboard's and the API's pass, grouped by the status too, still read from the index alone
    op.drop_index("ix_reach_months", table_name="reach")
    op.create_index("ix_reach_months", "reach", [*REACH_INDEX, "priority_status"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_trigger(NEW_COLUMNS)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_trigger(OLD_COLUMNS)
    op.drop_index("ix_reach_months", table_name="reach")
    op.create_index("ix_reach_months", "reach", REACH_INDEX)
    with op.batch_alter_table("reach", schema=None) as batch_op:
        batch_op.drop_column("priority_status")
    triggers = [sql.replace(NEW_COLUMNS, OLD_COLUMNS) for sql in _attendee_triggers()]
    with op.batch_alter_table("attendees", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_attendees_household_member_id_household_members"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_attendees_priority_status"))
        batch_op.drop_index(batch_op.f("ix_attendees_household_member_id"))
        batch_op.drop_column("labour_consent_version")
        batch_op.drop_column("priority_settled_at")
        batch_op.drop_column("labour_consent_at")
        batch_op.drop_column("household_member_id")
        batch_op.drop_column("priority_status")
    _restore(triggers)

    with op.batch_alter_table("outreach_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_outreach_contacts_member_id_at")

    op.drop_table("outreach_contacts")
    op.drop_table("labour_records")
    with op.batch_alter_table("labour_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_labour_exports_ward_code"))

    op.drop_table("labour_exports")
    op.drop_table("household_imports")
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.drop_index("ix_household_members_name_key_birth_year")
        batch_op.drop_index(batch_op.f("ix_household_members_citizen_id"))

    op.drop_table("household_members")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_households_category"))

    op.drop_table("households")


REACH_INDEX = ["year", "area", "step", "priority_group", "months"]
# The columns of attendees whose change notes the person for reach (fairapp.reports.reach)
OLD_COLUMNS = "UPDATE OF priority_group, gender, birth_year"
NEW_COLUMNS = "UPDATE OF priority_group, priority_status, gender, birth_year"


def _postgresql_trigger(columns: str) -> None:
    op.execute("DROP TRIGGER IF EXISTS reach_attendees ON attendees")
    op.execute(
        f"CREATE TRIGGER reach_attendees AFTER {columns} OR DELETE ON attendees"
        " FOR EACH ROW EXECUTE FUNCTION reach_note_attendees()"
    )


def _attendee_triggers() -> list[str]:
    if op.get_bind().dialect.name != "sqlite":
        return []  # PostgreSQL keeps a table's triggers through ALTER TABLE
    found = op.get_bind().execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'attendees'")
    )
    return [sql for (sql,) in found]


def _restore(triggers: list[str]) -> None:
    for sql in triggers:
        op.execute(sql)
