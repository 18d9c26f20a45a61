"""The ticket page at the personal link, its QR image, manifest, service worker and PDF."""

import base64
import io
import re
from zoneinfo import ZoneInfo

import pypdfium2
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from fairapp.tickets import signing
from tests.conftest import static_url


def test_ticket_page_shows_qr_name_and_fair(client, make_registration, add_booth):
    registration = make_registration(full_name="Trần Văn Đức")
    fair = registration.fair
    add_booth(fair, employer="Công ty TNHH Điện tử Sông Công", label="A2")
    add_booth(fair, school="Trường Cao đẳng Công nghiệp Thái Nguyên", label="B1")
    add_booth(fair, employer="Công ty chưa xác nhận", status="applied")

    response = client.get(f"/t/{registration.ticket_secret}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Trần Văn Đức" in html and fair.title in html
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+"[^>]*data-ticket-qr', html)
    day = fair.starts_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert day.strftime("%d/%m/%Y") in html and "07:30" in html and "11:30" in html
    assert fair.venue_name in html and "Phường Bách Quang" in html
    assert "Công ty TNHH Điện tử Sông Công" in html and "Trường Cao đẳng Công nghiệp Thái Nguyên" in html
    assert "Công ty chưa xác nhận" not in html
    assert f'href="/t/{registration.ticket_secret}/ticket.pdf"' in html
    assert "Tải vé PDF" in html
    assert f'rel="manifest" href="/t/{registration.ticket_secret}/manifest.webmanifest"' in html
    assert re.search(static_url("js/ticket-page.js"), html)


def test_ticket_page_headers_keep_the_secret_private(client, make_registration):
    registration = make_registration()
    response = client.get(f"/t/{registration.ticket_secret}")
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_qr_on_the_page_decodes_to_the_payload(client, make_registration):
    registration = make_registration()
    html = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)
    data = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(data))))
    assert [d.text for d in decoded] == [signing.ticket_payload(registration)]
    claims = signing.verify(decoded[0].text)
    assert (claims.fair_id, claims.registration_id, claims.nonce) == (
        registration.fair_id,
        registration.id,
        registration.ticket_nonce,
    )


def test_name_is_escaped(client, make_registration):
    registration = make_registration(full_name='<script>alert("x")</script> Lê Thị Hà')
    html = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Lê Thị Hà" in html


def test_wrong_secret_is_404(client, make_registration):
    registration = make_registration()
    wrong = registration.ticket_secret[:-1] + ("a" if registration.ticket_secret[-1] != "a" else "b")
    for path in (
        f"/t/{wrong}",
        f"/t/{wrong}/ticket.pdf",
        f"/t/{wrong}/qr.png",
        f"/t/{wrong}/manifest.webmanifest",
        "/t/" + "a" * 500,
    ):
        assert client.get(path).status_code == 404, path


def test_qr_png_route(client, make_registration):
    registration = make_registration()
    response = client.get(f"/t/{registration.ticket_secret}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "private" in response.headers["Cache-Control"]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.data)))
    assert decoded[0].text == signing.ticket_payload(registration)


def test_manifest_and_service_worker(client, make_registration):
    registration = make_registration()
    manifest = client.get(f"/t/{registration.ticket_secret}/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    assert manifest.json["start_url"] == f"/t/{registration.ticket_secret}"
    assert manifest.json["display"] == "standalone"
    assert registration.fair.title in manifest.json["name"]

    worker = client.get("/t/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert "no-cache" in worker.headers["Cache-Control"]
    assert 'addEventListener("fetch"' in worker.get_data(as_text=True)


def test_pdf_ticket_text_and_qr(client, make_registration, add_booth):
    registration = make_registration(full_name="Nguyễn Thị Hồng Nhung")
    add_booth(registration.fair, employer="Công ty Cổ phần May Sông Công", label="A1")

    response = client.get(f"/t/{registration.ticket_secret}/ticket.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "private" in response.headers["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 297.6) < 1 and abs(height - 419.5) < 1  # A6 portrait, in points
    text = reader.pages[0].extract_text()
    assert "Nguyễn Thị Hồng Nhung" in text
    assert registration.fair.title in text
    assert registration.fair.venue_name in text
    assert "Công ty Cổ phần May Sông Công" in text

    page = pypdfium2.PdfDocument(response.data)[0]
    image = page.render(scale=4).to_pil()
    decoded = zxingcpp.read_barcodes(image)
    assert [d.text for d in decoded] == [signing.ticket_payload(registration)]


def test_pdf_escapes_user_text(client, make_registration):
    registration = make_registration(full_name='<img src="file:///etc/passwd"> Phạm Văn Ánh')
    response = client.get(f"/t/{registration.ticket_secret}/ticket.pdf")
    assert response.status_code == 200
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert '<img src="file:///etc/passwd"> Phạm Văn Ánh' in text
