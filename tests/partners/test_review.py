"""Changes an approved partner makes to what the public reads are audited with before/after and shown
to organisers as "changed since approval" until one of them marks them reviewed."""

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.partners import review, services
from fairapp.partners.models import Employer, Vacancy
from tests.conftest import csrf_token_from

VACANCY = {"title": "Công nhân may", "quantity": "20", "benefits": "Bảo hiểm đầy đủ"}
BADGE = "Đã sửa sau khi duyệt"


def public_changes(db) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action.like("%.public_change")).order_by(AuditEntry.id)
        )
    )


def test_an_approved_employer_renaming_itself_is_audited_and_flagged(db, make_user, make_employer):
    employer = make_employer(name="Công ty TNHH May Sông Công", phone="0912345678")
    user = make_user("employer", employer_id=employer.id)

    services.update_employer(employer, {"name": "Công ty TNHH May Sông Công", "phone": "0987654321"}, by=user)
    assert employer.public_changed_at is None and public_changes(db) == []  # a phone is not public

    services.update_employer(employer, {"name": "Công ty TNHH Việc Nhẹ Lương Cao"}, by=user)
    db.session.commit()

    assert employer.public_changed_at is not None
    [entry] = public_changes(db)
    assert entry.action == "employer.public_change" and entry.actor_id == user.id
    assert entry.details["before"] == {"name": "Công ty TNHH May Sông Công"}
    assert entry.details["after"] == {"name": "Công ty TNHH Việc Nhẹ Lương Cao"}


def test_vacancy_text_changes_and_new_vacancies_flag_the_vacancy_and_the_employer(
    db, make_user, make_employer
):
    employer = make_employer()
    user = make_user("employer", employer_id=employer.id)
    vacancy = services.create_vacancy(employer, VACANCY, by=user)
    first = employer.public_changed_at
    assert vacancy.public_changed_at is not None and first is not None
    services.update_vacancy(vacancy, {**VACANCY, "quantity": "25"}, by=user)  # not public text
    assert len(public_changes(db)) == 1

    services.update_vacancy(vacancy, {**VACANCY, "benefits": "Thưởng 10 triệu mỗi tháng"}, by=user)
    db.session.commit()

    entries = public_changes(db)
    assert [e.action for e in entries] == ["vacancy.public_change", "vacancy.public_change"]
    assert entries[0].details["before"]["title"] is None
    assert entries[0].details["after"]["title"] == "Công nhân may"
    assert entries[1].details == {
        "partner": f"employer:{employer.id}",
        "before": {"benefits": "Bảo hiểm đầy đủ"},
        "after": {"benefits": "Thưởng 10 triệu mỗi tháng"},
    }
    assert employer.public_changed_at == first  # the oldest change not yet reviewed


def test_a_programme_rename_flags_the_school(db, make_user, make_school):
    school = make_school()
    staff = make_user("organiser")
    programme = services.create_programme(school, {"name": "Điện dân dụng", "level": "so_cap"}, by=staff)
    assert programme.public_changed_at is None  # staff changes are not flagged
    services.update_programme(
        programme, {"name": "Điện tử cao cấp", "level": "so_cap"}, by=make_user("school", school_id=school.id)
    )
    assert programme.public_changed_at is not None and school.public_changed_at is not None
    [change] = review.changes_since_review(school)
    assert (change.kind, change.item_name, change.before, change.after) == (
        "programme",
        "Điện tử cao cấp",
        {"name": "Điện dân dụng"},
        {"name": "Điện tử cao cấp"},
    )


def test_changes_by_staff_or_before_approval_are_not_flagged(db, make_user, make_employer):
    pending = make_employer(status="pending")
    services.update_employer(
        pending, {"name": "Tên mới khi chờ duyệt"}, by=make_user("employer", employer_id=pending.id)
    )
    approved = make_employer()
    services.update_employer(
        approved, {"name": "Tên do cán bộ sửa", "tax_code": approved.tax_code}, by=make_user("organiser")
    )
    assert pending.public_changed_at is None and approved.public_changed_at is None
    assert public_changes(db) == []


def test_marking_reviewed_clears_the_flags_and_later_changes_start_afresh(db, make_user, make_employer):
    employer = make_employer()
    user = make_user("employer", employer_id=employer.id)
    vacancy = services.create_vacancy(employer, VACANCY, by=user)
    services.update_employer(employer, {"name": "Công ty Mới"}, by=user)
    assert len(review.changes_since_review(employer)) == 2
    organiser = make_user("organiser")

    review.mark_reviewed(employer, by=organiser)
    db.session.commit()

    assert employer.public_changed_at is None and vacancy.public_changed_at is None
    assert review.changes_since_review(employer) == []
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "employer.review")).one()
    assert entry.actor_id == organiser.id
    services.update_vacancy(vacancy, {**VACANCY, "title": "Công nhân may mẫu"}, by=user)
    [change] = review.changes_since_review(employer)
    assert change.after == {"title": "Công nhân may mẫu"}


def test_organisers_see_the_badge_and_the_changes_and_mark_them_reviewed(
    client, auth, db, make_user, make_employer
):
    changed = make_employer(name="Công ty TNHH May Sông Công")
    untouched = make_employer(name="Công ty CP Cơ khí Phổ Yên")
    user = make_user("employer", employer_id=changed.id)
    services.update_employer(changed, {"name": "Công ty TNHH Đổi Tên", "industry": "May mặc"}, by=user)
    services.create_vacancy(changed, VACANCY, by=user)
    db.session.commit()
    auth.login("organiser")

    listing = client.get("/manage/employers").get_data(as_text=True)
    row = listing[listing.index(f'data-employer="{changed.id}"') :]
    assert BADGE in row[: row.index("</tr>")]
    other = listing[listing.index(f'data-employer="{untouched.id}"') :]
    assert BADGE not in other[: other.index("</tr>")]

    page = client.get(f"/manage/employers/{changed.id}").get_data(as_text=True)
    assert BADGE in page and "Thông tin công khai đã thay đổi sau khi duyệt" in page
    assert "Công ty TNHH May Sông Công" in page and "Công ty TNHH Đổi Tên" in page  # before and after
    assert "Tên doanh nghiệp:" in page and "Quyền lợi:" in page

    response = client.post(
        f"/manage/employers/{changed.id}/reviewed",
        data={"csrf_token": csrf_token_from(page)},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Đã đánh dấu là đã xem các thay đổi." in html
    assert BADGE not in html and "Thông tin công khai đã thay đổi sau khi duyệt" not in html
    db.session.expire_all()
    assert db.session.get(Employer, changed.id).public_changed_at is None
    assert all(v.public_changed_at is None for v in db.session.scalars(sa.select(Vacancy)))


def test_a_school_is_flagged_on_the_list_and_reviewed(client, auth, db, make_user, make_school):
    school = make_school(name="Trường Trung cấp Nghề")
    services.update_school(
        school, {"name": "Trường Đại học Danh Giá"}, by=make_user("school", school_id=school.id)
    )
    db.session.commit()
    auth.login("admin")
    listing = client.get("/manage/schools").get_data(as_text=True)
    assert BADGE in listing
    page = client.get(f"/manage/schools/{school.id}").get_data(as_text=True)
    assert "Trường Trung cấp Nghề" in page
    client.post(f"/manage/schools/{school.id}/reviewed", data={"csrf_token": csrf_token_from(page)})
    assert BADGE not in client.get("/manage/schools").get_data(as_text=True)
