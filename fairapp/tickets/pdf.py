"""The ticket as an A6 PDF to save on the phone or print: name, fair, date, venue, the QR and the
booths to visit. The QR goes in as a PNG data URI (SVG would triple WeasyPrint's time)."""

from fairapp.pdf import render_pdf_template
from fairapp.tickets import qr, services, signing

PDF_BOX_SIZE = 6  # 41+8 modules × 6 px: sharp at the 45 mm it is printed


def render_ticket(registration) -> bytes:
    payload = signing.ticket_payload(registration)
    return render_pdf_template(
        "pdf/ticket.html",
        registration=registration,
        fair=registration.fair,
        attendee=registration.attendee,
        payload=payload,
        qr_data_uri=qr.ticket_qr_data_uri(payload, box_size=PDF_BOX_SIZE),
        booths=services.booths_to_visit(registration.fair_id),
    )
