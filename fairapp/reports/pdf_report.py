"""The official report as a PDF: templates/pdf/report.html rendered by fairapp.pdf (WeasyPrint, fonts from
static/, nothing fetched from the network; text escaped by Jinja)."""

from fairapp.pdf import render_pdf_template
from fairapp.reports.documents import Report


def report_pdf(report: Report) -> bytes:
    return render_pdf_template("pdf/report.html", report=report)
