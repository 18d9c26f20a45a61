"""The audit log page: admins only, newest first, filters, times in Vietnam; entries never change."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry, AuditLogIsAppendOnly
from fairapp.audit.services import Origin, record
from fairapp.audit.views import bp
from tests.auth.test_admin_users import ContextPerRequestClient

ACTIONS = re.compile(r"<td><code>([a-z0-9_.]+)</code></td>")


@pytest.fixture()
def client(app):
    app.test_client_class = ContextPerRequestClient
    return app.test_client()


def _entry(db, action, at, **kwargs):
    entry = record(action, **kwargs)
    entry.at = at
    db.session.flush()
    return entry


def _actions(client, query=""):
    response = client.get("/admin/audit/" + query)
    assert response.status_code == 200
    return ACTIONS.findall(response.get_data(as_text=True))


@pytest.mark.parametrize("role", ["organiser", "gate", "employer", "school"])
def test_only_admins_may_read(client, auth, role):
    auth.login(role)
    assert client.get("/admin/audit/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/admin/audit/?action=user.")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/audit/")


def test_newest_first_with_vietnam_time_and_details(client, auth, make_user, db):
    admin = auth.login("admin")
    target = make_user("gate")
    base = datetime(2025, 7, 4, 17, 30, tzinfo=UTC)  # 00:30 on 05/07/2025 in Vietnam
    _entry(db, "zz.older", base - timedelta(days=1))
    _entry(
        db,
        "zz.newer",
        base,
        actor=admin,
        target=target,
        origin=Origin(ip="203.0.113.9"),
        details={"changes": {"role": ["gate", "organiser"]}},
    )
    db.session.commit()
    html = client.get("/admin/audit/?action=zz.").get_data(as_text=True)
    assert ACTIONS.findall(html) == ["zz.newer", "zz.older"]
    assert "00:30 05/07/2025" in html
    assert "203.0.113.9" in html
    assert admin.login_name in html
    assert f'href="/admin/users/{target.id}"' in html
    assert "&#34;role&#34;: [&#34;gate&#34;, &#34;organiser&#34;]" in html


def test_filters(client, auth, make_user, db):
    admin = auth.login("admin", full_name="Hoàng Quản Trị")
    other = make_user("organiser", email="canbo@songcong.vn")
    day = datetime(2025, 7, 4, 17, 30, tzinfo=UTC)  # 05/07/2025 00:30 in Vietnam
    _entry(db, "user.create", day, actor=admin, target=other)
    _entry(db, "user.update", day + timedelta(hours=5), actor=other, target=other)
    _entry(db, "token.revoke", day - timedelta(hours=1), actor=admin)  # 04/07 23:30 in Vietnam
    _entry(db, "fair.publish", day + timedelta(days=2), actor=other)
    db.session.commit()
    ours = "&date_from=01/07/2025&date_to=31/07/2025"  # leaves out the entries made by signing in

    assert _actions(client, "?action=user." + ours) == ["user.update", "user.create"]
    assert _actions(client, "?actor=canbo" + ours) == ["fair.publish", "user.update"]
    assert _actions(client, "?actor=Hoàng Quản" + ours) == ["user.create", "token.revoke"]
    assert _actions(client, f"?actor={other.id}" + ours) == ["fair.publish", "user.update"]
    assert _actions(client, f"?object_type=users&object_id={other.id}" + ours) == [
        "user.update",
        "user.create",
    ]
    assert _actions(client, "?date_from=05/07/2025&date_to=05/07/2025") == ["user.update", "user.create"]
    assert _actions(client, "?date_to=04/07/2025") == ["token.revoke"]
    assert _actions(client, "?date_from=6/7/2025&date_to=31/12/2025") == ["fair.publish"]
    assert _actions(client, "?action=%25" + ours) == []  # a wildcard is taken literally


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=2025-07-05", "Từ ngày phải có dạng ngày/tháng/năm, ví dụ 05/07/2025."),
        ("?date_to=31/02/2025", "Đến ngày phải có dạng ngày/tháng/năm, ví dụ 05/07/2025."),
        ("?date_from=10/07/2025&date_to=01/07/2025", "Đến ngày phải sau hoặc bằng Từ ngày."),
    ],
)
def test_bad_dates_are_explained_not_a_500(client, auth, query, message):
    auth.login("admin")
    response = client.get("/admin/audit/" + query)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_pages(client, auth, db, monkeypatch):
    from fairapp.audit import views

    auth.login("admin")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(5):
        _entry(db, f"zz.n{n}", start + timedelta(minutes=n))
    db.session.commit()
    monkeypatch.setattr(views, "PER_PAGE", 2)
    pages = [_actions(client, f"?action=zz.&page={p}") for p in (1, 2, 3)]
    assert pages == [["zz.n4", "zz.n3"], ["zz.n2", "zz.n1"], ["zz.n0"]]
    html = client.get("/admin/audit/?action=zz.").get_data(as_text=True)
    assert "/admin/audit/?page=2&amp;action=zz." in html


def test_no_route_changes_the_log(app, client, auth):
    methods = {
        method
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("audit.")
        for method in rule.methods
    }
    assert methods <= {"GET", "HEAD", "OPTIONS"}
    assert bp.deferred_functions  # the blueprint does register routes
    auth.login("admin")
    assert client.post("/admin/audit/").status_code in (400, 405)  # CSRF or method: never a change


def test_orm_update_and_delete_are_refused(db):
    entry = record("zz.kept")
    db.session.commit()
    entry.action = "zz.changed"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.id == entry.id)) == "zz.kept"
