"""The outbox: one message per cause key, numbers that cannot or will not receive skipped with the
reason, quiet hours (21:00–07:00 local) at queueing and at sending, opting out and back in."""

from datetime import timedelta

import pytest

from fairapp.messages import outbox
from fairapp.messages.models import MessageStatus
from fairapp.transactions import run_in_transaction
from tests.messages.conftest import NOON, PHONE, local, messages, queue_committed


def test_the_same_key_queues_one_message(app, db):
    assert queue_committed("registration:1", text="một") is not None
    assert queue_committed("registration:1", text="hai") is None
    [message] = messages(db)
    assert (message.key, message.text, message.status) == ("registration:1", "một", MessageStatus.QUEUED)
    assert message.next_attempt_at == NOON and message.attempts == 0


def test_the_phone_is_kept_in_its_national_form(app, db):
    queue_committed("k", phone="+84 912 345 678")
    assert messages(db)[0].phone == PHONE


@pytest.mark.parametrize("phone", [None, "", "02083851234", "0912", "+1 202 555 0101", "không có"])
def test_a_number_that_cannot_receive_is_skipped_with_the_reason(app, db, phone):
    queue_committed("k", phone=phone)
    [message] = messages(db)
    assert message.status == MessageStatus.SKIPPED
    assert message.last_error.startswith("invalid_phone")
    assert outbox.send_due(now=NOON)["sent"] == 0


def test_an_opted_out_number_is_skipped_with_the_reason(app, db):
    run_in_transaction(lambda: outbox.opt_out("0912 345 678", source="staff"))
    queue_committed("k")
    [message] = messages(db)
    assert message.status == MessageStatus.SKIPPED and message.last_error.startswith("opted_out")


def test_opting_out_after_queueing_skips_at_send_time(app, db, gateway):
    queue_committed("k")
    assert run_in_transaction(lambda: outbox.opt_out(PHONE, source="link")) is True
    assert run_in_transaction(lambda: outbox.opt_out(PHONE, source="link")) is False  # already
    counts = outbox.send_due(now=NOON)
    assert counts["skipped"] == 1 and counts["sent"] == 0
    [message] = messages(db)
    assert message.status == MessageStatus.SKIPPED and message.last_error.startswith("opted_out")
    assert gateway.requests == 0


def test_opting_back_in(app, db):
    run_in_transaction(lambda: outbox.opt_out(PHONE, source="link"))
    assert run_in_transaction(lambda: outbox.opt_in(PHONE)) is True
    assert not outbox.is_opted_out(PHONE)
    queue_committed("k")
    assert messages(db)[0].status == MessageStatus.QUEUED


@pytest.mark.parametrize(
    "moment, quiet_until",
    [
        (local(2025, 7, 10, 20, 59, 59), None),
        (local(2025, 7, 10, 21, 0), local(2025, 7, 11, 7, 0)),
        (local(2025, 7, 10, 23, 59), local(2025, 7, 11, 7, 0)),
        (local(2025, 7, 11, 0, 0), local(2025, 7, 11, 7, 0)),
        (local(2025, 7, 11, 6, 59, 59), local(2025, 7, 11, 7, 0)),
        (local(2025, 7, 11, 7, 0), None),
    ],
)
def test_quiet_hours_boundaries(app, moment, quiet_until):
    assert outbox.quiet_until(moment) == quiet_until


def test_queued_in_quiet_hours_waits_until_seven(app, db, gateway):
    queue_committed("k", now=local(2025, 7, 10, 22, 15))
    [message] = messages(db)
    assert message.next_attempt_at == local(2025, 7, 11, 7, 0)
    assert outbox.send_due(now=local(2025, 7, 11, 6, 59))["sent"] == 0
    assert outbox.send_due(now=local(2025, 7, 11, 7, 0))["sent"] == 1


def test_nothing_is_sent_in_quiet_hours_even_when_due(app, db, gateway):
    queue_committed("k", now=local(2025, 7, 10, 20, 50))
    assert outbox.send_due(now=local(2025, 7, 10, 21, 0)) == {
        "sent": 0,
        "failed": 0,
        "retried": 0,
        "skipped": 0,
        "deferred": 0,
    }
    assert messages(db)[0].status == MessageStatus.QUEUED and gateway.requests == 0
    assert outbox.send_due(now=local(2025, 7, 10, 20, 59, 30))["sent"] == 1


def test_quiet_hours_starting_while_a_batch_is_sent_give_the_rest_back(app, db, gateway, monkeypatch):
    queue_committed("k")
    monkeypatch.setattr(outbox, "quiet_until", _quiet_from_second_call(outbox.quiet_until))
    counts = outbox.send_due(now=NOON)
    assert counts["deferred"] == 1 and gateway.requests == 0
    [message] = messages(db)
    assert message.status == MessageStatus.QUEUED and message.attempts == 0
    assert message.next_attempt_at == NOON + timedelta(hours=19)


def _quiet_from_second_call(real):
    calls = []

    def quiet_until(moment, hours=None):
        calls.append(moment)
        return NOON + timedelta(hours=19) if len(calls) > 1 else real(moment, hours)

    return quiet_until


def test_a_message_is_claimed_by_one_worker_until_its_lease_ends(app, db):
    queue_committed("k")
    claimed, _ = run_in_transaction(lambda: outbox._claim(10, NOON, NOON + timedelta(minutes=2), "console"))
    assert [c.key for c in claimed] == ["k"]
    again, _ = run_in_transaction(lambda: outbox._claim(10, NOON + timedelta(minutes=1), NOON, "console"))
    assert again == []
    later = NOON + timedelta(minutes=2)
    taken_over, _ = run_in_transaction(
        lambda: outbox._claim(10, later, later + timedelta(minutes=2), "console")
    )
    assert [c.key for c in taken_over] == ["k"] and taken_over[0].attempts == 2


def test_retry_delays_grow_with_jitter_and_skip_quiet_hours(app):
    config = app.config
    first = outbox.retry_at(NOON, 1, config)
    assert NOON + timedelta(minutes=1) <= first <= NOON + timedelta(minutes=1.25)
    assert NOON + timedelta(hours=2) <= outbox.retry_at(NOON, 4, config) <= NOON + timedelta(hours=2.5)
    evening = local(2025, 7, 10, 20, 30)
    assert outbox.retry_at(evening, 3, config) == local(2025, 7, 11, 7, 0)  # 30 min → 21:00+: morning
