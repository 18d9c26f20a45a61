"""Navigation by role: each of the five roles (and an anonymous visitor) sees exactly its entries in
the navbar and as cards on the home page; entries whose page does not exist yet are not shown."""

import re

import pytest

from fairapp.auth.access import public
from fairapp.auth.models import Role
from fairapp.main import nav
from tests.conftest import csrf_token_from

ALL = {
    "main.home",
    "fairs.index",
    "partners.employers",
    "checkins.scanner",
    "booths.mine",
    "interviews.booth_chooser",
    "interviews.candidates",
    "outcomes.call_list_page",
    "outreach.index",
    "outcomes.staff_hires",
    "dashboard.index",
    "reports.index",
    "messages.index",
    "outcomes.employer_hires",
    "plans.targets_current",
    "plans.budget_current",
    "webhooks.index",
    "users.index",
    "audit.index",
    "account.profile",
}
EXPECTED = {
    "admin": {
        "main.home",
        "fairs.index",
        "partners.employers",
        "checkins.scanner",
        "outcomes.call_list_page",
        "outreach.index",
        "outcomes.staff_hires",
        "dashboard.index",
        "reports.index",
        "messages.index",
        "plans.targets_current",
        "plans.budget_current",
        "webhooks.index",
        "users.index",
        "audit.index",
        "account.profile",
    },
    "organiser": {
        "main.home",
        "fairs.index",
        "partners.employers",
        "checkins.scanner",
        "outcomes.call_list_page",
        "outreach.index",
        "outcomes.staff_hires",
        "dashboard.index",
        "reports.index",
        "messages.index",
        "plans.targets_current",
        "account.profile",
    },
    "gate": {"main.home", "checkins.scanner", "account.profile"},
    "employer": {
        "main.home",
        "booths.mine",
        "interviews.booth_chooser",
        "interviews.candidates",
        "outcomes.employer_hires",
        "account.profile",
    },
    "school": {
        "main.home",
        "booths.mine",
        "interviews.booth_chooser",
        "interviews.candidates",
        "account.profile",
    },
}
ROLE_NAMES = {
    "admin": "Quản trị",
    "organiser": "Cán bộ tổ chức",
    "gate": "Soát vé",
    "employer": "Nhà tuyển dụng",
    "school": "Cơ sở đào tạo",
}
NAV_BLOCK = re.compile(r"<nav\b[^>]*data-role=\"([^\"]+)\"[^>]*>(.*?)</nav>", re.DOTALL)


@pytest.fixture()
def every_nav_page(app):
    """Pages that feature areas add later: stand-ins for those not registered yet, so every entry
    can be checked now (the real page is used where it exists)."""
    for endpoint in sorted(ALL - set(app.view_functions)):
        app.add_url_rule(f"/_nav-test/{endpoint}", endpoint=endpoint, view_func=public(lambda: "stand-in"))
    return app


def navigation(html: str) -> tuple[str, set[str], str]:
    match = NAV_BLOCK.search(html)
    assert match, "no <nav data-role=...> on the page"
    return match.group(1), set(re.findall(r'data-nav="([^"]+)"', match.group(2))), match.group(2)


@pytest.mark.fresh_app
@pytest.mark.parametrize("role", EXPECTED)
def test_each_role_sees_its_own_entries_in_the_navbar_and_on_home(client, auth, every_nav_page, role):
    user = auth.login(role)
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)

    nav_role, endpoints, nav_html = navigation(html)
    assert nav_role == role
    assert endpoints == EXPECTED[role]
    assert not (ALL - EXPECTED[role]) & endpoints
    assert user.full_name in nav_html
    assert ROLE_NAMES[role] in nav_html

    cards = set(re.findall(r'data-card="([^"]+)"', html))
    assert cards == EXPECTED[role] - {"main.home"}


@pytest.mark.fresh_app
@pytest.mark.parametrize("role", EXPECTED)
def test_every_shown_entry_links_to_a_page_the_role_may_open(client, auth, every_nav_page, role):
    auth.login(role)
    html = client.get("/").get_data(as_text=True)
    links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*data-nav="([^"]+)"', navigation(html)[2])
    assert {endpoint for _, endpoint in links} == EXPECTED[role]
    for href, endpoint in links:
        response = client.get(href)
        assert response.status_code == 200, (role, endpoint, href, response.status_code)


@pytest.mark.fresh_app
def test_anonymous_visitor_sees_home_and_sign_in_only(client, every_nav_page):
    html = client.get("/").get_data(as_text=True)
    nav_role, endpoints, nav_html = navigation(html)
    assert nav_role == "anonymous"
    assert endpoints == {"main.home", "auth.login"}
    assert 'action="/logout"' not in nav_html
    assert "data-card=" not in html


def test_sign_out_is_a_post_form_with_csrf_in_the_navbar(client, auth):
    auth.login("gate")
    html = client.get("/").get_data(as_text=True)
    _, _, nav_html = navigation(html)
    form = re.search(r'<form method="post" action="/logout"[^>]*>(.*?)</form>', nav_html, re.DOTALL)
    assert form and 'name="csrf_token"' in form.group(1)
    signed_out = client.post("/logout", data={"csrf_token": csrf_token_from(html)})
    assert signed_out.status_code == 302
    assert navigation(client.get("/").get_data(as_text=True))[0] == "anonymous"


def test_navbar_collapses_behind_a_toggler_driven_by_data_attributes(client):
    """static/js/menu.js opens the element the button's aria-controls names (tests/browser clicks it)."""
    html = client.get("/").get_data(as_text=True)
    _, _, nav_html = navigation(html)
    assert 'class="navbar-toggler collapsed" type="button" data-menu-toggle' in nav_html
    assert 'id="main-nav"' in nav_html and 'aria-controls="main-nav"' in nav_html
    assert re.search(r'<script src="/static/js/menu\.[0-9a-f]{10}\.js" defer></script>', html)


def test_visible_entries_filter_by_role():
    entries = (
        nav.NavEntry("a.page", "A", nav.EVERYONE),
        nav.NavEntry("b.page", "B", frozenset({Role.GATE})),
        nav.NavEntry("c.page", "C", nav.SIGNED_IN),
    )
    assert [e.endpoint for e in nav.visible_entries(None, entries)] == ["a.page"]
    assert [e.endpoint for e in nav.visible_entries(Role.GATE, entries)] == ["a.page", "b.page", "c.page"]
    assert [e.endpoint for e in nav.visible_entries(Role.ADMIN, entries)] == ["a.page", "c.page"]


def test_every_entry_names_a_page(app):
    assert {entry.endpoint for entry in nav.NAV_ENTRIES} <= set(app.view_functions)


def test_role_labels_are_vietnamese(app):
    with app.test_request_context("/"):
        assert {role.value: nav.role_label(role) for role in Role} == ROLE_NAMES
        assert nav.role_label("admin") == "Quản trị"
        assert nav.role_label(None) == "" and nav.role_label("nobody") == ""
