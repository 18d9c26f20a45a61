"""The "how is your new job?" message: queued once per follow-up that fell due, for confirmed hires of
people not erased, with a link that answers that follow-up in one tap."""

from datetime import timedelta

import sqlalchemy as sa

from fairapp.extensions import db as _db
from fairapp.messages.models import Message, MessageKind
from fairapp.modelbase import utcnow
from fairapp.outcomes import answer_links
from fairapp.outcomes.models import FollowUp
from fairapp.outcomes.reminders import queue_follow_up_messages


def _messages() -> list[Message]:
    return _db.session.scalars(sa.select(Message).order_by(Message.id)).all()


def test_each_follow_up_due_is_asked_once_with_its_answer_link(app, db, past_fair, seen, hire, client):
    app.config["PUBLIC_BASE_URL"] = "https://vieclam.example.vn"
    made = hire(seen(fair=past_fair(days_ago=100)), start_in_days=-95)  # the 1- and 3-month ones are due
    assert queue_follow_up_messages(now=utcnow()) == 2
    db.session.commit()
    assert queue_follow_up_messages(now=utcnow()) == 0  # asked already
    messages = _messages()
    assert [m.kind for m in messages] == [MessageKind.FOLLOW_UP] * 2
    asked = _db.session.scalars(sa.select(FollowUp).where(FollowUp.asked_at.is_not(None))).all()
    assert sorted(f.month for f in asked) == [1, 3] and all(f.hire_id == made.id for f in asked)
    link = messages[0].params["link"]
    assert link.startswith("https://vieclam.example.vn/") and link in messages[0].text
    token = link.rsplit("/", 1)[1]
    assert answer_links.follow_up_for(token).id in {f.id for f in asked}
    assert client.get(link.removeprefix("https://vieclam.example.vn")).status_code == 200


def test_nothing_is_asked_before_a_follow_up_falls_due_nor_of_an_erased_person(db, past_fair, seen, hire):
    hire(seen(fair=past_fair(days_ago=10)), start_in_days=-5)  # the first falls due in about 25 days
    gone = hire(seen(fair=past_fair(days_ago=100), name="Lê Văn Tám"), start_in_days=-95)
    gone.attendee.erased_at = utcnow()
    db.session.commit()
    assert queue_follow_up_messages(now=utcnow()) == 0
    assert queue_follow_up_messages(now=utcnow() + timedelta(days=40)) == 1
