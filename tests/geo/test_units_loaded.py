"""The reference tables tests/conftest.py loads once per session through fairapp.geo.loader."""

import sqlalchemy as sa

from fairapp.geo.models import LegacyWard, Province, Ward


def test_loader_gave_34_provinces_and_3321_wards(db):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Province)) == 34
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ward)) == 3321
    assert db.session.get(Province, 19).name == "Tỉnh Thái Nguyên"


def test_legacy_luong_son_maps_to_a_current_ward_of_thai_nguyen(db):
    old = db.session.get(LegacyWard, "05506")
    assert old.name == "Phường Lương Sơn"
    assert old.district_name == "Thành phố Sông Công"
    assert [ward.code for ward in old.successors] == ["05528"]
    assert all(ward.province_code == 19 for ward in old.successors)
