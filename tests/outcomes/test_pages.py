"""The hires and follow-ups pages: who may see what (roles, an employer's own hires, an organiser's own
wards), the forms' refusals (translated, naming the field, nothing typed lost), the call list's order,
the one-tap answers, and what job seekers answer for themselves."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.fairs.services import local_day
from fairapp.modelbase import utcnow
from fairapp.outcomes import answer_links, call_list
from fairapp.outcomes.models import (
    FollowUp,
    FollowUpOutcome,
    Hire,
    HireSource,
    HireStatus,
    JobAnswer,
    SelfReport,
)
from tests.checkins.conftest import BACH_QUANG, SONG_CONG
from tests.conftest import PASSWORD, csrf_token_from


def sign_in(client, user):
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return user


def csrf(client, url="/") -> str:
    return csrf_token_from(client.get(url).get_data(as_text=True))


def today():
    return local_day(utcnow())


@pytest.fixture()
def old_fair(make_fair):
    return make_fair(starts_at=utcnow() - timedelta(days=300))


# --- Access ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, url, status",
    [
        ("employer", "/manage/hires", 403),
        ("employer", "/manage/follow-ups", 403),
        ("employer", "/manage/hires/new", 403),
        ("gate", "/booth/hires", 403),
        ("organiser", "/booth/hires", 403),
        ("school", "/booth/hires/new?interview_id=1", 403),
        ("admin", "/manage/follow-ups", 200),
        ("admin", "/manage/hires", 200),
    ],
)
def test_each_page_is_for_its_roles(client, auth, role, url, status):
    auth.login(role)
    assert client.get(url).status_code == status


# --- The employer -------------------------------------------------------------------------------------


def test_employer_records_a_hire_from_the_record_page_and_is_warned_of_a_low_salary(db, client, seen):
    person = seen()
    sign_in(client, person.employer_user)
    record = client.get(f"/booth/records/{person.interview.id}").get_data(as_text=True)
    assert f"/booth/hires/new?interview_id={person.interview.id}" in record
    url = f"/booth/hires/new?interview_id={person.interview.id}"
    form = client.get(url).get_data(as_text=True)
    answer = client.post(
        url,
        data={
            "csrf_token": csrf_token_from(form),
            "start_date": f"{today():%d/%m/%Y}",
            "vacancy_id": str(person.interview.vacancy_id),
            "monthly_salary": "3.500.000",
            "contract_type": "fixed_12_plus",
            "social_insurance": "yes",
        },
        follow_redirects=True,
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "thấp hơn lương tối thiểu vùng" in page
    hire = db.session.scalars(sa.select(Hire)).one()
    assert (hire.monthly_salary, hire.social_insurance, hire.source) == (3_500_000, True, HireSource.EMPLOYER)
    assert (hire.interview_id, hire.position) == (person.interview.id, "Công nhân may công nghiệp")
    assert "Nguyễn Thị Hồng Nhung" not in page  # no consent to share: the card's initial only
    assert re.search(r'class="hire-name">N\.<', page)
    assert person.registration.attendee.phone not in page


def test_employer_form_refusals_name_the_field_and_keep_what_was_typed(client, seen):
    person = seen()
    sign_in(client, person.employer_user)
    url = f"/booth/hires/new?interview_id={person.interview.id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    answer = client.post(
        url,
        data={
            "csrf_token": token,
            "start_date": "31/02/2026",
            "monthly_salary": "năm triệu",
            "position": "Thợ may",
        },
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Ngày bắt đầu làm việc: cần một ngày có thật" in page
    assert "Lương tháng (đồng): nhập số tiền bằng chữ số" in page
    assert 'value="Thợ may"' in page and 'value="năm triệu"' in page
    late = client.post(
        url, data={"csrf_token": token, "start_date": f"{today() + timedelta(days=400):%d/%m/%Y}"}
    ).get_data(as_text=True)
    assert "Ngày bắt đầu làm việc: không quá 180 ngày" in late


def test_an_employer_never_sees_another_employers_hires(client, seen, hire):
    mine, theirs = seen(), seen(name="Trần Văn Đức")
    hire(theirs)
    sign_in(client, mine.employer_user)
    assert client.get(f"/booth/hires/new?interview_id={theirs.interview.id}").status_code == 404
    page = client.get("/booth/hires").get_data(as_text=True)
    assert "data-hire=" not in page


# --- The organiser -------------------------------------------------------------------------------------


def test_an_organiser_never_sees_another_wards_hires(client, make_user, seen, hire):
    made = hire(seen())
    sign_in(client, make_user("organiser", ward_codes=[SONG_CONG]))
    assert client.get(f"/manage/hires/{made.id}").status_code == 404
    assert 'data-hire="' not in client.get("/manage/hires").get_data(as_text=True)
    assert client.get(f"/manage/follow-ups?ward={BACH_QUANG}").status_code == 403
    token = csrf(client, "/manage/hires")
    tapped = client.post(
        f"/manage/follow-ups/{made.follow_ups[0].id}/answer",
        data={"csrf_token": token, "outcome": "still_employed"},
    )
    assert tapped.status_code == 404
    assert client.get(f"/manage/hires/new?attendee_id={made.attendee_id}").status_code == 404


def test_organiser_records_a_hire_learned_by_phone(db, client, organiser, seen):
    person = seen(name="Lê Hoàng Thảo")
    sign_in(client, organiser)
    found = client.get("/manage/hires/new?q=hoang+thao").get_data(as_text=True)
    assert f"attendee_id={person.attendee_id}" in found
    url = f"/manage/hires/new?attendee_id={person.attendee_id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    missing = client.post(url, data={"csrf_token": token, "start_date": f"{today():%d/%m/%Y}"})
    assert "Doanh nghiệp: chọn doanh nghiệp, hoặc nhập mã số thuế hay tên doanh nghiệp." in missing.get_data(
        as_text=True
    )
    answer = client.post(
        url,
        data={
            "csrf_token": token,
            "start_date": f"{today():%d/%m/%Y}",
            "employer_name": "Hộ kinh doanh Bánh chưng Cô Lan",
            "position": "Phụ bếp",
            "monthly_salary": "5500000",
        },
    )
    assert answer.status_code == 303
    hire = db.session.scalars(sa.select(Hire)).one()
    assert (hire.employer_name, hire.source, hire.fair_id) == (
        "Hộ kinh doanh Bánh chưng Cô Lan",
        HireSource.ORGANISER,
        None,
    )
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Lê Hoàng Thảo" in page and f'href="tel:{person.registration.attendee.phone}"' in page
    searches = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "hire.view")).all()
    assert len(searches) == 1


def test_a_phone_search_is_audited_masked(db, client, organiser, seen):
    person = seen()
    sign_in(client, organiser)
    phone = person.registration.attendee.phone
    assert f"attendee_id={person.attendee_id}" in client.get(f"/manage/hires/new?q={phone}").get_data(
        as_text=True
    )
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "hires.person_search")).one()
    assert phone not in str(entry.details) and entry.details["query"].endswith(phone[-3:])


# --- The call list --------------------------------------------------------------------------------------


def test_the_call_list_puts_the_most_overdue_first_and_is_audited(
    db, client, organiser, seen, hire, old_fair
):
    late = hire(seen(fair=old_fair, name="Người Quá Hạn Lâu"), start_in_days=-100)
    recent = hire(seen(fair=old_fair, name="Người Quá Hạn Ít"), start_in_days=-40)
    coming = hire(seen(fair=old_fair, name="Người Sắp Đến Hạn"), start_in_days=-28)
    sign_in(client, organiser)
    page = client.get(f"/manage/follow-ups?ward={BACH_QUANG}").get_data(as_text=True)
    due = page[page.index('id="due"') : page.index('id="retry"')]
    assert due.index(f'data-hire="{late.id}"') < due.index(f'data-hire="{recent.id}"')
    assert f'data-hire="{coming.id}"' not in due
    soon = page[page.index('id="soon"') :]
    assert f'data-hire="{coming.id}"' in soon
    assert f'href="tel:{late.attendee.phone}"' in page
    assert "quá hạn 70 ngày" in page or "quá hạn 69 ngày" in page or "quá hạn 71 ngày" in page
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "follow_ups.call_list")).one()
    assert entry.details["ward_code"] == BACH_QUANG and entry.details["due"] == 2


def test_a_hire_shows_only_its_earliest_open_milestone(db, seen, hire, old_fair):
    made = hire(seen(fair=old_fair), start_in_days=-250)  # 1, 3 and 6 months all overdue
    sections = call_list.call_list(BACH_QUANG, today=today())
    assert [(row.hire_id, row.month) for row in sections["due"].items] == [(made.id, 1)]


def test_one_tap_outcomes_are_recorded_and_lead_back_to_the_list(db, client, organiser, seen, hire, old_fair):
    made = hire(seen(fair=old_fair), start_in_days=-250)
    sign_in(client, organiser)
    back = f"/manage/follow-ups?ward={BACH_QUANG}#due"
    token = csrf(client, back)
    first = made.follow_ups[0]

    def tap(follow_up, **fields):
        return client.post(
            f"/manage/follow-ups/{follow_up.id}/answer",
            data={"csrf_token": token, "month": str(follow_up.month), "back": back, **fields},
        )

    answer = tap(first, outcome="still_employed")
    assert (answer.status_code, answer.headers["Location"]) == (303, back)
    assert "vẫn đang làm" in client.get(back).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(FollowUp, first.id).outcome == FollowUpOutcome.STILL_EMPLOYED

    second = made.follow_ups[1]
    refused = tap(second, outcome="changed_employer", new_employer_name="")
    assert refused.status_code == 422
    assert "Nơi làm mới: vui lòng nhập tên nơi làm mới." in refused.get_data(as_text=True)
    refused = tap(second, outcome="unreachable", retry_in_days="abc")
    assert "Gọi lại sau (ngày): một số từ 1 đến 60." in refused.get_data(as_text=True)
    assert 'value="abc"' in refused.get_data(as_text=True)
    refused = tap(second, outcome="left", reason="")
    assert "Lý do nghỉ việc: vui lòng chọn." in refused.get_data(as_text=True)

    assert tap(second, outcome="unreachable", retry_in_days="5").status_code == 303
    db.session.expire_all()
    kept = db.session.get(FollowUp, second.id)
    assert (kept.outcome, kept.retry_on, kept.attempts) == (None, today() + timedelta(days=5), 1)
    assert (
        tap(second, outcome="changed_employer", new_employer_name="Công ty Giày Sông Công").status_code == 303
    )
    third = made.follow_ups[2]
    assert tap(third, outcome="left", reason="distance").status_code == 303
    db.session.expire_all()
    settled = db.session.get(Hire, made.id)
    assert [f.outcome for f in settled.follow_ups] == [
        FollowUpOutcome.STILL_EMPLOYED,
        FollowUpOutcome.CHANGED_EMPLOYER,
        FollowUpOutcome.LEFT,
    ]
    assert settled.sustainable is False
    page = client.get(f"/manage/hires/{made.id}").get_data(as_text=True)
    assert page.count('data-action="follow_up.record"') == 4  # the unreachable call is kept too


# --- The job seeker -------------------------------------------------------------------------------------


def _job_card(client, secret):
    page = client.get(f"/t/{secret}").get_data(as_text=True)
    assert "Bạn đã có việc làm chưa?" in page
    return page, re.search(r'name="client_key" value="([^"]+)"', page).group(1)


def test_a_job_seeker_answers_on_the_ticket_page_and_an_organiser_confirms(db, client, organiser, seen):
    person = seen()
    secret = person.registration.ticket_secret
    page, key = _job_card(client, secret)
    token = csrf_token_from(page)
    refused = client.post(
        f"/t/{secret}/job",
        data={
            "csrf_token": token,
            "client_key": key,
            "answer": "employed",
            "employer_name": "",
            "start_date": "hôm qua",
        },
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Ngày bắt đầu làm: cần một ngày có thật" in text and 'value="hôm qua"' in text
    fields = {
        "csrf_token": token,
        "client_key": key,
        "answer": "employed",
        "start_date": f"{today():%d/%m/%Y}",
    }
    refused = client.post(f"/t/{secret}/job", data={**fields, "employer_name": ""})
    assert "Tên nơi làm việc: vui lòng nhập." in refused.get_data(as_text=True)
    for _twice in range(2):  # a resend is one answer
        sent = client.post(f"/t/{secret}/job", data={**fields, "employer_name": "Công ty May Thái Nguyên"})
        assert sent.status_code == 303
    report = db.session.scalars(sa.select(SelfReport)).one()
    hire = db.session.get(Hire, report.hire_id)
    assert (report.answer, hire.status, hire.follow_ups) == (JobAnswer.EMPLOYED, HireStatus.TO_CONFIRM, [])
    assert "Công ty May Thái Nguyên" in client.get(f"/t/{secret}").get_data(as_text=True)

    sign_in(client, organiser)
    page = client.get(f"/manage/follow-ups?ward={BACH_QUANG}").get_data(as_text=True)
    confirm = page[page.index('id="confirm"') : page.index('id="reports"')]
    assert f'data-hire="{hire.id}"' in confirm
    answer = client.post(
        f"/manage/hires/{hire.id}/confirm",
        data={"csrf_token": csrf_token_from(page), "back": f"/manage/follow-ups?ward={BACH_QUANG}#confirm"},
    )
    assert answer.status_code == 303
    db.session.expire_all()
    hire = db.session.get(Hire, hire.id)
    assert hire.status == HireStatus.CONFIRMED and [f.month for f in hire.follow_ups] == [1, 3, 6]
    assert db.session.get(SelfReport, report.id).handled_at is not None


def test_still_looking_shows_on_the_call_list_until_handled(db, client, organiser, seen):
    person = seen()
    secret = person.registration.ticket_secret
    page, key = _job_card(client, secret)
    sent = client.post(
        f"/t/{secret}/job", data={"csrf_token": csrf_token_from(page), "client_key": key, "answer": "looking"}
    )
    assert sent.status_code == 303
    assert 'data-last-answer="looking"' in client.get(f"/t/{secret}").get_data(as_text=True)
    report = db.session.scalars(sa.select(SelfReport)).one()
    sign_in(client, organiser)
    page = client.get(f"/manage/follow-ups?ward={BACH_QUANG}").get_data(as_text=True)
    assert f'data-report="{report.id}"' in page
    client.post(f"/manage/self-reports/{report.id}/handled", data={"csrf_token": csrf_token_from(page)})
    assert f'data-report="{report.id}"' not in client.get(f"/manage/follow-ups?ward={BACH_QUANG}").get_data(
        as_text=True
    )


def test_the_answer_link_shows_the_given_name_only_and_records_the_answer(db, client, seen, hire, old_fair):
    person = seen(fair=old_fair, name="Nguyễn Thị Hồng Nhung")
    made = hire(person, start_in_days=-40)
    token = answer_links.answer_token(made.follow_ups[0])
    page = client.get(f"/job/{token}").get_data(as_text=True)
    assert "Chào Nhung," in page and "Công việc tại" in page
    assert "Nguyễn Thị Hồng Nhung" not in page and person.registration.attendee.phone not in page
    assert client.get(f"/job/{token}x").status_code == 404
    assert client.get("/job/not-a-token").status_code == 404
    refused = client.post(
        f"/job/{token}", data={"csrf_token": csrf_token_from(page), "outcome": "changed_employer"}
    )
    assert refused.status_code == 422 and "Nơi làm mới: vui lòng nhập" in refused.get_data(as_text=True)
    answer = client.post(
        f"/job/{token}", data={"csrf_token": csrf_token_from(page), "outcome": "still_employed"}
    )
    assert answer.status_code == 303
    db.session.expire_all()
    follow_up = db.session.get(FollowUp, made.follow_ups[0].id)
    assert (follow_up.outcome, follow_up.answered_by, follow_up.by_user_id) == (
        FollowUpOutcome.STILL_EMPLOYED,
        "job_seeker",
        None,
    )
    assert "Cảm ơn bạn đã trả lời!" in client.get(f"/job/{token}").get_data(as_text=True)
