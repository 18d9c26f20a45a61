"""A record's page: the card, the record, its history, and the update form that goes through
services.record (its rules, its messages next to each field, what was typed kept)."""

from datetime import UTC, datetime

import sqlalchemy as sa

from fairapp.interviews.models import Interview, InterviewEntry
from tests.conftest import csrf_token_from
from tests.interviews.list_fixtures import recorded, sign_in


def _entries(db, record) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(InterviewEntry.interview_id == record.id))


def _field(page: str, name: str) -> str:
    """The HTML of one field's block (render_field's div.field-<name>), up to the next field's."""
    start = page.index(f" field-{name}")
    following = page.find(" field-", start + 1)
    return page[start : following if following != -1 else None]


def _post(client, record, **fields):
    page = client.get(f"/booth/records/{record.id}").get_data(as_text=True)
    return client.post(f"/booth/records/{record.id}", data={"csrf_token": csrf_token_from(page), **fields})


def test_an_update_adds_a_version_to_the_history(client, db, make_fair, make_booth, register):
    fair = make_fair()
    setup = make_booth(fair, vacancies=("Công nhân may", "Thợ điện"))
    registration = register(fair, "Nguyễn Thị Nhung")
    record = recorded(db, setup, registration, "interviewed", rating=3)
    sign_in(client, setup.user)

    answer = _post(
        client,
        record,
        outcome="shortlisted",
        vacancy_id=str(setup.vacancies[1].id),
        rating="5",
        notes="Đã có chứng chỉ điện",
        tags="có kinh nghiệm, ở gần",
        next_step_date="20/12/2030",
        next_step_time="08:30",
        next_step_place="Văn phòng công ty",
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/booth/records/{record.id}")
    db.session.expire_all()
    record = db.session.get(Interview, record.id)
    assert (record.outcome.value, record.vacancy_id, record.rating) == (
        "shortlisted",
        setup.vacancies[1].id,
        5,
    )
    assert record.tags == ["có kinh nghiệm", "ở gần"]
    assert record.next_step_at.astimezone(UTC) == datetime(
        2030, 12, 20, 1, 30, tzinfo=UTC
    )  # 08:30 in Vietnam
    assert record.updated_by == setup.user.id
    assert _entries(db, record) == 2

    page = client.get(f"/booth/records/{record.id}").get_data(as_text=True)
    history = page[page.index("record-history") :]
    assert history.count("data-entry=") == 2
    assert history.index("Sơ tuyển đạt") < history.index("Đã phỏng vấn")  # newest first
    assert setup.user.full_name in history and "Trực tuyến" in history
    assert "Thợ điện" in history and "20/12/2030" in page
    assert 'value="20/12/2030"' in page and 'value="08:30"' in page  # the form shows the record as it is


def test_a_refused_update_shows_each_error_by_its_field_and_saves_nothing(
    client, db, make_fair, make_booth, register
):
    fair = make_fair()
    setup = make_booth(fair)
    record = recorded(db, setup, register(fair), "interviewed", rating=3, notes="Trước")
    sign_in(client, setup.user)

    answer = _post(client, record, outcome="shortlisted", rating="9", notes="Ghi chú vừa gõ", tags="a, b")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    rating_field = _field(page, "rating")
    assert "Đánh giá: số nguyên từ 1 đến 5." in rating_field
    assert 'aria-invalid="true"' in rating_field and 'value="9"' in rating_field
    assert "Ghi chú vừa gõ" in page  # what was typed is kept
    db.session.expire_all()
    record = db.session.get(Interview, record.id)
    assert (record.outcome.value, record.rating, record.notes) == ("interviewed", 3, "Trước")
    assert _entries(db, record) == 1


def test_every_field_the_service_refuses_is_named(client, db, make_fair, make_booth, register):
    fair = make_fair()
    setup = make_booth(fair)
    other = make_booth(fair, vacancies=("Thợ hàn",))
    record = recorded(db, setup, register(fair))
    sign_in(client, setup.user)
    answer = _post(
        client,
        record,
        outcome="enrolled",  # a school's outcome
        vacancy_id=str(other.vacancies[0].id),  # another employer's vacancy
        rating="0",
        tags=",".join(f"nhãn {n}" for n in range(12)),
    )
    page = answer.get_data(as_text=True)
    for field, message in (
        ("outcome", "Kết quả: với gian hàng này chỉ được chọn"),
        ("vacancy_id", "Vị trí tuyển dụng: phải là vị trí của doanh nghiệp"),
        ("rating", "Đánh giá: số nguyên từ 1 đến 5."),
        ("tags", "Nhãn: tối đa 10 nhãn"),
    ):
        assert message in _field(page, field), field
    assert _entries(db, record) == 1


def test_a_schools_record_has_programme_and_intake_date(client, db, make_fair, make_booth, register):
    fair = make_fair()
    setup = make_booth(fair, "school")
    programme_id = setup.programmes[0].id
    record = recorded(db, setup, register(fair), "counselled")
    sign_in(client, setup.user)
    page = client.get(f"/booth/records/{record.id}").get_data(as_text=True)
    assert (
        'name="programme_id"' in page
        and 'name="vacancy_id"' not in page
        and 'name="next_step_date"' not in page
    )

    refused = _post(client, record, outcome="enrolled")
    assert "Ngành đào tạo: bắt buộc khi ghi nhận đăng ký học nghề." in refused.get_data(as_text=True)
    answer = _post(
        client, record, outcome="enrolled", programme_id=str(programme_id), intake_date="01/09/2031"
    )
    assert answer.status_code == 302
    db.session.expire_all()
    record = db.session.get(Interview, record.id)
    assert (record.outcome.value, record.programme_id, f"{record.intake_date:%d/%m/%Y}") == (
        "enrolled",
        programme_id,
        "01/09/2031",
    )


def test_a_date_without_a_time_is_refused_by_the_form(client, db, make_fair, make_booth, register):
    fair = make_fair()
    setup = make_booth(fair)
    record = recorded(db, setup, register(fair))
    sign_in(client, setup.user)
    page = _post(client, record, outcome="interviewed", next_step_date="31/02/2030").get_data(as_text=True)
    assert "Ngày hẹn: cần một ngày có thật" in page
    page = _post(client, record, outcome="interviewed", next_step_date="20/12/2030").get_data(as_text=True)
    assert "Giờ hẹn: bắt buộc khi có ngày hẹn." in page
    assert _entries(db, record) == 1


def test_without_a_csrf_token_nothing_changes(client, db, make_fair, make_booth, register):
    fair = make_fair()
    setup = make_booth(fair)
    record = recorded(db, setup, register(fair))
    sign_in(client, setup.user)
    answer = client.post(f"/booth/records/{record.id}", data={"outcome": "offered"})
    assert answer.status_code in (200, 400)
    assert _entries(db, record) == 1


def test_staff_of_the_fair_may_update_and_others_not(client, db, auth, make_fair, make_booth, register):
    fair = make_fair()
    setup = make_booth(fair)
    record = recorded(db, setup, register(fair))
    auth.login("organiser", ward_codes=["05518"])  # another ward
    assert client.get(f"/booth/records/{record.id}").status_code == 404
    auth.logout()
    staff = auth.login("organiser", ward_codes=[fair.ward_code])
    assert _post(client, record, outcome="offered").status_code == 302
    db.session.expire_all()
    assert db.session.get(Interview, record.id).updated_by == staff.id
