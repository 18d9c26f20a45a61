"""Retention: `flask privacy purge` erases people not seen at any fair for the period, prints what it
did, changes nothing on a dry run, and a second run erases nobody new."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Channel, Registration
from fairapp.audit.models import AuditEntry
from fairapp.checkins.models import CheckIn
from fairapp.modelbase import utcnow
from fairapp.privacy import services as privacy

MONTH = timedelta(days=30.5)


def _erased_ids(db):
    db.session.expire_all()
    return sorted(db.session.scalars(sa.select(Attendee.id).where(Attendee.erased_at.is_not(None))))


def _people(db, make_fair, person):
    """{name: attendee}: gone (last seen 40 months ago), registered again 10 months ago, checked in 20
    months ago, recent, and created long ago but never registered."""
    now = utcnow()
    old_fair, recent_fair = make_fair(), make_fair()
    people = {
        "gone": person(old_fair, registered_at=now - 40 * MONTH),
        "came_back": person(old_fair, registered_at=now - 40 * MONTH),
        "checked_in": person(old_fair, registered_at=now - 40 * MONTH),
        "recent": person(recent_fair, registered_at=now - 2 * MONTH),
        "never_registered": person(registered_at=now - 37 * MONTH),
    }
    db.session.add(
        Registration(
            fair_id=recent_fair.id,
            attendee_id=people["came_back"].id,
            channel=Channel.STAFF,
            consent_personal_data_version="2026-12-v1",
            consent_personal_data_at=now - 10 * MONTH,
            created_at=now - 10 * MONTH,
        )
    )
    registration = people["checked_in"].registrations[0]
    db.session.add(
        CheckIn(
            fair_id=old_fair.id,
            registration_id=registration.id,
            checked_in_at=now - 20 * MONTH,
            source="scanner",
        )
    )
    db.session.commit()
    return people


def test_purge_respects_the_period_dry_run_changes_nothing_and_a_second_run_is_idempotent(
    runner, db, make_fair, person
):
    people = _people(db, make_fair, person)
    expected = sorted([people["gone"].id, people["never_registered"].id])

    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert "would erase 2 people" in dry.output and "(36 months)" in dry.output
    assert "dry run: nothing changed" in dry.output
    assert f"attendee ids: {expected[0]}, {expected[1]}" in dry.output
    assert _erased_ids(db) == []
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0

    real = runner.invoke(args=["privacy", "purge"])

    assert real.exit_code == 0, real.output
    assert "erased 2 people" in real.output and f"attendee ids: {expected[0]}, {expected[1]}" in real.output
    assert _erased_ids(db) == expected
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "attendee.erase")).all()
    assert {e.details["reason"] for e in entries} == {"retention"}
    assert {e.actor_label for e in entries} == {"system"}

    again = runner.invoke(args=["privacy", "purge"])

    assert again.exit_code == 0 and "erased 0 people" in again.output and "attendee ids" not in again.output
    assert _erased_ids(db) == expected
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "attendee.erase")
        )
        == 2
    )


def test_the_period_comes_from_the_option_or_the_setting(app, runner, db, make_fair, person):
    people = _people(db, make_fair, person)

    shorter = runner.invoke(args=["privacy", "purge", "--months", "12", "--dry-run"])
    assert "would erase 3 people" in shorter.output  # the check-in 20 months ago is now too old
    assert "(12 months)" in shorter.output

    app.config["PRIVACY_RETENTION_MONTHS"] = 18
    setting = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert "would erase 3 people" in setting.output and "(18 months)" in setting.output
    assert _erased_ids(db) == [] and people["gone"].erased_at is None

    # A longer setting cannot keep data past what the consent promised (36 months from the last fair).
    app.config["PRIVACY_RETENTION_MONTHS"] = 48
    longer = runner.invoke(args=["privacy", "purge"])
    # (the person never registered gave no consent with a period: the setting alone applies)
    assert "erased 1 people" in longer.output and "(48 months)" in longer.output
    assert _erased_ids(db) == [people["gone"].id]


def test_months_must_be_positive(runner):
    result = runner.invoke(args=["privacy", "purge", "--months", "0"])
    assert result.exit_code != 0


def test_months_before_counts_calendar_months():
    moment = datetime(2029, 3, 31, 8, 0, tzinfo=UTC)
    assert privacy.months_before(moment, 36) == datetime(2026, 3, 31, 8, 0, tzinfo=UTC)
    assert privacy.months_before(moment, 1) == datetime(2029, 2, 28, 8, 0, tzinfo=UTC)
    assert privacy.months_before(moment, 15) == datetime(2027, 12, 31, 8, 0, tzinfo=UTC)


def test_the_keeping_period_a_consent_promised_is_kept(db, make_fair, person):
    """The first consent text promised "at most 24 months after the fair": a person who gave it and
    was last seen 30 months ago is erased even under the 36-month setting; with today's text (36
    months from the last fair) they are kept."""
    from fairapp.attendees import consent

    assert consent.retention_months("2026-11-v1") == 24
    assert consent.retention_months(consent.PERSONAL_DATA_VERSION) == 36
    now = utcnow()
    fair = make_fair()
    promised_24 = person(fair, registered_at=now - 30 * MONTH, consent_version="2026-11-v1")
    promised_36 = person(fair, registered_at=now - 30 * MONTH, consent_version=consent.PERSONAL_DATA_VERSION)
    older = person(fair, registered_at=now - 40 * MONTH, consent_version=consent.PERSONAL_DATA_VERSION)

    assert privacy.past_keeping(36, now=now) == sorted([promised_24.id, older.id])
    assert privacy.past_keeping(12, now=now) == sorted([promised_24.id, promised_36.id, older.id])
    result = privacy.purge(months=36, now=now)
    db.session.commit()
    assert _erased_ids(db) == sorted([promised_24.id, older.id])
    assert promised_36.id not in result.attendee_ids


def test_erasure_drops_what_the_public_channel_proposed(db, make_fair, person):
    from fairapp.attendees.models import ChangeStatus, PendingChange

    attendee = person(make_fair())
    db.session.add(
        PendingChange(
            attendee_id=attendee.id,
            proposed={"address": "Tổ 9, Bách Quang"},
            origin="online",
            requested_at=utcnow(),
            status=ChangeStatus.PENDING,
        )
    )
    db.session.commit()
    privacy.erase(attendee, reason="test")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(PendingChange.id))) == 0
