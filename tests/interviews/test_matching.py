"""Job suggestions (fairapp.interviews.matching): ranking and reasons, what is never suggested, the
booth's candidates, the organisers' outreach order."""

import pytest

from fairapp.attendees.models import PriorityGroup
from fairapp.booths.models import BoothStatus
from fairapp.checkins.models import CheckIn
from fairapp.interviews import matching
from fairapp.interviews.models import BoothConsent, Interview, Outcome
from fairapp.modelbase import utcnow
from fairapp.partners.models import EducationLevel, PartnerStatus, VacancyStatus
from tests.interviews.match_factories import employer_booth, school_booth, seeker  # noqa: F401


def _titles(found):
    return [s.title for s in found]


def test_an_exact_title_ranks_first_and_its_reason_names_the_job(make_fair, employer_booth, seeker):
    fair = make_fair()
    employer_booth(fair, "A1", "Công nhân may công nghiệp", "Kế toán")
    employer_booth(fair, "B2", "Công nhân may")
    person = seeker(fair, desired_jobs="Làm công nhân may, bảo vệ")

    found = matching.suggestions(person)

    assert _titles(found)[:2] == ["Công nhân may", "Công nhân may công nghiệp"]
    assert found[0].reason == "Đúng công việc bạn muốn: Công nhân may"
    assert found[1].reason == "Gần với công việc bạn muốn: Công nhân may công nghiệp"
    assert found[2].title == "Kế toán" and not found[2].wished
    booths = matching.booths_for(person, 5)
    assert [b.booth_label for b in booths] == ["B2", "A1"]


def test_folded_words_match_and_rare_words_weigh_more(make_fair, employer_booth, seeker):
    fair = make_fair()
    employer_booth(fair, "A1", "Công nhân điện tử", "Công nhân cơ khí", "Công nhân đóng gói")
    employer_booth(fair, "A2", {"title": "Thợ phụ", "occupation": "May mặc"})
    person = seeker(fair, desired_jobs="cong nhan may")  # typed without diacritics

    found = matching.suggestions(person)

    assert found[0].title == "Thợ phụ" and found[0].why == "close"  # "may" is the rare word
    assert all(not s.wished for s in found[1:])


def test_a_ticked_vacancy_counts_strongly_but_below_an_exact_title(make_fair, employer_booth, seeker):
    fair = make_fair()
    _booth, (ticked,) = employer_booth(fair, "A1", "Nhân viên kho")
    employer_booth(fair, "A2", "Công nhân may mặc")
    employer_booth(fair, "A3", "Lái xe nâng")
    person = seeker(fair, desired_jobs="Lái xe nâng; công nhân may", desired_vacancy_ids=[ticked.id])

    found = matching.suggestions(person)

    assert _titles(found) == ["Lái xe nâng", "Nhân viên kho", "Công nhân may mặc"]
    assert found[1].reason == "Bạn đã chọn vị trí này khi đăng ký: Nhân viên kho"


def test_outside_the_age_range_is_never_suggested(make_fair, employer_booth, seeker):
    fair = make_fair()
    year = matching.fair_year(fair)
    employer_booth(
        fair,
        "A1",
        {"title": "Công nhân may", "age_max": 30},
        {"title": "Công nhân may mẫu", "age_min": 18, "age_max": 45},
        {"title": "Bảo vệ", "age_min": 45},
    )
    person = seeker(fair, birth_year=year - 35, desired_jobs="Công nhân may, bảo vệ")

    found = matching.suggestions(person)

    assert _titles(found) == ["Công nhân may mẫu"]


def test_unmet_schooling_comes_last_with_the_reason(make_fair, employer_booth, seeker):
    fair = make_fair()
    employer_booth(
        fair,
        "A1",
        {"title": "Kế toán", "education": EducationLevel.UPPER_SECONDARY},
        {"title": "Phụ bếp", "education": EducationLevel.LOWER_SECONDARY, "age_min": 18, "age_max": 50},
        {"title": "Tạp vụ"},
    )
    person = seeker(fair, education_level="lower_secondary", desired_jobs="kế toán")

    found = matching.suggestions(person)

    assert _titles(found) == ["Phụ bếp", "Tạp vụ", "Kế toán"]
    assert found[0].reason == "Phù hợp độ tuổi và trình độ: Phụ bếp"
    assert found[1].reason == "Đang tuyển: Tạp vụ"
    assert found[2].underqualified
    assert found[2].reason == "Chưa đủ trình độ (cần Trung học phổ thông): Kế toán"


@pytest.mark.parametrize(
    ("education_level", "qualification", "required", "meets"),
    [
        (None, "college", EducationLevel.UPPER_SECONDARY, True),  # a college degree implies upper secondary
        (None, "college", EducationLevel.COLLEGE, True),
        ("upper_secondary", "college", EducationLevel.UNIVERSITY, False),
        ("upper_secondary", None, EducationLevel.VOCATIONAL, None),  # not known: excludes nothing
        ("upper_secondary", "none", EducationLevel.VOCATIONAL, False),
        (None, "short_course", EducationLevel.VOCATIONAL, True),
        (None, None, EducationLevel.PRIMARY, None),
        ("none", None, EducationLevel.NONE, True),
    ],
)
def test_schooling_and_qualification_against_what_a_vacancy_asks(
    education_level, qualification, required, meets
):
    person = matching.Person.of(
        desired_jobs=None,
        desired_vacancy_ids=None,
        wants_training=False,
        training_wish=None,
        birth_year=None,
        education_level=education_level,
        qualification=qualification,
        year=2026,
    )
    assert person.meets(required) is meets


def test_hidden_closed_and_suspended_are_never_suggested(db, make_fair, employer_booth, seeker):
    fair = make_fair()
    _booth, (hidden, closed, shown) = employer_booth(fair, "A1", "Công nhân may", "Thợ may", "May mẫu")
    hidden.hidden_at = utcnow()
    closed.status = VacancyStatus.CLOSED
    employer_booth(fair, "A2", "Công nhân may", status=PartnerStatus.SUSPENDED)
    cancelled, _vacancies = employer_booth(fair, "A3", "Công nhân may")
    cancelled.status = BoothStatus.CANCELLED
    db.session.commit()
    person = seeker(fair, desired_jobs="công nhân may, thợ may")

    assert [(s.booth_label, s.title) for s in matching.suggestions(person)] == [("A1", "May mẫu")]


def test_programmes_follow_the_wish_to_train(make_fair, school_booth, seeker):
    fair = make_fair()
    school_booth(fair, "C1", "May thời trang", "Điện công nghiệp")
    school_booth(fair, "C2", "Sửa chữa ô tô")

    wish = matching.suggestions(seeker(fair, wants_training=True, training_wish="điện công nghiệp"))
    assert wish[0].reason == "Bạn muốn học nghề: Điện công nghiệp"
    assert {s.why for s in wish[1:]} == {"training"}
    assert matching.suggestions(seeker(fair, "Trần Văn An")) == []  # no wish to train: no school


def test_ties_are_broken_by_booth_label_then_name(make_fair, employer_booth, seeker):
    fair = make_fair()
    employer_booth(fair, "A10", "Bảo vệ")
    employer_booth(fair, "A2", "Bảo vệ")
    employer_booth(fair, None, "Bảo vệ", name="Công ty Ánh Dương")
    employer_booth(fair, "A3", "Bảo vệ")
    person = seeker(fair, desired_jobs="bảo vệ")

    assert [s.booth_label for s in matching.booths_for(person, 5)] == ["A2", "A3", "A10", None]
    assert matching.booths_for(person, 2) == matching.booths_for(person, 5)[:2]


# --- candidates_for_booth ---------------------------------------------------------------------------


def test_candidates_leave_out_who_the_booth_recorded_and_show_only_the_card(
    db, make_fair, employer_booth, seeker
):
    fair = make_fair()
    booth, (sewing,) = employer_booth(fair, "A1", "Công nhân may")
    poor = seeker(
        fair,
        "Lò Thị Mai",
        share=True,
        priority_group=PriorityGroup.POOR,
        citizen_id="019190001234",
        desired_jobs="công nhân may",
    )
    recorded = seeker(fair, "Hà Văn Bình", share=True, desired_jobs="công nhân may")
    hidden = seeker(fair, "Vi Thị Cúc", desired_jobs="công nhân may")  # shares with no booth
    consented = seeker(fair, "Đinh Văn Dũng", desired_vacancy_ids=[sewing.id])  # shares with this booth
    seeker(fair, "Mã Thị Én", share=True, desired_jobs="kế toán")  # wants something else
    db.session.add(
        Interview(
            fair_id=fair.id,
            booth_id=booth.id,
            employer_id=booth.employer_id,
            registration_id=recorded.id,
            attendee_id=recorded.attendee_id,
            outcome=Outcome.INTERVIEWED,
        )
    )
    db.session.add(
        BoothConsent(registration_id=consented.id, booth_id=booth.id, version="1", given_at=utcnow())
    )
    db.session.commit()

    found = matching.candidates_for_booth(booth, 10)

    assert [c.card.registration_id for c in found] == [poor.id, consented.id]
    assert hidden.id not in [c.card.registration_id for c in found]
    shown = found[0].as_dict()
    assert (
        shown["name"] == "Lò Thị Mai" and shown["reason"] == "Muốn đúng công việc: Công nhân may"
    )  # about the person
    assert shown["vacancy_id"] == sewing.id
    assert not {"priority_group", "phone", "citizen_id", "household_code", "address"} & shown.keys()
    text = repr(shown)
    assert poor.attendee.phone not in text and "019190001234" not in text and "poor" not in text
    assert found[1].as_dict()["reason"] == "Đã chọn vị trí này khi đăng ký: Công nhân may"
    assert matching.candidates_for_booth(booth, 1) == found[:1]


def test_a_booth_the_public_does_not_see_has_no_candidates(db, make_fair, employer_booth, seeker):
    fair = make_fair()
    booth, _vacancies = employer_booth(fair, "A1", "Công nhân may", status=PartnerStatus.SUSPENDED)
    seeker(fair, share=True, desired_jobs="công nhân may")
    assert matching.candidates_for_booth(booth) == []


# --- outreach ---------------------------------------------------------------------------------------


def test_outreach_puts_priority_groups_first(db, make_fair, employer_booth, seeker):
    fair = make_fair()
    employer_booth(fair, "A1", "Công nhân may", "Bảo vệ")
    employer_booth(fair, "A2", "Lái xe")
    employer_booth(fair, "A3", "Kế toán")
    employer_booth(fair, "A4", "Tạp vụ")
    people = [
        seeker(fair, "An Văn Bình", desired_jobs="lái xe"),
        seeker(fair, "Bùi Thị Chi", priority_group=PriorityGroup.ESCAPED_POVERTY),
        seeker(fair, "Cao Văn Dũng", priority_group=PriorityGroup.POOR, desired_jobs="bảo vệ"),
        seeker(fair, "Đỗ Thị Em", priority_group=PriorityGroup.NEAR_POOR),
        seeker(fair, "Âu Văn An", priority_group=PriorityGroup.POOR),
    ]
    db.session.add(
        CheckIn(fair_id=fair.id, registration_id=people[2].id, checked_in_at=utcnow(), source="manual")
    )
    db.session.commit()

    page = matching.outreach(fair)

    assert [row.full_name for row in page.items] == [
        "Âu Văn An",
        "Cao Văn Dũng",
        "Đỗ Thị Em",
        "Bùi Thị Chi",
        "An Văn Bình",
    ]
    assert page.total == 5
    dung = page.items[1]
    assert dung.checked_in and not page.items[0].checked_in
    assert len(dung.suggestions) == 3 and dung.suggestions[0].reason == "Đúng công việc bạn muốn: Bảo vệ"
    assert matching.outreach(fair, page=2, per_page=2).items[0].full_name == "Đỗ Thị Em"
