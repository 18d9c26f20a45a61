"""Employers and vocational schools (first cut; the partners issue extends them)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fairapp.db import intpk, utc_created
from fairapp.extensions import db


class Employer(db.Model):
    __tablename__ = "employers"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(200))
    tax_code: Mapped[str] = mapped_column(sa.String(14), unique=True)
    created_at: Mapped[utc_created]
    approved_at: Mapped[datetime | None]


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[utc_created]
