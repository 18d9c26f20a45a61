"""The booth API: recording by scanned ticket, the rules that refuse bad input (and save nothing), a
scan id's idempotence, tenancy between employers, history, referrals, the offline upload, stats."""

import sqlalchemy as sa

from fairapp.attendees.models import PriorityGroup
from fairapp.booths.models import BoothStatus
from fairapp.interviews.models import Interview, InterviewEntry, Referral
from fairapp.tickets.services import reissue_ticket
from fairapp.tickets.signing import ticket_payload

BACH_QUANG = "05528"


def url(fair, tail="interviews"):
    return f"/api/v1/fairs/{fair.id}/{tail}"


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_employer_records_a_scanned_ticket_and_lists_it(client, db, make_fair, ticket, make_booth):
    fair = make_fair()
    booth = make_booth(fair)
    registration, payload = ticket(fair)
    body = {
        "qr_payload": payload,
        "outcome": "shortlisted",
        "vacancy_id": booth.vacancies[0].id,
        "rating": 4,
        "notes": "Có kinh nghiệm 2 năm may công nghiệp",
        "tags": ["may", " ca đêm ", "may"],
        "next_step_at": "2026-12-10T08:00:00+07:00",
        "next_step_place": "Văn phòng công ty",
        "scan_id": "scan-1",
    }
    answer = client.post(url(fair), json=body, headers=booth.headers)
    assert answer.status_code == 201, answer.get_json()
    record = answer.get_json()
    assert record["outcome"] == "shortlisted" and record["rating"] == 4
    assert record["tags"] == ["may", "ca đêm"]
    assert record["registration_id"] == registration.id and record["not_checked_in"] is True
    listed = client.get(url(fair), headers=booth.headers).get_json()["items"]
    assert [item["id"] for item in listed] == [record["id"]]
    assert listed[0]["vacancy_id"] == booth.vacancies[0].id


def test_a_repeated_scan_id_is_the_same_entry(client, db, make_fair, ticket, make_booth):
    fair = make_fair()
    booth = make_booth(fair)
    _registration, payload = ticket(fair)
    body = {"qr_payload": payload, "outcome": "interviewed", "scan_id": "same"}
    first = client.post(url(fair), json=body, headers=booth.headers)
    again = client.post(url(fair), json={**body, "outcome": "offered"}, headers=booth.headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"] and again.get_json()["repeated"] is True
    assert again.get_json()["outcome"] == "interviewed"  # the repeat changed nothing
    assert count(db, Interview) == 1 and count(db, InterviewEntry) == 1


def test_a_later_visit_updates_the_record_and_keeps_its_history(client, db, make_fair, ticket, make_booth):
    fair = make_fair()
    booth = make_booth(fair)
    _registration, payload = ticket(fair)
    client.post(
        url(fair),
        json={"qr_payload": payload, "outcome": "interviewed", "scan_id": "a"},
        headers=booth.headers,
    )
    later = client.post(
        url(fair),
        json={"qr_payload": payload, "outcome": "offered", "rating": 5, "scan_id": "b"},
        headers=booth.headers,
    )
    assert later.status_code == 200 and later.get_json()["repeated"] is False
    interview = db.session.scalar(sa.select(Interview))
    assert interview.outcome == "offered" and interview.updated_at is not None
    assert [entry.outcome for entry in interview.entries] == ["interviewed", "offered"]


def test_a_school_counsels_and_enrols_in_its_programme(client, db, make_fair, ticket, make_booth):
    fair = make_fair()
    school = make_booth(fair, kind="school")
    _registration, payload = ticket(fair)
    refused = client.post(
        url(fair), json={"qr_payload": payload, "outcome": "enrolled"}, headers=school.headers
    )
    assert refused.status_code == 422 and "programme_id" in refused.get_json()["error"]["fields"]
    answer = client.post(
        url(fair),
        json={
            "qr_payload": payload,
            "outcome": "enrolled",
            "programme_id": school.programmes[0].id,
            "intake_date": "2027-01-15",
        },
        headers=school.headers,
    )
    assert answer.status_code == 201, answer.get_json()
    assert (
        answer.get_json()["school_id"] == school.booth.school_id
        and answer.get_json()["intake_date"] == "2027-01-15"
    )


# --- Bad input: a clear error naming the field, nothing saved ---------------------------------------------


def _refused(client, db, fair, headers, body, status, code, field=None):
    answer = client.post(url(fair), json=body, headers=headers)
    assert answer.status_code == status, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"] == code and error["message"]
    if field:
        assert field in error["fields"], error
    assert count(db, Interview) == 0 and count(db, InterviewEntry) == 0
    return error


def test_tickets_that_are_not_this_fairs_are_refused(client, db, make_fair, ticket, make_booth):
    fair, other = make_fair(), make_fair()
    booth = make_booth(fair)
    _elsewhere, foreign = ticket(other)
    registration, payload = ticket(fair)
    forged = payload[:-4] + ("AAAA" if not payload.endswith("AAAA") else "BBBB")
    for text, code in (
        (foreign, "wrong_fair"),
        (forged, "invalid"),
        ("hello", "invalid"),
        ("x" * 5000, "bad_request"),
    ):
        status = 400 if code == "bad_request" else 422
        _refused(
            client,
            db,
            fair,
            booth.headers,
            {"qr_payload": text, "outcome": "interviewed"},
            status,
            code,
            "qr_payload",
        )
    reissue_ticket(registration)
    db.session.commit()
    _refused(
        client,
        db,
        fair,
        booth.headers,
        {"qr_payload": payload, "outcome": "interviewed"},
        422,
        "revoked",
        "qr_payload",
    )
    fresh = ticket_payload(registration)
    assert (
        client.post(
            url(fair), json={"qr_payload": fresh, "outcome": "interviewed"}, headers=booth.headers
        ).status_code
        == 201
    )


def test_rules_of_the_record_are_enforced(client, db, make_fair, ticket, make_booth):
    fair, other_fair = make_fair(), make_fair()
    booth = make_booth(fair)
    rival = make_booth(fair, vacancies=("Kế toán",))
    elsewhere = make_booth(other_fair, holder=booth.booth.employer, vacancies=("Thợ hàn",))
    _registration, payload = ticket(fair)
    base = {"qr_payload": payload}
    cases = [
        ({"outcome": "counselled"}, 422, "validation_error", "outcome"),
        ({"outcome": "maybe"}, 422, "validation_error", "outcome"),
        (
            {"outcome": "interviewed", "vacancy_id": rival.vacancies[0].id},
            422,
            "validation_error",
            "vacancy_id",
        ),
        (
            {"outcome": "interviewed", "vacancy_id": elsewhere.vacancies[0].id},
            422,
            "validation_error",
            "vacancy_id",
        ),
        ({"outcome": "interviewed", "rating": 6}, 400, "bad_request", "rating"),
        ({"outcome": "interviewed", "rating": "5"}, 400, "bad_request", "rating"),
        ({"outcome": "interviewed", "rating": True}, 400, "bad_request", "rating"),
        ({"outcome": "interviewed", "notes": "x" * 1001}, 400, "bad_request", "notes"),
        ({"outcome": "interviewed", "tags": ["x" * 31]}, 422, "validation_error", "tags"),
        ({"outcome": "interviewed", "tags": "may"}, 400, "bad_request", "tags"),
        ({"outcome": "interviewed", "next_step_at": "tomorrow"}, 400, "bad_request", "next_step_at"),
        ({"outcome": "interviewed", "programme_id": 1}, 422, "validation_error", "programme_id"),
        ({"outcome": "interviewed", "scan_id": "s" * 65}, 400, "bad_request", "scan_id"),
        ({}, 400, "bad_request", "outcome"),
    ]
    for extra, status, code, field in cases:
        _refused(client, db, fair, booth.headers, {**base, **extra}, status, code, field)


def test_a_booth_not_confirmed_or_a_fair_not_started_records_nothing(
    client, db, make_fair, ticket, make_booth, published_fair
):
    fair = make_fair()
    applied = make_booth(fair, status=BoothStatus.APPLIED)
    _registration, payload = ticket(fair)
    _refused(
        client,
        db,
        fair,
        applied.headers,
        {"qr_payload": payload, "outcome": "interviewed"},
        409,
        "booth_not_confirmed",
    )
    later = published_fair()
    booth = make_booth(later)
    _r, upcoming = ticket(later)
    _refused(
        client,
        db,
        later,
        booth.headers,
        {"qr_payload": upcoming, "outcome": "interviewed"},
        409,
        "fair_not_open",
    )


def test_malformed_bodies_answer_400_never_500(client, db, make_fair, make_booth):
    fair = make_fair()
    booth = make_booth(fair)
    for body in (
        None,
        [],
        "x",
        5,
        {"qr_payload": 5, "outcome": "interviewed"},
        {"attendee_id": "1", "outcome": "x"},
    ):
        answer = client.post(url(fair), json=body, headers=booth.headers)
        assert answer.status_code == 400, (body, answer.get_json())
    answer = client.post(
        url(fair), data=b"\xff{", headers={**booth.headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    for tail in ("booth-scans", "referrals", "interviews/sync"):
        assert client.post(url(fair, tail), json=[1], headers=booth.headers).status_code == 400


# --- Tenancy --------------------------------------------------------------------------------------------


def test_employer_a_never_sees_or_changes_employer_bs_records(client, db, make_fair, ticket, make_booth):
    fair = make_fair()
    a, b = make_booth(fair), make_booth(fair)
    registration, payload = ticket(fair)
    recorded = client.post(
        url(fair), json={"qr_payload": payload, "outcome": "offered", "rating": 5}, headers=b.headers
    )
    assert recorded.status_code == 201
    # B's booth named by A: not found, nothing recorded for B
    as_b = client.post(
        url(fair),
        json={"qr_payload": payload, "outcome": "not_suitable", "employer_id": b.booth.employer_id},
        headers=a.headers,
    )
    assert as_b.status_code == 404 and as_b.get_json()["error"]["code"] == "booth_not_found"
    assert client.get(url(fair) + f"?employer_id={b.booth.employer_id}", headers=a.headers).status_code == 404
    assert client.get(url(fair), headers=a.headers).get_json()["items"] == []
    # an attendee id A never met: not found (an id cannot find people)
    by_id = client.post(
        url(fair), json={"attendee_id": registration.attendee_id, "outcome": "interviewed"}, headers=a.headers
    )
    assert by_id.status_code == 404 and by_id.get_json()["error"]["code"] == "not_registered"
    # A at a fair where it has no booth: the fair is not found
    other = make_fair()
    _r, there = ticket(other)
    assert (
        client.post(
            url(other), json={"qr_payload": there, "outcome": "interviewed"}, headers=a.headers
        ).status_code
        == 404
    )
    interview = db.session.scalar(sa.select(Interview))
    assert interview.booth_id == b.booth.id and interview.outcome == "offered" and count(db, Interview) == 1


def test_gate_staff_cannot_record_and_staff_name_the_booth(
    client, db, make_fair, ticket, make_booth, token_for
):
    fair = make_fair()
    booth = make_booth(fair)
    _registration, payload = ticket(fair)
    _gate, gate = token_for("gate")
    assert (
        client.post(
            url(fair), json={"qr_payload": payload, "outcome": "interviewed"}, headers=gate
        ).status_code
        == 403
    )
    _o, elsewhere = token_for("organiser", ward_codes=["05518"])
    body = {"qr_payload": payload, "outcome": "interviewed", "employer_id": booth.booth.employer_id}
    assert client.post(url(fair), json=body, headers=elsewhere).status_code == 404
    _o, organiser = token_for("organiser", ward_codes=[BACH_QUANG])
    unnamed = client.post(
        url(fair), json={"qr_payload": payload, "outcome": "interviewed"}, headers=organiser
    )
    assert unnamed.status_code == 422 and "employer_id" in unnamed.get_json()["error"]["fields"]
    helped = client.post(url(fair), json=body, headers=organiser)
    assert helped.status_code == 201 and helped.get_json()["booth_id"] == booth.booth.id
    # the employer sees the record the organiser made for its booth
    assert len(client.get(url(fair), headers=booth.headers).get_json()["items"]) == 1


# --- Referrals ---------------------------------------------------------------------------------------------


def test_a_booth_refers_a_person_to_another_which_then_sees_it(client, db, make_fair, ticket, make_booth):
    fair = make_fair()
    a, b = make_booth(fair, label="A1"), make_booth(fair, label="B2")
    registration, payload = ticket(fair)
    refer = {"qr_payload": payload, "to_booth_id": b.booth.id, "note": "Hợp với vị trí kế toán"}
    answer = client.post(url(fair, "referrals"), json=refer, headers=a.headers)
    assert answer.status_code == 201, answer.get_json()
    assert (
        client.post(url(fair, "referrals"), json=refer, headers=a.headers).get_json()["id"]
        == answer.get_json()["id"]
    )
    assert count(db, Referral) == 1
    seen = client.post(url(fair, "booth-scans"), json={"qr_payload": payload}, headers=b.headers).get_json()
    assert (
        seen["referred_by"][0]["label"] == "A1" and seen["referred_by"][0]["note"] == "Hợp với vị trí kế toán"
    )
    # B may now name the person by attendee id
    by_id = client.post(
        url(fair), json={"attendee_id": registration.attendee_id, "outcome": "interviewed"}, headers=b.headers
    )
    assert by_id.status_code == 201
    itself = client.post(url(fair, "referrals"), json={**refer, "to_booth_id": a.booth.id}, headers=a.headers)
    assert itself.status_code == 422 and "to_booth_id" in itself.get_json()["error"]["fields"]


# --- Offline upload -------------------------------------------------------------------------------------


def test_an_offline_batch_is_recorded_item_by_item_and_replaying_it_changes_nothing(
    client, db, make_fair, ticket, make_booth, make_device, token_for
):
    fair = make_fair()
    booth = make_booth(fair)
    device = make_device(booth.user, name="Điện thoại gian hàng")
    _r1, first = ticket(fair)
    _r2, second = ticket(fair)
    batch = {
        "device_id": device.public_id,
        "interviews": [
            {
                "scan_id": "o-1",
                "qr_payload": first,
                "outcome": "interviewed",
                "recorded_at": "2026-12-07T08:01:00+07:00",
            },
            {"scan_id": "o-2", "qr_payload": second, "outcome": "shortlisted", "rating": 3},
            {"scan_id": "o-3", "qr_payload": "not a ticket", "outcome": "interviewed"},
        ],
    }
    answer = client.post(url(fair, "interviews/sync"), json=batch, headers=booth.headers)
    assert answer.status_code == 200, answer.get_json()
    results = answer.get_json()["results"]
    assert [r["result"] for r in results] == ["ok", "ok", "refused"]
    assert results[2]["error"]["code"] == "invalid"
    replay = client.post(url(fair, "interviews/sync"), json=batch, headers=booth.headers).get_json()[
        "results"
    ]
    assert [r["result"] for r in replay] == ["repeated", "repeated", "refused"]
    assert count(db, Interview) == 2 and count(db, InterviewEntry) == 2
    entry = db.session.scalar(sa.select(InterviewEntry).where(InterviewEntry.scan_id == "o-1"))
    assert entry.source == "offline" and entry.device_time is not None
    other_user, other_headers = token_for("employer", employer_id=booth.booth.employer_id)
    stolen = client.post(url(fair, "interviews/sync"), json=batch, headers=other_headers)
    assert stolen.status_code == 403 and stolen.get_json()["error"]["code"] == "device_not_yours"


# --- Stats ------------------------------------------------------------------------------------------------


def test_stats_count_each_person_once_per_step_by_priority_group(
    client, db, make_fair, ticket, make_booth, token_for
):
    fair = make_fair()
    a, b = make_booth(fair), make_booth(fair)
    school = make_booth(fair, kind="school")
    _p, poor = ticket(fair, priority_group=PriorityGroup.POOR)
    _n, near = ticket(fair, priority_group=PriorityGroup.NEAR_POOR)
    _x, anyone = ticket(fair)
    for headers, payload, outcome in (
        (a.headers, poor, "shortlisted"),
        (b.headers, poor, "offered"),
        (a.headers, near, "not_suitable"),
        (b.headers, anyone, "interviewed"),
    ):
        assert (
            client.post(
                url(fair), json={"qr_payload": payload, "outcome": outcome}, headers=headers
            ).status_code
            == 201
        )
    client.post(url(fair), json={"qr_payload": poor, "outcome": "counselled"}, headers=school.headers)
    client.post(
        url(fair),
        json={"qr_payload": near, "outcome": "enrolled", "programme_id": school.programmes[0].id},
        headers=school.headers,
    )
    _o, organiser = token_for("organiser", ward_codes=[BACH_QUANG])
    stats = client.get(url(fair, "stats"), headers=organiser).get_json()
    assert (stats["interviewed"], stats["shortlisted"], stats["offered"]) == (3, 1, 1)
    assert (stats["counselled"], stats["enrolled"], stats["hired"], stats["sustained"]) == (2, 1, 0, 0)
    groups = stats["by_priority_group"]
    assert (
        groups["poor"]["interviewed"] == 1
        and groups["poor"]["shortlisted"] == 1
        and groups["poor"]["offered"] == 1
    )
    assert groups["near_poor"]["interviewed"] == 1 and groups["near_poor"]["shortlisted"] == 0
    assert groups["near_poor"]["enrolled"] == 1 and groups["escaped_poverty"]["interviewed"] == 0


def test_an_offline_update_keeps_what_it_did_not_send_and_null_clears(
    client, db, make_fair, ticket, make_booth, make_device
):
    fair = make_fair()
    booth = make_booth(fair)
    device = make_device(booth.user, name="Điện thoại gian hàng")
    _registration, payload = ticket(fair)
    vacancy = booth.vacancies[0].id
    first = {
        "qr_payload": payload,
        "outcome": "interviewed",
        "vacancy_id": vacancy,
        "notes": "Biết may",
        "tags": ["may"],
    }
    assert client.post(url(fair), json=first, headers=booth.headers).status_code == 201
    batch = {
        "device_id": device.public_id,
        "interviews": [{"scan_id": "off-1", "qr_payload": payload, "outcome": "shortlisted", "rating": 4}],
    }
    assert (
        client.post(url(fair, "interviews/sync"), json=batch, headers=booth.headers).get_json()["results"][0][
            "result"
        ]
        == "ok"
    )
    interview = db.session.scalar(sa.select(Interview))
    assert (interview.outcome, interview.rating, interview.vacancy_id) == ("shortlisted", 4, vacancy)
    assert interview.notes == "Biết may" and interview.tags == ["may"]
    assert interview.entries[-1].notes == "Biết may"  # the history keeps whole versions
    cleared = {"qr_payload": payload, "outcome": "shortlisted", "notes": None, "tags": [], "rating": None}
    assert client.post(url(fair), json=cleared, headers=booth.headers).status_code == 200
    db.session.refresh(interview)
    assert interview.notes is None and interview.tags == [] and interview.rating is None
    assert interview.vacancy_id == vacancy


def test_a_school_enrols_later_without_sending_the_programme_again(client, db, make_fair, ticket, make_booth):
    fair = make_fair()
    school = make_booth(fair, kind="school")
    _registration, payload = ticket(fair)
    programme = school.programmes[0].id
    body = {"qr_payload": payload, "outcome": "counselled", "programme_id": programme}
    assert client.post(url(fair), json=body, headers=school.headers).status_code == 201
    later = client.post(
        url(fair), json={"qr_payload": payload, "outcome": "enrolled"}, headers=school.headers
    )
    assert later.status_code == 200, later.get_json()
    assert later.get_json()["programme_id"] == programme


def test_a_replayed_entry_is_the_same_entry_even_when_its_rules_no_longer_hold(
    client, db, make_fair, ticket, make_booth
):
    from fairapp.booths.models import VacancyOffer

    fair = make_fair()
    booth = make_booth(fair)
    _registration, payload = ticket(fair)
    body = {
        "qr_payload": payload,
        "outcome": "shortlisted",
        "vacancy_id": booth.vacancies[0].id,
        "scan_id": "r-1",
    }
    first = client.post(url(fair), json=body, headers=booth.headers)
    assert first.status_code == 201
    db.session.execute(sa.delete(VacancyOffer))  # the vacancy is no longer recruited for at the fair
    db.session.commit()
    again = client.post(url(fair), json=body, headers=booth.headers)
    assert again.status_code == 200 and again.get_json()["repeated"] is True
    assert again.get_json()["id"] == first.get_json()["id"]
    fresh = client.post(url(fair), json={**body, "scan_id": "r-2"}, headers=booth.headers)
    assert fresh.status_code == 422 and "vacancy_id" in fresh.get_json()["error"]["fields"]


def test_control_characters_are_refused_naming_the_field_on_every_database(
    client, db, make_fair, ticket, make_booth, make_device, token_for
):
    """A NUL in a text field made PostgreSQL fail the request (500); it is a clear 400 or 422 now."""
    fair = make_fair()
    booth = make_booth(fair)
    other = make_booth(fair)
    _registration, payload = ticket(fair)
    base = {"qr_payload": payload, "outcome": "interviewed"}
    for field, value, status in (
        ("notes", "Biết may\x00", 400),
        ("next_step_place", "Phòng\x00 họp", 400),
        ("scan_id", "s\x00", 400),
        ("tags", ["may\x00"], 422),
    ):
        answer = client.post(url(fair), json={**base, field: value}, headers=booth.headers)
        assert answer.status_code == status, (field, answer.get_json())
        assert field in answer.get_json()["error"]["fields"]
    refer = {"qr_payload": payload, "to_booth_id": other.booth.id, "note": "x\x00"}
    answer = client.post(url(fair, "referrals"), json=refer, headers=booth.headers)
    assert answer.status_code in (400, 422) and "note" in answer.get_json()["error"]["fields"]
    _gate, gate = token_for("gate")
    scan = {"fair_id": fair.id, "qr_payload": payload, "gate": "Cổng\x00 1"}
    answer = client.post("/api/v1/checkins", json=scan, headers=gate)
    assert answer.status_code == 400 and "gate" in answer.get_json()["error"]["fields"]
    assert count(db, Interview) == 0 and count(db, Referral) == 0
