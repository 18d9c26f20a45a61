"""Fair rules: the effective status (to the second), transitions, validation codes, ward limits,
read-only closed fairs, conflicts, season planning and cloning — and nothing half-saved."""

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.errors import DomainError, NotFound
from fairapp.fairs import planning, services
from fairapp.fairs.models import Fair, FairSeries, FairStatus
from tests.fairs.conftest import BA_XUYEN, BACH_QUANG, NOW, SONG_CONG

SECOND = timedelta(seconds=1)


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _fair_entries(db):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action.like("fair%"))
    )


def _new(by, **overrides):
    starts_at = overrides.pop("starts_at", NOW + timedelta(days=5))
    fields = {
        "title": "Phiên giao dịch việc làm Bách Quang",
        "ward_code": BACH_QUANG,
        "venue_name": "Nhà văn hoá tổ dân phố Mỏ Chè 2",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=4),
        "capacity": 300,
        "now": NOW,
        **overrides,
    }
    return services.create_fair(by=by, **fields)


# --- effective status -----------------------------------------------------------------------------


def _status_in_sql(db, fair, now):
    return db.session.scalar(sa.select(Fair.status_at(now)).where(Fair.id == fair.id))


def test_published_fair_opens_and_closes_to_the_second(db, make_fair):
    fair = make_fair(status=FairStatus.PUBLISHED)
    moments = {
        fair.starts_at - SECOND: (FairStatus.PUBLISHED, None, None),
        fair.starts_at: (FairStatus.OPEN, fair.starts_at, None),
        fair.ends_at - SECOND: (FairStatus.OPEN, fair.starts_at, None),
        fair.ends_at: (FairStatus.CLOSED, fair.starts_at, fair.ends_at),
    }
    for now, (status, opened_at, closed_at) in moments.items():
        assert fair.lifecycle_at(now) == (status, opened_at, closed_at)
        assert fair.status_at(now) == status == _status_in_sql(db, fair, now)
        state = services.fair_state(fair.id, now=now)
        assert (state.status, state.opened_at) == (status, opened_at)
        assert services.FairState.of(fair, now=now) == state
    db.session.expire_all()
    stored = db.session.get(Fair, fair.id)  # nothing was written
    assert stored.recorded == (FairStatus.PUBLISHED, None, None)


def test_published_fair_past_its_end_is_closed(db, make_fair):
    fair = make_fair(status=FairStatus.PUBLISHED)
    later = fair.ends_at + timedelta(days=1)
    assert fair.lifecycle_at(later) == (FairStatus.CLOSED, fair.starts_at, fair.ends_at)


def test_a_fair_opened_by_hand_keeps_its_opening_and_closes_at_its_end(db, make_fair):
    opened = NOW - timedelta(minutes=30)
    fair = make_fair(status=FairStatus.OPEN, starts_at=NOW, opened_at=opened)
    assert fair.lifecycle_at(NOW - SECOND) == (FairStatus.OPEN, opened, None)
    assert fair.lifecycle_at(fair.ends_at) == (FairStatus.CLOSED, opened, fair.ends_at)
    assert _status_in_sql(db, fair, fair.ends_at - SECOND) == FairStatus.OPEN
    assert _status_in_sql(db, fair, fair.ends_at) == FairStatus.CLOSED


@pytest.mark.parametrize("status", [FairStatus.DRAFT, FairStatus.CLOSED, FairStatus.CANCELLED])
def test_drafts_closed_and_cancelled_fairs_never_move_by_themselves(db, make_fair, status):
    fair = make_fair(status=status)
    for now in (fair.starts_at - SECOND, fair.starts_at, fair.ends_at + timedelta(days=1)):
        assert fair.status_at(now) == status == _status_in_sql(db, fair, now)


def test_a_later_state_of_a_fair_state(db, make_fair):
    fair = make_fair(status=FairStatus.PUBLISHED)
    early = services.fair_state(fair.id, now=fair.starts_at - SECOND)
    assert early.at(fair.starts_at) == services.fair_state(fair.id, now=fair.starts_at)
    assert early.at(fair.ends_at).status == FairStatus.CLOSED
    assert services.fair_state(fair.id, now=fair.ends_at).at(fair.starts_at).status == FairStatus.OPEN
    assert services.fair_state(999_999, now=NOW) is None


def test_list_filters_on_the_status_in_effect(db, make_fair, make_user):
    admin = make_user("admin")
    waiting = make_fair(status=FairStatus.PUBLISHED, starts_at=NOW + timedelta(hours=1))
    running = make_fair(status=FairStatus.PUBLISHED, starts_at=NOW - timedelta(hours=1))
    ended = make_fair(status=FairStatus.OPEN, starts_at=NOW - timedelta(days=1))
    listed = {
        status: services.list_fairs(admin, services.FairFilter(status=status), now=NOW)
        for status in (FairStatus.PUBLISHED, FairStatus.OPEN, FairStatus.CLOSED)
    }
    assert listed == {FairStatus.PUBLISHED: [waiting], FairStatus.OPEN: [running], FairStatus.CLOSED: [ended]}
    assert services.list_fairs(admin, now=NOW) == [ended, running, waiting]


def test_public_fairs_are_upcoming_published_or_open_soonest_first(db, make_fair):
    later = make_fair(status=FairStatus.PUBLISHED, starts_at=NOW + timedelta(days=9))
    sooner = make_fair(status=FairStatus.PUBLISHED, starts_at=NOW + timedelta(days=2), ward_code=SONG_CONG)
    running = make_fair(status=FairStatus.PUBLISHED, starts_at=NOW - timedelta(hours=1))
    make_fair(status=FairStatus.DRAFT)
    make_fair(status=FairStatus.CANCELLED)
    ended = make_fair(status=FairStatus.OPEN, starts_at=NOW - timedelta(days=1))
    assert services.public_fairs(now=NOW) == [running, sooner, later]
    assert running.status_at(NOW) == FairStatus.OPEN and ended.status_at(NOW) == FairStatus.CLOSED
    assert services.public_fairs(ward_code=SONG_CONG, now=NOW) == [sooner]


def test_get_public_fair_hides_drafts(db, make_fair):
    draft, cancelled = make_fair(), make_fair(status=FairStatus.CANCELLED)
    with pytest.raises(NotFound):
        services.get_public_fair(draft.id)
    with pytest.raises(NotFound):
        services.get_public_fair(999_999)
    assert services.get_public_fair(cancelled.id) is cancelled


# --- create and validation -------------------------------------------------------------------------


def test_create_makes_an_audited_draft_in_utc(db, make_user):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    starts_at = services.local_datetime(date(2026, 3, 7), time(7, 30))
    fair = _new(organiser, starts_at=starts_at)
    db.session.commit()
    assert fair.status == FairStatus.DRAFT and fair.created_by == organiser.id
    assert fair.starts_at.hour == 0 and fair.starts_at.minute == 30  # 07:30 in Vietnam
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "fair.create"))
    assert entry.object_id == str(fair.id) and entry.actor_id == organiser.id


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"ends_at": NOW + timedelta(days=5)}, "end_before_start", "ends_at"),
        ({"starts_at": NOW - SECOND}, "start_in_past", "starts_at"),
        ({"starts_at": NOW}, "start_in_past", "starts_at"),
        ({"capacity": 0}, "capacity_not_positive", "capacity"),
        ({"capacity": -5}, "capacity_not_positive", "capacity"),
        ({"ward_code": "99999"}, "unknown_ward", "ward_code"),
        ({"title": "   "}, "title_required", "title"),
    ],
)
def test_create_refuses_bad_input_with_codes_and_saves_nothing(db, make_user, overrides, code, field):
    admin = make_user("admin")
    with pytest.raises(DomainError) as caught:
        _new(admin, **overrides)
    assert caught.value.code == code and field in caught.value.fields
    assert caught.value.status == 422
    db.session.rollback()
    assert _count(db, Fair) == 0 and _fair_entries(db) == 0


def test_every_broken_rule_gets_its_field_message(db, make_user):
    with pytest.raises(DomainError) as caught:
        _new(make_user("admin"), title="", capacity=0, ends_at=NOW + timedelta(days=4))
    assert set(caught.value.fields) == {"title", "capacity", "ends_at"}
    assert "Sức chứa" in str(caught.value.fields["capacity"])


def test_organiser_outside_their_wards_is_refused(db, make_user, make_fair):
    organiser = make_user("organiser", ward_codes=[SONG_CONG])
    with pytest.raises(DomainError) as caught:
        _new(organiser)
    assert caught.value.code == "ward_not_allowed" and caught.value.status == 403
    fair = make_fair(ward_code=BACH_QUANG)
    with pytest.raises(DomainError) as caught:
        services.publish_fair(fair, by=organiser, now=NOW)
    assert caught.value.code == "ward_not_allowed"
    with pytest.raises(DomainError) as caught:
        services.get_fair_for(organiser, fair.id)
    assert caught.value.code == "ward_not_allowed"


def test_organiser_cannot_move_a_fair_into_a_ward_not_theirs(db, make_user):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    fair = _new(organiser)
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        services.update_fair(
            fair,
            by=organiser,
            title=fair.title,
            ward_code=SONG_CONG,
            starts_at=fair.starts_at,
            ends_at=fair.ends_at,
            venue_name="X",
            now=NOW,
        )
    assert caught.value.code == "ward_not_allowed"
    db.session.rollback()
    assert db.session.get(Fair, fair.id).ward_code == BACH_QUANG


# --- life cycle ------------------------------------------------------------------------------------


def test_full_life_cycle_by_hand(db, make_user):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    fair = _new(organiser)
    services.publish_fair(fair, by=organiser, now=NOW)
    assert fair.status_at(NOW) == FairStatus.PUBLISHED and fair.published_at == NOW
    services.open_fair(fair, by=organiser, now=NOW + timedelta(hours=1))
    assert fair.recorded == (FairStatus.OPEN, NOW + timedelta(hours=1), None)
    services.close_fair(fair, by=organiser, now=NOW + timedelta(hours=2))
    assert fair.recorded == (FairStatus.CLOSED, NOW + timedelta(hours=1), NOW + timedelta(hours=2))
    assert fair.status_at(NOW + timedelta(hours=2)) == FairStatus.CLOSED
    db.session.commit()
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action.like("fair%")).order_by(AuditEntry.id)
    ).all()
    assert actions == ["fair.create", "fair.publish", "fair.open", "fair.close"]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (FairStatus.DRAFT, "open"),
        (FairStatus.DRAFT, "close"),
        (FairStatus.PUBLISHED, "publish"),
        (FairStatus.PUBLISHED, "close"),
        (FairStatus.OPEN, "publish"),
        (FairStatus.OPEN, "open"),
    ],
)
def test_transitions_out_of_order_are_refused(db, make_user, make_fair, status, action):
    admin = make_user("admin")
    fair = make_fair(status=status, starts_at=NOW + timedelta(days=1))
    with pytest.raises(DomainError) as caught:
        getattr(services, f"{action}_fair")(fair, by=admin, now=NOW)
    assert caught.value.code == "invalid_transition" and caught.value.status == 409
    db.session.rollback()
    assert db.session.get(Fair, fair.id).recorded_status == status


@pytest.mark.parametrize(
    ("moment", "action"),
    [("starts_at", "open"), ("starts_at", "publish"), ("ends_at", "close"), ("ends_at", "cancel")],
)
def test_guards_use_the_status_in_effect(db, make_user, make_fair, moment, action):
    """Opening a fair that opened by itself, or closing or cancelling one that closed by itself, is
    refused as if the clock's transition had been recorded."""
    admin = make_user("admin")
    fair = make_fair(status=FairStatus.PUBLISHED)
    extra = {"reason": "Mưa bão"} if action == "cancel" else {}
    with pytest.raises(DomainError) as caught:
        getattr(services, f"{action}_fair")(fair, by=admin, now=getattr(fair, moment), **extra)
    assert caught.value.code == "invalid_transition"
    db.session.rollback()
    assert db.session.get(Fair, fair.id).recorded_status == FairStatus.PUBLISHED


def test_a_fair_that_opened_by_itself_closes_or_cancels_by_hand_with_its_opening(db, make_user, make_fair):
    admin = make_user("admin")
    closing, cancelling = make_fair(status=FairStatus.PUBLISHED), make_fair(status=FairStatus.PUBLISHED)
    during = closing.starts_at + timedelta(hours=1)
    services.close_fair(closing, by=admin, now=during)
    services.cancel_fair(cancelling, by=admin, reason="Mưa bão", now=during)
    db.session.commit()
    db.session.expire_all()
    assert closing.recorded == (FairStatus.CLOSED, closing.starts_at, during)
    assert cancelling.recorded == (FairStatus.CANCELLED, cancelling.starts_at, None)
    details = db.session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "fair.close"))
    assert (details["from"], details["to"]) == ("open", "closed")


def test_organisers_cannot_edit_a_fair_that_closed_by_itself(db, make_user, make_fair):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    fair = make_fair(status=FairStatus.PUBLISHED)
    with pytest.raises(DomainError) as caught:
        services.update_fair(
            fair,
            by=organiser,
            title="Đổi tên",
            ward_code=fair.ward_code,
            starts_at=fair.starts_at,
            ends_at=fair.ends_at,
            venue_name=fair.venue_name,
            now=fair.ends_at,
        )
    assert caught.value.code == "fair_read_only"


def test_publishing_needs_a_venue(db, make_user, make_fair):
    admin = make_user("admin")
    fair = make_fair(venue_name=None)
    with pytest.raises(DomainError) as caught:
        services.publish_fair(fair, by=admin, now=NOW)
    assert caught.value.code == "venue_required" and "venue_name" in caught.value.fields
    db.session.rollback()
    assert db.session.get(Fair, fair.id).recorded_status == FairStatus.DRAFT
    assert _fair_entries(db) == 0


def test_publishing_when_the_start_has_come_opens_it(db, make_user, make_fair):
    fair = make_fair(starts_at=NOW - timedelta(minutes=5))
    services.publish_fair(fair, by=make_user("admin"), now=NOW)
    assert fair.recorded_status == FairStatus.PUBLISHED and fair.status_at(NOW) == FairStatus.OPEN


def test_cancel_needs_a_reason_and_keeps_it(db, make_user, make_fair):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    fair = make_fair(status=FairStatus.PUBLISHED)
    with pytest.raises(DomainError) as caught:
        services.cancel_fair(fair, by=organiser, reason="  ", now=NOW)
    assert caught.value.code == "reason_required"
    services.cancel_fair(fair, by=organiser, reason="Mưa bão", now=NOW)
    db.session.commit()
    stored = db.session.get(Fair, fair.id)
    assert (stored.status, stored.cancel_reason, stored.cancelled_by) == (
        FairStatus.CANCELLED,
        "Mưa bão",
        organiser.id,
    )


def test_closed_fair_is_read_only_except_for_admins(db, make_user, make_fair):
    organiser, admin = make_user("organiser", ward_codes=[BACH_QUANG]), make_user("admin")
    fair = make_fair(status=FairStatus.CLOSED, starts_at=NOW - timedelta(days=3))
    edit = {
        "title": "Đổi tên",
        "ward_code": fair.ward_code,
        "starts_at": fair.starts_at,
        "ends_at": fair.ends_at,
        "venue_name": fair.venue_name,
        "now": NOW,
    }
    with pytest.raises(DomainError) as caught:
        services.update_fair(fair, by=organiser, **edit)
    assert caught.value.code == "fair_read_only"
    with pytest.raises(DomainError) as caught:
        services.cancel_fair(fair, by=organiser, reason="x", now=NOW)
    assert caught.value.code == "fair_read_only"
    db.session.rollback()
    services.update_fair(fair, by=admin, **edit)  # a start in the past is fine when unchanged
    db.session.commit()
    assert db.session.get(Fair, fair.id).title == "Đổi tên"


# --- conflicts -------------------------------------------------------------------------------------


def test_same_venue_at_overlapping_times_is_a_conflict_whatever_the_spelling(db, make_user):
    admin = make_user("admin")
    first = _new(admin, venue_name="Nhà văn hoá tổ dân phố Mỏ Chè 2")
    with pytest.raises(DomainError) as caught:
        _new(
            admin,
            venue_name="nha VAN hoa to dan pho mo che 2",
            starts_at=first.starts_at + timedelta(hours=3),
        )
    assert caught.value.code == "conflict" and caught.value.status == 409
    assert [(c["kind"], c["fair_id"]) for c in caught.value.conflicts] == [("same_venue", first.id)]
    assert _count(db, Fair) == 1
    forced = _new(
        admin, venue_name="Mo Che 2 khac", starts_at=first.starts_at + timedelta(hours=5), force=True
    )
    assert forced.id != first.id


def test_same_ward_same_vietnamese_day_is_a_conflict_but_not_the_next_day(db, make_user):
    admin = make_user("admin")
    day = date(2026, 3, 7)
    _new(admin, starts_at=services.local_datetime(day, time(7, 0)), venue_name="Sân vận động")
    with pytest.raises(DomainError) as caught:  # 23:00 local is still the same Vietnamese day
        _new(admin, starts_at=services.local_datetime(day, time(19, 0)), venue_name="Chợ")
    assert caught.value.conflicts[0]["kind"] == "same_ward_day"
    _new(admin, starts_at=services.local_datetime(day + timedelta(days=1), time(7, 0)), venue_name="Chợ")
    _new(admin, ward_code=SONG_CONG, starts_at=services.local_datetime(day, time(7, 0)), venue_name="Chợ")
    assert _count(db, Fair) == 3


def test_cancelled_fairs_do_not_conflict_and_editing_does_not_conflict_with_itself(db, make_user, make_fair):
    admin = make_user("admin")
    make_fair(status=FairStatus.CANCELLED, starts_at=NOW + timedelta(days=5))
    fair = _new(admin)
    services.update_fair(
        fair,
        by=admin,
        title="Mới",
        ward_code=fair.ward_code,
        starts_at=fair.starts_at,
        ends_at=fair.ends_at + timedelta(hours=1),
        venue_name=fair.venue_name,
        now=NOW,
    )
    assert fair.title == "Mới"


# --- seasons and clones ----------------------------------------------------------------------------


def _plan(**overrides):
    fields = {
        "title": "Phiên giao dịch việc làm lưu động",
        "ward_codes": [BACH_QUANG, SONG_CONG],
        "first_date": date(2026, 3, 3),
        "weekday": 5,
        "every_weeks": 2,
        "start_time": time(7, 30),
        "end_time": time(11, 30),
        "cycles": 1,
        "venues": {SONG_CONG: "Hội trường UBND phường Sông Công"},
    }
    return planning.SeasonPlan(**{**fields, **overrides})


def test_season_creates_drafts_ward_after_ward_on_successive_dates(db, make_user):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG, SONG_CONG])
    series = planning.plan_season(_plan(cycles=2), by=organiser, now=NOW)
    db.session.commit()
    fairs = planning.series_fairs(db.session.get(FairSeries, series.id))
    assert [(services.local_day(f.starts_at), f.ward_code) for f in fairs] == [
        (date(2026, 3, 7), BACH_QUANG),
        (date(2026, 3, 21), SONG_CONG),
        (date(2026, 4, 4), BACH_QUANG),
        (date(2026, 4, 18), SONG_CONG),
    ]
    assert {f.status for f in fairs} == {FairStatus.DRAFT}
    assert fairs[0].venue_name is None and fairs[1].venue_name == "Hội trường UBND phường Sông Công"
    assert services.to_local(fairs[0].starts_at).strftime("%H:%M") == "07:30"
    assert "Bách Quang" in fairs[0].title


def test_a_refused_ward_refuses_the_whole_season(db, make_user):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    with pytest.raises(DomainError) as caught:
        planning.plan_season(_plan(ward_codes=[BACH_QUANG, BA_XUYEN]), by=organiser, now=NOW)
    assert caught.value.code == "ward_not_allowed"
    db.session.rollback()
    assert _count(db, Fair) == 0 and _count(db, FairSeries) == 0


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"ward_codes": []}, "wards_required"),
        ({"ward_codes": [BACH_QUANG, "00000"]}, "unknown_ward"),
        ({"end_time": time(7, 0)}, "end_before_start"),
        ({"first_date": date(2026, 2, 1), "weekday": 0}, "start_in_past"),
        ({"every_weeks": 0}, "invalid_pattern"),
    ],
)
def test_season_refusals(db, make_user, overrides, code):
    with pytest.raises(DomainError) as caught:
        planning.plan_season(_plan(**overrides), by=make_user("admin"), now=NOW)
    assert caught.value.code == code
    db.session.rollback()
    assert _count(db, Fair) == 0


def test_season_warns_about_clashes_before_saving(db, make_user, make_fair):
    admin = make_user("admin")
    existing = make_fair(ward_code=SONG_CONG, starts_at=services.local_datetime(date(2026, 3, 21), time(14)))
    with pytest.raises(DomainError) as caught:
        planning.plan_season(_plan(), by=admin, now=NOW)
    assert [(c["kind"], c["fair_id"]) for c in caught.value.conflicts] == [("same_ward_day", existing.id)]
    assert _count(db, FairSeries) == 0
    planning.plan_season(_plan(), by=admin, now=NOW, force=True)
    assert _count(db, Fair) == 3


def test_clone_copies_text_not_status(db, make_user, make_fair):
    admin = make_user("admin")
    source = make_fair(
        status=FairStatus.PUBLISHED,
        description="Tuyển 200 lao động",
        contact_name="Chị Lan",
        directions="Đối diện chợ",
    )
    clone = planning.clone_fair(source, by=admin, ward_code=SONG_CONG, on_date=date(2026, 3, 20), now=NOW)
    assert clone.status == FairStatus.DRAFT and clone.ward_code == SONG_CONG
    assert (clone.title, clone.description, clone.contact_name) == (
        source.title,
        "Tuyển 200 lao động",
        "Chị Lan",
    )
    assert clone.venue_name is None and clone.directions is None
    assert services.local_day(clone.starts_at) == date(2026, 3, 20)
    assert services.to_local(clone.starts_at).time() == services.to_local(source.starts_at).time()
    assert clone.ends_at - clone.starts_at == source.ends_at - source.starts_at
