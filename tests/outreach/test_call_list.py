"""The outreach call list of a ward (/manage/households/outreach): the next fair (the ward's own, else
the province's soonest), its sections (to call, will come but not registered, missing information),
the phone to call, the one-tap answers (and their counting as a need recorded for coverage), the
invitations through the outbox (once per member and fair), pagination, who may use it, the audit, and
bad input answered by a translated 4xx."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.attendees.models import Attendee, Channel, Gender, Registration
from fairapp.audit.models import AuditEntry
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import local_day
from fairapp.households.models import Category, Household, HouseholdMember, MemberGender
from fairapp.messages import senders, texts
from fairapp.messages.models import Message, MessageKind, MessageStatus
from fairapp.modelbase import utcnow
from fairapp.outreach import call_list
from fairapp.outreach.coverage import coverage
from fairapp.outreach.models import ContactOutcome, OutreachContact
from fairapp.text import fold
from tests.conftest import csrf_token_from

BACH_QUANG, SONG_CONG, BA_XUYEN = "05528", "05518", "05533"
PAGE = "/manage/households/outreach"


def today():
    return local_day(utcnow())


def this_year_born(age: int) -> int:
    return today().year - age


def make_fair(ward_code=BACH_QUANG, *, days=5, status=FairStatus.PUBLISHED, title=None):
    starts = (utcnow() + timedelta(days=days)).replace(microsecond=0)
    fair = Fair(
        title=title or f"Phiên việc làm {ward_code} +{days}",
        ward_code=ward_code,
        venue_name="Nhà văn hoá tổ 3",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        status=status,
    )
    db.session.add(fair)
    db.session.commit()
    return fair


def make_household(code="H1", *, ward_code=BACH_QUANG, category=Category.POOR, phone=None, village="Tổ 3"):
    household = Household(
        ward_code=ward_code,
        household_code=code,
        category=category,
        list_year=today().year,
        village=village,
        phone=phone,
    )
    db.session.add(household)
    db.session.flush()
    return household


def make_member(household, name, *, age=30, phone=None, gender=MemberGender.FEMALE, **fields):
    member = HouseholdMember(
        household_id=household.id,
        full_name=name,
        name_key=fold(name),
        birth_year=this_year_born(age),
        gender=gender,
        phone=phone,
        **fields,
    )
    db.session.add(member)
    db.session.flush()
    return member


def match(member, *, phone="0987000001", register_for=None):
    """A person the list matched to `member` (as fairapp.attendees.verification does), registered for a
    fair when asked."""
    person = Attendee(
        full_name=member.full_name,
        name_key=member.name_key,
        phone=phone,
        birth_year=member.birth_year,
        gender=Gender.FEMALE,
        ward_code=member.household.ward_code,
        household_member_id=member.id,
    )
    db.session.add(person)
    db.session.flush()
    if register_for is not None:
        db.session.add(
            Registration(
                fair_id=register_for.id,
                attendee_id=person.id,
                channel=Channel.ONLINE,
                consent_personal_data_version="2025-01",
                consent_personal_data_at=utcnow(),
            )
        )
    db.session.flush()
    return person


def answered(member, outcome, fair=None, *, days_ago=1, retry_on=None):
    db.session.add(
        OutreachContact(
            member_id=member.id,
            fair_id=fair.id if fair else None,
            outcome=outcome,
            retry_on=retry_on,
            at=utcnow() - timedelta(days=days_ago),
        )
    )
    db.session.flush()


@pytest.fixture()
def ward(db):
    """Bách Quang's list and its next fair (in 5 days; Sông Công has one sooner):

    H1 (phone 0912000100)  an   own phone             → to call
                           binh no phone of her own   → to call, the household's phone
                           chi  registered for the fair → not listed
                           dung has a job (this fair)  → not listed
                           em   unreachable, retry day passed → to call
                           gia  unreachable, retry in 2 days  → not listed
    H2 (no phone)          hoa  will come              → will come
                           khoa moved (about no fair)  → not listed
                           lan  not looking, about an older fair → to call (another fair's answer)
                           minh only a matched person's phone → to call
                           nhi  12 years old           → not listed
                           oanh no phone at all        → to call
                           xoa  erased                  → not listed (counted for coverage still)
    Sông Công's list       son                          → never on Bách Quang's list"""
    fair = make_fair(days=5, title="Phiên giao dịch việc làm Bách Quang tháng này")
    make_fair(SONG_CONG, days=2)
    older = make_fair(days=-30, status=FairStatus.CLOSED)
    h1 = make_household("H1", phone="0912000100")
    h2 = make_household("H2", category=Category.NEAR_POOR, village="Tổ 7")
    m = {
        "an": make_member(h1, "Nguyễn Văn An", phone="0912000001", gender=MemberGender.MALE),
        "binh": make_member(h1, "Trần Thị Bình"),
        "chi": make_member(h1, "Lê Thị Chi", phone="0912000003"),
        "dung": make_member(h1, "Phạm Thị Dung", phone="0912000004"),
        "em": make_member(h1, "Đỗ Văn Em", phone="0912000005"),
        "gia": make_member(h1, "Vũ Thị Gia", phone="0912000006"),
        "hoa": make_member(h2, "Hoàng Thị Hoa", phone="0912000007"),
        "khoa": make_member(h2, "Bùi Văn Khoa", phone="0912000008"),
        "lan": make_member(h2, "Đặng Thị Lan", phone="0912000009"),
        "minh": make_member(h2, "Ngô Văn Minh"),
        "nhi": make_member(h2, "Ngô Thị Nhi", age=12, phone="0912000011"),
        "oanh": make_member(h2, "Ngô Thị Oanh"),
        "xoa": make_member(h2, "Người đã xoá", phone="0912000013", erased_at=utcnow()),
        "son": make_member(make_household("S1", ward_code=SONG_CONG), "Trịnh Văn Sơn", phone="0912000012"),
    }
    match(m["chi"], phone="0987000003", register_for=fair)
    match(m["minh"], phone="0987000010")
    answered(m["dung"], ContactOutcome.HAS_JOB, fair)
    answered(m["em"], ContactOutcome.UNREACHABLE, fair, days_ago=4, retry_on=today() - timedelta(days=1))
    answered(m["gia"], ContactOutcome.UNREACHABLE, fair, retry_on=today() + timedelta(days=2))
    answered(m["hoa"], ContactOutcome.WILL_COME, fair)
    answered(m["khoa"], ContactOutcome.MOVED, None, days_ago=40)
    answered(m["lan"], ContactOutcome.NOT_LOOKING, older, days_ago=35)
    db.session.commit()
    return {"fair": fair, "members": m}


@pytest.fixture()
def organiser(auth):
    return auth.login("organiser", ward_codes=[BACH_QUANG])


def section_members(html: str, name: str) -> list[int]:
    found = re.search(rf'<table[^>]*data-section="{name}">(.*?)</table>', html, re.S)
    return [int(n) for n in re.findall(r'data-member="(\d+)"', found.group(1))] if found else []


def ids(ward, *keys) -> list[int]:
    return [ward["members"][key].id for key in keys]


def page(client, query=f"?ward={BACH_QUANG}", status=200) -> str:
    response = client.get(PAGE + query)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def tap(client, member_id, outcome, *, html=None, back=None):
    token = csrf_token_from(html or page(client))
    data = {"csrf_token": token, "outcome": outcome}
    if back:
        data["back"] = back
    return client.post(f"{PAGE}/{member_id}/answer", data=data)


def audit(action):
    db.session.rollback()
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def messages():
    db.session.rollback()
    return db.session.scalars(sa.select(Message).order_by(Message.id)).all()


# --- The list ------------------------------------------------------------------------------------------


def test_the_sections_of_the_ward(ward, client, organiser):
    html = page(client)
    # by village, household, then name without diacritics: Tổ 3 (H1: Đỗ, Nguyễn, Trần), Tổ 7 (H2)
    assert section_members(html, "to_call") == ids(ward, "em", "an", "binh", "lan", "oanh", "minh")
    assert section_members(html, "will_come") == ids(ward, "hoa")
    assert f'data-fair="{ward["fair"].id}" data-in-ward="yes"' in html
    assert "Phiên giao dịch việc làm Bách Quang tháng này" in html
    # the phone to call: the member's own, else the matched person's, else the household's
    assert 'href="tel:0912000001"' in html  # An's own
    assert 'href="tel:0987000010"' in html  # Minh: the matched person's
    binh = re.search(rf'data-member="{ward["members"]["binh"].id}">(.*?)</tr>', html, re.S).group(1)
    assert 'href="tel:0912000100"' in binh  # Bình: the household's
    oanh = re.search(rf'data-member="{ward["members"]["oanh"].id}">(.*?)</tr>', html, re.S).group(1)
    assert "tel:" not in oanh and "Chưa có số điện thoại" in oanh and "data-invite=" not in oanh
    entry = audit("outreach.call_list")[-1]
    assert entry.actor_id == organiser.id
    assert entry.details["ward_code"] == BACH_QUANG and entry.details["fair_id"] == ward["fair"].id
    assert entry.details["to_call"] == 6 and entry.details["will_come"] == 1


def test_the_next_fair_is_the_wards_own_else_the_provinces_soonest(ward, client, organiser):
    fair = ward["fair"]
    fair.recorded_status = FairStatus.CANCELLED
    db.session.commit()
    html = page(client)
    sooner = db.session.scalars(sa.select(Fair).where(Fair.ward_code == SONG_CONG)).one()
    assert f'data-fair="{sooner.id}" data-in-ward="no"' in html
    assert "chưa có phiên sắp tới: đây là phiên sớm nhất trong tỉnh, tại Phường Sông Công" in html
    # Answers about the cancelled fair do not count for the other one: Dung and Hoa are to call again
    assert set(ids(ward, "dung", "hoa")) <= set(section_members(html, "to_call"))
    sooner.recorded_status = FairStatus.DRAFT
    db.session.commit()
    html = page(client)
    assert 'data-fair="" data-in-ward="no"' in html
    assert "Chưa có phiên nào sắp diễn ra" in html and "data-invite" not in html
    assert "tap-will-come" not in html


def test_next_fair_skips_drafts_cancelled_and_ended_fairs(db):
    from fairapp.geo.services import get_ward

    make_fair(days=1, status=FairStatus.DRAFT)
    make_fair(days=2, status=FairStatus.CANCELLED)
    make_fair(days=-1, status=FairStatus.OPEN)  # ended yesterday
    assert call_list.next_fair(get_ward(BACH_QUANG), utcnow()) is None
    running = make_fair(days=0, status=FairStatus.OPEN)  # started now, ends in 4 hours
    later = make_fair(days=3)
    found = call_list.next_fair(get_ward(BACH_QUANG), utcnow() + timedelta(minutes=1))
    assert found.fair.id == running.id and found.in_ward
    found = call_list.next_fair(get_ward(BACH_QUANG), utcnow() + timedelta(hours=5))
    assert found.fair.id == later.id


def test_long_sections_are_paginated(ward, client, organiser):
    household = make_household("H9", village="Tổ 9")
    for n in range(14):
        make_member(household, f"Người thứ {n:02d}", phone=f"09130001{n:02d}")
    db.session.commit()
    first = page(client)
    assert len(section_members(first, "to_call")) == call_list.PER_PAGE == 15
    assert "Trang 1 / 2" in first and "p_to_call=2" in first
    second = page(client, f"?ward={BACH_QUANG}&p_to_call=2")
    assert len(section_members(second, "to_call")) == 20 - 15
    assert section_members(page(client, f"?ward={BACH_QUANG}&p_to_call=99"), "to_call") == section_members(
        second, "to_call"
    )


def test_people_missing_labour_information_are_listed(ward, client, organiser):
    person = match(ward["members"]["an"], phone="0987000111")
    person.labour_consent_at = utcnow()
    db.session.commit()
    html = page(client)
    found = re.search(r'data-section="missing">(.*?)</table>', html, re.S)
    assert found and f'data-attendee="{person.id}"' in found.group(1)
    assert "Dân tộc" in found.group(1) and 'href="tel:0987000111"' in found.group(1)


# --- One-tap answers ------------------------------------------------------------------------------------


def test_will_come_moves_the_member_and_is_audited(ward, client, organiser):
    an = ward["members"]["an"]
    response = tap(client, an.id, "will_come", back=f"{PAGE}?ward={BACH_QUANG}#to_call")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{PAGE}?ward={BACH_QUANG}#to_call")
    html = page(client)
    assert "Đã ghi: Nguyễn Văn An sẽ đến phiên." in html
    assert an.id not in section_members(html, "to_call") and an.id in section_members(html, "will_come")
    contact = db.session.scalars(sa.select(OutreachContact).where(OutreachContact.member_id == an.id)).one()
    assert (contact.outcome, contact.fair_id, contact.by, contact.retry_on) == (
        ContactOutcome.WILL_COME,
        ward["fair"].id,
        organiser.id,
        None,
    )
    entry = audit("outreach.contact")[-1]
    assert entry.details == {
        "member_id": an.id,
        "fair_id": ward["fair"].id,
        "outcome": "will_come",
        "retry_on": None,
    }


def test_unreachable_comes_back_on_the_retry_day(ward, client, organiser, app):
    an = ward["members"]["an"]
    assert tap(client, an.id, "unreachable").status_code == 303
    retry_on = today() + timedelta(days=app.config["OUTREACH_RETRY_DAYS"])
    html = page(client)
    assert f"gọi lại ngày {retry_on:%d/%m/%Y}" in html
    assert an.id not in section_members(html, "to_call")
    contact = db.session.scalars(sa.select(OutreachContact).where(OutreachContact.member_id == an.id)).one()
    assert contact.retry_on == retry_on
    contact.retry_on = today()
    db.session.commit()
    assert an.id in section_members(page(client), "to_call")


@pytest.mark.parametrize("outcome", ["has_job", "not_looking", "moved"])
def test_a_final_answer_takes_the_member_off_and_counts_as_reached(ward, client, organiser, outcome):
    an = ward["members"]["an"]
    before = coverage(BACH_QUANG, today().year, today=today())
    assert tap(client, an.id, outcome).status_code == 303
    html = page(client)
    assert an.id not in section_members(html, "to_call") + section_members(html, "will_come")
    after = coverage(BACH_QUANG, today().year, today=today())
    assert after.reached == before.reached + 1
    assert after.members_working_age == before.members_working_age


def test_unreachable_is_no_need_recorded(ward, client, organiser):
    an = ward["members"]["an"]
    before = coverage(BACH_QUANG, today().year, today=today())
    assert tap(client, an.id, "unreachable").status_code == 303
    assert coverage(BACH_QUANG, today().year, today=today()).reached == before.reached


def test_an_unknown_outcome_is_a_translated_422_and_stores_nothing(ward, client, organiser):
    an = ward["members"]["an"]
    response = tap(client, an.id, "gone_fishing")
    assert response.status_code == 422
    assert "Kết quả cuộc gọi: chọn một trong các nút của danh sách." in response.get_data(as_text=True)
    assert (
        db.session.scalars(sa.select(OutreachContact).where(OutreachContact.member_id == an.id)).all() == []
    )
    assert tap(client, an.id, "").status_code == 422


def test_will_come_without_any_fair_is_refused(ward, client, organiser):
    db.session.execute(sa.update(Fair).values({Fair.recorded_status: FairStatus.CANCELLED}))
    db.session.commit()
    response = tap(client, ward["members"]["an"].id, "will_come")
    assert response.status_code == 409
    assert "Chưa có phiên nào sắp diễn ra" in response.get_data(as_text=True)
    # a need can still be recorded without a fair
    assert tap(client, ward["members"]["an"].id, "has_job").status_code == 303


def test_a_member_of_another_ward_or_no_member_is_refused(ward, client, organiser):
    html = page(client)
    response = tap(client, ward["members"]["son"].id, "has_job", html=html)
    assert response.status_code == 403
    assert "Bạn không được xem danh sách hộ của phường, xã này." in response.get_data(as_text=True)
    assert tap(client, 999_999, "has_job", html=html).status_code == 404
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutreachContact)) == 6  # the fixture's


def test_a_tap_without_its_csrf_token_is_refused(ward, client, organiser):
    response = client.post(f"{PAGE}/{ward['members']['an'].id}/answer", data={"outcome": "has_job"})
    assert 400 <= response.status_code < 500
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutreachContact)) == 6


# --- Invitations ------------------------------------------------------------------------------------------


def test_an_invitation_is_queued_once_for_two_presses(ward, client, organiser):
    an = ward["members"]["an"]
    html = page(client)
    token = csrf_token_from(html)
    first = client.post(f"{PAGE}/{an.id}/invite", data={"csrf_token": token})
    second = client.post(f"{PAGE}/{an.id}/invite", data={"csrf_token": token})
    assert first.status_code == second.status_code == 303
    sent = messages()
    assert len(sent) == 1
    message = sent[0]
    fair = ward["fair"]
    assert (message.kind, message.key, message.phone) == (
        MessageKind.FAIR_INVITATION,
        f"fair_invitation:{fair.id}:{an.id}",
        "0912000001",
    )
    assert message.params["fair"] == fair.title and message.params["link"].endswith(
        f"/fairs/{fair.id}/register"
    )
    assert message.text.startswith("Mời bạn dự Phiên giao dịch việc làm Bách Quang tháng này")
    assert len(texts.plain_ascii(message.text)) <= texts.SMS_LENGTH
    assert [entry.details["queued"] for entry in audit("outreach.invitation")] == [True, False]
    html = page(client)
    assert "đã được mời dự phiên này trước đó" in html


def test_invite_a_whole_section_once(ward, client, organiser):
    token = csrf_token_from(page(client))
    data = {"csrf_token": token, "ward": BACH_QUANG, "section": "to_call"}
    assert client.post(f"{PAGE}/invite", data=data).status_code == 303
    # An, Bình (household phone), Em, Lan, Minh (matched person's phone); Oanh has no phone
    assert {m.key.rsplit(":", 1)[1] for m in messages()} == {
        str(i) for i in ids(ward, "an", "binh", "em", "lan", "minh")
    }
    minh = next(m for m in messages() if m.key.endswith(f":{ward['members']['minh'].id}"))
    assert minh.phone == "0987000010" and minh.attendee_id is not None
    assert (
        "Đã xếp 5 lời mời; 0 người đã được mời trước đó (không gửi lại); 1 người chưa có số điện thoại."
        in (page(client))
    )
    assert client.post(f"{PAGE}/invite", data=data).status_code == 303
    assert len(messages()) == 5
    assert [entry.details for entry in audit("outreach.invitations")][-1] == {
        "ward_code": BACH_QUANG,
        "section": "to_call",
        "queued": 0,
        "before": 5,
        "no_phone": 1,
    }


def test_an_opted_out_phone_is_stored_skipped(ward, client, organiser):
    from fairapp.messages import outbox

    outbox.opt_out("0912000001", source="staff")
    db.session.commit()
    token = csrf_token_from(page(client))
    assert (
        client.post(f"{PAGE}/{ward['members']['an'].id}/invite", data={"csrf_token": token}).status_code
        == 303
    )
    assert [m.status for m in messages()] == [MessageStatus.SKIPPED]
    assert "Không gửi được lời mời cho Nguyễn Văn An" in page(client)


def test_invitations_refused_without_a_phone_a_fair_or_a_known_section(ward, client, organiser):
    token = csrf_token_from(page(client))
    oanh = ward["members"]["oanh"]
    no_phone = client.post(f"{PAGE}/{oanh.id}/invite", data={"csrf_token": token})
    assert no_phone.status_code == 422
    assert "Chưa có số điện thoại của người này" in no_phone.get_data(as_text=True)
    unknown = client.post(f"{PAGE}/invite", data={"csrf_token": token, "ward": BACH_QUANG, "section": "x"})
    assert unknown.status_code == 422 and "Mục: chọn một mục của danh sách." in unknown.get_data(as_text=True)
    db.session.execute(sa.update(Fair).values({Fair.recorded_status: FairStatus.CANCELLED}))
    db.session.commit()
    no_fair = client.post(f"{PAGE}/{ward['members']['an'].id}/invite", data={"csrf_token": token})
    assert no_fair.status_code == 409
    everyone = client.post(
        f"{PAGE}/invite", data={"csrf_token": token, "ward": BACH_QUANG, "section": "to_call"}
    )
    assert everyone.status_code == 409
    assert messages() == []
    other = client.post(f"{PAGE}/invite", data={"csrf_token": token, "ward": SONG_CONG, "section": "to_call"})
    assert other.status_code == 403


def test_the_zalo_template_of_the_invitation(ward, app, monkeypatch):
    sent = []
    monkeypatch.setattr(
        senders,
        "post_json",
        lambda url, body, **_kw: sent.append(body) or {"error": 0, "data": {"msg_id": "z1"}},
    )
    from fairapp.messages import notices

    message = notices.fair_invitation(ward["members"]["an"].id, ward["fair"], "0912000001")
    db.session.commit()
    sender = senders.ZaloZnsSender({"url": "https://zns.example/t", "templates": {"fair_invitation": "777"}})
    assert sender.send(message) == "z1"
    assert sent[0]["template_id"] == "777" and sent[0]["phone"] == "84912000001"
    assert set(sent[0]["template_data"]) == {"fair", "date", "time", "venue", "link"}
    assert sent[0]["tracking_id"] == f"fair_invitation:{ward['fair'].id}:{ward['members']['an'].id}"


# --- Who may use it ---------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["employer", "gate", "school"])
def test_other_roles_are_refused(ward, client, auth, role):
    auth.login(role)
    assert client.get(f"{PAGE}?ward={BACH_QUANG}").status_code == 403
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert (
        client.post(
            f"{PAGE}/{ward['members']['an'].id}/answer", data={"csrf_token": token, "outcome": "has_job"}
        ).status_code
        == 403
    )


def test_an_organiser_of_another_ward_gets_403(ward, client, auth):
    auth.login("organiser", ward_codes=[SONG_CONG])
    assert client.get(f"{PAGE}?ward={BACH_QUANG}").status_code == 403
    html = page(client, "")  # their own ward by default
    assert section_members(html, "to_call") == ids(ward, "son")
    assert audit("outreach.call_list")[-1].details["ward_code"] == SONG_CONG


def test_an_admin_chooses_any_ward(ward, client, auth):
    auth.login("admin")
    html = page(client, "")
    assert "Chọn một phường/xã để xem danh sách cần gọi." in html and audit("outreach.call_list") == []
    assert f'<option value="{BACH_QUANG}"' in html and f'<option value="{SONG_CONG}"' in html
    assert section_members(page(client), "to_call") == ids(ward, "em", "an", "binh", "lan", "oanh", "minh")
    assert client.get(f"{PAGE}?ward=99999").status_code == 403
