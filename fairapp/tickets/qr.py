"""QR images of ticket payloads: PNG (pages, PDFs) and SVG, at error correction M, cached.

The mask pattern is fixed instead of picked by qrcode's penalty search: every mask is valid QR and
decodes the same, and the search (eight trial symbols scored in pure Python) is nine tenths of the
time an image takes. A payload of format v1 fits version 6 (41 × 41 modules)."""

import base64
import io
from functools import lru_cache

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

BORDER = 4  # the quiet zone the standard asks for, in modules
MASK_PATTERN = 2  # vertical stripes every third column: few long runs in alphanumeric data
CACHE_SIZE = 4096


@lru_cache(maxsize=CACHE_SIZE)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of the symbol for `text`, quiet zone included (True = dark)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER, mask_pattern=MASK_PATTERN)
    code.add_data(text)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def qr_version(text: str) -> int:
    return (len(qr_matrix(text)) - 2 * BORDER - 17) // 4


@lru_cache(maxsize=CACHE_SIZE)
def qr_png(text: str, *, box_size: int = 8) -> bytes:
    """A black-on-white 1-bit PNG, `box_size` pixels per module."""
    matrix = qr_matrix(text)
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (size, size), pixels)
    if box_size != 1:
        image = image.resize((size * box_size, size * box_size), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.convert("1").save(out, format="PNG", compress_level=6)
    return out.getvalue()


@lru_cache(maxsize=CACHE_SIZE)
def qr_svg(text: str) -> str:
    """An SVG with one path of unit squares, scaling to any size (viewBox in modules)."""
    matrix = qr_matrix(text)
    size = len(matrix)
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>'
    )


def ticket_qr_data_uri(text: str, *, box_size: int = 8) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(text, box_size=box_size)).decode("ascii")


def clear_cache() -> None:
    for cached in (qr_matrix, qr_png, qr_svg):
        cached.cache_clear()
