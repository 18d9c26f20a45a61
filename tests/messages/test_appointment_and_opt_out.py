"""A booth's appointment queues one message (again only when the time changes), and the job seeker
stops (and resumes) messages from the ticket page."""

from fairapp.messages.models import MessageKind, MessageStatus
from tests.conftest import csrf_token_from
from tests.interviews.conftest import make_booth, make_fair, register, ticket, token_for  # noqa: F401
from tests.messages.conftest import messages, queue_committed
from tests.partners.conftest import make_employer, make_school  # noqa: F401


def _record(client, fair, booth, payload, **fields):
    body = {"qr_payload": payload, "outcome": "shortlisted", **fields}
    answer = client.post(f"/api/v1/fairs/{fair.id}/interviews", json=body, headers=booth.headers)
    assert answer.status_code in (200, 201), answer.get_json()
    return answer.get_json()


def test_an_appointment_queues_one_message(client, db, make_fair, ticket, make_booth):
    fair = make_fair()
    booth = make_booth(fair)
    registration, payload = ticket(fair)
    _record(client, fair, booth, payload)  # no appointment: nothing
    assert messages(db) == []
    record = _record(
        client,
        fair,
        booth,
        payload,
        next_step_at="2030-12-10T08:00:00+07:00",
        next_step_place="Văn phòng công ty",
    )
    _record(client, fair, booth, payload, rating=4)  # the same appointment kept: nothing new
    [message] = messages(db)
    assert message.kind == MessageKind.APPOINTMENT
    assert message.key == f"appointment:{record['id']}:2030-12-10T01:00:00+00:00"
    assert message.text == (
        f"{booth.booth.employer.name} hẹn gặp bạn lúc 08:00 ngày 10/12/2030 tại Văn phòng công ty."
    )
    assert message.phone == registration.attendee.phone and message.attendee_id == registration.attendee_id

    _record(client, fair, booth, payload, next_step_at="2030-12-11T09:30:00+07:00")  # moved: told again
    assert [m.params["date"] for m in messages(db)] == ["10/12/2030", "11/12/2030"]


def test_the_ticket_page_stops_and_resumes_messages(client, db, make_fair, ticket):
    fair = make_fair()
    registration, _payload = ticket(fair)
    page = client.get(f"/t/{registration.ticket_secret}")
    html = page.get_data(as_text=True)
    assert "data-stop-messages" in html and "data-resume-messages" not in html
    stopped = client.post(
        f"/t/{registration.ticket_secret}/messages/stop", data={"csrf_token": csrf_token_from(html)}
    )
    assert stopped.status_code == 302
    html = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)
    assert "data-resume-messages" in html and "data-stop-messages" not in html
    queue_committed("k", phone=registration.attendee.phone)
    assert messages(db)[0].status == MessageStatus.SKIPPED

    resumed = client.post(
        f"/t/{registration.ticket_secret}/messages/resume", data={"csrf_token": csrf_token_from(html)}
    )
    assert resumed.status_code == 302
    assert "data-stop-messages" in client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)


def test_stopping_needs_the_csrf_token_and_a_real_ticket(client, db, make_fair, ticket):
    fair = make_fair()
    registration, _payload = ticket(fair)
    assert client.post(f"/t/{registration.ticket_secret}/messages/stop").status_code == 400
    page = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)
    answer = client.post("/t/NOTAREALSECRET2345678/messages/stop", data={"csrf_token": csrf_token_from(page)})
    assert answer.status_code == 404
