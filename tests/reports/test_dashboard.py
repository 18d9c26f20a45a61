"""The outcome dashboard on the hand-made data set (tests/reports/dataset.py): the numbers it shows
are the indicators' (tests/reports/test_indicators.py), each chart holds the same numbers as its
table, charts are inline SVG with a title and no external URL or script, organisers see their wards
only, other roles are refused, and bad filters show the page again naming the field."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from fairapp.auth.scope import EVERYWHERE
from fairapp.reports import charts
from fairapp.reports.dashboard import Column, Section, build
from fairapp.reports.period import Filters, period_of
from tests.reports import dataset
from tests.reports.dataset import BACH_QUANG, SONG_CONG

SVG = "{http://www.w3.org/2000/svg}"
SECTIONS = ("funnel", "groups", "breakdown", "trend", "wards")


class Tables(HTMLParser):
    """{data-table: {"head": [...], "rows": {row label: [cell texts]}}} of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict = {}
        self._table = self._row = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._table = self.tables.setdefault(attrs["data-table"], {"head": [], "rows": {}})
        elif self._table is not None and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("th", "td"):
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if not self._table["head"]:
                self._table["head"] = self._row
            else:
                self._table["rows"][self._row[0]] = self._row[1:]
            self._row = None
        elif tag == "table":
            self._table = None


def chart_of(html: str, key: str) -> ET.Element:
    found = re.search(rf'data-chart="{key}">(<svg.*?</svg>)</figure>', html, re.S)
    assert found, f"no chart {key}"
    return ET.fromstring(found.group(1))


def chart_series(svg: ET.Element) -> list[list[int]]:
    """The values drawn, per series, in the order of the table's rows (or columns)."""
    horizontal = "horizontal" in svg.find(f"{SVG}g").get("class")
    series = {}
    for group in svg.iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        if "series" in classes and group.find(f".//{SVG}desc") is not None:
            index = next(int(name.removeprefix("serie-")) for name in classes if name.startswith("serie-"))
            values = [number(desc.text) for desc in group.iter(f"{SVG}desc") if desc.get("class") == "value"]
            series[index] = values[::-1] if horizontal else values
    return [series[index] for index in sorted(series)]


def number(text: str) -> int:
    return int(text.replace(".", ""))


@pytest.fixture()
def data(db):
    return dataset.build()


def page(client, query: str = "year=2026") -> str:
    response = client.get(f"/manage/dashboard?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_the_year_shows_the_funnel_and_the_breakdown_by_priority_group(data, client, auth):
    auth.login("admin")
    html = page(client)
    tables = Tables(html).tables
    funnel = tables["funnel"]["rows"]
    assert funnel["Đăng ký"] == ["6", "100,0 %"]
    assert funnel["Tham dự (đã điểm danh)"] == ["5", "83,3 %"]
    assert funnel["Có việc làm"] == ["3", "50,0 %"]
    assert funnel["Còn làm việc sau 6 tháng"][0] == "1"
    assert funnel["Việc làm bền vững"] == ["1", "16,7 %"]
    breakdown = tables["breakdown"]
    assert breakdown["head"][:2] == ["Nhóm ưu tiên", "Đăng ký"]
    assert list(breakdown["rows"]) == [
        "Hộ nghèo",
        "Hộ cận nghèo",
        "Hộ mới thoát nghèo",
        "Không thuộc diện ưu tiên",
    ]
    assert breakdown["rows"]["Hộ nghèo"][0] == "2"
    groups = tables["groups"]["rows"]
    assert groups["Hộ nghèo"] == ["2", "40,0 %", "1", "33,3 %"]  # A, G of 5 reached; A of 3 hired
    assert tables["wards"]["rows"] == {
        "Phường Bách Quang": ["5", "4", "2"],
        "Phường Sông Công": ["2", "2", "1"],
    }
    trend = tables["trend"]["rows"]
    assert len(trend) == 12 and trend["03/2026"] == ["4", "4", "2"] and trend["05/2026"] == ["0", "0", "1"]
    facts = re.findall(r'data-fact="(\w+)">\s*<dt[^>]*>[^<]*</dt><dd[^>]*>([^<]*)</dd>', html)
    assert dict(facts)["quota"] == "15"


@pytest.mark.parametrize(
    "by, rows",
    [
        ("ward", {"Phường Bách Quang": "5", "Phường Sông Công": "2"}),
        ("gender", {"Nam": "3", "Nữ": "3"}),
        ("month", {"03/2026": "4", "05/2026": "0", "07/2026": "2", "12/2026": "1"}),
        ("age_band", {"15-24": "1", "25-34": "1", "35-44": "2", "45-54": "1", "65+": "1"}),
        ("employer", {"Công ty E1": "2", "Công ty E2": "2", "Không có tài khoản": "0"}),
        ("vacancy", {"Vị trí V1": "2", "Vị trí V2": "2", "Không ghi vị trí": "0"}),
    ],
)
def test_the_breakdown_by_each_dimension_names_its_rows(data, client, auth, by, rows):
    auth.login("admin")
    column = 0 if by not in ("employer", "vacancy") else 2  # who registered has no employer: interviewed
    breakdown = Tables(page(client, f"year=2026&by={by}")).tables["breakdown"]["rows"]
    assert {label: cells[column] for label, cells in breakdown.items()} == rows


def test_the_breakdown_by_fair_names_the_fair_and_its_day(data, client, auth):
    auth.login("admin")
    breakdown = Tables(page(client, "year=2026&by=fair")).tables["breakdown"]["rows"]
    assert breakdown["Phiên F1 · 10/03/2026"][0] == "3"
    assert breakdown["Không qua phiên"][5] == "1"  # D's hire without a fair


def test_a_quarter_a_month_a_range_a_ward_and_a_fair(data, client, auth):
    auth.login("admin")

    def registered(query):
        return Tables(page(client, query)).tables["funnel"]["rows"]["Đăng ký"][0]

    assert registered("period=month&year=2026&month=3") == "4"
    assert registered("period=quarter&year=2026&quarter=3") == "2"  # A, D at F3
    assert registered("period=range&date_from=2026-03-01&date_to=2026-03-31") == "4"
    assert registered("date_from=2026-03-20&date_to=2026-12-31") == "4"  # F2 A C, F3 A D, F6 G
    assert registered(f"year=2026&ward_code={SONG_CONG}") == "2"
    assert "Năm 2026 · Phường Sông Công</small>" in page(client, f"year=2026&ward_code={SONG_CONG}")
    assert registered(f"year=2026&fair_id={data.fairs['F1'].id}") == "3"
    assert registered("period=year&year=2025") == "1"  # E at F5
    assert registered("date_to=2025-12-31") == "1"  # from the first day of that year


def test_an_organiser_sees_only_their_ward(data, client, auth):
    auth.login("organiser", ward_codes=[SONG_CONG])
    html = page(client)
    tables = Tables(html).tables
    assert tables["funnel"]["rows"]["Đăng ký"][0] == "2"
    assert list(tables["wards"]["rows"]) == ["Phường Sông Công"]
    assert "Phường Bách Quang" not in html  # not even among the wards to pick
    assert "Phiên F1" not in html  # nor Bách Quang's fairs
    assert client.get(f"/manage/dashboard?year=2026&ward_code={BACH_QUANG}").status_code == 403


def test_an_organiser_without_wards_sees_nothing(data, client, auth):
    auth.login("organiser")
    tables = Tables(page(client)).tables
    assert tables["funnel"]["rows"]["Đăng ký"][0] == "0"


@pytest.mark.parametrize("role", ["employer", "gate", "school"])
def test_other_roles_are_refused(client, auth, role):
    auth.login(role)
    assert client.get("/manage/dashboard").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/manage/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("period=decade", "period"),
        ("year=99999", "year"),
        ("year=abc", "year"),
        ("period=quarter&quarter=5", "quarter"),
        ("period=month&month=0", "month"),
        ("period=range&date_from=2026-02-30", "date_from"),
        ("date_from=2026-05-01&date_to=2026-04-01", "date_to"),
        ("date_to=%00", "date_to"),
        ("ward_code=05528%27--", "ward_code"),
        ("fair_id=-3", "fair_id"),
        ("fair_id=99999", "fair_id"),  # no such fair in the period
        ("by=password", "by"),
        ("by=%3Cscript%3E", "by"),
    ],
)
def test_bad_filters_show_the_page_naming_the_field(data, client, auth, query, field):
    auth.login("admin")
    response = client.get(f"/manage/dashboard?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'data-field="{field}"' in html
    assert f'id="error-{field}"' in html
    assert "<script>" not in html.split("</footer>")[0].split('<form method="get"')[1]


def test_a_fair_of_another_period_is_refused(data, client, auth):
    auth.login("admin")
    response = client.get(f"/manage/dashboard?year=2026&fair_id={data.fairs['F5'].id}")
    assert response.status_code == 400 and 'data-field="fair_id"' in response.get_data(as_text=True)


def test_each_chart_is_labelled_inline_svg_without_scripts_or_external_urls(data, client, auth):
    auth.login("admin")
    html = page(client)
    for key in SECTIONS:
        svg = chart_of(html, key)
        text = ET.tostring(svg, encoding="unicode")
        assert svg.get("role") == "img" and svg.get("aria-label")
        assert svg[0].tag == f"{SVG}title" and svg[0].text == svg.get("aria-label")
        assert svg.find(f".//{SVG}script") is None and svg.find(f".//{SVG}style") is None
        assert not re.search(r"https?://(?!www\.w3\.org/)", text), key
        assert not any("style" in element.attrib for element in svg.iter())  # the CSP refuses inline styles
    assert 'xlink:href="http' not in html and "<script>" not in html.split("<main")[1].split("</main>")[0]


def test_each_chart_holds_the_numbers_of_its_table(data, client, auth):
    auth.login("admin")
    for by in ("priority_group", "ward", "month"):
        html = page(client, f"year=2026&by={by}")
        tables = Tables(html).tables
        charted = {
            "funnel": (0,),
            "breakdown": (0, 1, 5),  # registered, checked in, hired
            "trend": (0, 1, 2),
            "wards": (0, 2),  # registered, hired
        }
        for key, columns in charted.items():
            rows = list(tables[key]["rows"].values())
            expected = [[number(row[column]) for row in rows] for column in columns]
            assert chart_series(chart_of(html, key)) == expected, key
        # the priority groups: each group a series over (reached, hired)
        rows = list(tables["groups"]["rows"].values())
        assert chart_series(chart_of(html, "groups")) == [[number(row[0]), number(row[2])] for row in rows]


def test_an_empty_period_draws_empty_charts(data, client, auth):
    auth.login("admin")
    html = page(client, "year=2031")
    tables = Tables(html).tables
    assert tables["funnel"]["rows"]["Đăng ký"] == ["0", "—"]
    for key in SECTIONS:
        assert chart_of(html, key).get("role") == "img"


def test_a_chart_escapes_what_people_typed(app):
    section = Section(
        key="test",
        title="t",
        head="h",
        columns=(Column("n", "Số <b>người</b>"),),
        rows=[("Công ty <script>alert(1)</script> & con", {"n": 1234})],
        charted=("n",),
    )
    drawn = str(charts.svg(section, "Tiêu đề <x>"))
    assert "<script>" not in drawn and "&lt;script&gt;" in drawn or "alert" not in drawn
    assert "1.234" in drawn  # numbers as Vietnamese write them
    assert "<title>Tiêu đề &lt;x&gt;</title>" in drawn


def test_build_gives_the_indicators(data):
    board = build(Filters(EVERYWHERE, *period_of("year", 2026)))
    assert dict(board.funnel.rows)["Đăng ký"] == {"people": 6, "share": 100.0}
    assert board.facts["fairs"][1] == 4


# --- % of plan and budget (fairapp.plans) ------------------------------------------------------------


@pytest.fixture()
def planned(data, make_user):
    """2026's targets: the whole area and Bách Quang; 2026's budget; 6.000.000 đ spent on F1 and F2."""
    from fairapp.extensions import db
    from fairapp.plans.budget import add_budget_entry
    from fairapp.plans.costs import add_fair_cost
    from fairapp.plans.services import save_targets

    admin = make_user("admin")
    whole = {"fairs": 4, "job_seekers": 10, "priority_workers": 4, "hires": 6, "sustainable_jobs": 2}
    save_targets(2026, None, whole, by=admin)  # trainees: no target
    save_targets(2026, BACH_QUANG, {"hires": 4, "job_seekers": 8}, by=admin)
    add_budget_entry(2026, "province", "allocated", 100_000_000, by=admin)
    add_budget_entry(2026, "province", "committed", 60_000_000, by=admin)
    add_budget_entry(2026, "province", "disbursed", 25_000_000, by=admin)
    add_fair_cost(data.fairs["F1"], "venue", 4_000_000, by=admin)
    add_fair_cost(data.fairs["F2"], "printing", 2_000_000, by=admin)
    db.session.commit()
    return data


def test_percent_of_plan_for_the_whole_area_and_the_budget(planned, client, auth):
    auth.login("admin")
    html = page(client)
    plan = Tables(html).tables["plan"]["rows"]
    assert plan["Người lao động được tiếp cận"] == ["10", "5", "50,0 %"]  # checked in 5 of 10
    assert plan["Lao động hộ nghèo, cận nghèo, mới thoát nghèo được kết nối"] == ["4", "2", "50,0 %"]  # A, D
    assert plan["Người có việc làm"] == ["6", "3", "50,0 %"]
    assert plan["Việc làm bền vững"] == ["2", "1", "50,0 %"]
    assert plan["Người học nghề"] == ["—", "1", "—"]  # no target: no share of it
    wards = Tables(html).tables["plan_wards"]["rows"]
    assert wards == {"Phường Bách Quang": ["4", "2", "50,0 %"], "Phường Sông Công": ["—", "1", "—"]}
    budget = dict(re.findall(r'data-budget="(\w+)"><dt[^>]*>[^<]*</dt><dd[^>]*>([^<]*)</dd>', html))
    assert budget["allocated"] == "100.000.000 đ" and budget["disbursed"] == "25.000.000 đ"
    assert budget["disbursement_rate"] == "25,0 %"
    assert budget["per_reached"] == "1.200.000 đ"  # 6.000.000 đ for 5 reached
    assert budget["per_hire"] == "2.000.000 đ" and budget["per_sustained"] == "6.000.000 đ"
    assert chart_series(chart_of(html, "plan_wards"))[1] == [2, 1]


def test_percent_of_plan_for_a_ward_and_for_an_organiser(planned, client, auth):
    auth.login("admin")
    plan = Tables(page(client, f"year=2026&ward_code={BACH_QUANG}")).tables["plan"]["rows"]
    assert plan["Người có việc làm"] == ["4", "2", "50,0 %"]
    assert plan["Số phiên giao dịch"][0] == "—"
    auth.logout()
    auth.login("organiser", ward_codes=[SONG_CONG])
    html = page(client)
    plan = Tables(html).tables["plan"]["rows"]
    assert plan["Người có việc làm"] == ["—", "1", "—"]  # Sông Công has no target; not the whole area's
    assert 'data-testid="budget"' not in html  # the budget is the admins'


def test_the_budget_with_nothing_to_divide_by(data, client, auth):
    auth.login("admin")
    html = page(client, "year=2031")
    budget = dict(re.findall(r'data-budget="(\w+)"><dt[^>]*>[^<]*</dt><dd[^>]*>([^<]*)</dd>', html))
    assert budget["per_hire"] == "—" and budget["disbursement_rate"] == "—"
    assert budget["costs"] == "0 đ"


def test_a_long_bar_chart_draws_the_largest_rows_in_the_tables_order(app):
    rows = [(f"Phường {n:02d}", {"n": n % 7}) for n in range(40)]
    section = Section(
        key="test", title="t", head="h", columns=(Column("n", "Số"),), rows=rows, charted=("n",)
    )
    drawn = section.chart_rows
    assert len(drawn) == 15 and drawn == sorted(drawn, key=lambda row: row[0])
    assert sorted(values["n"] for _label, values in drawn) == [4] * 5 + [5] * 5 + [6] * 5
    assert chart_series(ET.fromstring(str(charts.svg(section, "t")))) == [
        [values["n"] for _label, values in drawn]
    ]
