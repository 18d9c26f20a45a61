"""The outbox page for staff (/manage/messages): who may open it, an organiser sees only the messages
to people of their wards, the filters (and bad values never a 500), sending a failed message again
(and the refusals, which change nothing), the desk's stop and resume, each action audited."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Gender
from fairapp.audit.models import AuditEntry
from fairapp.errors import DomainError
from fairapp.messages import outbox
from fairapp.messages.models import Message, MessageKind, MessageStatus, OptOut
from fairapp.modelbase import utcnow
from tests.conftest import csrf_token_from
from tests.messages.conftest import local

BACH_QUANG, SONG_CONG = "05528", "05518"
LIST = "/manage/messages"


@pytest.fixture()
def outbox_rows(db):
    """Messages of several kinds and statuses: two to a person of Bách Quang, one to a person of Sông
    Công, one with no attendee. Returns {name: message id}."""

    def person(name, phone, ward):
        attendee = Attendee(
            full_name=name, phone=phone, birth_year=1990, gender=Gender.FEMALE, ward_code=ward
        )
        db.session.add(attendee)
        db.session.flush()
        return attendee.id

    here = person("Nguyễn Thị Hoa", "0912345678", BACH_QUANG)
    there = person("Trần Văn Nam", "0987654321", SONG_CONG)

    def message(key, kind, attendee_id, phone, status, at, **fields):
        row = outbox.queue(
            kind,
            key=key,
            phone=phone,
            text=f"Tin {key}: https://vieclam.example.vn/t/BiMatCuaVe123456",
            params={},
            attendee_id=attendee_id,
            now=at,
        )
        row.status = status
        for name, value in fields.items():
            setattr(row, name, value)
        return row

    rows = {
        "failed": message(
            "registration:1",
            MessageKind.REGISTRATION,
            here,
            "0912345678",
            MessageStatus.FAILED,
            local(2025, 7, 8, 9),
            attempts=5,
            last_error="refused: CodeResult 99: bad brand name",
        ),
        "sent": message(
            "follow_up:1",
            MessageKind.FOLLOW_UP,
            here,
            "0912345678",
            MessageStatus.SENT,
            local(2025, 7, 10, 9),
            attempts=1,
            sender="sms_http",
            provider_id="m1",
            sent_at=local(2025, 7, 10, 9, 1),
        ),
        "other_ward": message(
            "registration:2",
            MessageKind.REGISTRATION,
            there,
            "0987654321",
            MessageStatus.FAILED,
            local(2025, 7, 9, 9),
            attempts=5,
            last_error="refused: CodeResult 99",
        ),
        "no_attendee": message(
            "appointment:1",
            MessageKind.APPOINTMENT,
            None,
            "0911111111",
            MessageStatus.QUEUED,
            local(2025, 7, 11, 9),
        ),
    }
    db.session.commit()
    return {name: row.id for name, row in rows.items()}


def listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-message="(\d+)"', html)]


def shown(html: str) -> set[int]:
    return set(listed(html))


def audit_rows(db, action: str) -> list[AuditEntry]:
    db.session.rollback()
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def post(client, message_id: int, action: str, **data):
    token = csrf_token_from(client.get(LIST).get_data(as_text=True))
    return client.post(
        f"{LIST}/{message_id}/{action}", data={"csrf_token": token, **data}, follow_redirects=True
    )


# --- Who may open it -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, outbox_rows):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(f"{LIST}/{outbox_rows['failed']}/retry")
    assert response.status_code in (302, 400)  # no session: sign-in (or the CSRF refusal first)


@pytest.mark.parametrize("role", ["gate", "employer", "school"])
def test_other_roles_are_forbidden(client, auth, outbox_rows, role):
    auth.login(role)
    assert client.get(LIST).status_code == 403
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    for action in ("retry", "stop", "resume"):
        response = client.post(f"{LIST}/{outbox_rows['failed']}/{action}", data={"csrf_token": token})
        assert response.status_code == 403


def test_admin_sees_every_message_newest_first(client, auth, outbox_rows):
    auth.login("admin")
    html = client.get(LIST).get_data(as_text=True)
    assert shown(html) == set(outbox_rows.values())
    ids = outbox_rows
    assert listed(html) == [ids["no_attendee"], ids["sent"], ids["other_ward"], ids["failed"]]


def test_rows_mask_the_phone_and_cut_links_and_label_kind_status_and_error(client, auth, outbox_rows):
    auth.login("admin")
    response = client.get(LIST)
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "0912345678" not in html and "091****678" in html
    assert "BiMatCuaVe123456" not in html and "https://vieclam.example.vn/…" in html
    assert "Xác nhận đăng ký" in html and "Hỏi thăm việc làm" in html and "Hẹn phỏng vấn" in html
    assert "Gửi lỗi" in html and "refused: CodeResult 99: bad brand name" in html
    assert "09:01 10/07/2025" in html  # sent at, local time


# --- Organisers: their wards only ---------------------------------------------------------------------


def test_organiser_sees_only_messages_to_people_of_their_wards(client, auth, outbox_rows):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    html = client.get(LIST).get_data(as_text=True)
    assert shown(html) == {outbox_rows["failed"], outbox_rows["sent"]}
    assert 'data-count="failed">Gửi lỗi <span class="badge text-bg-light border">1<' in html
    assert 'data-count="queued">Chờ gửi <span class="badge text-bg-light border">0<' in html


def test_organiser_without_wards_sees_nothing(client, auth, outbox_rows):
    auth.login("organiser")
    assert shown(client.get(LIST).get_data(as_text=True)) == set()


@pytest.mark.parametrize("target", ["other_ward", "no_attendee"])
@pytest.mark.parametrize("action", ["retry", "stop", "resume"])
def test_organiser_cannot_act_on_another_wards_message(client, auth, db, outbox_rows, target, action):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    before = db.session.get(Message, outbox_rows[target])
    before = (before.status, before.attempts, before.next_attempt_at)
    response = post(client, outbox_rows[target], action)
    assert response.status_code == 404
    db.session.rollback()
    after = db.session.get(Message, outbox_rows[target])
    assert (after.status, after.attempts, after.next_attempt_at) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OptOut)) == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action.like("message.%"))
        )
        == 0
    )


# --- Filters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=failed", {"failed", "other_ward"}),
        ("status=sent", {"sent"}),
        ("kind=registration", {"failed", "other_ward"}),
        ("kind=appointment", {"no_attendee"}),
        ("date_from=09/07/2025&date_to=10/07/2025", {"sent", "other_ward"}),
        ("date_from=2025-07-11", {"no_attendee"}),
        ("status=failed&date_to=08/07/2025", {"failed"}),
    ],
)
def test_filters(client, auth, outbox_rows, query, expected):
    auth.login("admin")
    html = client.get(f"{LIST}?{query}").get_data(as_text=True)
    assert shown(html) == {outbox_rows[name] for name in expected}


def test_counts_follow_the_other_filters_not_the_status(client, auth, outbox_rows):
    auth.login("admin")
    html = client.get(f"{LIST}?status=sent&kind=registration").get_data(as_text=True)
    assert shown(html) == set()
    assert 'data-count="failed">Gửi lỗi <span class="badge text-bg-light border">2<' in html
    assert 'data-count="sent" aria-current="page">Đã gửi <span class="badge text-bg-light border">0<' in html


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "kind=%00",
        "date_from=32/13/2025",
        "date_from=10/07/2025&date_to=01/07/2025",
        "date_to=" + "9" * 500,
        "page=abc",
        "page=-5",
        "page=99999",
        "status=failed&status=sent",
    ],
)
def test_bad_filter_values_never_fail(client, auth, outbox_rows, query):
    auth.login("admin")
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert shown(response.get_data(as_text=True))  # an invalid filter shows the unfiltered list


def test_an_invalid_filter_names_its_field(client, auth, outbox_rows):
    auth.login("admin")
    html = client.get(f"{LIST}?status=bogus&date_from=32/13/2025").get_data(as_text=True)
    assert "Trạng thái: chọn một mục trong danh sách." in html
    assert "Từ ngày: cần một ngày có thật" in html


# --- Sending again -----------------------------------------------------------------------------------


def test_retry_queues_a_failed_message_again_audited(client, auth, db, outbox_rows):
    user = auth.login("organiser", ward_codes=[BACH_QUANG])
    before = utcnow()
    response = post(client, outbox_rows["failed"], "retry", status="failed")
    assert response.status_code == 200
    assert "Tin nhắn tới 091****678 sẽ được gửi lại." in response.get_data(as_text=True)
    assert response.request.path == LIST and response.request.args.get("status") == "failed"
    db.session.rollback()
    message = db.session.get(Message, outbox_rows["failed"])
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.QUEUED, 0, None)
    assert before - timedelta(seconds=1) <= message.next_attempt_at <= utcnow()
    [entry] = audit_rows(db, "message.retry")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (user.id, "messages", str(message.id))
    assert entry.details["previous"] == {
        "status": "failed",
        "attempts": 5,
        "error": "refused: CodeResult 99: bad brand name",
    }


def test_retry_of_a_sent_message_is_refused_with_the_reason_and_changes_nothing(
    client, auth, db, outbox_rows
):
    auth.login("admin")
    response = post(client, outbox_rows["sent"], "retry")
    assert response.status_code == 200
    assert "Tin nhắn này đã được gửi, không gửi lại." in response.get_data(as_text=True)
    db.session.rollback()
    message = db.session.get(Message, outbox_rows["sent"])
    assert (message.status, message.attempts, message.provider_id) == (MessageStatus.SENT, 1, "m1")
    assert audit_rows(db, "message.retry") == []


@pytest.mark.parametrize(
    "status, code",
    [
        (MessageStatus.SENT, "message_already_sent"),
        (MessageStatus.DELIVERED, "message_already_sent"),
        (MessageStatus.QUEUED, "message_still_queued"),
        (MessageStatus.SENDING, "message_still_queued"),
    ],
)
def test_retry_refusals_by_status(db, make_user, outbox_rows, status, code):
    message = db.session.get(Message, outbox_rows["failed"])
    message.status = status
    db.session.flush()
    with pytest.raises(DomainError) as refused:
        outbox.retry(message, by=make_user("admin"))
    assert refused.value.code == code


def test_retry_refused_for_an_opted_out_phone_and_for_a_message_the_provider_accepted(
    db, make_user, outbox_rows
):
    admin = make_user("admin")
    message = db.session.get(Message, outbox_rows["failed"])
    outbox.opt_out(message.phone, source="staff")
    with pytest.raises(DomainError) as refused:
        outbox.retry(message, by=admin)
    assert refused.value.code == "phone_opted_out"
    outbox.opt_in(message.phone)
    message.provider_id = "m9"  # accepted, then reported undelivered: a resend would be deduplicated
    with pytest.raises(DomainError) as refused:
        outbox.retry(message, by=admin)
    assert refused.value.code == "message_accepted_by_provider"
    assert message.status == MessageStatus.FAILED and message.attempts == 5


def test_a_skipped_message_goes_again_once_its_phone_is_resumed(client, auth, db, outbox_rows):
    auth.login("admin")
    assert post(client, outbox_rows["failed"], "stop").status_code == 200
    db.session.rollback()
    db.session.get(Message, outbox_rows["failed"]).status = MessageStatus.SKIPPED
    db.session.commit()
    refused = post(client, outbox_rows["failed"], "retry").get_data(as_text=True)
    assert "Số điện thoại này đã ngừng nhận tin nhắn." in refused
    assert post(client, outbox_rows["failed"], "resume").status_code == 200
    assert "sẽ được gửi lại" in post(client, outbox_rows["failed"], "retry").get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Message, outbox_rows["failed"]).status == MessageStatus.QUEUED


# --- Stop and resume at the desk ----------------------------------------------------------------------


def test_staff_stop_and_resume_a_phone_audited(client, auth, db, outbox_rows):
    user = auth.login("organiser", ward_codes=[BACH_QUANG])
    stopped = post(client, outbox_rows["sent"], "stop")
    html = stopped.get_data(as_text=True)
    assert "Đã ngừng gửi tin nhắn tới 091****678." in html
    assert "Đã ngừng nhận tin" in html  # both rows to that phone say so
    db.session.rollback()
    [opt_out] = db.session.scalars(sa.select(OptOut)).all()
    assert (opt_out.phone, opt_out.source) == ("0912345678", "staff")
    [entry] = audit_rows(db, "message.opt_out")
    assert (entry.actor_id, entry.object_id) == (user.id, str(outbox_rows["sent"]))
    assert entry.details == {"phone": "091****678", "changed": True}

    resumed = post(client, outbox_rows["sent"], "resume")
    assert "Đã bật lại tin nhắn tới 091****678." in resumed.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(sa.select(OptOut)).all() == []
    [entry] = audit_rows(db, "message.opt_in")
    assert entry.details == {"phone": "091****678", "changed": True}


def test_an_action_without_csrf_changes_nothing(client, auth, db, outbox_rows):
    auth.login("admin")
    response = client.post(f"{LIST}/{outbox_rows['failed']}/retry")
    assert response.status_code in (303, 400)
    db.session.rollback()
    assert db.session.get(Message, outbox_rows["failed"]).status == MessageStatus.FAILED
    assert audit_rows(db, "message.retry") == []
