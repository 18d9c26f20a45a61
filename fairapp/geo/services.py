"""Finding administrative units: today's wards and communes by name (with or without diacritics),
also through the pre-2025 unit a person may still name, and the labels shown for them."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, contains_eager

from fairapp.errors import NotFound
from fairapp.extensions import db
from fairapp.geo.models import LegacyWard, Province, Ward, legacy_ward_successors
from fairapp.text import fold

QUERY_MAX_LENGTH = 100  # longer input is cut; no unit name with its province is longer
QUERY_MAX_WORDS = 8
LIMIT_MAX = 50
WARD_CODE = re.compile(r"^\d{5}$")
# Folded kind words that open a unit's name ("phuong bach quang"), so "bach quang" is an exact match.
KIND_WORDS = ("phuong", "xa", "dac khu", "thi tran")
_NOT_WORD = re.compile(r"[^0-9a-z%_]+")  # % and _ stay, matched literally


class UnknownProvince(NotFound):
    message = _l("Không tìm thấy tỉnh/thành phố.")


@dataclass(frozen=True)
class UnitMatch:
    """A current ward found by a search; `legacy` is the pre-2025 unit it was found through, if any."""

    ward: Ward
    legacy: LegacyWard | None = None

    @property
    def code(self) -> str:
        return self.ward.code

    @property
    def name(self) -> str:
        return self.ward.name

    @property
    def province_name(self) -> str:
        return self.ward.province.name

    @property
    def label(self) -> str:
        return ward_label(self.ward)

    @property
    def legacy_label(self) -> str | None:
        return legacy_label(self.legacy) if self.legacy is not None else None


# Labels -----------------------------------------------------------------------------------------


def ward_label(ward: Ward) -> str:
    """ "Phường Bách Quang, Tỉnh Thái Nguyên"."""
    return f"{ward.name}, {ward.province.name}"


def legacy_label(legacy: LegacyWard) -> str:
    """ "trước 01/07/2025: Phường Lương Sơn, Thành phố Sông Công, Tỉnh Thái Nguyên"."""
    parts = ", ".join(p for p in (legacy.name, legacy.district_name, legacy.province_name) if p)
    return _("trước 01/07/2025: %(unit)s", unit=parts)


# Look-ups ---------------------------------------------------------------------------------------


def get_ward(code) -> Ward | None:
    """The current ward with this five-digit code (its province loaded), or None for anything else."""
    if not isinstance(code, str) or not WARD_CODE.match(code.strip()):
        return None
    statement = (
        sa.select(Ward)
        .join(Ward.province)
        .options(contains_eager(Ward.province))
        .where(Ward.code == code.strip())
    )
    return db.session.scalars(statement).one_or_none()


def get_province(code: int) -> Province | None:
    return db.session.get(Province, code) if isinstance(code, int) else None


def units_of_province(code: int, query: str | None = None) -> list[Ward]:
    """Every current ward and commune of the province, alphabetical by name without its kind;
    with `query`, only those whose name holds every word of it (diacritics optional).
    Raises UnknownProvince (code `not_found`)."""
    province = get_province(code)
    if province is None:
        raise UnknownProvince()
    statement = (
        sa.select(Ward)
        .join(Ward.province)
        .options(contains_eager(Ward.province))
        .where(Ward.province_code == code)
    )
    for word in _words(query or ""):
        statement = statement.where(Ward.search_name.contains(word, autoescape=True))
    wards = db.session.scalars(statement).all()
    return sorted(wards, key=lambda w: (fold(w.short_name), w.code))


# Search -----------------------------------------------------------------------------------------


def search_units(query: str | None, *, province_code: int | None = None, limit: int = 20) -> list[UnitMatch]:
    """Current wards whose name — or whose pre-2025 predecessor's name — holds every word of the
    query; a word may also match the province name ("bach quang thai nguyen"). Diacritics and case
    do not matter; % and _ are plain characters. Ranked: home province first, then exact name,
    name prefix, word prefix, anywhere; a ward found by its own name before one found by an old name.
    At most `limit` (≤ 50) matches, one per ward. An empty query finds nothing."""
    words = _words(query or "")
    if not words:
        return []
    limit = max(1, min(int(limit), LIMIT_MAX))
    name_query = _without_province(" ".join(words))
    home = current_app.config["HOME_PROVINCE_CODE"]

    best: dict[str, tuple[tuple, UnitMatch]] = {}
    for found_by_legacy, rows in (
        (False, _direct(words, name_query, province_code, home, limit)),
        (True, _through_legacy(words, name_query, province_code, home, limit * 3)),
    ):
        for ward, legacy, home_rank, name_rank, matched_name in rows:
            key = (home_rank, name_rank, found_by_legacy, matched_name, ward.code)
            if ward.code not in best or key < best[ward.code][0]:
                best[ward.code] = (key, UnitMatch(ward, legacy))
    return [match for _key, match in sorted(best.values(), key=lambda item: item[0])][:limit]


def _words(query: str) -> list[str]:
    text = _NOT_WORD.sub(" ", fold(query[:QUERY_MAX_LENGTH]))
    return text.split()[:QUERY_MAX_WORDS]


def _without_province(name_query: str) -> str:
    """The query without a province name before or after the unit's, to rank the unit's name."""
    for province in _province_names():
        if name_query.endswith(" " + province):
            return name_query[: -len(province) - 1]
        if name_query.startswith(province + " "):
            return name_query[len(province) + 1 :]
    return name_query


def _province_names() -> list[str]:
    """Folded province names, full and short, longest first; kept per app (reference data)."""
    cache = current_app.extensions.setdefault("fairapp_geo", {})
    if not cache.get("province_names"):
        rows = db.session.execute(sa.select(Province.search_name, Province.short_name)).all()
        names = {name for full, short in rows for name in (full, fold(short))}
        cache["province_names"] = sorted(names, key=len, reverse=True)
    return cache["province_names"]


def _name_rank(column, name_query: str):
    """0 exact name, 1 name starts with the query, 2 a word of the name does, 3 anywhere."""
    full_names = [name_query] + [f"{kind} {name_query}" for kind in KIND_WORDS]
    return sa.case(
        (column.in_(full_names), 0),
        (sa.or_(*[column.startswith(name, autoescape=True) for name in full_names]), 1),
        (column.contains(" " + name_query, autoescape=True), 2),
        else_=3,
    )


def _word_filter(name_column, words: list[str]):
    """Every word in the unit's name or its province's; at least one in the unit's name."""
    in_name = [name_column.contains(word, autoescape=True) for word in words]
    each = [
        sa.or_(hit, Province.search_name.contains(word, autoescape=True))
        for hit, word in zip(in_name, words, strict=True)
    ]
    return sa.and_(*each, sa.or_(*in_name))


def _home_rank(home: int):
    return sa.case((Ward.province_code == home, 0), else_=1)


def _direct(words, name_query, province_code, home, limit):
    home_rank, name_rank = _home_rank(home), _name_rank(Ward.search_name, name_query)
    statement = (
        sa.select(Ward, home_rank, name_rank, Ward.search_name)
        .join(Ward.province)
        .options(contains_eager(Ward.province))
        .where(_word_filter(Ward.search_name, words))
        .order_by(home_rank, name_rank, Ward.search_name, Ward.code)
        .limit(limit)
    )
    if province_code is not None:
        statement = statement.where(Ward.province_code == province_code)
    for ward, h, n, matched in db.session.execute(statement):
        yield ward, None, h, n, matched


def _through_legacy(words, name_query, province_code, home, limit):
    home_rank, name_rank = _home_rank(home), _name_rank(LegacyWard.search_name, name_query)
    # Old units whose name holds a word, first: SQLite then scans legacy_wards once instead of
    # probing it from every successor row (about twice as fast; PostgreSQL plans it either way).
    candidate = aliased(LegacyWard)
    named = sa.select(candidate.code).where(
        sa.or_(*[candidate.search_name.contains(word, autoescape=True) for word in words])
    )
    statement = (
        sa.select(Ward, LegacyWard, home_rank, name_rank, LegacyWard.search_name)
        .select_from(LegacyWard)
        .join(legacy_ward_successors, legacy_ward_successors.c.legacy_code == LegacyWard.code)
        .join(Ward, Ward.code == legacy_ward_successors.c.ward_code)
        .join(Ward.province)
        .options(contains_eager(Ward.province))
        .where(LegacyWard.code.in_(named), _word_filter(LegacyWard.search_name, words))
        .order_by(home_rank, name_rank, LegacyWard.search_name, Ward.code)
        .limit(limit)
    )
    if province_code is not None:
        statement = statement.where(Ward.province_code == province_code)
    yield from db.session.execute(statement)
