"""The public results page (/results): a year's figures per ward for anyone, aggregates only, with
small counts of people hidden and no cell recoverable from the total (fairapp.reports.disclosure), on
the hand-made data set of tests/reports/dataset.py and a bigger fair added to it."""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from fairapp.attendees.models import Attendee, Channel, Gender, PriorityGroup, Registration
from fairapp.checkins.models import CheckIn
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import local_day
from fairapp.modelbase import utcnow
from fairapp.outcomes.models import Hire, HireSource, HireStatus
from fairapp.text import fold
from tests.reports import dataset
from tests.reports.dataset import BA_XUYEN, BACH_QUANG, SONG_CONG

PEOPLE_COLUMNS = ("checked_in", "hired", "sustained")


class Table(HTMLParser):
    """{ward code or "total": {column: text}} from the rows' data-ward and the cells' data-col."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.names: dict[str, str] = {}
        self._row = self._col = None
        self._in_name = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-ward" in attrs:
            self._row = attrs["data-ward"]
            self.rows[self._row] = {}
        elif tag == "td" and self._row and "data-col" in attrs:
            self._col = attrs["data-col"]
            self.rows[self._row][self._col] = ""
        elif tag == "th" and self._row:
            self._in_name = True
            self.names[self._row] = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._col, self._in_name = None, False
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._col:
            self.rows[self._row][self._col] += data.strip()
        elif self._in_name:
            self.names[self._row] += data.strip()


def table(html: str) -> Table:
    parser = Table()
    parser.feed(html)
    return parser


@pytest.fixture()
def data(db):
    return dataset.build()


def _held(data, *names) -> str:
    return str(sum(1 for name in names if data.fairs[name].starts_at <= utcnow()))


def test_anonymous_visitors_see_the_year_per_ward_with_small_counts_hidden(client, data):
    response = client.get("/results/2026")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kết quả chương trình năm 2026" in html
    found = table(html)
    assert set(found.rows) == {BACH_QUANG, SONG_CONG, "total"}  # Bá Xuyên's only fair was cancelled
    assert found.names[BACH_QUANG] == "Phường Bách Quang" and found.names[SONG_CONG] == "Phường Sông Công"
    bach_quang, song_cong, total = found.rows[BACH_QUANG], found.rows[SONG_CONG], found.rows["total"]
    # Not people: as they are (V1 offered at F1 and F3 counted once; E1 and E2 once in the total).
    assert bach_quang | {"fairs_held": "?"} == {
        "fairs_held": "?",
        "employers": "1",
        "vacancies": "1",
        "quota": "10",
        "checked_in": "< 5",  # A B G H
        "checked_in_priority": "—",
        "hired": "< 5",  # A, D (without a fair)
        "hired_priority": "—",
        "sustained": "< 5",  # A
    }
    assert bach_quang["fairs_held"] == _held(data, "F1", "F3", "F6")
    assert song_cong == {
        "fairs_held": "1",
        "employers": "1",
        "vacancies": "1",
        "quota": "5",
        "checked_in": "< 5",  # A C
        "checked_in_priority": "—",
        "hired": "< 5",  # C
        "hired_priority": "—",
        "sustained": "0",
    }
    assert total == {
        "fairs_held": _held(data, "F1", "F2", "F3", "F6"),
        "employers": "2",
        "vacancies": "2",
        "quota": "15",
        "checked_in": "5",  # A B C G H, A once though in both wards
        "checked_in_priority": "—",  # 3 of 5 (A, B, G): a hidden part
        "hired": "< 5",
        "hired_priority": "—",
        "sustained": "< 5",
    }
    for row in found.rows.values():
        for column in PEOPLE_COLUMNS:
            assert row[column] not in {"1", "2", "3", "4"}
    assert "Chưa có số liệu" not in html


def test_the_page_names_no_person(client, data):
    html = client.get("/results/2026").get_data(as_text=True)
    for person in data.people.values():
        assert person.full_name not in html
        assert person.phone not in html
    assert not re.search(r"Người [A-H]\b", html)  # the data set's people are "Người A", "Người B", …
    assert not re.search(r"\b09\d{8}\b", html)  # no phone number at all


def _bigger_fair(db, data, *, priority: int, others: int, hired_priority: int, hired_others: int, kept: int):
    """A closed fair in Bá Xuyên in June 2026: everyone registered and admitted; the first of each group
    hired, and `kept` of the hires sustainable."""
    starts = dataset._at(date(2026, 6, 20))
    fair = Fair(
        title="Phiên Bá Xuyên",
        ward_code=BA_XUYEN,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        status=FairStatus.CLOSED,
    )
    db.session.add(fair)
    db.session.flush()
    groups = [(PriorityGroup.POOR, priority, hired_priority), (PriorityGroup.NONE, others, hired_others)]
    hires = []
    for group, count, hired in groups:
        for n in range(count):
            name = f"Người lớn {group.value} {n}"
            person = Attendee(
                full_name=name,
                name_key=fold(name),
                phone=f"0913{len(hires):02d}{n:04d}"[:10],
                birth_year=1990,
                gender=Gender.FEMALE,
                ward_code=BA_XUYEN,
                priority_group=group,
            )
            db.session.add(person)
            db.session.flush()
            registration = Registration(
                fair_id=fair.id,
                attendee_id=person.id,
                channel=Channel.WALK_IN,
                consent_personal_data_version="2025-01",
                consent_personal_data_at=utcnow(),
            )
            db.session.add(registration)
            db.session.flush()
            db.session.add(
                CheckIn(
                    fair_id=fair.id, registration_id=registration.id, checked_in_at=starts, source="staff"
                )
            )
            if n < hired:
                hire = Hire(
                    attendee_id=person.id,
                    fair_id=fair.id,
                    ward_code=BA_XUYEN,
                    employer_id=data.employers["E1"].id,
                    employer_key=f"id:{data.employers['E1'].id}",
                    start_date=date(2026, 7, 1),
                    status=HireStatus.CONFIRMED,
                    source=HireSource.ORGANISER,
                )
                db.session.add(hire)
                hires.append(hire)
    for hire in hires[:kept]:
        hire.sustainable = True
    db.session.commit()
    return fair


def test_bigger_numbers_and_shares_are_shown_and_the_total_gives_no_hidden_cell_back(client, db, data):
    # 12 admitted at Bá Xuyên (7 from poor households), 10 hired (5 of them), 6 of the hires sustainable.
    _bigger_fair(db, data, priority=7, others=5, hired_priority=5, hired_others=5, kept=6)

    found = table(client.get("/results/2026").get_data(as_text=True)).rows

    ba_xuyen, total = found[BA_XUYEN], found["total"]
    assert ba_xuyen["checked_in"] == "12" and ba_xuyen["checked_in_priority"] == "58%"  # 7 of 12
    assert ba_xuyen["hired"] == "10" and ba_xuyen["hired_priority"] == "50%"
    assert total["checked_in"] == "17"  # 5 + 12
    assert total["checked_in_priority"] == "59%"  # (A, B, G) + 7 = 10 of 17
    assert total["hired"] == "13" and total["hired_priority"] == "54%"  # (A, D) + 5 = 7 of 13
    # Sustained: Bách Quang's 1 is hidden, Sông Công has none, and the total (7) is shown: Bá Xuyên's 6
    # would give Bách Quang's back by subtraction, so it is hidden too.
    assert found[BACH_QUANG]["sustained"] == "< 5"
    assert found[SONG_CONG]["sustained"] == "0"
    assert total["sustained"] == "7"
    assert ba_xuyen["sustained"] == "—"


def test_the_year_switch_lists_the_years_with_fairs_and_the_default_is_the_latest_begun(client, data):
    html = client.get("/results").get_data(as_text=True)

    for year in ("2025", "2026", "2027"):  # F5, F1…, F7 (its local day is in 2027); drafts don't count
        assert f'data-year="{year}"' in html
    this_year = local_day(utcnow()).year
    shown = next((year for year in (2027, 2026, 2025) if year <= this_year), this_year)
    assert f"Kết quả chương trình năm {shown}" in html
    assert 'href="/results/2025"' in html


def test_a_year_without_fairs_says_so(client, data):
    response = client.get("/results/2030")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Chưa có số liệu cho năm 2030" in html
    assert 'data-ward="total"' not in html


def test_an_empty_database_says_so_too(client, db):
    response = client.get("/results")

    assert response.status_code == 200
    assert "Chưa có số liệu" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/results/1999",
        "/results/2101",
        "/results/0",
        "/results/99999999999999999999",
        "/results/-1",
        "/results/abc",
        "/results/2026x",
    ],
)
def test_a_year_outside_2000_to_2100_is_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_cache_headers_keep_it_in_the_visitors_browser_only(client, data):
    response = client.get("/results/2026")

    assert response.headers["Cache-Control"] in ("private, max-age=300", "max-age=300, private")
    assert "Cookie" in response.headers.get("Vary", "")


def test_the_home_page_and_the_footer_link_to_it(client, db):
    html = client.get("/").get_data(as_text=True)
    assert html.count('href="/results"') >= 2  # the welcome page, and the footer every page has


def test_the_page_runs_a_fixed_number_of_queries(client, db, data, app):
    import sqlalchemy as sa

    from fairapp.extensions import db as _db

    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    sa.event.listen(_db.engine, "before_cursor_execute", count)
    try:
        client.get("/results/2026")
        few = len(statements)
        _bigger_fair(db, data, priority=7, others=5, hired_priority=5, hired_others=5, kept=6)
        statements.clear()
        client.get("/results/2026")
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", count)
    assert len(statements) == few <= 15  # one more ward, not one more query
