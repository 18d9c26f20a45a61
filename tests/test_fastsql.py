"""fairapp.fastsql: Prepared statements give the values SQLAlchemy gives, on SQLite and PostgreSQL, and
a RawUnit is one transaction of its own."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp import fastsql
from fairapp.attendees.models import PriorityGroup
from fairapp.audit.models import AuditEntry
from fairapp.auth.models import Role, User
from fairapp.checkins import services
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fastsql import Prepared
from fairapp.modelbase import utcnow

AUDIT = AuditEntry.__table__


def _fair(db, **overrides) -> Fair:
    starts = utcnow().replace(microsecond=0) + timedelta(days=3)
    fair = Fair(
        title="Phiên thử",
        ward_code="05528",
        venue_name="Nhà văn hoá",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        status=FairStatus.PUBLISHED,
        **overrides,
    )
    db.session.add(fair)
    db.session.commit()
    return fair


def test_select_values_are_those_of_sqlalchemy(db, make_user):
    """Enums, aware datetimes, booleans, NULLs: column for column what Connection.execute gives."""
    user = make_user("organiser", phone=None)
    fair = _fair(db, capacity=None)
    fairs, users = Fair.__table__, User.__table__
    statement = (
        sa.select(
            fairs.c.id,
            fairs.c.status,
            fairs.c.starts_at,
            fairs.c.opened_at,
            fairs.c.capacity,
            users.c.role,
            users.c.active,
            users.c.phone,
        )
        .join_from(fairs, users, sa.true())
        .where(fairs.c.id == sa.bindparam("fair_id"), users.c.id == sa.bindparam("user_id"))
    )
    parameters = {"fair_id": fair.id, "user_id": user.id}
    expected = tuple(db.session.connection().execute(statement, parameters).one())
    got = Prepared(statement).first(db.session.connection(), parameters)
    assert got == expected
    assert got[1] is FairStatus.PUBLISHED and got[2].tzinfo is not None and got[5] is Role.ORGANISER
    assert got[6] is True and got[3] is None and got[7] is None
    assert Prepared(statement).first(db.session.connection(), {"fair_id": 0, "user_id": 0}) is None


def test_insert_returning_with_json_and_datetimes(db):
    statement = Prepared(
        sa.insert(AUDIT).returning(AUDIT.c.id),
        columns=[
            "at",
            "actor_id",
            "actor_label",
            "object_type",
            "object_id",
            "ip",
            "user_agent",
            "action",
            "details",
        ],
    )
    now = utcnow()
    new_id = statement.scalar(
        db.session.connection(),
        {
            "at": now,
            "actor_id": None,
            "actor_label": "system",
            "object_type": "fair",
            "object_id": "7",
            "ip": None,
            "user_agent": None,
            "action": "fastsql.test",
            "details": {"tên": "Bách Quang", "n": [1, 2]},
        },
    )
    db.session.commit()
    entry = db.session.get(AuditEntry, new_id)
    assert entry.details == {"tên": "Bách Quang", "n": [1, 2]} and entry.at == now


def test_an_insert_that_would_need_a_default_is_refused(db):
    with pytest.raises(ValueError):
        Prepared(sa.insert(AUDIT), columns=["actor_label", "action"]).execute(
            db.session.connection(), {"actor_label": "x", "action": "y"}
        )


def test_a_raw_unit_commits_and_rolls_back_on_its_own(app, db):
    fair = _fair(db)
    count = Prepared(sa.select(sa.func.count()).select_from(AUDIT))
    insert = Prepared(
        sa.insert(AUDIT),
        columns=[
            "at",
            "actor_id",
            "actor_label",
            "object_type",
            "object_id",
            "ip",
            "user_agent",
            "action",
            "details",
        ],
    )
    row = {
        "at": utcnow(),
        "actor_id": None,
        "actor_label": "system",
        "object_type": "fair",
        "object_id": str(fair.id),
        "ip": None,
        "user_agent": None,
        "action": "unit.test",
        "details": {},
    }
    with fastsql.raw_unit(db.engine):
        insert.execute(fastsql.connection(), row)
        fastsql.rollback()
    with fastsql.raw_unit(db.engine):
        insert.execute(fastsql.connection(), row)  # left open: closing the unit rolls it back
    with fastsql.raw_unit(db.engine) as unit:
        assert fastsql.connection() is unit and fastsql.current_unit() is unit
        insert.execute(fastsql.connection(), row)
        fastsql.commit()
    assert fastsql.current_unit() is None
    db.session.rollback()  # this test's own snapshot predates the units
    assert count.scalar(db.session.connection()) == 1


def test_the_check_in_statements_compile_for_both_databases(db):
    """Every hot statement of the check-in service runs here (whichever database the suite uses)."""
    fair = _fair(db)
    from fairapp.fairs.services import _FAIR_STATE, _FAIR_STATE_FOR_UPDATE

    for statement in (_FAIR_STATE, _FAIR_STATE_FOR_UPDATE):
        state = statement.first(db.session.connection(), {"fair_id": fair.id})
        assert state[0] == fair.id and state[1] is FairStatus.PUBLISHED
    assert services._TICKET_QUERY.first(db.session.connection(), {"registration_id": 0, "nonce": "X"}) is None
    assert (
        services._STORED_QUERY.first(
            db.session.connection(), {"scan_id": "none", "by_user_id": 0, "fair_id": fair.id}
        )
        is None
    )
    assert services._EXISTING_QUERY.first(db.session.connection(), {"registration_id": 0}) is None
    assert PriorityGroup.NONE.value == "none"
