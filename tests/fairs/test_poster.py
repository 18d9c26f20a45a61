"""The A4 poster: Vietnamese text survives into the PDF, the QR code decodes back to the fair's
registration URL, user text stays text, and the PDF renderer fetches nothing it should not."""

import io
import re
import socket
import time

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.fairs.models import FairStatus
from fairapp.partners.models import Employer, PartnerStatus, Vacancy
from fairapp.pdf import STATIC_ROOT, StaticOnlyFetcher, UrlRefused, render_pdf
from tests.fairs.conftest import NOW


@pytest.fixture()
def published_fair(make_fair, db):
    fair = make_fair(
        title="Phiên giao dịch việc làm lưu động tháng 3",
        status=FairStatus.PUBLISHED,
        starts_at=NOW.replace(year=2030),
        venue_address="Số 5 đường Cách Mạng Tháng Tám",
        contact_name="Anh Trần Văn Dũng",
        contact_phone="0987654321",
    )
    employer = Employer(
        name="Công ty TNHH Điện tử Sông Công", tax_code="0101234567", status=PartnerStatus.APPROVED
    )
    db.session.add(employer)
    db.session.flush()
    for title, quantity in (("Công nhân lắp ráp", 40), ("Thợ điện", 12)):
        vacancy = Vacancy(employer_id=employer.id, title=title, quantity=quantity)
        db.session.add(vacancy)
        db.session.flush()
        db.session.add(VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id))
    db.session.add(Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED))
    db.session.commit()
    return fair


def poster(client, fair):
    started = time.perf_counter()
    response = client.get(f"/fairs/{fair.id}/poster.pdf")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="ap-phich-phien-{fair.id}.pdf"'
    return response.data, elapsed


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4: 210 mm
    return " ".join(reader.pages[0].extract_text().split())  # one space for every line break


def test_poster_text_keeps_vietnamese_diacritics(client, published_fair):
    pdf, elapsed = poster(client, published_fair)
    text = pdf_text(pdf)
    for expected in (
        "Phiên giao dịch việc làm lưu động tháng 3",
        "Phường Bách Quang",
        "Tỉnh Thái Nguyên",
        "hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo",
        "Đăng ký tham gia",
        "Số 5 đường Cách Mạng Tháng Tám",
        "Anh Trần Văn Dũng",
        "0987654321",
        "doanh nghiệp tuyển dụng",
        "chỉ tiêu tuyển dụng",
        "thẻ căn cước",
    ):
        assert expected in text, expected
    assert re.search(r"1 ?doanh nghiệp tuyển dụng", text)
    assert re.search(r"52 ?chỉ tiêu tuyển dụng", text)  # 40 + 12 workers wanted
    assert "Thứ Bảy, 02/03/2030" in text and "Từ 08:00 đến 12:00" in text  # 01:00 UTC is 08:00 there
    assert elapsed < 10


def test_poster_qr_opens_the_registration_page(client, published_fair):
    pdf, _ = poster(client, published_fair)
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=2).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [code.text for code in codes] == [f"http://localhost/fairs/{published_fair.id}/register"]
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode
    # and that URL does lead to how to register
    page = client.get(f"/fairs/{published_fair.id}/register")  # the QR leads to the form itself
    assert page.status_code == 200
    assert 'name="consent_personal_data"' in page.get_data(as_text=True)


def test_poster_qr_uses_the_public_base_url(app, client, published_fair):
    app.config["PUBLIC_BASE_URL"] = "https://vieclam.example.vn"
    pdf, _ = poster(client, published_fair)
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    assert [c.text for c in zxingcpp.read_barcodes(image)] == [
        f"https://vieclam.example.vn/fairs/{published_fair.id}/register"
    ]


def test_html_in_the_title_is_printed_as_text(client, make_fair):
    fair = make_fair(
        title='<b>Ngày hội</b> <img src="file:///etc/passwd">',
        status=FairStatus.PUBLISHED,
        description="<script>x</script>",
    )
    pdf, _ = poster(client, fair)
    printed = pdf_text(pdf).replace(" ", "")  # the long word may wrap anywhere
    assert '<b>Ngàyhội</b><imgsrc="file:///etc/passwd">' in printed


def test_cancelled_poster_says_so(client, make_fair):
    fair = make_fair(status=FairStatus.CANCELLED, cancel_reason="Mưa lũ kéo dài")
    text = pdf_text(poster(client, fair)[0])
    assert "Phiên này đã bị huỷ" in text and "Mưa lũ kéo dài" in text


def test_draft_has_no_poster(client, make_fair):
    assert client.get(f"/fairs/{make_fair().id}/poster.pdf").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://127.0.0.1/x.css",
        "ftp://example.com/a",
        "file:///etc/passwd",
        "file://example.com/etc/passwd",
        (STATIC_ROOT / "css" / ".." / ".." / "setup.cfg").as_uri(),
        (STATIC_ROOT / "no-such-file.png").as_uri(),
    ],
)
def test_url_fetcher_refuses_remote_and_outside_files(url):
    with pytest.raises(UrlRefused):
        StaticOnlyFetcher().fetch(url)


def test_url_fetcher_serves_static_files_and_data_uris():
    font = STATIC_ROOT / "vendor" / "be-vietnam-pro" / "files" / "be-vietnam-pro-latin-400-normal.woff2"
    response = StaticOnlyFetcher().fetch(font.as_uri())
    assert response.read() == font.read_bytes() and response.content_type == "font/woff2"
    assert StaticOnlyFetcher().fetch("data:text/plain;base64,eGluIGNow6Bv").read() == "xin chào".encode()


def test_render_pdf_never_opens_a_network_connection(app):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    html = (
        f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/x.css"></head><body>'
        f'<img src="http://127.0.0.1:{port}/x.png"><img src="file:///etc/passwd"><p>Xin chào</p>'
        "</body></html>"
    )
    try:
        pdf = render_pdf(html)
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
    assert "Xin chào" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
