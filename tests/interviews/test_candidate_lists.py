"""The employer's and school's candidate list and its exports: filters, pages, newest first, only what
cards show, every export audited."""

import csv
import io
import zipfile

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from tests.interviews.list_fixtures import recorded, sensitive_person, sign_in  # noqa: F401


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(
            archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")
        )


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_list_shows_own_records_newest_first_with_filters(client, db, make_fair, make_booth, register):
    first, second = make_fair(), make_fair()
    setup = make_booth(first, vacancies=("Công nhân may", "Thợ điện"))
    later = make_booth(second, holder=setup.booth.employer)
    sewing, electric = setup.vacancies
    nhung = register(first, "Nguyễn Thị Nhung")
    hoa = register(first, "Trần Thị Hoa")
    lan = register(second, "Lê Thị Lan")
    for registration in (nhung, hoa, lan):
        registration.consent_share_version = "2025-01"
    db.session.commit()
    recorded(db, setup, nhung, "shortlisted", vacancy_id=sewing.id, rating=4, tags=["có kinh nghiệm"])
    recorded(db, setup, hoa, "not_suitable", vacancy_id=electric.id, rating=2)
    recorded(db, later, lan, "offered", vacancy_id=later.vacancies[0].id, rating=5, tags=["có kinh nghiệm"])
    sign_in(client, setup.user)

    page = client.get("/booth/candidates").get_data(as_text=True)
    assert page.index("Lê Thị Lan") < page.index("Trần Thị Hoa") < page.index("Nguyễn Thị Nhung")
    assert "Sơ tuyển đạt" in page and "Công nhân may" in page

    def names(**args):
        html = client.get("/booth/candidates", query_string=args).get_data(as_text=True)
        return {name for name in ("Nguyễn Thị Nhung", "Trần Thị Hoa", "Lê Thị Lan") if name in html}

    assert names(fair_id=first.id) == {"Nguyễn Thị Nhung", "Trần Thị Hoa"}
    assert names(vacancy_id=sewing.id) == {"Nguyễn Thị Nhung"}
    assert names(outcome="offered") == {"Lê Thị Lan"}
    assert names(min_rating=4) == {"Nguyễn Thị Nhung", "Lê Thị Lan"}
    assert names(tag="có kinh nghiệm") == {"Nguyễn Thị Nhung", "Lê Thị Lan"}
    assert names(tag="có kinh") == set()  # a tag is matched whole
    assert names(tag="có kinh nghiệm", fair_id=second.id) == {"Lê Thị Lan"}


def test_the_list_is_paginated(client, db, make_fair, make_booth, register, monkeypatch):
    from fairapp.interviews import listing

    monkeypatch.setattr(listing, "PER_PAGE", 2)
    fair = make_fair()
    setup = make_booth(fair)
    for n in range(5):
        recorded(db, setup, register(fair, f"Người Số {n}"))
    sign_in(client, setup.user)
    first = client.get("/booth/candidates").get_data(as_text=True)
    assert "Trang 1 / 3" in first and first.count('data-record="') == 2
    last = client.get("/booth/candidates?page=3").get_data(as_text=True)
    assert last.count('data-record="') == 1
    assert client.get("/booth/candidates?page=99").status_code == 200


def test_a_school_lists_counselling_by_programme(client, db, make_fair, make_booth, register):
    fair = make_fair()
    setup = make_booth(fair, "school")
    programme = setup.programmes[0]
    db.session.commit()
    recorded(db, setup, register(fair, "Hoàng Văn Tư"), "enrolled", programme_id=programme.id)
    recorded(db, setup, register(fair, "Đỗ Văn Năm"), "counselled")
    sign_in(client, setup.user)
    page = client.get(f"/booth/candidates?programme_id={programme.id}").get_data(as_text=True)
    assert "Đăng ký học nghề" in page and page.count('data-record="') == 1
    assert 'name="vacancy_id"' not in page


def test_the_exports_hold_the_filtered_list_and_are_audited(client, db, make_fair, make_booth, register):
    fair = make_fair()
    setup = make_booth(fair)
    shared = register(fair, "Nguyễn Thị Nhung")
    shared.consent_share_version = "2025-01"
    db.session.commit()
    recorded(db, setup, shared, "shortlisted", rating=4, notes='=HYPERLINK("http://x")')
    recorded(db, setup, register(fair, "Trần Thị Hoa"), "interviewed")
    sign_in(client, setup.user)

    answer = client.get("/booth/candidates/export.csv?outcome=shortlisted")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Cache-Control"] == "no-store"
    rows = csv_rows(answer.data)
    assert len(rows) == 2 and rows[1][3] == "Nguyễn Thị Nhung"
    assert "'=HYPERLINK" in answer.get_data(as_text=True)  # a formula is written as text

    answer = client.get("/booth/candidates/export.xlsx")
    assert answer.status_code == 200 and answer.data.startswith(b"PK")
    text = xlsx_text(answer.data)
    assert "Nguyễn Thị Nhung" in text and "H." in text and "Trần Thị Hoa" not in text

    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "interview.export").order_by(AuditEntry.id)
    ).all()
    assert [(e.actor_id, e.details["format"], e.details["rows"]) for e in entries] == [
        (setup.user.id, "csv", 1),
        (setup.user.id, "xlsx", 2),
    ]
    assert entries[0].details["filters"] == {"outcome": "shortlisted"}
    assert entries[0].object_type == "employers" and entries[0].object_id == str(setup.booth.employer_id)


def test_a_filter_naming_something_not_ones_own_is_refused(client, db, make_fair, make_booth, register):
    fair = make_fair()
    setup = make_booth(fair)
    sign_in(client, setup.user)
    page = client.get("/booth/candidates?fair_id=999&min_rating=9")
    assert page.status_code == 200
    assert "chọn một mục trong danh sách" in page.get_data(as_text=True)
    back = client.get("/booth/candidates/export.csv?fair_id=999&_external=1&_scheme=javascript")
    assert back.status_code == 302 and back.headers["Location"] == "/booth/candidates?fair_id=999"


def test_the_navigation_links_the_list(client, make_fair, make_booth):
    setup = make_booth(make_fair())
    sign_in(client, setup.user)
    assert 'data-nav="interviews.candidates"' in client.get("/").get_data(as_text=True)


def _statements(db, client, url: str) -> int:
    import sqlalchemy as sa

    seen = []

    def count(*_args):
        seen.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_list_costs_the_same_statements_for_3_or_30_rows(client, db, make_fair, make_booth, register):
    """No statement per row: the rows in one, the cards in bulk (per booth), whatever their number."""
    fairs = [make_fair() for _ in range(3)]
    first = make_booth(fairs[0])
    setups = [first] + [make_booth(fair, holder=first.booth.employer) for fair in fairs[1:]]
    for setup in setups:
        recorded(db, setup, register(setup.booth.fair, "Người Thứ Nhất"), "shortlisted", tags=["a"])
    sign_in(client, first.user)
    few = _statements(db, client, "/booth/candidates")
    for setup in setups:
        for n in range(9):
            registration = register(setup.booth.fair, f"Người Số {n}")
            registration.consent_share_version = "2025-01" if n % 2 else None
            recorded(db, setup, registration, "offered", vacancy_id=setup.vacancies[0].id, rating=3)
    assert _statements(db, client, "/booth/candidates") == few
