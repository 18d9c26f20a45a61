from tests.conftest import PASSWORD, csrf_token_from


def test_login_and_home(client, auth):
    user = auth.login("admin")
    page = client.get("/")
    assert page.status_code == 200
    assert user.full_name in page.get_data(as_text=True)


def test_wrong_password_and_unknown_account_read_the_same(client, make_user):
    user = make_user("organiser")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    wrong = client.post("/login", data={"login": user.email, "password": "nope-nope", "csrf_token": token})
    unknown = client.post(
        "/login", data={"login": "nobody@example.vn", "password": PASSWORD, "csrf_token": token}
    )
    assert wrong.status_code == unknown.status_code == 200
    message = "Email/số điện thoại hoặc mật khẩu không đúng."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
