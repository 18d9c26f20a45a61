"""The public fair page: confirmed employers with their vacancies, totals, search by job title."""

from fairapp.booths import services as booth_services
from fairapp.partners import services


def test_totals_and_search_by_job_title(client, db, make_user, make_employer, published_fair):
    admin = make_user("admin")
    fair = published_fair()
    may, co_khi, waiting = (
        make_employer(name="Công ty May Sông Công"),
        make_employer(name="Cơ khí Bá Xuyên"),
        make_employer(name="Chưa xác nhận"),
    )
    for employer, vacancy in (
        (may, {"title": "Công nhân may", "quantity": 30, "salary_min": 6_500_000}),
        (co_khi, {"title": "Thợ hàn", "quantity": 5, "salary_min": 8_000_000, "salary_max": 12_000_000}),
        (waiting, {"title": "Thợ may mẫu", "quantity": 100}),
    ):
        booth_services.set_offers(services.create_vacancy(employer, vacancy, by=admin), [fair.id], by=admin)
    for booth in booth_services.booths_of_fair(fair):
        if booth.employer_id != waiting.id:
            booth_services.confirm(booth, by=admin)
    db.session.commit()

    html = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert "Công nhân may" in html and "Thợ hàn" in html and "Thợ may mẫu" not in html
    assert "8.000.000 đ" in html and "12.000.000 đ" in html
    assert "2 vị trí tuyển dụng, tổng chỉ tiêu 35 người." in html
    assert "<li><strong>35</strong> chỉ tiêu tuyển dụng</li>" in html

    found = client.get(f"/fairs/{fair.id}?q=MAY").get_data(as_text=True)
    assert "Công nhân may" in found and "Thợ hàn" not in found and "Cơ khí Bá Xuyên" not in found
    assert "1 vị trí phù hợp" in found
    assert "2 vị trí tuyển dụng, tổng chỉ tiêu 35 người." in found  # totals stay the fair's
    unaccented = client.get(f"/fairs/{fair.id}?q=tho han").get_data(as_text=True)
    assert "Thợ hàn" in unaccented and "Công nhân may" not in unaccented
