"""The self check-in kiosk: the rotating token, the tablet's screen, and checking in from the job
seeker's phone with the saved ticket or with phone number and year of birth."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.checkins.models import CheckIn, Scan
from fairapp.fairs.models import FairStatus
from fairapp.kiosk import services
from fairapp.kiosk.models import KioskVisit
from fairapp.modelbase import utcnow
from tests.conftest import csrf_token_from

SONG_CONG = "05518"
PINNED = datetime(2025, 6, 7, 1, 0, 5, tzinfo=UTC)  # 5 s into a 30-second window


def count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def visit_from(html: str) -> str:
    match = re.search(r'name="visit" type="hidden" value="([^"]+)"', html)
    assert match, "no visit pass on the page"
    return match.group(1)


# --- The token -------------------------------------------------------------------------------------


def test_token_is_valid_now_and_in_the_next_window_then_refused(app):
    token = services.token_for(7, services.window_of(PINNED))
    assert len(token) == 20 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert services.token_matches(7, token, now=PINNED)
    assert services.token_matches(7, token, now=PINNED + timedelta(seconds=24))  # same window
    assert services.token_matches(7, token, now=PINNED + timedelta(seconds=30))  # it is the previous one
    assert services.token_matches(7, token, now=PINNED + timedelta(seconds=54))
    # Two windows later (a photo of the screen taken a minute ago): refused.
    assert not services.token_matches(7, token, now=PINNED + timedelta(seconds=55))
    assert not services.token_matches(7, token, now=PINNED + timedelta(minutes=10))
    # A token from a window that has not come yet is no good either.
    assert not services.token_matches(7, token, now=PINNED - timedelta(seconds=30))


def test_token_names_one_fair_and_garbage_is_refused(app):
    token = services.token_for(7, services.window_of(PINNED))
    assert not services.token_matches(8, token, now=PINNED)
    assert services.token_for(8, services.window_of(PINNED)) != token
    for garbage in (None, "", "x" * 20, token[:-1], token + "A", "é" * 20, "a" * 5000, 12345):
        assert not services.token_matches(7, garbage, now=PINNED)


def test_token_depends_on_the_secret_key(app):
    token = services.token_for(7, 100)
    app.config["SECRET_KEY"] = "another-deployment"
    assert services.token_for(7, 100) != token


def test_current_token_only_while_the_fair_is_open(app, make_fair):
    fair = make_fair()
    now = utcnow()
    assert services.token_matches(fair.id, services.current_token(fair, now=now), now=now)
    for status in (FairStatus.CLOSED, FairStatus.CANCELLED, FairStatus.DRAFT):
        other = make_fair(status=status)
        with pytest.raises(services.KioskClosed):
            services.current_token(other, now=now)
    later = make_fair(status=FairStatus.PUBLISHED, starts_at=now + timedelta(hours=2))
    with pytest.raises(services.KioskClosed):
        services.current_token(later, now=now)


def test_check_entry_refuses_old_token_other_fair_and_closed_fair(app, db, make_fair):
    fair, other = make_fair(), make_fair()
    now = utcnow()
    token = services.current_token(fair, now=now)
    services.check_entry(fair, token, now=now)
    with pytest.raises(services.KioskTokenExpired):
        services.check_entry(fair, token, now=now + timedelta(seconds=61))
    with pytest.raises(services.KioskTokenExpired):
        services.check_entry(other, token, now=now)
    # The fair reached its end time: it is closed by itself and the kiosk stops.
    with pytest.raises(services.KioskClosed):
        services.check_entry(
            fair, services.token_for(fair.id, services.window_of(fair.ends_at)), now=fair.ends_at
        )
    assert fair.status_at(fair.ends_at) == FairStatus.CLOSED and fair.recorded_status == FairStatus.OPEN


def test_visit_pass_lasts_three_minutes_for_one_fair(app):
    issued = services.visit_pass(7, now=PINNED)
    assert services.visit_matches(7, issued, now=PINNED + timedelta(minutes=2, seconds=59))
    assert not services.visit_matches(7, issued, now=PINNED + timedelta(minutes=3, seconds=1))
    assert not services.visit_matches(8, issued, now=PINNED)
    stamp, nonce, mac = issued.split(".")
    assert len(nonce) == 16 and services.visit_pass(7, now=PINNED) != issued  # each pass its own nonce
    forged = f"{int(stamp) + 600}.{nonce}.{mac}"  # moving the time on breaks the MAC
    assert not services.visit_matches(7, forged, now=PINNED + timedelta(minutes=9))
    other = nonce[:-1] + ("B" if nonce.endswith("A") else "A")  # another nonce (one in 62 ended in A)
    assert not services.visit_matches(7, f"{stamp}.{other}.{mac}", now=PINNED)
    for garbage in (
        None,
        "",
        ".",
        "..",
        "abc.def.ghi",
        f"1.{nonce}.{mac}",
        f"{stamp}.{mac}",
        "x" * 100,
        f"١٢.{nonce}.{mac}",
        "1.é.x",
    ):
        assert not services.visit_matches(7, garbage, now=PINNED)
    app.config["KIOSK_VISIT_SECONDS"] = 60  # a setting
    assert not services.visit_matches(7, issued, now=PINNED + timedelta(seconds=61))


# --- The tablet's screen ---------------------------------------------------------------------------


def test_screen_shows_the_qr_and_token_json_gives_the_current_token(client, auth, make_fair):
    fair = make_fair()
    auth.login("gate")
    page = client.get(f"/manage/fairs/{fair.id}/kiosk")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    token = re.search(r'data-token="([^"]+)"', html).group(1)
    assert services.token_matches(fair.id, token)
    assert f"/manage/fairs/{fair.id}/kiosk/qr/{token}.png" in html
    assert f'data-kiosk-url="http://localhost/k/{fair.id}/{token}"' in html
    assert page.headers["Cache-Control"] == "private, no-store"

    body = client.get(f"/manage/fairs/{fair.id}/kiosk/token.json").get_json()
    assert body["open"] is True and services.token_matches(fair.id, body["token"])
    assert body["url"] == f"http://localhost/k/{fair.id}/{body['token']}"
    assert 1 <= body["refresh_in"] <= 30

    image = client.get(body["qr_url"])
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")
    # Only the fair's own current tokens are drawn.
    old = services.token_for(fair.id, services.window_of(utcnow()) - 3)
    assert client.get(f"/manage/fairs/{fair.id}/kiosk/qr/{old}.png").status_code == 404
    assert client.get(f"/manage/fairs/{fair.id}/kiosk/qr/anything.png").status_code == 404


def test_screen_of_a_closed_fair_shows_no_qr(client, auth, make_fair):
    fair = make_fair(status=FairStatus.CLOSED)
    auth.login("admin")
    html = client.get(f"/manage/fairs/{fair.id}/kiosk").get_data(as_text=True)
    assert "chưa mở hoặc đã kết thúc" in html
    assert 'data-token=""' in html
    body = client.get(f"/manage/fairs/{fair.id}/kiosk/token.json").get_json()
    assert body["open"] is False and "token" not in body


@pytest.mark.parametrize(
    ("role", "wards", "expected"),
    [
        ("admin", [], 200),
        ("gate", [], 200),
        ("organiser", ["05528"], 200),
        ("organiser", [SONG_CONG], 403),
        ("employer", [], 403),
        ("school", [], 403),
        (None, [], 302),
    ],
)
def test_screen_access(client, auth, make_fair, role, wards, expected):
    fair = make_fair()  # in Bách Quang (05528)
    if role:
        auth.login(role, **({"ward_codes": wards} if wards else {}))
    for url in (f"/manage/fairs/{fair.id}/kiosk", f"/manage/fairs/{fair.id}/kiosk/token.json"):
        assert client.get(url).status_code == expected, url


# --- The job seeker's phone ------------------------------------------------------------------------


def open_landing(client, fair):
    token = services.current_token(fair)
    page = client.get(f"/k/{fair.id}/{token}")
    assert page.status_code == 200, page.get_data(as_text=True)
    return token, page.get_data(as_text=True)


def test_check_in_with_the_saved_ticket(client, db, make_fair, register):
    fair = make_fair()
    registration = register(fair, "Lường Thị Mai")
    token, html = open_landing(client, fair)
    assert "Điểm danh bằng vé đã lưu" in html and "data-kiosk-saved" in html
    response = client.post(
        f"/k/{fair.id}/{token}/ticket",
        data={
            "csrf_token": csrf_token_from(html),
            "secret": registration.ticket_secret,
            "visit": visit_from(html),
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đã điểm danh" in page and "L. T. Mai" in page and 'data-kiosk-result="ok"' in page
    assert "Lường Thị Mai" not in page  # the name shortened, never in full
    row = db.session.scalar(sa.select(CheckIn))
    assert (row.registration_id, row.source, row.by_user_id) == (registration.id, "kiosk", None)
    assert count(db, Scan, Scan.source == "kiosk", Scan.result == "ok") == 1
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "checkin.create"))
    assert entry.details["source"] == "kiosk" and entry.ip == "127.0.0.1"

    # The same ticket again, from a new scan of the kiosk's QR: amber "already", and still one check-in.
    _token, html = open_landing(client, fair)
    again = client.post(
        f"/k/{fair.id}/{token}/ticket",
        data={
            "csrf_token": csrf_token_from(html),
            "secret": registration.ticket_secret,
            "visit": visit_from(html),
        },
    )
    assert again.status_code == 200
    assert 'data-kiosk-result="already_checked_in"' in again.get_data(as_text=True)
    assert count(db, CheckIn) == 1


def test_saved_ticket_of_another_fair_is_not_registered(client, db, make_fair, register):
    fair, other = make_fair(), make_fair()
    elsewhere = register(other)
    token, html = open_landing(client, fair)
    response = client.post(
        f"/k/{fair.id}/{token}/ticket",
        data={
            "csrf_token": csrf_token_from(html),
            "secret": elsewhere.ticket_secret,
            "visit": visit_from(html),
        },
    )
    assert response.status_code == 404
    assert 'data-kiosk-result="not_registered"' in response.get_data(as_text=True)
    assert count(db, CheckIn) == 0


def test_check_in_with_phone_and_birth_year(client, db, make_fair, register):
    fair = make_fair()
    registration = register(fair, "Hoàng Văn Dũng")
    token, html = open_landing(client, fair)
    response = client.post(
        f"/k/{fair.id}/{token}",
        data={
            "csrf_token": csrf_token_from(html),
            "visit": visit_from(html),
            "phone": registration.attendee.phone,
            "birth_year": "1990",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đã điểm danh" in page and "H. V. Dũng" in page and "Hoàng Văn Dũng" not in page
    assert db.session.scalar(sa.select(CheckIn.registration_id)) == registration.id
    lookup = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "kiosk.lookup"))
    assert lookup.details["found"] == 1 and registration.attendee.phone not in str(lookup.details)


def test_wrong_birth_year_is_not_found_and_checks_nobody_in(client, db, make_fair, register):
    fair = make_fair()
    registration = register(fair)
    token, html = open_landing(client, fair)
    response = client.post(
        f"/k/{fair.id}/{token}",
        data={
            "csrf_token": csrf_token_from(html),
            "visit": visit_from(html),
            "phone": registration.attendee.phone,
            "birth_year": "1991",
        },
    )
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Không tìm thấy đăng ký" in page and "bàn đón tiếp" in page
    assert f"/fairs/{fair.id}/register" in page  # or register online
    assert count(db, CheckIn) == 0 and count(db, Scan) == 0
    lookup = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "kiosk.lookup"))
    assert lookup.details["found"] == 0


def test_bad_phone_or_year_names_the_field(client, db, make_fair):
    fair = make_fair()
    token, html = open_landing(client, fair)
    response = client.post(
        f"/k/{fair.id}/{token}",
        data={
            "csrf_token": csrf_token_from(html),
            "visit": visit_from(html),
            "phone": "12ab",
            "birth_year": "19x0",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Số điện thoại đã đăng ký: cần số di động Việt Nam" in page
    assert "Năm sinh: phải là năm có 4 chữ số" in page
    assert count(db, CheckIn) == 0


def test_photo_of_an_old_qr_is_refused(client, db, make_fair, register):
    fair = make_fair()
    registration = register(fair)
    old = services.token_for(fair.id, services.window_of(utcnow()) - 2)
    page = client.get(f"/k/{fair.id}/{old}")
    assert page.status_code == 410
    assert "quét lại mã QR" in page.get_data(as_text=True)
    assert "visit" not in page.get_data(as_text=True)  # no pass handed out

    # Posting straight to the old URL (no page, no pass) is refused too.
    _token, html = open_landing(client, fair)  # only for a CSRF token of this session
    for url, data in (
        (f"/k/{fair.id}/{old}/ticket", {"secret": registration.ticket_secret}),
        (f"/k/{fair.id}/{old}", {"phone": registration.attendee.phone, "birth_year": "1990"}),
    ):
        response = client.post(url, data={"csrf_token": csrf_token_from(html), **data})
        assert response.status_code == 410, url
        assert 'data-kiosk-result="expired"' in response.get_data(as_text=True)
    assert count(db, CheckIn) == 0


def test_landing_opened_in_time_may_be_submitted_after_the_token_moved_on(client, db, make_fair, register):
    """Typing a phone number takes longer than a window: the page's visit pass carries the form."""
    fair = make_fair()
    registration = register(fair)
    _token, html = open_landing(client, fair)
    moved_on = services.token_for(fair.id, services.window_of(utcnow()) - 3)
    response = client.post(
        f"/k/{fair.id}/{moved_on}",
        data={
            "csrf_token": csrf_token_from(html),
            "visit": visit_from(html),
            "phone": registration.attendee.phone,
            "birth_year": "1990",
        },
    )
    assert response.status_code == 200
    assert count(db, CheckIn) == 1
    # A pass of another fair does not work here.
    other = make_fair()
    foreign = services.visit_pass(other.id)
    response = client.post(
        f"/k/{fair.id}/{moved_on}/ticket",
        data={"csrf_token": csrf_token_from(html), "visit": foreign, "secret": registration.ticket_secret},
    )
    assert response.status_code == 410


def test_closed_fair_refuses_kiosk_check_in(client, db, make_fair, register):
    fair = make_fair()
    registration = register(fair)
    token, html = open_landing(client, fair)
    fair.status = FairStatus.CLOSED
    db.session.commit()
    response = client.post(
        f"/k/{fair.id}/{token}/ticket",
        data={
            "csrf_token": csrf_token_from(html),
            "visit": visit_from(html),
            "secret": registration.ticket_secret,
        },
    )
    assert response.status_code == 409
    assert 'data-kiosk-result="closed"' in response.get_data(as_text=True)
    assert count(db, CheckIn) == 0
    assert client.get(f"/k/{fair.id}/{token}").status_code == 409


def test_draft_or_missing_fair_is_not_found(client, make_fair):
    draft = make_fair(status=FairStatus.DRAFT)
    assert client.get(f"/k/{draft.id}/{services.token_for(draft.id, 1)}").status_code == 404
    assert client.get("/k/999999/abc").status_code == 404


def test_post_without_csrf_is_refused(client, db, make_fair, register):
    fair = make_fair()
    registration = register(fair)
    token, html = open_landing(client, fair)
    response = client.post(
        f"/k/{fair.id}/{token}/ticket", data={"visit": visit_from(html), "secret": registration.ticket_secret}
    )
    assert response.status_code == 400
    assert count(db, CheckIn) == 0


def test_phone_lookups_are_rate_limited_per_phone(client, db, make_fair, register):
    fair = make_fair()
    registration = register(fair)
    token, html = open_landing(client, fair)
    data = {
        "csrf_token": csrf_token_from(html),
        "visit": visit_from(html),
        "phone": registration.attendee.phone,
        "birth_year": "1970",
    }
    statuses = [client.post(f"/k/{fair.id}/{token}", data=data).status_code for _ in range(6)]
    assert statuses == [404] * 5 + [429]
    # Another number from the same address still gets through.
    other = register(fair, "Đỗ Thị Hà")
    response = client.post(
        f"/k/{fair.id}/{token}", data={**data, "phone": other.attendee.phone, "birth_year": "1990"}
    )
    assert response.status_code == 200 and count(db, CheckIn) == 1


def test_phone_lookups_are_rate_limited_per_address(app, client, db, make_fair, register):
    app.config["KIOSK_LIMIT_PER_ADDRESS"] = "3 per minute"
    fair = make_fair()
    token, html = open_landing(client, fair)
    statuses = [
        client.post(
            f"/k/{fair.id}/{token}",
            data={
                "csrf_token": csrf_token_from(html),
                "visit": visit_from(html),
                "phone": f"09120000{n:02d}",
                "birth_year": "1990",
            },
        ).status_code
        for n in range(4)
    ]
    assert statuses == [404, 404, 404, 429]


# --- One pass, one person --------------------------------------------------------------------------


def test_a_visit_pass_admits_one_person_and_a_second_use_is_refused(client, db, make_fair, register):
    fair = make_fair()
    first, second = register(fair, "Hoàng Văn Dũng"), register(fair, "Trịnh Thị Lan")
    token, html = open_landing(client, fair)
    data = {"csrf_token": csrf_token_from(html), "visit": visit_from(html), "birth_year": "1990"}
    response = client.post(f"/k/{fair.id}/{token}", data={**data, "phone": first.attendee.phone})
    assert response.status_code == 200

    # The same pass for someone else (from this phone or any other): refused, nobody named, nobody in.
    again = client.post(f"/k/{fair.id}/{token}", data={**data, "phone": second.attendee.phone})
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert 'data-kiosk-result="visit_used"' in page and "Lượt quét này đã được dùng" in page
    assert "Lan" not in page and "Dũng" not in page and "data-kiosk-name" not in page
    saved = client.post(
        f"/k/{fair.id}/{token}/ticket",
        data={"csrf_token": data["csrf_token"], "visit": data["visit"], "secret": second.ticket_secret},
    )
    assert saved.status_code == 409 and 'data-kiosk-result="visit_used"' in saved.get_data(as_text=True)
    assert db.session.scalars(sa.select(CheckIn.registration_id)).all() == [first.id]
    assert db.session.scalars(sa.select(KioskVisit.registration_id)).all() == [first.id]

    # A new scan of the kiosk's QR gives a new pass: the next person gets in.
    _token, html = open_landing(client, fair)
    response = client.post(
        f"/k/{fair.id}/{token}", data={**data, "visit": visit_from(html), "phone": second.attendee.phone}
    )
    assert response.status_code == 200 and "T. T. Lan" in response.get_data(as_text=True)
    assert count(db, CheckIn) == 2


def test_the_token_alone_admits_nobody(client, db, make_fair, register):
    """Only the landing page's pass carries a form: a POST with the current token and no pass (or
    another page's pass reused) is refused."""
    fair = make_fair()
    registration = register(fair)
    token, html = open_landing(client, fair)
    phone = {"phone": registration.attendee.phone, "birth_year": "1990"}
    for url, extra in (
        (f"/k/{fair.id}/{token}", phone),
        (f"/k/{fair.id}/{token}/ticket", {"secret": registration.ticket_secret}),
    ):
        response = client.post(url, data={"csrf_token": csrf_token_from(html), **extra})
        assert response.status_code == 410, url
        assert 'data-kiosk-result="expired"' in response.get_data(as_text=True)
    assert count(db, CheckIn) == 0 and count(db, KioskVisit) == 0


def test_a_failed_lookup_does_not_use_the_pass(client, db, make_fair, register):
    fair = make_fair()
    registration = register(fair)
    token, html = open_landing(client, fair)
    data = {
        "csrf_token": csrf_token_from(html),
        "visit": visit_from(html),
        "phone": registration.attendee.phone,
    }
    assert client.post(f"/k/{fair.id}/{token}", data={**data, "birth_year": "1991"}).status_code == 404
    assert client.post(f"/k/{fair.id}/{token}", data={**data, "birth_year": "19x0"}).status_code == 422
    assert client.post(f"/k/{fair.id}/{token}", data={**data, "birth_year": "1990"}).status_code == 200
    assert count(db, CheckIn) == 1 and count(db, KioskVisit) == 1


def test_the_database_keeps_a_pass_to_one_use(app, db, make_fair, register):
    fair = make_fair()
    first, second = register(fair), register(fair)
    visit = services.read_visit(fair.id, services.visit_pass(fair.id))
    assert services.check_in(first, visit).result == "ok"
    with pytest.raises(services.VisitUsed) as caught:
        services.check_in(second, visit)
    assert caught.value.code == "kiosk_visit_used" and caught.value.status == 409
    db.session.commit()
    assert count(db, CheckIn) == 1
    # Whatever the code above does, the UNIQUE nonce refuses a second row (two requests racing).
    db.session.add(
        KioskVisit(nonce=visit.nonce, fair_id=fair.id, registration_id=second.id, used_at=utcnow())
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_short_name():
    assert services.short_name("Hoàng Văn Dũng") == "H. V. Dũng"
    assert services.short_name("Đinh  Tú") == "Đ. Tú"
    assert services.short_name("Mai") == "Mai"
