"""The organiser's moderation pages: suspend and reinstate with a reason, hide and show a vacancy; and
what the accounts of a suspended partner are told when they try to edit."""

import sqlalchemy as sa

from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.partners.models import Employer, PartnerStatus, School, Vacancy
from tests.conftest import csrf_token_from


def _token(client, url: str) -> str:
    return csrf_token_from(client.get(url).get_data(as_text=True))


def test_organiser_suspends_and_reinstates_an_employer(client, auth, db, make_employer, published_fair):
    employer = make_employer()
    db.session.add(Booth(fair_id=published_fair().id, employer_id=employer.id, status=BoothStatus.CONFIRMED))
    db.session.commit()
    auth.login("organiser")
    url = f"/manage/employers/{employer.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'action="/manage/employers/{employer.id}/suspend"' in page
    token = csrf_token_from(page)

    refused = client.post(f"{url}/suspend", data={"csrf_token": token, "reason": " "}, follow_redirects=True)
    assert "Lý do tạm ngừng: vui lòng nhập lý do." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Employer, employer.id).status == PartnerStatus.APPROVED

    done = client.post(
        f"{url}/suspend",
        data={"csrf_token": token, "reason": "Nợ lương người lao động"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Đã tạm ngừng đơn vị" in done and "Đã rút 1 gian hàng" in done
    assert "Nợ lương người lao động" in done and "Tạm ngừng" in done
    assert f'action="/manage/employers/{employer.id}/reinstate"' in done
    db.session.expire_all()
    assert db.session.get(Employer, employer.id).status == PartnerStatus.SUSPENDED
    assert db.session.scalar(sa.select(Booth.status)) == BoothStatus.CANCELLED
    assert "Tạm ngừng" in client.get("/manage/employers?status=suspended").get_data(as_text=True)

    back = client.post(f"{url}/reinstate", data={"csrf_token": token}, follow_redirects=True)
    assert "Các gian hàng đã rút vẫn ở trạng thái huỷ" in back.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Employer, employer.id).status == PartnerStatus.APPROVED
    assert db.session.scalar(sa.select(Booth.status)) == BoothStatus.CANCELLED


def test_organiser_suspends_a_school(client, auth, db, make_school):
    school = make_school()
    auth.login("admin")
    url = f"/manage/schools/{school.id}"
    client.post(f"{url}/suspend", data={"csrf_token": _token(client, url), "reason": "Hết hạn giấy phép"})
    db.session.expire_all()
    assert db.session.get(School, school.id).status == PartnerStatus.SUSPENDED


def test_the_accounts_of_a_suspended_employer_are_told_they_cannot_edit(client, auth, db, make_employer):
    employer = make_employer(name="Công ty TNHH May Sông Công")
    vacancy = Vacancy(employer_id=employer.id, title="Công nhân may", quantity=5)
    employer.status, employer.suspend_reason = PartnerStatus.SUSPENDED, "Nợ lương người lao động"
    db.session.add(vacancy)
    db.session.commit()
    auth.login("employer", employer_id=employer.id)

    home = client.get("/employer").get_data(as_text=True)
    assert "đang bị tạm ngừng" in home and "Nợ lương người lao động" in home
    assert 'href="/employer/profile"' not in home and f"/employer/vacancies/{vacancy.id}/edit" not in home
    for path in ("/employer/profile", f"/employer/vacancies/{vacancy.id}/edit", "/employer/vacancies/new"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "đã bị từ chối hoặc tạm ngừng" in response.get_data(as_text=True), path
    token = _token(client, "/employer")
    response = client.post("/employer/profile", data={"csrf_token": token, "name": "Công ty Mới"})
    assert response.status_code == 403
    deleted = client.post(f"/employer/vacancies/{vacancy.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 403
    db.session.expire_all()
    assert db.session.get(Employer, employer.id).name == "Công ty TNHH May Sông Công"
    assert db.session.get(Vacancy, vacancy.id) is not None


def test_a_rejected_school_cannot_edit_its_profile(client, auth, db, make_school):
    school = make_school(status="rejected")
    auth.login("school", school_id=school.id)
    assert client.get("/school/profile").status_code == 403


def test_organiser_hides_a_vacancy_and_the_registration_form_drops_it(
    client, auth, db, make_employer, published_fair
):
    employer = make_employer()
    fair = published_fair()
    vacancy = Vacancy(employer_id=employer.id, title="Việc nhẹ lương cao", quantity=50)
    db.session.add(vacancy)
    db.session.flush()
    db.session.add_all(
        [
            VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id),
            Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED),
        ]
    )
    db.session.commit()
    assert "Việc nhẹ lương cao" in client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    auth.login("organiser", ward_codes=[fair.ward_code])
    url = f"/manage/employers/{employer.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'action="/manage/vacancies/{vacancy.id}/hide"' in page

    done = client.post(
        f"/manage/vacancies/{vacancy.id}/hide",
        data={"csrf_token": csrf_token_from(page), "reason": "Tin tuyển dụng lừa đảo"},
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "Đã ẩn vị trí" in done and "Đã bị ẩn" in done and "Tin tuyển dụng lừa đảo" in done
    for path in (f"/fairs/{fair.id}", f"/fairs/{fair.id}/register"):
        assert "Việc nhẹ lương cao" not in client.get(path).get_data(as_text=True), path
    client.post(f"/manage/vacancies/{vacancy.id}/unhide", data={"csrf_token": csrf_token_from(done)})
    assert "Việc nhẹ lương cao" in client.get(f"/fairs/{fair.id}").get_data(as_text=True)


def test_an_organiser_of_another_ward_is_not_offered_the_hide_button(client, auth, db, make_employer):
    from fairapp.geo.models import Ward

    employer = make_employer(ward_code="05528")
    vacancy = Vacancy(employer_id=employer.id, title="Thợ hàn", quantity=5)
    db.session.add(vacancy)
    db.session.commit()
    user = auth.login("organiser")
    user.wards = [db.session.get(Ward, "05518")]
    db.session.commit()
    page = client.get(f"/manage/employers/{employer.id}").get_data(as_text=True)
    assert f"/manage/vacancies/{vacancy.id}/hide" not in page
    refused = client.post(
        f"/manage/vacancies/{vacancy.id}/hide",
        data={"csrf_token": csrf_token_from(page), "reason": "Lý do"},
        follow_redirects=True,
    )
    assert "Chỉ cán bộ phụ trách phường, xã" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Vacancy, vacancy.id).hidden_at is None
