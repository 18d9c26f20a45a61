"""The users page warns about an organiser without wards (who sees no fair): a badge in the list and a
warning on their edit page; gate staff may be given wards too."""

import re

from fairapp.auth.models import Role, User
from tests.conftest import csrf_token_from


def _row(html: str, name: str) -> str:
    match = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(name)}(?:(?!</tr>).)*</tr>", html, re.S)
    assert match, name
    return match.group(0)


def test_list_marks_organisers_without_wards(client, auth, make_user):
    auth.login("admin")
    make_user("organiser", full_name="Cán bộ Chưa Giao")
    make_user("organiser", full_name="Cán bộ Bách Quang", ward_codes=["05528"])
    make_user("gate", full_name="Nhân viên Cổng")
    html = client.get("/admin/users/").get_data(as_text=True)
    assert "data-no-wards" in _row(html, "Cán bộ Chưa Giao") and "Chưa giao phường/xã" in html
    assert "data-no-wards" not in _row(html, "Cán bộ Bách Quang")
    assert "data-no-wards" not in _row(html, "Nhân viên Cổng")


def test_edit_page_warns_until_wards_are_given(client, auth, db, make_user):
    auth.login("admin")
    organiser = make_user("organiser", full_name="Cán bộ Chưa Giao")
    page = client.get(f"/admin/users/{organiser.id}").get_data(as_text=True)
    assert "data-no-wards" in page and "không xem được phiên giao dịch" in page
    assert "để trống thì không xem được phiên nào" in page  # the field says what an empty choice means
    response = client.post(
        f"/admin/users/{organiser.id}",
        data={
            "csrf_token": csrf_token_from(page),
            "full_name": organiser.full_name,
            "email": organiser.email,
            "role": "organiser",
            "ward_codes": ["05528"],
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert "data-no-wards" not in client.get(f"/admin/users/{organiser.id}").get_data(as_text=True)


def test_gate_staff_may_be_given_wards(client, auth, db):
    auth.login("admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    response = client.post(
        "/admin/users/new",
        data={
            "csrf_token": csrf_token_from(page),
            "full_name": "Nhân viên Cổng Bách Quang",
            "email": "cong.bq@example.vn",
            "role": "gate",
            "password": "mat-khau-dai-1",
            "ward_codes": ["05528"],
        },
    )
    assert response.status_code == 302
    gate = db.session.query(User).filter_by(email="cong.bq@example.vn").one()
    assert gate.role == Role.GATE and gate.ward_codes == {"05528"}
    assert "data-no-wards" not in client.get(f"/admin/users/{gate.id}").get_data(as_text=True)
