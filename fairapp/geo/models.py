"""Administrative units: the two-level units since 1 July 2025 and the pre-2025 wards they replaced."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairapp.extensions import db


class Province(db.Model):
    __tablename__ = "provinces"

    code: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(100))  # "Tỉnh Thái Nguyên"
    short_name: Mapped[str] = mapped_column(sa.String(100))  # "Thái Nguyên"
    kind: Mapped[str] = mapped_column(sa.String(30))  # "tinh" / "thanh_pho_trung_uong"
    search_name: Mapped[str] = mapped_column(sa.String(100))  # lower case, no diacritics

    wards: Mapped[list["Ward"]] = relationship(back_populates="province")


class Ward(db.Model):
    """A ward (phường), commune (xã) or special zone (đặc khu) of the two-level system."""

    __tablename__ = "wards"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)  # "05528"
    name: Mapped[str] = mapped_column(sa.String(100))  # "Phường Bách Quang"
    short_name: Mapped[str] = mapped_column(sa.String(100))  # "Bách Quang"
    kind: Mapped[str] = mapped_column(sa.String(30))  # "phuong" / "xa" / "dac_khu"
    province_code: Mapped[int] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    search_name: Mapped[str] = mapped_column(sa.String(100), index=True)

    province: Mapped[Province] = relationship(back_populates="wards")

    @property
    def full_name(self) -> str:
        return f"{self.name}, {self.province.name}"


legacy_ward_successors = sa.Table(
    "legacy_ward_successors",
    db.metadata,
    sa.Column("legacy_code", sa.ForeignKey("legacy_wards.code"), primary_key=True),
    sa.Column("ward_code", sa.ForeignKey("wards.code"), primary_key=True),
)


class LegacyWard(db.Model):
    """A pre-2025 ward, commune or township, kept so older lists map to today's units."""

    __tablename__ = "legacy_wards"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)  # "05506"
    name: Mapped[str] = mapped_column(sa.String(100))  # "Phường Lương Sơn"
    district_name: Mapped[str] = mapped_column(sa.String(100))
    province_name: Mapped[str] = mapped_column(sa.String(100))
    search_name: Mapped[str] = mapped_column(sa.String(100), index=True)

    successors: Mapped[list[Ward]] = relationship(secondary=legacy_ward_successors)
