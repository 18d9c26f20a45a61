"""Household lists for tests: a list file built with openpyxl, uploaded through the page as an
organiser of Bách Quang, and run by the worker (immediate in tests)."""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from fairapp.households.models import HouseholdImport
from tests.checkins.conftest import BACH_QUANG, make_fair, register  # noqa: F401
from tests.conftest import csrf_token_from

BA_XUYEN = "05533"
SONG_CONG = "05518"
LUONG_SON_OLD = "05506"  # Phường Lương Sơn before 1 July 2025, now part of Bách Quang
HEADERS = [
    "Mã hộ",
    "Phân loại hộ",
    "Họ tên chủ hộ",
    "Thôn/Tổ",
    "Họ và tên",
    "Năm sinh",
    "Giới tính",
    "Số CCCD",
]


def workbook(rows, headers=HEADERS, *, title_rows=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in title_rows:
        sheet.append(row)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@pytest.fixture()
def upload(client, db):
    """upload(data, name="ds.xlsx", ward=BACH_QUANG, year=2026, listed_on="15/01/2026") → (response of
    the upload, the HouseholdImport) as the signed-in account."""

    def send(data: bytes, name="ds.xlsx", *, ward=BACH_QUANG, year=2026, listed_on="15/01/2026", expect=303):
        page = client.get("/manage/households")
        response = client.post(
            "/manage/households",
            data={
                "csrf_token": csrf_token_from(page.get_data(as_text=True)),
                "file": (io.BytesIO(data), name),
                "ward_code": ward or "",
                "year": str(year),
                "listed_on": listed_on,
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == expect, response.get_data(as_text=True)[:3000]
        db.session.expire_all()
        job = db.session.scalars(db.select(HouseholdImport).order_by(HouseholdImport.id.desc())).first()
        return response, job

    return send


@pytest.fixture()
def organiser(auth):
    return auth.login("organiser", ward_codes=[BACH_QUANG])


TODAY = date(2026, 12, 7)
