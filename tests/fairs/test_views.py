"""Organiser pages: forms keep input and show a translated message per field, conflicts ask for
confirmation, status buttons, season planner, calendar, and the ward limits (403)."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from fairapp.fairs import services
from fairapp.fairs.models import Fair, FairSeries, FairStatus
from fairapp.modelbase import utcnow
from tests.conftest import csrf_token_from
from tests.fairs.conftest import BACH_QUANG, SONG_CONG


def _count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Fair))


def _future_day(days=10) -> str:
    return (services.local_day(utcnow()) + timedelta(days=days)).strftime("%d/%m/%Y")


def _form(client, url):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def _fair_data(token, **overrides):
    return {
        "csrf_token": token,
        "title": "Phiên giao dịch việc làm Bách Quang",
        "ward_code": BACH_QUANG,
        "venue_name": "Nhà văn hoá tổ dân phố Mỏ Chè 2",
        "date": _future_day(),
        "start_time": "07:30",
        "end_time": "11:30",
        "capacity": "300",
        **overrides,
    }


def test_create_a_fair_through_the_form(client, auth, db):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    response = client.post("/manage/fairs/new", data=_fair_data(_form(client, "/manage/fairs/new")))
    assert response.status_code == 302
    fair = db.session.scalar(sa.select(Fair))
    assert fair.status == FairStatus.DRAFT and services.to_local(fair.starts_at).strftime("%H:%M") == "07:30"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nhà văn hoá tổ dân phố Mỏ Chè 2" in page and "Công bố" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": "31/02/2030"}, "Ngày: cần một ngày có thật"),
        ({"start_time": "25:00"}, "Giờ bắt đầu: cần giờ dạng HH:MM"),
        ({"end_time": "07:00"}, "Giờ kết thúc: phải sau giờ bắt đầu."),
        ({"date": "01/01/2020"}, "Ngày và giờ bắt đầu: không được ở trong quá khứ."),
        ({"capacity": "0"}, "Sức chứa (người): phải là số nguyên từ 1 đến 100.000."),
        ({"capacity": "abc"}, "Sức chứa (người): phải là một số nguyên."),
        ({"ward_code": "99999"}, "Phường/xã: Phường/xã không hợp lệ."),
        ({"title": ""}, "Tên phiên: bắt buộc."),
    ],
)
def test_bad_input_shows_a_message_per_field_and_keeps_input(client, auth, db, overrides, message):
    auth.login("admin")
    data = _fair_data(_form(client, "/manage/fairs/new"), **overrides)
    response = client.post("/manage/fairs/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and "invalid-feedback" in page
    assert 'value="Nhà văn hoá tổ dân phố Mỏ Chè 2"' in page
    assert _count(db) == 0


def test_conflict_is_warned_and_saved_only_when_confirmed(client, auth, db):
    auth.login("admin")
    token = _form(client, "/manage/fairs/new")
    assert client.post("/manage/fairs/new", data=_fair_data(token)).status_code == 302
    again = client.post(
        "/manage/fairs/new", data=_fair_data(token, venue_name="nha van hoa to dan pho mo che 2")
    )
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "Cùng địa điểm, trùng giờ" in page and 'name="confirm"' in page
    assert _count(db) == 1
    forced = client.post("/manage/fairs/new", data=_fair_data(token, confirm="y"))
    assert forced.status_code == 302 and _count(db) == 2


def test_status_buttons_publish_then_cancel_with_reason(client, auth, db, make_fair):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    fair = make_fair(starts_at=utcnow() + timedelta(days=3))
    token = _form(client, f"/manage/fairs/{fair.id}")
    assert client.post(f"/manage/fairs/{fair.id}/publish", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).status == FairStatus.PUBLISHED
    refused = client.post(
        f"/manage/fairs/{fair.id}/publish", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Không thể chuyển phiên giao dịch" in refused.get_data(as_text=True)
    assert client.post(f"/manage/fairs/{fair.id}/open", data={}).status_code == 400  # no CSRF token
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).status == FairStatus.PUBLISHED
    blank = client.post(f"/manage/fairs/{fair.id}/cancel", data={"csrf_token": token, "reason": ""})
    assert "Lý do huỷ: bắt buộc." in blank.get_data(as_text=True)
    done = client.post(f"/manage/fairs/{fair.id}/cancel", data={"csrf_token": token, "reason": "Mưa bão"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).cancel_reason == "Mưa bão"


def test_publish_without_venue_is_explained(client, auth, make_fair):
    auth.login("admin")
    fair = make_fair(venue_name=None, starts_at=utcnow() + timedelta(days=3))
    token = _form(client, f"/manage/fairs/{fair.id}")
    page = client.post(
        f"/manage/fairs/{fair.id}/publish", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Địa điểm: cần nhập địa điểm trước khi công bố" in page


def test_organiser_outside_their_wards_gets_403(client, auth, make_fair):
    auth.login("organiser", ward_codes=[SONG_CONG])
    fair = make_fair(ward_code=BACH_QUANG)
    for url in (
        f"/manage/fairs/{fair.id}",
        f"/manage/fairs/{fair.id}/edit",
        f"/manage/fairs/{fair.id}/clone",
        f"/manage/fairs/{fair.id}/cancel",
    ):
        assert client.get(url).status_code == 403, url
    token = _form(client, "/manage/fairs/new")
    assert client.post(f"/manage/fairs/{fair.id}/publish", data={"csrf_token": token}).status_code == 403
    assert client.post("/manage/fairs/new", data=_fair_data(token)).status_code == 403
    listed = client.get("/manage/fairs/").get_data(as_text=True)
    assert fair.title not in listed


def test_closed_fair_cannot_be_edited_by_an_organiser(client, auth, db, make_fair):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    fair = make_fair(status=FairStatus.CLOSED, starts_at=utcnow() - timedelta(days=3))
    start = services.to_local(fair.starts_at)
    data = _fair_data(
        _form(client, f"/manage/fairs/{fair.id}/edit"),
        title="Đổi tên",
        date=start.strftime("%d/%m/%Y"),
        start_time=start.strftime("%H:%M"),
        end_time=services.to_local(fair.ends_at).strftime("%H:%M"),
    )
    page = client.post(f"/manage/fairs/{fair.id}/edit", data=data).get_data(as_text=True)
    assert "không thể sửa" in page
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).title != "Đổi tên"


def test_season_planner_creates_the_drafts(client, auth, db):
    auth.login("organiser", ward_codes=[BACH_QUANG, SONG_CONG])
    token = _form(client, "/manage/fairs/series")
    first = services.local_day(utcnow()) + timedelta(days=3)
    response = client.post(
        "/manage/fairs/series",
        data={
            "csrf_token": token,
            "title": "Đợt tháng Ba",
            "stops-0-ward_code": SONG_CONG,
            "stops-0-venue_name": "Hội trường UBND",
            "stops-1-ward_code": BACH_QUANG,
            "first_date": first.strftime("%d/%m/%Y"),
            "weekday": "5",
            "every_weeks": "2",
            "cycles": "1",
            "start_time": "07:30",
            "end_time": "11:30",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    fairs = db.session.scalars(sa.select(Fair).order_by(Fair.starts_at)).all()
    assert [f.ward_code for f in fairs] == [SONG_CONG, BACH_QUANG]
    assert (services.local_day(fairs[1].starts_at) - services.local_day(fairs[0].starts_at)).days == 14
    assert services.local_day(fairs[0].starts_at).weekday() == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FairSeries)) == 1


def test_season_planner_refuses_a_ward_outside_and_saves_nothing(client, auth, db):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    token = _form(client, "/manage/fairs/series")
    response = client.post(
        "/manage/fairs/series",
        data={
            "csrf_token": token,
            "title": "Đợt",
            "stops-0-ward_code": BACH_QUANG,
            "stops-1-ward_code": SONG_CONG,
            "first_date": _future_day(3),
            "weekday": "5",
            "every_weeks": "x",
            "cycles": "1",
            "start_time": "07:30",
            "end_time": "11:30",
        },
    )
    assert "Cách nhau (tuần): phải là một số nguyên." in response.get_data(as_text=True)
    response = client.post(
        "/manage/fairs/series",
        data={
            "csrf_token": token,
            "title": "Đợt",
            "stops-0-ward_code": BACH_QUANG,
            "stops-1-ward_code": SONG_CONG,
            "first_date": _future_day(3),
            "weekday": "5",
            "every_weeks": "2",
            "cycles": "1",
            "start_time": "07:30",
            "end_time": "11:30",
        },
    )
    assert response.status_code == 403
    assert _count(db) == 0


def test_clone_into_another_ward(client, auth, db, make_fair):
    auth.login("admin")
    source = make_fair(status=FairStatus.PUBLISHED, starts_at=utcnow() + timedelta(days=3))
    token = _form(client, f"/manage/fairs/{source.id}/clone")
    response = client.post(
        f"/manage/fairs/{source.id}/clone",
        data={"csrf_token": token, "ward_code": SONG_CONG, "date": _future_day(20)},
    )
    assert response.status_code == 302
    clone = db.session.scalar(sa.select(Fair).where(Fair.id != source.id))
    assert clone.ward_code == SONG_CONG and clone.status == FairStatus.DRAFT and clone.title == source.title


def test_list_filters_counts_and_calendar(client, auth, make_fair):
    auth.login("admin")
    start = services.local_datetime(date(2030, 5, 11), services.time(7, 30))
    draft = make_fair(title="Phiên Bách Quang", starts_at=start)
    make_fair(title="Phiên Sông Công", ward_code=SONG_CONG, status=FairStatus.PUBLISHED, starts_at=start)
    page = client.get(f"/manage/fairs/?ward_code={BACH_QUANG}").get_data(as_text=True)
    assert "Phiên Bách Quang" in page and "Phiên Sông Công" not in page
    page = client.get("/manage/fairs/?status=published").get_data(as_text=True)
    assert "Phiên Sông Công" in page and "Phiên Bách Quang" not in page
    page = client.get("/manage/fairs/?date_from=12/05/2030").get_data(as_text=True)
    assert "Phiên Bách Quang" not in page
    calendar = client.get(f"/manage/fairs/calendar?year=2030&month=5&ward_code={BACH_QUANG}")
    html = calendar.get_data(as_text=True)
    assert calendar.status_code == 200 and "05/2030" in html
    assert f"/manage/fairs/{draft.id}" in html and "Phiên Sông Công" not in html
    assert f"ward_code={BACH_QUANG}" in html and "month=6" in html and "month=4" in html
