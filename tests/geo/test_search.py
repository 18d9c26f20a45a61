"""search_units and the look-ups of fairapp.geo.services."""

import pytest

from fairapp.geo import services


@pytest.fixture()
def search(app):
    with app.test_request_context():
        yield services.search_units


@pytest.mark.parametrize(
    "query",
    [
        "bach quang",
        "Bách Quang",
        "BACH QUANG",
        "phuong bach quang",
        "  Phường   Bách  Quang ",
        "bách quang, thái nguyên",
        "bach quang thai nguyen",
        "Bach",
    ],
)
def test_bach_quang_is_found_first_however_it_is_typed(search, query):
    matches = search(query)
    assert matches[0].code == "05528"
    assert matches[0].name == "Phường Bách Quang"
    assert matches[0].province_name == "Tỉnh Thái Nguyên"
    assert matches[0].label == "Phường Bách Quang, Tỉnh Thái Nguyên"
    assert matches[0].legacy is None  # found by its own name


def test_province_words_narrow_the_search(search):
    everywhere = {m.code for m in search("quang")}
    in_thai_nguyen = search("quang thai nguyen")
    assert in_thai_nguyen and all(m.ward.province_code == 19 for m in in_thai_nguyen)
    assert len(everywhere) > len(in_thai_nguyen)


@pytest.mark.parametrize("query", ["Lương Sơn", "luong son", "LUONG SON"])
def test_old_name_finds_the_new_unit_home_province_first(search, query):
    matches = search(query)
    first = matches[0]
    assert first.code == "05528"  # old Phường Lương Sơn (05506, Sông Công) became Bách Quang
    assert first.legacy is not None and first.legacy.code == "05506"
    assert first.legacy_label == ("trước 01/07/2025: Phường Lương Sơn, Thành phố Sông Công, Tỉnh Thái Nguyên")
    # Other provinces' units named Lương Sơn still come, after the home province's.
    others = [m for m in matches if m.ward.province_code != 19]
    assert {"Xã Lương Sơn"} <= {m.name for m in others}
    assert matches.index(others[0]) > 0
    positions = [m.ward.province_code == 19 for m in matches]
    assert positions == sorted(positions, reverse=True)  # home province block first


def test_another_home_province_ranks_its_own_units_first(app, search):
    app.config["HOME_PROVINCE_CODE"] = 25  # Phú Thọ has a current Xã Lương Sơn (04924)
    matches = search("luong son")
    assert matches[0].code == "04924"
    assert matches[0].legacy is None
    assert any(m.code == "05528" for m in matches)


def test_exact_and_prefix_matches_come_before_substring_matches(search):
    names = [m.name for m in search("song cong")]
    assert names[0] == "Phường Sông Công"
    home = [m for m in search("quang") if m.ward.province_code == 19]
    # "Quảng Bạch" starts with the word; "Bách Quang" only holds it later
    assert [m.name for m in home].index("Xã Quảng Bạch") < [m.name for m in home].index("Phường Bách Quang")


def test_one_match_per_ward_and_the_limit_holds(search):
    matches = search("a", limit=30)
    assert len(matches) == 30
    assert len({m.code for m in matches}) == 30
    assert len(search("xa", limit=500)) == services.LIMIT_MAX


def test_province_filter(search):
    assert [m.code for m in search("bach quang", province_code=19)][0] == "05528"
    assert all(m.ward.province_code == 25 for m in search("luong son", province_code=25))
    assert "05528" not in {m.code for m in search("luong son", province_code=25)}


@pytest.mark.parametrize("query", ["%", "_", "%%", "bach%", "b_ch quang", "%quang", "\\", "/%"])
def test_like_wildcards_in_input_are_literal(search, query):
    assert search(query) == []


@pytest.mark.parametrize(
    "query", ["", "   ", None, "!!!", "x" * 300, "đ" * 150 + " " + "%_" * 75, "bach quang " * 30]
)
def test_empty_or_garbage_queries_do_not_fail(search, query):
    matches = search(query)
    assert isinstance(matches, list)
    assert len(matches) <= 20


def test_get_ward_and_labels(app):
    ward = services.get_ward("05528")
    assert services.ward_label(ward) == "Phường Bách Quang, Tỉnh Thái Nguyên"
    assert services.get_ward(" 05518 ").name == "Phường Sông Công"
    for bad in ("5528", "99999", "0552%", "", None, 5528, "05528; drop table wards"):
        assert services.get_ward(bad) is None


def test_units_of_province(app):
    import vietnam_provinces as vp

    wards = services.units_of_province(19)
    expected = {f"{int(w.code):05d}" for w in vp.Ward.iter_all() if int(w.province_code) == 19}
    assert {w.code for w in wards} == expected
    assert {"05528", "05518", "05533"} <= expected
    # every word, in any order: Bách Quang and Quảng Bạch
    assert [w.code for w in services.units_of_province(19, "bách quang")] == ["05528", "02038"]
    assert services.units_of_province(19, "50%") == []
    with app.test_request_context(), pytest.raises(services.UnknownProvince) as raised:
        services.units_of_province(98)
    assert raised.value.code == "not_found"
