"""Partner pages: public registration, organiser approval, the employer's own pages and tenancy."""

import sqlalchemy as sa

from fairapp.auth.models import User
from fairapp.partners.models import Employer, PartnerStatus, Vacancy
from tests.conftest import csrf_token_from
from tests.partners.conftest import TAX_A

FORM = {
    "name": "Công ty CP Cơ khí Sông Công",
    "tax_code": TAX_A,
    "industry": "Cơ khí",
    "address": "Tổ 5",
    "ward_code": "05518",
    "contact_name": "Lê Văn Hùng",
    "phone": "0912345678",
    "email": "hr@cokhi.vn",
    "account_full_name": "Lê Văn Hùng",
    "account_email": "hung@cokhi.vn",
    "account_phone": "",
    "password": "mat-khau-1",
    "password_again": "mat-khau-1",
}


def post_form(client, url, data):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_public_registration_creates_pending_employer_and_account(client, db):
    page = client.get("/employers/register")
    assert page.status_code == 200 and "Mã số thuế" in page.get_data(as_text=True)
    response = post_form(client, "/employers/register", FORM)
    assert response.status_code == 302
    employer = db.session.scalar(sa.select(Employer))
    assert employer.status == PartnerStatus.PENDING and employer.tax_code == TAX_A
    user = db.session.scalar(sa.select(User).where(User.email == "hung@cokhi.vn"))
    assert user.employer_id == employer.id


def test_registration_errors_are_shown_per_field_and_nothing_saved(client, db):
    response = post_form(
        client, "/employers/register", {**FORM, "tax_code": "0101234566", "password_again": "x"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nhập lại mật khẩu: không khớp" in html
    response = post_form(client, "/employers/register", {**FORM, "tax_code": "0101234566", "phone": "123"})
    html = response.get_data(as_text=True)
    assert "chữ số kiểm tra" in html and "Số điện thoại: số điện thoại Việt Nam không hợp lệ" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_duplicate_tax_code_on_the_form(client, db, make_employer):
    make_employer(tax_code=TAX_A)
    response = post_form(client, "/employers/register", FORM)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "đã được đăng ký" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_pending_employer_signs_in_sees_waiting_and_cannot_act(client, auth, make_employer):
    employer = make_employer(status="pending")
    auth.login("employer", employer_id=employer.id)
    html = client.get("/employer").get_data(as_text=True)
    assert "đang chờ duyệt" in html
    assert client.get("/employer/vacancies/new").status_code == 403
    assert client.get("/team").status_code == 200  # the page; adding is refused
    assert "đang chờ duyệt" in client.get("/booths").get_data(as_text=True)


def test_organiser_approves_and_rejects_with_reason(client, auth, db, make_employer):
    employer = make_employer(status="pending")
    auth.login("organiser")
    listing = client.get("/manage/employers?status=pending").get_data(as_text=True)
    assert employer.name in listing
    url = f"/manage/employers/{employer.id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(f"{url}/reject", data={"csrf_token": token, "reason": ""}, follow_redirects=True)
    assert "Lý do từ chối: vui lòng nhập lý do." in response.get_data(as_text=True)
    client.post(f"{url}/reject", data={"csrf_token": token, "reason": "Thiếu giấy phép"})
    db.session.refresh(employer)
    assert employer.status == PartnerStatus.REJECTED and employer.reject_reason == "Thiếu giấy phép"
    client.post(f"{url}/approve", data={"csrf_token": token})
    db.session.refresh(employer)
    assert employer.status == PartnerStatus.APPROVED
    assert employer.name not in client.get("/manage/employers?status=pending").get_data(as_text=True)


def test_employer_adds_vacancy_and_bad_input_is_refused(client, auth, db, make_employer, published_fair):
    employer = make_employer()
    fair = published_fair()
    auth.login("employer", employer_id=employer.id)
    data = {
        "title": "Thợ hàn",
        "quantity": "0",
        "salary_min": "9000000",
        "salary_max": "7000000",
        "deadline": "01/01/2020",
        "status": "open",
        "education": "",
    }
    html = post_form(client, "/employer/vacancies/new", data).get_data(as_text=True)
    assert "Số lượng cần tuyển: phải lớn hơn 0." in html
    assert "Lương đến: phải lớn hơn hoặc bằng Lương từ." in html
    assert "Hạn nộp hồ sơ: không được ở trong quá khứ." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vacancy)) == 0
    response = post_form(
        client,
        "/employer/vacancies/new",
        {
            **data,
            "quantity": "5",
            "salary_min": "",
            "salary_max": "",
            "deadline": "",
            "fair_ids": str(fair.id),
        },
    )
    assert response.status_code == 302
    page = client.get("/employer").get_data(as_text=True)
    assert "Thợ hàn" in page and "Thoả thuận" in page


def test_tenancy_employer_a_never_sees_employer_b(client, auth, db, make_user, make_employer):
    from fairapp.partners import services

    a, b = make_employer(), make_employer()
    theirs = services.create_vacancy(b, {"title": "Kế toán bí mật", "quantity": 1}, by=make_user("admin"))
    db.session.commit()
    auth.login("employer", employer_id=a.id)
    assert "Kế toán bí mật" not in client.get("/employer").get_data(as_text=True)
    assert client.get(f"/employer/vacancies/{theirs.id}/edit").status_code == 404
    token = csrf_token_from(client.get("/employer").get_data(as_text=True))
    assert (
        client.post(f"/employer/vacancies/{theirs.id}/delete", data={"csrf_token": token}).status_code == 404
    )
    assert (
        client.post(
            f"/employer/vacancies/{theirs.id}/edit",
            data={"csrf_token": token, "title": "Đổi", "quantity": "3"},
        ).status_code
        == 404
    )
    db.session.refresh(theirs)
    assert theirs.title == "Kế toán bí mật"
    assert client.get(f"/manage/employers/{b.id}").status_code == 403
    assert client.get("/manage/employers").status_code == 403


def test_school_acting_as_employer_gets_403(client, auth, make_school):
    auth.login("school", school_id=make_school().id)
    for url in ("/employer", "/employer/vacancies/new", "/employer/profile", "/employer/vacancies/1/edit"):
        assert client.get(url).status_code == 403, url
    assert client.get("/school").status_code == 200


def test_school_adds_programme(client, auth, db, make_school):
    school = make_school()
    auth.login("school", school_id=school.id)
    response = post_form(
        client,
        "/school/programmes/new",
        {
            "name": "Điện dân dụng",
            "level": "so_cap",
            "duration_months": "3",
            "seats": "30",
            "tuition": "2.400.000",
        },
    )
    assert response.status_code == 302
    html = client.get("/school").get_data(as_text=True)
    assert "Điện dân dụng" in html and "2.400.000" in html
