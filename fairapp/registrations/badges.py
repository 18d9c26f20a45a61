"""Badge sheets for a whole fair: A4, 8 badges a page (2 × 4) with cut marks, each with the job
seeker's name and ward, the fair's title, date and ward, and the ticket QR. One PDF.

How it stays fast (1,000 badges, 125 pages, in a few seconds on two cores):
- the layout is absolute positioning only (WeasyPrint lays flexbox out far more slowly);
- the HTML of each chunk of pages is rendered here (Jinja, translations, in the caller's app
  context) with the QR as a `qr:<payload>` placeholder; a worker process replaces each placeholder
  with a PNG data URI (fairapp.tickets.qr, 1 pixel a module, scaled by the PDF viewer without
  smoothing) and runs WeasyPrint, so QR generation is spread over the workers too;
- chunks render in parallel in a ProcessPoolExecutor (forkserver, with this module preloaded so a
  worker starts in milliseconds), and pypdf joins the parts in order. Each worker holds at most
  one chunk in memory, which keeps a process well under 250 MB.
Nothing here touches the database or the request: `collect_badges` gathers the plain data first."""

import io
import math
import multiprocessing
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template

from fairapp.pdf import STATIC_ROOT, StaticOnlyFetcher, static_file_url

BADGES_PER_PAGE = 8
CHUNK_PAGES = 25
WORKERS = 2
QR_PLACEHOLDER = re.compile(r'src="qr:([0-9A-Z.]{1,200})"')


@dataclass(frozen=True)
class Badge:
    name: str
    ward: str
    payload: str  # the signed ticket text the QR carries


@dataclass(frozen=True)
class Sheet:
    """What every badge of the fair repeats."""

    title: str
    date: str  # "12/12/2026"
    hours: str  # "07:30–11:30"
    ward: str


def page_count(badges: int) -> int:
    return math.ceil(badges / BADGES_PER_PAGE)


# --- data ------------------------------------------------------------------------------------------


def collect_badges(fair) -> tuple[Sheet, list[Badge]]:
    """Every registration of the fair as a badge, ordered by name (without diacritics) as the
    organisers hand them out."""
    from fairapp.attendees.models import Attendee, Registration
    from fairapp.extensions import db
    from fairapp.fairs.services import to_local
    from fairapp.geo.models import Ward
    from fairapp.text import fold
    from fairapp.tickets.signing import ticket_payload

    rows = db.session.execute(
        sa.select(Registration, Attendee.full_name, Ward.name)
        .join(Attendee, Registration.attendee_id == Attendee.id)
        .outerjoin(Ward, Ward.code == Attendee.ward_code)
        .where(Registration.fair_id == fair.id)
    ).all()
    badges = [
        Badge(name=name, ward=ward or "", payload=ticket_payload(registration))
        for registration, name, ward in rows
    ]
    badges.sort(key=lambda badge: (fold(badge.name), badge.name, badge.payload))
    starts, ends = to_local(fair.starts_at), to_local(fair.ends_at)
    sheet = Sheet(
        title=fair.title,
        date=starts.strftime("%d/%m/%Y"),
        hours=f"{starts:%H:%M}–{ends:%H:%M}",
        ward=fair.ward.name if fair.ward else fair.ward_code,
    )
    return sheet, badges


# --- HTML (in the caller, with the app context) -----------------------------------------------------


def chunk_html(sheet: Sheet, badges: Sequence[Badge]) -> str:
    """One HTML document for these badges, 8 a page; the QR images are still placeholders."""
    pages = [badges[start : start + BADGES_PER_PAGE] for start in range(0, len(badges), BADGES_PER_PAGE)]
    return render_template("pdf/badges.html", sheet=sheet, pages=pages, static_file_url=static_file_url)


def plan_chunks(pages: int, *, workers: int, chunk_pages: int) -> list[int]:
    """Pages per chunk: at most `chunk_pages` each, as even as possible, and a multiple of `workers`
    chunks so no worker idles at the end. [] for no pages."""
    if pages <= 0:
        return []
    count = math.ceil(pages / chunk_pages)
    if count > 1 and workers > 1:
        count = math.ceil(count / workers) * workers
    count = min(count, pages)
    base, extra = divmod(pages, count)
    return [base + (1 if index < extra else 0) for index in range(count)]


# --- PDF (in a worker process, or in the caller for small fairs) -----------------------------------


def _qr_data_uri(match: re.Match) -> str:
    from fairapp.tickets.qr import ticket_qr_data_uri

    return f'src="{ticket_qr_data_uri(match.group(1), box_size=1)}"'


def render_chunk(html: str) -> bytes:
    """The PDF of one chunk's HTML. Runs without an app context (in a worker process)."""
    from weasyprint import HTML

    html = QR_PLACEHOLDER.sub(_qr_data_uri, html)
    return HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()


def _render_in_worker(html: str) -> tuple[bytes, int, float]:
    """render_chunk, with this process's peak resident memory so far (KiB) and the CPU seconds
    the chunk took, for the benchmark."""
    import resource
    import time

    started = time.process_time()
    pdf = render_chunk(html)
    return pdf, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.process_time() - started


def join_pdfs(parts: Sequence[bytes]) -> bytes:
    if len(parts) == 1:
        return parts[0]
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _pool_context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "weasyprint", "fairapp.tickets.qr"])
    return context


def build_pdf(
    sheet: Sheet,
    badges: Sequence[Badge],
    *,
    workers: int = WORKERS,
    chunk_pages: int = CHUNK_PAGES,
    progress: Callable[[int], None] | None = None,
    stats: dict | None = None,
) -> bytes:
    """The badge PDF. `progress(pages_done)` is called as chunks finish (in the caller's thread).
    With one chunk, or `workers` ≤ 1, everything renders in this process. `stats`, if given,
    receives the chunk sizes, the worker processes' peak memory (MB) and their CPU seconds."""
    sizes = plan_chunks(page_count(len(badges)), workers=workers, chunk_pages=chunk_pages)
    if not sizes:
        raise ValueError("no badges to print")
    chunks, start = [], 0
    for pages in sizes:
        chunks.append((pages, badges[start : start + pages * BADGES_PER_PAGE]))
        start += pages * BADGES_PER_PAGE
    done = 0
    if stats is not None:
        stats.update(chunks=sizes, worker_peak_rss_mb=0.0, worker_cpu_seconds=0.0)
    if workers <= 1 or len(chunks) == 1:
        parts = []
        for pages, chunk in chunks:
            parts.append(render_chunk(chunk_html(sheet, chunk)))
            done += pages
            if progress:
                progress(done)
        return join_pdfs(parts)
    parts: list[bytes | None] = [None] * len(chunks)
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=_pool_context()) as pool:
        futures = {
            pool.submit(_render_in_worker, chunk_html(sheet, chunk)): (index, pages)
            for index, (pages, chunk) in enumerate(chunks)
        }
        for future in as_completed(futures):
            index, pages = futures[future]
            parts[index], peak_kib, cpu_seconds = future.result()
            if stats is not None:
                stats["worker_peak_rss_mb"] = max(stats["worker_peak_rss_mb"], round(peak_kib / 1024, 1))
                stats["worker_cpu_seconds"] += cpu_seconds
            done += pages
            if progress:
                progress(done)
    return join_pdfs(parts)
