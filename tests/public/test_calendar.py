"""Calendar files: one per fair and the feed, parsed back with icalendar."""

from datetime import timedelta

from icalendar import Calendar

from fairapp.fairs.models import FairStatus
from fairapp.modelbase import utcnow


def events(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return calendar.walk("VEVENT")


def test_fair_ics_has_the_fair_times_place_and_registration_link(client, make_fair):
    fair = make_fair(
        title="Phiên việc làm Bách Quang",
        venue_name="Nhà văn hoá tổ 7",
        description="Mang theo hồ sơ, nhé; dấu phẩy, chấm phẩy",
    )
    response = client.get(f"/fairs/{fair.id}.ics")
    assert response.headers["Content-Disposition"] == f'attachment; filename="phien-giao-dich-{fair.id}.ics"'
    [event] = events(response)
    assert event.decoded("DTSTART") == fair.starts_at
    assert event.decoded("DTEND") == fair.ends_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert str(event["SUMMARY"]) == "Phiên việc làm Bách Quang"
    assert str(event["LOCATION"]) == "Nhà văn hoá tổ 7, Số 1 đường Thắng Lợi, phường Bách Quang"
    description = str(event["DESCRIPTION"])
    assert "Mang theo hồ sơ, nhé; dấu phẩy, chấm phẩy" in description
    assert f"http://localhost/fairs/{fair.id}/register" in description
    assert str(event["URL"]) == f"http://localhost/fairs/{fair.id}"
    assert str(event["STATUS"]) == "CONFIRMED"

    [again] = events(client.get(f"/fairs/{fair.id}.ics"))
    assert str(event["UID"]) == str(again["UID"]) == f"fair-{fair.id}@localhost"


def test_cancelled_fair_is_marked_cancelled(client, make_fair):
    fair = make_fair(status=FairStatus.CANCELLED, cancel_reason="Bão số 3")
    [event] = events(client.get(f"/fairs/{fair.id}.ics"))
    assert str(event["STATUS"]) == "CANCELLED"
    assert "Bão số 3" in str(event["DESCRIPTION"])


def test_feed_lists_upcoming_and_cancelled_upcoming_fairs_only(app, client, make_fair):
    app.config["PUBLIC_BASE_URL"] = "https://vieclam.example.vn"
    later = make_fair(title="Phiên sau", days=20)
    sooner = make_fair(title="Phiên trước", days=5)
    cancelled = make_fair(title="Phiên huỷ", status=FairStatus.CANCELLED, cancel_reason="Trùng lịch")
    make_fair(title="Phiên nháp", status=FairStatus.DRAFT)
    make_fair(title="Phiên đã qua", starts_at=utcnow() - timedelta(days=2))
    make_fair(title="Phiên huỷ đã qua", status=FairStatus.CANCELLED, starts_at=utcnow() - timedelta(days=2))

    response = client.get("/fairs/calendar.ics")
    assert response.headers["Content-Disposition"] == 'inline; filename="lich-phien-giao-dich.ics"'
    feed = events(response)
    assert [str(e["SUMMARY"]) for e in feed] == ["Phiên trước", "Phiên huỷ", "Phiên sau"]
    assert {str(e["UID"]): str(e["STATUS"]) for e in feed} == {
        f"fair-{sooner.id}@vieclam.example.vn": "CONFIRMED",
        f"fair-{cancelled.id}@vieclam.example.vn": "CANCELLED",
        f"fair-{later.id}@vieclam.example.vn": "CONFIRMED",
    }
    # the same UID as the fair's own file, so importing both gives one event
    [single] = events(client.get(f"/fairs/{later.id}.ics"))
    assert str(single["UID"]) == f"fair-{later.id}@vieclam.example.vn"
    assert f"https://vieclam.example.vn/fairs/{later.id}/register" in str(single["DESCRIPTION"])


def test_draft_has_no_calendar_file(client, make_fair):
    assert client.get(f"/fairs/{make_fair(status=FairStatus.DRAFT).id}.ics").status_code == 404
