"""reach: the people each step of the funnel reached, per year and area, kept by the writes; triggers
on the tables the funnel is counted from note the people whose rows must be computed again
(reach_dirty), which the worker counts each minute (fairapp.reports.reach). Every person is noted
once here, so that the first run after the upgrade computes everyone's rows.

Revision ID: 910a00000001
Revises: 900a00000001
Create Date: 2026-12-07 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "910a00000001"
down_revision = "900a00000001"
branch_labels = None
depends_on = None

# table: (columns whose change matters on UPDATE, SQL giving the people of a row as `row`, OLD or NEW)
SOURCES = {
    "registrations": ("attendee_id, fair_id", "SELECT {row}.attendee_id AS person"),
    "check_ins": (None, "SELECT attendee_id AS person FROM registrations WHERE id = {row}.registration_id"),
    "interviews": (
        "attendee_id, fair_id, employer_id, school_id, vacancy_id, outcome",
        "SELECT {row}.attendee_id AS person",
    ),
    "hires": (
        "attendee_id, fair_id, employer_id, vacancy_id, status, sustainable, ward_code, start_date",
        "SELECT {row}.attendee_id AS person",
    ),
    "follow_ups": ("hire_id, month, outcome", "SELECT attendee_id AS person FROM hires WHERE id = {row}.hire_id"),
    "attendees": ("priority_group, gender, birth_year", "SELECT {row}.id AS person"),
    "fairs": (
        "status, starts_at, ward_code",
        "SELECT attendee_id AS person FROM registrations WHERE fair_id = {row}.id"
        " UNION SELECT attendee_id FROM interviews WHERE fair_id = {row}.id"
        " UNION SELECT attendee_id FROM hires WHERE fair_id = {row}.id",
    ),
}
# attendees: an INSERT has nothing to count yet; a DELETE must take the person's rows away
EVENTS = {"attendees": ("UPDATE", "DELETE"), "fairs": ("UPDATE",)}


def _events(table: str) -> tuple[str, ...]:
    columns, _people = SOURCES[table]
    return EVENTS.get(table, ("INSERT", "DELETE", "UPDATE") if columns else ("INSERT", "DELETE"))


def upgrade():
    op.create_table(
        "reach",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("area", sa.String(length=10), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("attendee_id", sa.Integer(), autoincrement=False, nullable=False),
        *[sa.Column(f"days_{n}", sa.BigInteger(), nullable=False) for n in range(6)],
        sa.Column("months", sa.SmallInteger(), nullable=False),
        sa.Column(
            "priority_group",
            sa.Enum(
                "none", "poor", "near_poor", "escaped_poverty",
                name="prioritygroup", native_enum=False, length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "gender", sa.Enum("male", "female", name="gender", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "area", "step", "attendee_id", name=op.f("pk_reach")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_reach_attendee_id", "reach", ["attendee_id"])
    op.create_index("ix_reach_months", "reach", ["year", "area", "step", "priority_group", "months"])
    op.create_table(
        "reach_dirty",
        sa.Column("attendee_id", sa.Integer(), autoincrement=False, nullable=False),
        # raised by each later note, so that the worker only takes away the notes it has counted
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("attendee_id", name=op.f("pk_reach_dirty")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()
    op.execute("INSERT INTO reach_dirty (attendee_id) SELECT id FROM attendees")


def _sqlite_triggers():
    for table, (columns, people) in SOURCES.items():
        for event in _events(table):
            rows = {"INSERT": ("NEW",), "DELETE": ("OLD",), "UPDATE": ("OLD", "NEW")}[event]
            selects = " UNION ".join(people.format(row=row) for row in rows)
            on = f"UPDATE OF {columns}" if event == "UPDATE" else event
            op.execute(
                f"CREATE TRIGGER reach_{table}_{event.lower()} AFTER {on} ON {table} FOR EACH ROW"
                f" BEGIN INSERT INTO reach_dirty (attendee_id) SELECT person FROM ({selects})"
                " WHERE person IS NOT NULL"
                " ON CONFLICT (attendee_id) DO UPDATE SET version = reach_dirty.version + 1; END"
            )


def _postgresql_triggers():
    for table, (columns, people) in SOURCES.items():
        old = people.format(row="OLD")
        new = people.format(row="NEW")
        op.execute(
            f"CREATE FUNCTION reach_note_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  IF TG_OP <> 'INSERT' THEN\n"
            f"    INSERT INTO reach_dirty (attendee_id) SELECT person FROM ({old}) AS people\n"
            "    WHERE person IS NOT NULL\n"
            "    ON CONFLICT (attendee_id) DO UPDATE SET version = reach_dirty.version + 1;\n"
            "  END IF;\n"
            "  IF TG_OP <> 'DELETE' THEN\n"
            f"    INSERT INTO reach_dirty (attendee_id) SELECT person FROM ({new}) AS people\n"
            "    WHERE person IS NOT NULL\n"
            "    ON CONFLICT (attendee_id) DO UPDATE SET version = reach_dirty.version + 1;\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$"
        )
        events = " OR ".join(f"UPDATE OF {columns}" if event == "UPDATE" else event for event in _events(table))
        op.execute(
            f"CREATE TRIGGER reach_{table} AFTER {events} ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION reach_note_{table}()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS reach_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS reach_note_{table}()")
    else:
        for table in SOURCES:
            for event in _events(table):
                op.execute(f"DROP TRIGGER IF EXISTS reach_{table}_{event.lower()}")
    op.drop_table("reach_dirty")
    op.drop_index("ix_reach_months", table_name="reach")
    op.drop_index("ix_reach_attendee_id", table_name="reach")
    op.drop_table("reach")
