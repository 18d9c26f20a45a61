"""The plans, budget and fair-cost pages: what each account may see and set, and every kind of bad
input answered on the page with a message naming the field and the rule, what was typed kept and
nothing saved lost (never a 500)."""

import html
from datetime import date

import pytest
import sqlalchemy as sa

from fairapp.plans import budget, costs, services
from fairapp.plans.models import BudgetEntry, FairCost, PlanTarget
from fairapp.plans.views import this_year
from tests.conftest import csrf_token_from
from tests.plans.conftest import BACH_QUANG, SONG_CONG

JUNK = [
    ("-5", "không được là số âm"),
    ("1e20", "nhập số nguyên bằng chữ số"),
    ("abc", "nhập số nguyên bằng chữ số"),
    ("1,5", "nhập số nguyên bằng chữ số"),
    ("99999999999999999999", "tối đa 10.000.000.000.000"),
    ("9" * 60, "nhập số nguyên bằng chữ số"),
]


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, url, data):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def targets_row(db, ward_code):
    db.session.rollback()
    return db.session.scalar(
        sa.select(PlanTarget).where(PlanTarget.year == 2026, PlanTarget.area_key == (ward_code or "*"))
    )


# --- Targets -------------------------------------------------------------------------------------------


def test_the_plans_and_budget_links_open_this_year(client, auth):
    auth.login("admin")
    assert f"Chỉ tiêu kế hoạch năm {this_year()}" in text(client.get("/manage/plans"))
    assert f"Kinh phí năm {this_year()}" in text(client.get("/manage/budget"))


def test_the_pages_in_english(client, auth):
    auth.login("admin")
    page = text(client.get("/manage/budget/2026?lang=en"))
    assert "Budget 2026" in page and "Disbursement rate:" in page and "Funding source" in page
    page = text(client.get("/manage/plans/2026?lang=en"))
    assert "Plan targets 2026" in page and "Whole area" in page


@pytest.mark.parametrize("year", [99999, 2019, 2101, 1])
def test_a_year_outside_the_plans_is_not_found(client, auth, year):
    auth.login("admin")
    assert client.get(f"/manage/plans/{year}").status_code == 404
    assert client.get(f"/manage/budget/{year}").status_code == 404


def test_admin_sets_the_whole_areas_targets(db, client, auth):
    auth.login("admin")
    response = post(
        client,
        "/manage/plans/2026",
        {"ward_code": "*", "fairs": "24", "job_seekers": "2.400", "hires": "600", "note": "KH 12/KH-UBND"},
    )
    assert response.status_code == 303
    row = targets_row(db, None)
    assert (row.fairs, row.job_seekers, row.hires, row.trainees, row.note) == (
        24,
        2_400,
        600,
        None,
        "KH 12/KH-UBND",
    )
    page = text(client.get(response.headers["Location"]))
    assert "Đã lưu chỉ tiêu năm 2026." in page
    assert 'data-area="*"' in page and "Toàn địa bàn" in page
    assert 'data-indicator="job_seekers">2.400</td>' in page
    assert 'value="2.400"' in page  # the form shows the row chosen


@pytest.mark.parametrize("typed, message", JUNK)
def test_bad_targets_are_shown_on_the_form_and_nothing_saved_is_lost(db, client, auth, typed, message):
    admin = auth.login("admin")
    services.save_targets(2026, BACH_QUANG, {"fairs": 5, "hires": 100}, by=admin)
    db.session.commit()
    response = post(client, "/manage/plans/2026", {"ward_code": BACH_QUANG, "fairs": "7", "hires": typed})
    assert response.status_code == 200
    page = text(response)
    assert f"Người có việc làm: {message}" in page
    assert f'value="{typed}"' in page and 'value="7"' in page  # what was typed is kept
    row = targets_row(db, BACH_QUANG)
    assert (row.fairs, row.hires) == (5, 100)


def test_organiser_sees_and_sets_their_ward_only(db, client, auth, make_user):
    admin = make_user("admin")
    services.save_targets(2026, None, {"fairs": 24}, by=admin)
    services.save_targets(2026, SONG_CONG, {"fairs": 4}, by=admin)
    db.session.commit()
    auth.login("organiser", ward_codes=[BACH_QUANG])
    page = text(client.get("/manage/plans/2026"))
    assert f'data-area="{BACH_QUANG}"' in page
    assert 'data-area="*"' not in page and f'data-area="{SONG_CONG}"' not in page
    assert post(client, "/manage/plans/2026", {"ward_code": BACH_QUANG, "trainees": "30"}).status_code == 303
    assert targets_row(db, BACH_QUANG).trainees == 30
    for area in (SONG_CONG, "*"):
        response = post(client, "/manage/plans/2026", {"ward_code": area, "fairs": "99"})
        assert response.status_code == 200
        assert "Địa bàn: chọn một mục trong danh sách." in text(response)
    assert (targets_row(db, None).fairs, targets_row(db, SONG_CONG).fairs) == (24, 4)


def test_organiser_without_wards_is_told_so(client, auth):
    auth.login("organiser")
    page = text(client.get("/manage/plans/2026"))
    assert "Bạn chưa được giao phường/xã nào." in page
    assert "targets-form" not in page


# --- Budget --------------------------------------------------------------------------------------------


def test_organisers_may_not_see_the_budget(client, auth):
    auth.login("organiser", ward_codes=[BACH_QUANG])
    assert client.get("/manage/budget/2026").status_code == 403
    assert client.get("/manage/budget").status_code == 403


def test_admin_adds_budget_entries_and_sees_the_summary(db, client, auth):
    auth.login("admin")
    response = post(
        client,
        "/manage/budget/2026",
        {"source": "central", "kind": "allocated", "amount": "2.400.000.000", "entry_date": "15/01/2026",
         "document_no": "123/QĐ-UBND"},
    )  # fmt: skip
    assert response.status_code == 303
    response = post(
        client, "/manage/budget/2026", {"source": "central", "kind": "disbursed", "amount": "1800000000"}
    )
    assert response.status_code == 303
    page = text(client.get("/manage/budget/2026"))
    assert "2.400.000.000 đ" in page and "1.800.000.000 đ" in page and "15/01/2026" in page
    assert "<strong>75,0 %</strong>" in page
    entries = db.session.scalars(sa.select(BudgetEntry).order_by(BudgetEntry.id)).all()
    assert [(e.amount, e.entry_date) for e in entries][0] == (2_400_000_000, date(2026, 1, 15))


def test_disbursed_beyond_allocated_shows_a_warning(db, client, auth):
    auth.login("admin")
    post(client, "/manage/budget/2026", {"source": "city", "kind": "allocated", "amount": "100.000.000"})
    response = post(
        client, "/manage/budget/2026", {"source": "city", "kind": "disbursed", "amount": "150.000.000"}
    )
    assert response.status_code == 303
    page = text(client.get("/manage/budget/2026"))
    assert "Nguồn Thành phố/địa phương: đã giải ngân 150.000.000 đ, vượt số phân bổ 100.000.000 đ." in page
    assert page.count("vượt số phân bổ") == 2  # flashed once, and on the summary
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BudgetEntry)) == 2


@pytest.mark.parametrize("typed, message", [*JUNK, ("", "vui lòng nhập")])
def test_bad_budget_amounts_are_shown_on_the_form(db, client, auth, typed, message):
    admin = auth.login("admin")
    budget.add_budget_entry(2026, "city", "allocated", 5_000_000, by=admin)
    db.session.commit()
    response = post(client, "/manage/budget/2026", {"source": "city", "kind": "disbursed", "amount": typed,
                                                    "document_no": "CT 7"})  # fmt: skip
    assert response.status_code == 200
    page = text(response)
    assert f"Số tiền: {message}" in page
    assert 'value="CT 7"' in page
    db.session.rollback()
    assert db.session.scalars(sa.select(BudgetEntry.amount)).all() == [5_000_000]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"entry_date": "31/02/2026"}, "Ngày: cần một ngày có thật"),
        ({"entry_date": "01/01/1990"}, "Ngày: một ngày từ năm 2020 đến năm 2101."),
        ({"source": "district"}, "Nguồn kinh phí: chọn một mục trong danh sách."),
        ({"document_no": "x" * 101}, "Số văn bản/chứng từ: tối đa 100 ký tự."),
    ],
)
def test_other_bad_budget_input(db, client, auth, data, message):
    auth.login("admin")
    response = post(
        client, "/manage/budget/2026", {"source": "city", "kind": "allocated", "amount": "1.000", **data}
    )
    assert response.status_code == 200
    assert message in text(response)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BudgetEntry)) == 0


def test_admin_deletes_a_budget_entry(db, client, auth):
    admin = auth.login("admin")
    entry = budget.add_budget_entry(2026, "other", "allocated", 7_000_000, by=admin).entry
    db.session.commit()
    assert (
        post(client, f"/manage/budget/2025/entries/{entry.id}/delete", {}).status_code == 404
    )  # not its year
    response = post(client, f"/manage/budget/2026/entries/{entry.id}/delete", {})
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.get(BudgetEntry, entry.id) is None


# --- Fair costs ------------------------------------------------------------------------------------------


def test_the_fair_page_links_to_its_costs(client, auth, make_fair):
    fair = make_fair()
    auth.login("admin")
    assert f'href="/manage/fairs/{fair.id}/costs"' in text(client.get(f"/manage/fairs/{fair.id}"))


def test_organiser_records_and_deletes_their_fairs_costs(db, client, auth, make_fair):
    fair = make_fair()
    auth.login("organiser", ward_codes=[BACH_QUANG])
    url = f"/manage/fairs/{fair.id}/costs"
    assert (
        post(client, url, {"item": "venue", "amount": "1.500.000", "document_no": "HĐ 01"}).status_code == 303
    )
    assert (
        post(client, url, {"item": "publicity", "amount": "800000", "note": "Loa 3 ngày"}).status_code == 303
    )
    page = text(client.get(url))
    assert "1.500.000 đ" in page and "800.000 đ" in page and "Loa 3 ngày" in page
    total = '<th scope="row">Tổng cộng</th><td class="text-end" data-label="Số tiền">2.300.000 đ</td>'
    assert f'<tr data-item="total" class="fw-semibold">{total}' in page
    cost = db.session.scalar(sa.select(FairCost).where(FairCost.item == "venue"))
    assert post(client, f"{url}/{cost.id}/delete", {}).status_code == 303
    assert costs.fair_costs([fair.id])[fair.id]["total"] == 800_000


@pytest.mark.parametrize("typed, message", [*JUNK, ("", "vui lòng nhập")])
def test_bad_costs_are_shown_on_the_form(db, client, auth, make_fair, typed, message):
    fair = make_fair()
    admin = auth.login("admin")
    costs.add_fair_cost(fair, "venue", 1_000_000, by=admin)
    db.session.commit()
    response = post(
        client, f"/manage/fairs/{fair.id}/costs", {"item": "printing", "amount": typed, "note": "Tờ rơi"}
    )
    assert response.status_code == 200
    page = text(response)
    assert f"Số tiền: {message}" in page and 'value="Tờ rơi"' in page
    db.session.rollback()
    assert db.session.scalars(sa.select(FairCost.amount)).all() == [1_000_000]


def test_organiser_of_another_ward_may_not_see_a_fairs_costs(db, client, auth, make_fair, make_user):
    fair = make_fair(ward_code=SONG_CONG)
    cost = costs.add_fair_cost(fair, "venue", 1_000, by=make_user("admin"))
    db.session.commit()
    auth.login("organiser", ward_codes=[BACH_QUANG])
    assert client.get(f"/manage/fairs/{fair.id}/costs").status_code == 403
    assert post(client, f"/manage/fairs/{fair.id}/costs/{cost.id}/delete", {}).status_code in (400, 403)
    assert client.get(f"/manage/fairs/{fair.id + 100}/costs").status_code == 404
    db.session.rollback()
    assert db.session.get(FairCost, cost.id) is not None
