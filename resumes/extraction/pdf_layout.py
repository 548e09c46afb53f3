"""Text of a PDF page in reading order, from pdfium's character boxes.

pdfium is ten times faster than pdfminer here, but its own text order follows the content
stream, which interleaves two-column layouts. So: characters → words → lines → segments (runs
of words separated by wide gaps); then find a vertical gutter that few lines cross and read
consecutive lines that do not cross it column by column.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from dataclasses import dataclass, field
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# A run of at least this many lines that leave the gutter free is read as columns.
MIN_COLUMN_RUN = 3
GUTTER_MIN_WIDTH = 8.0  # points
# Page numbers are layout, not content ("Page 2", "2 / 3", "- 2 -", "Page 2 of 3").
PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+\d+(?:\s*(?:of|/)\s*\d+)?|\d+\s*/\s*\d+|-\s*\d+\s*-)\s*$", re.I
)


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    bottom: float
    top: float

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 1.0)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Segment:
    words: list[Word]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass
class Line:
    words: list[Word] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    @property
    def top(self) -> float:
        return max(word.top for word in self.words)


def page_words(textpage: pdfium.PdfTextPage) -> list[Word]:
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    rect = pdfium_c.FS_RECTF()
    words: list[Word] = []
    chars: list[str] = []
    x0 = x1 = bottom = top = 0.0

    def flush() -> None:
        if chars:
            words.append(Word("".join(chars), x0, x1, bottom, top))
            chars.clear()

    for index in range(count):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if code < 32 or code in (0xA0, 0xFFFE, 0xFFFF) or chr(code).isspace():
            flush()
            continue
        if pdfium_c.FPDFText_IsGenerated(raw, index) == 1:
            flush()
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, index, ctypes.byref(rect)):
            continue
        left, right, c_top, c_bottom = rect.left, rect.right, rect.top, rect.bottom
        size = max(c_top - c_bottom, 1.0)
        if chars:
            same_line = abs(c_bottom - bottom) < 0.4 * size
            adjacent = -0.5 * size < left - x1 < 0.3 * size
            if not (same_line and adjacent):
                flush()
        if not chars:
            x0, bottom, top = left, c_bottom, c_top
        chars.append(chr(code))
        x1 = max(x1, right) if len(chars) > 1 else right
        top = max(top, c_top)
    flush()
    return words


def group_lines(words: list[Word]) -> list[Line]:
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (-w.middle, w.x0)):
        line = lines[-1] if lines else None
        if line is not None and abs(line.words[-1].middle - word.middle) < 0.45 * min(
            word.height, line.words[-1].height
        ):
            line.words.append(word)
        else:
            lines.append(Line(words=[word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
        heights = median(w.height for w in line.words)
        segments: list[Segment] = [Segment([line.words[0]])]
        for word in line.words[1:]:
            if word.x0 - segments[-1].x1 > 1.2 * heights:
                segments.append(Segment([word]))
            else:
                segments[-1].words.append(word)
        line.segments = segments
    return lines


def find_gutter(lines: list[Line], width: float) -> float | None:
    """The x of a vertical band in the middle of the page that few lines cross."""
    if len(lines) < MIN_COLUMN_RUN * 2:
        return None
    bins = int(width // 2) + 1
    cover = [0] * bins
    for line in lines:
        for segment in line.segments:
            for b in range(max(int(segment.x0 // 2), 0), min(int(segment.x1 // 2) + 1, bins)):
                cover[b] += 1
    allowed = max(2, len(lines) // 5)  # full-width headings and footers
    low, high = int(width * 0.15 // 2), int(width * 0.85 // 2)
    runs: list[tuple[int, int]] = []
    begin = None
    for b in range(low, high + 2):
        free = b <= high and cover[b] <= allowed
        if free and begin is None:
            begin = b
        elif not free and begin is not None:
            runs.append((begin, b))
            begin = None
    best: tuple[float, float] | None = None  # (width, centre)
    for begin, end in runs:
        run_width, centre = (end - begin) * 2.0, float(begin + end)
        if run_width < GUTTER_MIN_WIDTH or (best is not None and run_width <= best[0]):
            continue
        # A gutter has text on both sides (not the empty margin after short lines).
        left = sum(1 for line in lines if any(s.x1 < centre for s in line.segments))
        right = sum(1 for line in lines if any(s.x0 > centre for s in line.segments))
        if left >= MIN_COLUMN_RUN and right >= MIN_COLUMN_RUN:
            best = (run_width, centre)
    return best[1] if best is not None else None


def _is_row_layout(run: list[Line], gutter: float, width: float) -> bool:
    """Label-and-date rows ("Engineer, Acme ........ 2019 - 2021") are not columns."""
    rights = [s for line in run for s in line.segments if s.x0 > gutter]
    if not rights:
        return True
    paired = sum(
        1
        for line in run
        if any(s.x0 > gutter for s in line.segments) and any(s.x1 < gutter for s in line.segments)
    )
    narrow = max(s.x1 - s.x0 for s in rights) < 0.22 * width
    return narrow and paired >= 0.8 * len(
        [1 for line in run if any(s.x0 > gutter for s in line.segments)]
    )


def order_lines(lines: list[Line], width: float) -> list[str]:
    gutter = find_gutter(lines, width)
    if gutter is None:
        return [" ".join(s.text for s in line.segments) for line in lines]
    out: list[str] = []
    run: list[Line] = []

    def flush_run() -> None:
        if len(run) >= MIN_COLUMN_RUN and not _is_row_layout(run, gutter, width):
            left = [" ".join(s.text for s in ln.segments if s.x1 < gutter) for ln in run]
            right = [" ".join(s.text for s in ln.segments if s.x0 > gutter) for ln in run]
            out.extend(text for text in left if text)
            out.extend(text for text in right if text)
        else:
            out.extend(" ".join(s.text for s in ln.segments) for ln in run)
        run.clear()

    for line in lines:
        crosses = any(s.x0 < gutter < s.x1 for s in line.segments)
        if crosses:
            flush_run()
            out.append(" ".join(s.text for s in line.segments))
        else:
            run.append(line)
    flush_run()
    return out


def page_text(page: pdfium.PdfPage) -> str:
    width, _height = page.get_size()
    textpage = page.get_textpage()
    try:
        words = page_words(textpage)
    finally:
        textpage.close()
    if not words:
        return ""
    lines = [line for line in order_lines(group_lines(words), width) if not PAGE_NUMBER.match(line)]
    return unicodedata.normalize("NFKC", "\n".join(lines))
