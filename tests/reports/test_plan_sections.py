"""The official period report's plan and budget part, on the hand-made data set: % of the year's plan
from the targets saved, the budget and the cost per result for admins, none of the budget for an
organiser, and none of it in a fair's own report."""

from datetime import date

from fairapp.extensions import db
from fairapp.plans import budget, costs, services
from tests.reports.dataset import BACH_QUANG
from tests.reports.test_documents import YEAR, pdf_text, workbook


def _plan(admin, data):
    services.save_targets(
        2026, None, {"fairs": 8, "job_seekers": 10, "hires": 6, "sustainable_jobs": 2}, by=admin
    )
    services.save_targets(2026, BACH_QUANG, {"hires": 4}, by=admin)
    budget.add_budget_entry(
        2026, "central", "allocated", 2_400_000_000, entry_date=date(2026, 2, 1), by=admin
    )
    budget.add_budget_entry(2026, "central", "disbursed", 652_800_000, entry_date=date(2026, 10, 1), by=admin)
    costs.add_fair_cost(data.fairs["F1"], "venue", 3_000_000, by=admin)
    db.session.commit()


def test_an_admins_yearly_report_has_the_plan_and_the_budget(data, client, auth):
    admin = auth.login("admin")
    _plan(admin, data)
    text = pdf_text(client.get(YEAR.format(fmt="pdf")))
    assert "Thực hiện kế hoạch năm 2026" in text
    assert "Người có việc làm 6 3 50,0 %" in text  # hires: 3 of 6
    assert "Người lao động được tiếp cận 10 5 50,0 %" in text  # checked in: 5 of 10
    assert "Việc làm bền vững 2 1 50,0 %" in text
    assert "Người học nghề — 1 —" in text  # no target set
    assert "Kinh phí năm 2026" in text
    assert "Kinh phí được phân bổ 2.400.000.000 đ" in text
    assert "Tỷ lệ giải ngân 27,2 %" in text
    assert "Chi phí bình quân một người được tuyển dụng 1.000.000 đ" in text  # 3.000.000 đ / 3 hires
    assert "Chi phí bình quân một người lao động tham gia 600.000 đ" in text  # / 5 checked in
    book = workbook(client.get(YEAR.format(fmt="xlsx")))
    cells = [
        cell
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert 2_400_000_000 in cells and "Thực hiện kế hoạch năm 2026" in cells


def test_an_organiser_gets_their_wards_plan_and_no_budget(data, client, auth):
    admin = auth.make_user("admin")
    _plan(admin, data)
    auth.login("organiser", ward_codes=[BACH_QUANG])
    text = pdf_text(client.get(YEAR.format(fmt="pdf")))
    assert "Người có việc làm 4 2 50,0 %" in text  # Bách Quang: A (F1), D (no fair) of 4 planned
    assert "Kinh phí năm" not in text and "2.400.000.000" not in text


def test_a_fairs_own_report_has_no_plan(data, client, auth):
    admin = auth.login("admin")
    _plan(admin, data)
    text = pdf_text(client.get(f"/manage/fairs/{data.fairs['F1'].id}/report.pdf"))
    assert "Thực hiện kế hoạch" not in text and "Kinh phí năm" not in text
