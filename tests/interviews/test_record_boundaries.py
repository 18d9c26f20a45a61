"""Two boundaries of the booth record pages. Tenancy: employer A never sees, lists, filters, exports,
opens or changes employer B's records (not found, never forbidden). Consent: what a booth gets, in any
page, export or answer, never holds a person's priority group, citizen ID, phone, address or household
code, and without consent not even the full name."""

import json

import pytest
import sqlalchemy as sa

from fairapp.interviews.models import Interview, InterviewEntry
from fairapp.tickets.signing import ticket_payload
from tests.conftest import csrf_token_from
from tests.interviews.list_fixtures import recorded, sensitive_person, sign_in  # noqa: F401
from tests.interviews.test_candidate_lists import xlsx_text

B_NAME = "Vũ Thị Bên Kia"


@pytest.fixture()
def two_employers(db, make_fair, make_booth, register):
    """Employers A and B at one fair (B also at a second one), each with a record of a consenting
    person; B's vacancy and fair are things A must not be able to filter by."""
    fair, other_fair = make_fair(), make_fair()
    a, b = make_booth(fair), make_booth(fair, vacancies=("Thợ hàn",))
    b_elsewhere = make_booth(other_fair, holder=b.booth.employer, vacancies=("Lái xe nâng",))
    mine = register(fair, "Đinh Văn Của A")
    theirs = register(fair, B_NAME)
    elsewhere = register(other_fair, "Kiều Văn Chỗ Khác")
    for registration in (mine, theirs, elsewhere):
        registration.consent_share_version = "2025-01"
    db.session.commit()
    return {
        "a": a,
        "b": b,
        "other_fair": other_fair,
        "a_record": recorded(db, a, mine, "shortlisted", tags=["chung"]),
        "b_record": recorded(
            db, b, theirs, "offered", vacancy_id=b.vacancies[0].id, rating=5, tags=["chung"]
        ),
        "b_elsewhere": recorded(db, b_elsewhere, elsewhere, "interviewed", rating=5, tags=["chung"]),
    }


LIST_QUERIES = [
    {},
    {"outcome": "offered"},
    {"min_rating": "5"},
    {"tag": "chung"},
    {"vacancy_id": "B_VACANCY"},
    {"fair_id": "B_FAIR"},
]


def _query(query: dict, world) -> dict:
    values = {"B_VACANCY": str(world["b"].vacancies[0].id), "B_FAIR": str(world["other_fair"].id)}
    return {key: values.get(value, value) for key, value in query.items()}


@pytest.mark.parametrize("query", LIST_QUERIES, ids=lambda q: ",".join(q) or "all")
@pytest.mark.parametrize(
    "path", ["/booth/candidates", "/booth/candidates/export.csv", "/booth/candidates/export.xlsx"]
)
def test_employer_a_never_lists_filters_or_exports_bs_records(client, two_employers, path, query):
    world = two_employers
    sign_in(client, world["a"].user)
    answer = client.get(path, query_string=_query(query, world), follow_redirects=True)
    assert answer.status_code == 200
    spreadsheet = answer.mimetype.endswith(".sheet")  # a refused filter: back to the list instead
    content = xlsx_text(answer.data) if spreadsheet else answer.get_data(as_text=True)
    for name in (B_NAME, "Kiều Văn Chỗ Khác", "Thợ hàn", "Lái xe nâng", world["other_fair"].title):
        assert name not in content
    assert f'data-record="{world["b_record"].id}"' not in content


def test_employer_a_cannot_open_or_change_bs_record(client, db, two_employers):
    world = two_employers
    sign_in(client, world["a"].user)
    for record in (world["b_record"], world["b_elsewhere"]):
        assert client.get(f"/booth/records/{record.id}").status_code == 404
        token = csrf_token_from(client.get(f"/booth/records/{world['a_record'].id}").get_data(as_text=True))
        answer = client.post(
            f"/booth/records/{record.id}",
            data={"csrf_token": token, "outcome": "not_suitable", "rating": "1"},
        )
        assert answer.status_code == 404
    db.session.expire_all()
    assert db.session.get(Interview, world["b_record"].id).outcome.value == "offered"
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(InterviewEntry.interview_id == world["b_record"].id)
        )
        == 1
    )
    assert client.get("/booth/records/999999").status_code == 404


def test_employer_a_sees_only_its_own_records_in_the_api(client, two_employers):
    world = two_employers
    fair_id = world["a"].booth.fair_id
    items = client.get(f"/api/v1/fairs/{fair_id}/interviews", headers=world["a"].headers).get_json()["items"]
    assert [item["id"] for item in items] == [world["a_record"].id]


@pytest.mark.parametrize(
    "path", ["/manage/fairs/{fair}/interviews", "/manage/fairs/{fair}/interviews/export.csv"]
)
def test_holders_are_refused_the_organiser_pages(client, two_employers, make_booth, path):
    world = two_employers
    sign_in(client, world["a"].user)
    assert client.get(path.format(fair=world["a"].booth.fair_id)).status_code == 403


# --- Consent ------------------------------------------------------------------------------------------


def _forbidden_values(secrets) -> list[str]:
    # the priority group's code and every label of it (the footer speaks of "hộ nghèo" in lower case)
    return [*secrets.values(), "poor", "Hộ nghèo", "data-group"]


def _unescaped(answer) -> str:
    """A JSON answer with its \\u escapes undone, so Vietnamese values can be searched for too."""
    return json.dumps(answer.get_json(), ensure_ascii=False)


def _what_the_employer_gets(client, setup, record, registration) -> dict[str, str]:
    """Every page, export and answer of the employer's about this person, as text."""
    fair_id = setup.booth.fair_id
    got = {}
    for path in ("/booth/candidates", f"/booth/records/{record.id}", "/booth/candidates/export.csv"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        got[path] = answer.data.decode("utf-8-sig")
    answer = client.get("/booth/candidates/export.xlsx")
    got["xlsx"] = xlsx_text(answer.data)  # every XML part, unzipped
    answer = client.get(f"/api/v1/fairs/{fair_id}/interviews", headers=setup.headers)
    got["api list"] = answer.get_data(as_text=True) + _unescaped(answer)
    scan = client.post(
        f"/api/v1/fairs/{fair_id}/booth-scans",
        json={"qr_payload": ticket_payload(registration)},
        headers=setup.headers,
    )
    assert scan.status_code == 200
    got["api scan"] = scan.get_data(as_text=True) + _unescaped(scan)
    return got


@pytest.mark.parametrize("shared", [True, False], ids=["consented", "not consented"])
def test_no_sensitive_value_reaches_the_employer(client, db, make_fair, make_booth, sensitive_person, shared):
    fair = make_fair()
    setup = make_booth(fair)
    registration, secrets = sensitive_person(fair, "Phạm Thị Bí Mật", shared=shared)
    record = recorded(db, setup, registration, "shortlisted", rating=4, notes="Khéo tay")
    sign_in(client, setup.user)
    got = _what_the_employer_gets(client, setup, record, registration)
    for where, text in got.items():
        for value in _forbidden_values(secrets):
            assert value not in text, f"{value!r} in {where}"
        if shared:
            assert "Phạm Thị Bí Mật" in text, where
        else:
            assert "Phạm Thị Bí Mật" not in text, where
            assert "Bí Mật" not in text, where
    if not shared:
        assert "M." in got["/booth/candidates"] and "M." in got["xlsx"]


def test_the_record_page_shows_a_staff_member_the_full_name(
    client, db, auth, make_fair, make_booth, sensitive_person
):
    fair = make_fair()
    setup = make_booth(fair)
    registration, _secrets = sensitive_person(fair, "Phạm Thị Bí Mật", shared=False)
    record = recorded(db, setup, registration)
    auth.login("organiser", ward_codes=[fair.ward_code])
    assert "Phạm Thị Bí Mật" in client.get(f"/booth/records/{record.id}").get_data(as_text=True)
