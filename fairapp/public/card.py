"""The picture a chat app shows when a fair's link is shared (og:image): 1200×630 PNG drawn with
Pillow in Be Vietnam Pro. The vendored font comes in two subsets (Vietnamese letters, Latin), so
text is drawn in runs, each character with the subset that has it."""

import io
import unicodedata
from functools import cache

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from fairapp.pdf import FONT_DIR

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BACKGROUND, ACCENT, WHITE, SOFT = "#0b5471", "#ffd166", "#ffffff", "#cfe3ec"


@cache
def _subset_font(subset: str, weight: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / f"be-vietnam-pro-{subset}-{weight}-normal.woff2"), size)


@cache
def _vietnamese_codepoints(weight: int) -> frozenset[int]:
    path = FONT_DIR / f"be-vietnam-pro-vietnamese-{weight}-normal.woff2"
    return frozenset(TTFont(str(path)).getBestCmap())


class Face:
    """Be Vietnam Pro at one weight and size, across both subsets."""

    def __init__(self, weight: int, size: int):
        self.vietnamese = _subset_font("vietnamese", weight, size)
        self.latin = _subset_font("latin", weight, size)
        self.codepoints = _vietnamese_codepoints(weight)

    def runs(self, text: str):
        run, font = "", None
        for char in unicodedata.normalize("NFC", text):
            wanted = self.vietnamese if ord(char) in self.codepoints else self.latin
            if font is not None and wanted is not font:
                yield run, font
                run = ""
            run, font = run + char, wanted
        if run:
            yield run, font

    def length(self, text: str) -> float:
        return sum(font.getlength(run) for run, font in self.runs(text))

    def draw(self, canvas: ImageDraw.ImageDraw, x: float, y: float, text: str, fill: str) -> None:
        for run, font in self.runs(text):
            canvas.text((x, y), run, font=font, fill=fill)
            x += font.getlength(run)


def wrap(text: str, face: Face, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap; the last line ends in "…" when the text does not fit."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and face.length(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words and lines:
        last = lines[-1]
        while last and face.length(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def render_card(*, kicker: str, title: str, when: str, where: str, ward: str) -> bytes:
    """The PNG bytes of a share card; every argument is already-translated, plain text."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    canvas = ImageDraw.Draw(image)
    canvas.rectangle((0, HEIGHT - 18, WIDTH, HEIGHT), fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN

    y = 64
    small, big = Face(400, 30), Face(700, 60)
    small.draw(canvas, MARGIN, y, kicker.upper(), ACCENT)
    y += 62
    for line in wrap(title, big, text_width, 3):
        big.draw(canvas, MARGIN, y, line, WHITE)
        y += 74
    y += 24
    for line, face, colour in ((when, Face(700, 38), WHITE), (where, small, SOFT), (ward, small, SOFT)):
        for part in wrap(line, face, text_width, 1):
            face.draw(canvas, MARGIN, y, part, colour)
            y += int(face.latin.size * 1.45)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
