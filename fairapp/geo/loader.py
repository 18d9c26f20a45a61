"""Fill the unit tables from vietnam-provinces: today's provinces and wards, the pre-2025 wards,
and the official old → new mapping (effective 1 July 2025). Idempotent: loads only what is missing."""

import sqlalchemy as sa
import vietnam_provinces as vp
from vietnam_provinces import legacy

from fairapp.extensions import db
from fairapp.geo.models import LegacyWard, Province, Ward, legacy_ward_successors
from fairapp.text import fold

KINDS = {
    vp.VietNamDivisionType.TINH: "tinh",
    vp.VietNamDivisionType.THANH_PHO_TRUNG_UONG: "thanh_pho",
    vp.VietNamDivisionType.PHUONG: "phuong",
    vp.VietNamDivisionType.XA: "xa",
    vp.VietNamDivisionType.DAC_KHU: "dac_khu",
}
PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn ")


def ward_code(code: int) -> str:
    return f"{int(code):05d}"


def short_name(name: str) -> str:
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def load_units() -> dict[str, int]:
    """Insert the units that are not there yet; return how many rows each table gained."""
    added = {"provinces": 0, "wards": 0, "legacy_wards": 0, "legacy_ward_successors": 0}
    if db.session.scalar(sa.select(sa.func.count()).select_from(Province)) == 0:
        rows = [
            {
                "code": int(p.code),
                "name": p.name,
                "short_name": short_name(p.name),
                "kind": KINDS[p.division_type],
                "search_name": fold(p.name),
            }
            for p in vp.Province.iter_all()
        ]
        db.session.execute(sa.insert(Province), rows)
        added["provinces"] = len(rows)
    if db.session.scalar(sa.select(sa.func.count()).select_from(Ward)) == 0:
        rows = [
            {
                "code": ward_code(w.code),
                "name": w.name,
                "short_name": short_name(w.name),
                "kind": KINDS[w.division_type],
                "province_code": int(w.province_code),
                "search_name": fold(w.name),
            }
            for w in vp.Ward.iter_all()
        ]
        db.session.execute(sa.insert(Ward), rows)
        added["wards"] = len(rows)
    if db.session.scalar(sa.select(sa.func.count()).select_from(LegacyWard)) == 0:
        districts = {int(d.code): d for d in legacy.District.iter_all()}
        provinces = {int(p.code): p for p in legacy.Province.iter_all()}
        rows = []
        for w in legacy.Ward.iter_all():
            district = districts.get(int(w.district_code))
            province = provinces.get(int(district.province_code)) if district else None
            rows.append(
                {
                    "code": ward_code(w.code),
                    "name": w.name,
                    "district_name": district.name if district else "",
                    "province_name": province.name if province else "",
                    "search_name": fold(w.name),
                }
            )
        db.session.execute(sa.insert(LegacyWard), rows)
        added["legacy_wards"] = len(rows)
        known_old = {row["code"] for row in rows}
        known_new = {ward_code(w.code) for w in vp.Ward.iter_all()}
        links = {
            (ward_code(old.code), ward_code(new.code))
            for new in vp.Ward.iter_all()
            for old in new.get_legacy_sources()
            if ward_code(old.code) in known_old and ward_code(new.code) in known_new
        }
        db.session.execute(
            sa.insert(legacy_ward_successors), [{"legacy_code": o, "ward_code": n} for o, n in sorted(links)]
        )
        added["legacy_ward_successors"] = len(links)
    db.session.flush()
    return added
