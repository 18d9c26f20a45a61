"""Correcting a recorded hire (services.update_hire and the "Sửa" pages): the job's fields only, with
record_hire's checks; a new start date reschedules the open follow-ups, and is refused once one is
answered or when it makes the hire another one already recorded; each change audited with its old
and new values. Also the staff form's vacancy picker and the call list's wards for an admin."""

import re
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db as _db
from fairapp.outcomes import listing, rules, services
from fairapp.outcomes.models import ContractType, FollowUpOutcome, Hire
from fairapp.partners.models import Vacancy
from tests.checkins.conftest import BACH_QUANG, SONG_CONG
from tests.conftest import csrf_token_from
from tests.outcomes.helpers import today
from tests.outcomes.test_pages import sign_in


def _audits(action="hire.update") -> list[AuditEntry]:
    _db.session.expire_all()
    return _db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def _reloaded(hire: Hire) -> Hire:
    _db.session.expire_all()
    return _db.session.get(Hire, hire.id)


@pytest.fixture()
def old_hire(seen, hire, past_fair):
    """old_hire(start_in_days=-100, **fields) → a confirmed hire from a fair held 300 days ago."""

    def make(start_in_days=-100, person=None, **fields):
        person = person or seen(fair=past_fair(300))
        return hire(person, start_in_days=start_in_days, **fields)

    return make


# --- The service ------------------------------------------------------------------------------------


def test_a_new_start_date_reschedules_the_open_follow_ups_and_is_audited(db, old_hire):
    made = old_hire(start_in_days=-100, monthly_salary=5_500_000)
    new_start = today() - timedelta(days=90)
    updated = services.update_hire(
        made, replace(services.HireChanges.of(made), start_date=new_start), by=None
    )
    db.session.commit()
    assert set(updated.changed) == {"start_date"}
    hire = _reloaded(made)
    assert hire.start_date == new_start
    assert [(f.month, f.due_on) for f in hire.follow_ups] == rules.schedule(new_start, [1, 3, 6])
    entry = _audits()[0]
    assert entry.object_id == str(hire.id)
    assert entry.details == {
        "before": {"start_date": (today() - timedelta(days=100)).isoformat()},
        "after": {"start_date": new_start.isoformat()},
    }


def test_the_start_date_is_locked_once_a_follow_up_is_answered_other_fields_are_not(db, old_hire):
    made = old_hire(start_in_days=-100)
    services.record_follow_up(
        made, services.Answer(checked_on=today(), outcome=FollowUpOutcome.STILL_EMPLOYED), by=None
    )
    db.session.commit()
    due_before = [f.due_on for f in made.follow_ups]
    changes = services.HireChanges.of(made)
    with pytest.raises(DomainError) as refused:
        services.update_hire(made, replace(changes, start_date=today() - timedelta(days=95)), by=None)
    assert (refused.value.code, list(refused.value.fields)) == ("start_date_locked", ["start_date"])
    db.session.rollback()
    assert [f.due_on for f in _reloaded(made).follow_ups] == due_before
    services.update_hire(_reloaded(made), replace(changes, contract_type=ContractType.INDEFINITE), by=None)
    db.session.commit()
    assert _reloaded(made).contract_type == ContractType.INDEFINITE


def test_a_change_making_it_a_hire_already_recorded_is_refused(db, seen, old_hire, past_fair):
    person = seen(fair=past_fair(300))
    first = old_hire(start_in_days=-100, person=person)
    second = old_hire(start_in_days=-60, person=person)
    with pytest.raises(DomainError) as refused:
        services.update_hire(
            second, replace(services.HireChanges.of(second), start_date=first.start_date), by=None
        )
    assert (refused.value.code, list(refused.value.fields)) == ("duplicate_hire", ["start_date"])
    db.session.rollback()
    assert _reloaded(second).start_date == today() - timedelta(days=60)
    assert _audits() == []


def test_a_correction_racing_into_another_hire_is_refused_by_the_database_not_a_500(
    db, monkeypatch, seen, old_hire, past_fair
):
    """Two corrections at once both pass the check; the unique key refuses the second: a refusal with
    its code, nothing saved (before: the IntegrityError reached the page as a 500)."""
    person = seen(fair=past_fair(300))
    first = old_hire(start_in_days=-100, person=person)
    second = old_hire(start_in_days=-60, person=person)
    monkeypatch.setattr(services, "_check_new_start", lambda hire, start_date: None)  # the race's window
    with pytest.raises(DomainError) as refused:
        services.update_hire(
            second, replace(services.HireChanges.of(second), start_date=first.start_date), by=None
        )
    assert (refused.value.code, list(refused.value.fields)) == ("duplicate_hire", ["start_date"])
    db.session.rollback()
    assert _reloaded(second).start_date == today() - timedelta(days=60)


@pytest.mark.parametrize(
    "change, code, field",
    [
        ({"monthly_salary": -1}, "salary_negative", "monthly_salary"),
        ({"monthly_salary": 2_000_000_000}, "salary_too_high", "monthly_salary"),
        ({"position": "x" * 201}, "too_long", "position"),
        ({"workplace_ward_code": "99999"}, "ward_not_found", "workplace_ward_code"),
        ({"workplace_province_code": 999}, "province_not_found", "workplace_province_code"),
        ({"start_date_days": -400}, "start_before_fair", "start_date"),
        ({"start_date_days": 400}, "start_too_late", "start_date"),
    ],
)
def test_the_job_is_checked_as_when_it_was_recorded(db, old_hire, change, code, field):
    made = old_hire(start_in_days=-100, monthly_salary=5_500_000)
    change = dict(change)
    if "start_date_days" in change:
        change["start_date"] = today() + timedelta(days=change.pop("start_date_days"))
    with pytest.raises(DomainError) as refused:
        services.update_hire(made, replace(services.HireChanges.of(made), **change), by=None)
    assert (refused.value.code, list(refused.value.fields)) == (code, [field])
    db.session.rollback()
    assert _reloaded(made).monthly_salary == 5_500_000 and _audits() == []


def test_a_vacancy_must_be_the_employers_own(db, old_hire, seen):
    made = old_hire()
    other = seen()  # another employer's booth and vacancy
    with pytest.raises(DomainError) as refused:
        services.update_hire(
            made, replace(services.HireChanges.of(made), vacancy_id=other.interview.vacancy_id), by=None
        )
    assert refused.value.code == "vacancy_not_found"


def test_a_low_salary_warns_and_social_insurance_decides_again(app, db, old_hire):
    app.config["SUSTAINABLE_JOB"] = {"months": 6, "social_insurance": True}
    made = old_hire(start_in_days=-250, social_insurance=False)
    for month in (1, 3, 6):
        services.record_follow_up(
            made,
            services.Answer(checked_on=today(), outcome=FollowUpOutcome.STILL_EMPLOYED, month=month),
            by=None,
        )
    db.session.commit()
    assert made.sustainable is False
    updated = services.update_hire(
        made,
        replace(services.HireChanges.of(made), social_insurance=True, monthly_salary=3_000_000),
        by=None,
    )
    db.session.commit()
    assert "monthly_salary" in updated.warnings
    hire = _reloaded(made)
    assert (hire.social_insurance, hire.sustainable, hire.monthly_salary) == (True, True, 3_000_000)
    assert _audits()[0].details["after"] == {"monthly_salary": 3_000_000, "social_insurance": True}


def test_nothing_changed_writes_nothing(db, old_hire):
    made = old_hire()
    updated = services.update_hire(made, services.HireChanges.of(made), by=None)
    assert updated.changed == {} and _audits() == []


def test_only_who_may_act_on_the_hire_may_correct_it(db, old_hire, seen, make_user):
    made = old_hire()
    other_employer = seen().employer_user
    with pytest.raises(NotFound):
        services.update_hire(made, services.HireChanges.of(made), by=other_employer)
    with pytest.raises(NotFound):
        services.update_hire(
            made, services.HireChanges.of(made), by=make_user("organiser", ward_codes=[SONG_CONG])
        )


# --- The pages ---------------------------------------------------------------------------------------


def test_an_employer_corrects_its_own_hire(db, client, seen, hire):
    person = seen()
    made = hire(person, monthly_salary=5_500_000)
    sign_in(client, person.employer_user)
    url = f"/booth/hires/{made.id}/edit"
    assert f'href="{url}"' in client.get("/booth/hires").get_data(as_text=True)
    form = client.get(url).get_data(as_text=True)
    assert 'value="5.500.000"' in form and f'value="{made.start_date:%d/%m/%Y}"' in form
    answer = client.post(
        url,
        data={
            "csrf_token": csrf_token_from(form),
            "start_date": f"{made.start_date:%d/%m/%Y}",
            "vacancy_id": str(person.interview.vacancy_id),
            "position": "",
            "monthly_salary": "6.000.000",
            "contract_type": "indefinite",
            "social_insurance": "yes",
        },
    )
    assert answer.status_code == 303, re.findall(
        r"invalid-feedback[^>]*>([^<]+)", answer.get_data(as_text=True)
    )
    assert answer.headers["Location"] == "/booth/hires"
    hire_now = _reloaded(made)
    assert (hire_now.vacancy_id, hire_now.position) == (
        person.interview.vacancy_id,
        "Công nhân may công nghiệp",
    )
    assert (hire_now.monthly_salary, hire_now.contract_type, hire_now.social_insurance) == (
        6_000_000,
        ContractType.INDEFINITE,
        True,
    )
    assert _audits()[0].actor_id == person.employer_user.id


def test_an_employer_cannot_reach_another_employers_hire(db, client, seen, hire):
    mine, theirs = seen(), seen(name="Trần Văn Đức")
    made = hire(theirs)
    sign_in(client, mine.employer_user)
    assert client.get(f"/booth/hires/{made.id}/edit").status_code == 404
    token = csrf_token_from(client.get("/booth/hires").get_data(as_text=True))
    posted = client.post(
        f"/booth/hires/{made.id}/edit", data={"csrf_token": token, "start_date": f"{today():%d/%m/%Y}"}
    )
    assert posted.status_code == 404 and _audits() == []


def test_an_organiser_corrects_a_hire_of_their_wards_only(app, db, client, organiser, make_user, old_hire):
    made = old_hire(start_in_days=-100)
    url = f"/manage/hires/{made.id}/edit"
    elsewhere = app.test_client()
    sign_in(elsewhere, make_user("organiser", ward_codes=[SONG_CONG]))
    assert elsewhere.get(url).status_code == 404
    sign_in(client, organiser)
    assert f'href="{url}"' in client.get(f"/manage/hires/{made.id}").get_data(as_text=True)
    form = client.get(url).get_data(as_text=True)
    new_start = today() - timedelta(days=80)
    answer = client.post(
        url,
        data={
            "csrf_token": csrf_token_from(form),
            "start_date": f"{new_start:%d/%m/%Y}",
            "position": "Thợ may",
        },
    )
    assert (answer.status_code, answer.headers["Location"]) == (303, f"/manage/hires/{made.id}")
    hire_now = _reloaded(made)
    assert (hire_now.start_date, hire_now.position, hire_now.vacancy_id) == (new_start, "Thợ may", None)
    assert hire_now.follow_ups[0].due_on == rules.add_months(new_start, 1)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "xếp lại theo ngày bắt đầu mới" in page and 'data-action="hire.update"' in page


@pytest.mark.parametrize(
    "typed, message",
    [
        ({"start_date": "31/02/2026"}, "Ngày bắt đầu làm việc: cần một ngày có thật"),
        ({"start_date": "01/01/2001"}, "Ngày bắt đầu làm việc: không được trước ngày phiên"),
        ({"monthly_salary": "năm triệu"}, "Lương tháng (đồng): nhập số tiền bằng chữ số"),
        ({"monthly_salary": "2.000.000.000"}, "Lương tháng: quá lớn"),
        ({"position": "x" * 201}, "Vị trí công việc: tối đa 200 ký tự"),
        ({"contract_type": "forever"}, "Loại hợp đồng: chọn một mục trong danh sách"),
        ({"social_insurance": "maybe"}, "Có đóng bảo hiểm xã hội: chọn một mục trong danh sách"),
        ({"workplace_ward_code": "99999"}, "Nơi làm việc: phường/xã: Phường/xã không hợp lệ"),
        ({"workplace_province_code": "999"}, "Nơi làm việc: tỉnh/thành phố: chọn một mục trong danh sách"),
    ],
)
def test_a_refused_correction_names_the_field_keeps_what_was_typed_and_saves_nothing(
    db, client, organiser, old_hire, typed, message
):
    made = old_hire(start_in_days=-100, monthly_salary=5_500_000)
    url = f"/manage/hires/{made.id}/edit"
    sign_in(client, organiser)
    form = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_from(form),
        "start_date": f"{made.start_date:%d/%m/%Y}",
        "position": "Thợ cắt",
        "monthly_salary": "7.000.000",
        **typed,
    }
    answer = client.post(url, data=data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and message in page
    assert 'value="Thợ cắt"' in page or "position" in typed
    hire_now = _reloaded(made)
    assert (hire_now.monthly_salary, hire_now.position) == (5_500_000, made.position) and _audits() == []


def test_the_page_says_the_start_date_is_locked(db, client, organiser, old_hire):
    made = old_hire(start_in_days=-100)
    services.record_follow_up(
        made, services.Answer(checked_on=today(), outcome=FollowUpOutcome.STILL_EMPLOYED), by=None
    )
    db.session.commit()
    sign_in(client, organiser)
    url = f"/manage/hires/{made.id}/edit"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    new_start = today() - timedelta(days=90)
    answer = client.post(url, data={"csrf_token": token, "start_date": f"{new_start:%d/%m/%Y}"})
    assert "không sửa được nữa vì đã có kết quả theo dõi" in answer.get_data(as_text=True)
    assert f'value="{new_start:%d/%m/%Y}"' in answer.get_data(as_text=True)
    assert _reloaded(made).start_date == today() - timedelta(days=100)


# --- The staff hire form's vacancy picker ------------------------------------------------------------


def test_choosing_an_employer_lists_its_vacancies_and_keeps_what_was_typed(db, client, organiser, seen):
    person = seen(name="Lê Hoàng Thảo")
    employer_id = person.booth.employer_id
    vacancy = _db.session.scalars(sa.select(Vacancy).where(Vacancy.employer_id == employer_id)).first()
    sign_in(client, organiser)
    url = f"/manage/hires/new?attendee_id={person.attendee_id}"
    form = client.get(url).get_data(as_text=True)
    assert 'name="vacancy_id"' not in form and 'name="choose"' in form
    chosen = client.post(
        url,
        data={
            "csrf_token": csrf_token_from(form),
            "choose": "1",
            "employer_id": str(employer_id),
            "position": "Thợ may",
            "monthly_salary": "5.500.000",
        },
    )
    assert chosen.status_code == 303
    query = parse_qs(urlsplit(chosen.headers["Location"]).query)
    assert query["employer_id"] == [str(employer_id)] and "csrf_token" not in query
    page = client.get(chosen.headers["Location"]).get_data(as_text=True)
    assert f'<option value="{vacancy.id}">{vacancy.title}</option>' in page
    assert 'value="Thợ may"' in page and 'value="5.500.000"' in page
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Hire)) == 0
    recorded = client.post(
        url,
        data={
            "csrf_token": csrf_token_from(page),
            "employer_id": str(employer_id),
            "vacancy_id": str(vacancy.id),
            "start_date": f"{today():%d/%m/%Y}",
        },
    )
    assert recorded.status_code == 303
    assert _db.session.scalars(sa.select(Hire)).one().vacancy_id == vacancy.id


# --- The call list's wards -----------------------------------------------------------------------------


def test_an_admin_chooses_among_every_ward_of_the_home_province(
    app, db, client, make_user, organiser, old_hire
):
    old_hire()  # a hire in Bách Quang
    admin = sign_in(client, make_user("admin"))
    page = client.get("/manage/follow-ups").get_data(as_text=True)
    assert f'<option value="{SONG_CONG}">' in page and f'<option value="{BACH_QUANG}">' in page
    app.config["HOME_PROVINCE_CODE"] = 1  # Hà Nội: Bách Quang still listed, for its hire
    wards = listing.call_list_wards(admin)
    assert BACH_QUANG in dict(wards) and SONG_CONG not in dict(wards)
    assert dict(wards)[BACH_QUANG].endswith("Thái Nguyên")
    assert listing.call_list_wards(organiser) == [(BACH_QUANG, "Phường Bách Quang")]


def test_a_hire_at_an_employer_without_an_account_has_no_vacancy_to_choose(db, client, organiser, seen):
    person = seen()
    made = services.record_hire(
        services.Hiring(attendee_id=person.attendee_id, start_date=today(), employer_name="Quán Cơm Bà Tư"),
        by=organiser,
        source=services.HireSource.ORGANISER,
    ).hire
    db.session.commit()
    sign_in(client, organiser)
    url = f"/manage/hires/{made.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'name="vacancy_id"' not in form
    answer = client.post(
        url,
        data={
            "csrf_token": csrf_token_from(form),
            "start_date": f"{today():%d/%m/%Y}",
            "position": "Phụ bếp",
        },
    )
    assert answer.status_code == 303 and _reloaded(made).position == "Phụ bếp"
